"""`python -m etl`: build, load, list and remove batches. Exit 0 done, 1 refused, 2 usage error."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from etl.access import local_actor, write_audit
from etl.batches import BatchNotFound, list_batches, remove_batch
from etl.db import StoreError, open_for_reading, open_store
from etl.limits import parse_max_mb
from etl.load import DEFAULT_MAX_BYTES, KindNotAvailable, load_file, remove_stale_work_dirs
from etl.loaders import ALL_KINDS, SURVEY_KINDS, OptionError
from etl.output import FORMATS, render
from etl.paths import resolve_db_path
from etl.problems import LoadRejected, format_report
from etl.release_cli import add_release_commands, run_release_command
from etl.releases import ReleaseRefused

# Modules only some commands need are imported by those commands: a load (the command run most, on files of a
# million rows) does not wait for the demo generator, pyarrow or the Parquet export to import.


def _say(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: $PAR_DB or data/par.duckdb)")
    common.add_argument("--lang", choices=("vi", "en"), default=os.environ.get("PAR_LANG", "vi"),
                        help="language of messages (default vi)")
    top = argparse.ArgumentParser(prog="python -m etl", description="PAR INDEX store: build, load, batches, remove")
    commands = top.add_subparsers(dest="command", required=True)

    b = commands.add_parser("build", parents=[common], help="build or rebuild the database from data/")
    b.add_argument("--no-demo", action="store_true", help="leave out the synthetic demo data")
    b.add_argument("--seed", type=int, default=None, help="seed of the demo generator")
    b.add_argument("--force", action="store_true",
                   help="rebuild even when the store holds releases (they are dropped; the audit log names them)")

    ld = commands.add_parser("load", parents=[common], help="load one file as one batch")
    ld.add_argument("kind", choices=ALL_KINDS)
    ld.add_argument("file", type=Path)
    ld.add_argument("--user", help="who loads (default: $PAR_USER or the OS user)")
    ld.add_argument("--sheet", help="Excel sheet name or 0-based number (default: the first)")
    ld.add_argument("--year", type=int,
                    help="year assessed (PAR INDEX, required) or surveyed (surveys: else the file's year or "
                         "survey_date column)")
    ld.add_argument("--max-mb", default=None, metavar="MB",
                    help=f"refuse files larger than this many MB (default {DEFAULT_MAX_BYTES // 2**20}); "
                         "other limits on the work a file makes are in etl/limits.py")
    par = ld.add_argument_group("PAR INDEX (par-scores, par-totals)")
    par.add_argument("--level", choices=("province", "ministry", "department", "district", "commune"))
    par.add_argument("--parent", help="SYSTEM:CODE of the province or ministry whose own units these are")
    par.add_argument("--framework", help="criteria framework id (default: the one in force for the year)")
    par.add_argument("--stage", choices=("appraised", "self"), help="appraised (default) or self-assessment")
    par.add_argument("--allow-incomplete", action="store_true", help="accept units with missing criteria")
    par.add_argument("--create-units", action="store_true", help="register unknown local units from the file")
    par.add_argument("--replace", action="store_true", help="replace the current uploaded dataset of that key")
    survey = ld.add_argument_group("surveys (sipas, health, education)")
    survey.add_argument("--keep-valid", action="store_true",
                        help="load the valid rows; keep the refused ones with their reasons in survey_quarantine")
    survey.add_argument("--replace-batch", type=int, metavar="BATCH_ID",
                        help="put this file in place of an earlier batch of the same survey, in one transaction")

    ls = commands.add_parser("batches", parents=[common], help="list batches with their provenance")
    ls.add_argument("--format", choices=FORMATS, default="table")

    rm = commands.add_parser("remove", parents=[common], help="undo one load")
    rm.add_argument("batch_id", type=int)
    bk = commands.add_parser("backup", parents=[common], help="write a consistent snapshot (Parquet per table)")
    bk.add_argument("folder", type=Path)
    rs = commands.add_parser("restore", parents=[common], help="rebuild a database file from a backup folder")
    rs.add_argument("folder", type=Path)
    rs.add_argument("--replacing", type=Path, metavar="PATH",
                    help="the store the restored file is to replace, whose releases the backup must hold "
                         "(default: $PAR_DB or data/par.duckdb)")
    rs.add_argument("--force", action="store_true",
                    help="restore even when the backup lacks releases of that store (the audit log names them)")
    xp = commands.add_parser("export-parquet", parents=[common],
                             help="current survey data and statistics as a Parquet dataset (survey/year/batch)")
    xp.add_argument("folder", type=Path)
    xp.add_argument("--survey", choices=SURVEY_KINDS)
    xp.add_argument("--year", type=int)
    add_release_commands(commands, common)
    return top


def main(argv: list[str] | None = None) -> int:
    remove_stale_work_dirs()  # what killed loads left in the temp folder
    args = parser().parse_args(argv)
    db = resolve_db_path(args.db)
    lang = args.lang
    try:
        if args.command == "build":
            return _build(db, args)
        if args.command == "load":
            return _load(db, args)
        if args.command == "batches":
            with open_store(db, read_only=False) as con:
                frame = list_batches(con)
            print(render(frame, args.format))
            return 0
        if args.command == "remove":
            with open_store(db, read_only=False) as con:
                restored = remove_batch(con, args.batch_id)
            message = _say(lang, f"Đã gỡ lô {args.batch_id}.", f"Removed batch {args.batch_id}.")
            if restored:
                message += _say(lang, f" Lô {restored} trở lại là dữ liệu hiện hành.",
                                f" Batch {restored} is current again.")
            print(message)
            return 0
        if args.command == "backup":
            from etl.backup import backup

            folder = backup(db, args.folder)
            print(_say(lang, f"Đã sao lưu {db} vào {folder}.", f"Backed up {db} to {folder}."))
            return 0
        if args.command in ("release", "export-release"):
            return run_release_command(db, args)
        if args.command == "export-parquet":
            return _export_parquet(db, args)
        if args.command == "restore":
            from etl.backup import restore
            from etl.release_guard import RestoreGuard

            replacing = args.replacing or resolve_db_path(None)      # the live store, unless named
            guard = RestoreGuard(None if replacing.resolve() == db.resolve() else replacing, force=args.force)
            restored_db = restore(args.folder, db, vet=guard)
            with open_store(restored_db, read_only=False) as con:   # applies any newer migrations
                write_audit(con, local_actor(), "restore", detail=f"from {args.folder}")
                guard.record(con, args.folder)
            print(_say(lang, f"Đã khôi phục {restored_db} từ {args.folder}.", f"Restored {restored_db} from {args.folder}."))
            return 0
    except (FileExistsError, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except StoreError as exc:
        print(_say(lang, f"Lỗi cơ sở dữ liệu: {exc}", f"Database error: {exc}"), file=sys.stderr)
        return 1
    except (BatchNotFound, ValueError) as exc:
        print(exc.text(lang) if isinstance(exc, ReleaseRefused) else str(exc), file=sys.stderr)
        return 1
    return 2


_SOURCES = {"published": "công bố", "upload": "tải lên", "demo": "mô phỏng", "reference": "tham chiếu"}


def _export_parquet(db: Path, args) -> int:
    """`etl export-parquet`: read-only on the store; one line on stdout, or one on stderr and exit 1."""
    from etl.survey_stats.parquet import NothingToExport, export_dataset

    try:
        with open_for_reading(db) as con:
            manifest = export_dataset(con, args.folder, survey=args.survey, year=args.year)
    except NothingToExport:
        scope = " ".join(str(v) for v in (args.survey, args.year) if v is not None)
        print(_say(args.lang, f"Không có lô khảo sát hiện hành nào{' ' + scope if scope else ''}; không ghi gì.",
                   f"No current survey batch{' of ' + scope if scope else ''}; nothing was written."), file=sys.stderr)
        return 1
    except FileExistsError:
        print(_say(args.lang, f"Thư mục {args.folder} đã có dữ liệu; hãy chọn thư mục mới hoặc thư mục trống.",
                   f"Folder {args.folder} is not empty; choose a new or empty folder."), file=sys.stderr)
        return 1
    sources = sorted({b["source"] for b in manifest["batches"]})
    batches, respondents = len(manifest["batches"]), manifest["tables"]["respondents"]
    print(_say(args.lang,
               f"Đã xuất {batches} lô khảo sát ({respondents} người trả lời, nguồn: "
               f"{', '.join(_SOURCES.get(s, s) for s in sources)}) và thống kê của chúng ra {args.folder} "
               "(Parquet, phân vùng survey/year/batch).",
               f"Exported {batches} survey batch(es) ({respondents} respondents, source: {', '.join(sources)}) and "
               f"their statistics to {args.folder} (Parquet, partitioned by survey/year/batch)."))
    return 0


def _build(db: Path, args) -> int:
    from etl.build import build
    from etl.demo import DEFAULT_SEED

    def progress(fraction: float, step: str) -> None:
        print(f"[{fraction:4.0%}] {step}", file=sys.stderr)

    seed = DEFAULT_SEED if args.seed is None else args.seed
    steps = build(db, demo=not args.no_demo, seed=seed, progress=progress, force=args.force)
    demo_rows = sum(steps.get("demo", {}).values())
    print(_say(args.lang,
               f"Đã xây dựng {db}: dữ liệu tham chiếu, kết quả công bố"
               + (f", dữ liệu mô phỏng ({demo_rows} dòng)" if demo_rows else ", không có dữ liệu mô phỏng"),
               f"Built {db}: reference data, published results"
               + (f", demo data ({demo_rows} rows)" if demo_rows else ", no demo data")))
    return 0


SURVEY_OPTIONS = ("keep_valid", "replace_batch")
_STEPS = {"detecting": "nhận dạng tệp", "transcoding": "chuyển mã sang UTF-8", "reading": "đọc tệp",
          "checking": "kiểm tra", "writing": "ghi dữ liệu", "done": "xong"}
_BREAKDOWN = {"province": ("Số người trả lời theo tỉnh", "Respondents per province"),
              "hospital": ("Số người trả lời theo bệnh viện", "Respondents per hospital"),
              "school": ("Số người trả lời theo trường", "Respondents per school")}
BREAKDOWN_LINES = 70  # all 63 (or 34) provinces; a long list of schools is cut
PROGRESS_MIN_BYTES = 5 * 2**20


def _progress(lang: str, path: Path):
    """Steps of a large load on stderr, only when a person watches a terminal."""
    if not sys.stderr.isatty() or path.stat().st_size < PROGRESS_MIN_BYTES:
        return None

    def show(fraction: float, step: str) -> None:
        print(f"[{fraction:4.0%}] {_STEPS.get(step, step) if lang == 'vi' else step}", file=sys.stderr, flush=True)
    return show


def _load(db: Path, args) -> int:
    if not args.file.is_file():
        print(_say(args.lang, f"Không tìm thấy tệp: {args.file}", f"File not found: {args.file}"), file=sys.stderr)
        return 2
    options = {name: getattr(args, name) for name in ("year", "level", "parent", "framework", "stage",
                                                      "allow_incomplete", "create_units", "replace")}
    if args.kind in SURVEY_KINDS:
        options.update({name: getattr(args, name) for name in SURVEY_OPTIONS})
    elif args.keep_valid or args.replace_batch is not None:
        print(_say(args.lang, "Lỗi cú pháp lệnh: --keep-valid và --replace-batch chỉ dùng cho sipas, health, education",
                   "Usage error: --keep-valid and --replace-batch are for sipas, health and education only"),
              file=sys.stderr)
        return 2
    if args.sheet is not None:
        options["sheet"] = int(args.sheet) if args.sheet.isdigit() else args.sheet
    try:
        max_bytes = DEFAULT_MAX_BYTES if args.max_mb is None else parse_max_mb(args.max_mb)
    except ValueError as exc:
        print(_say(args.lang, f"Lỗi cú pháp lệnh: --max-mb phải là số megabyte lớn hơn 0 (không phải {args.max_mb!r})",
                   f"Usage error: {exc}"), file=sys.stderr)
        return 2
    _exit_cleanly_on_sigterm()
    try:
        result = load_file(db, args.kind, args.file, user=args.user, options=options,
                           max_bytes=max_bytes, progress=_progress(args.lang, args.file))
    except (KindNotAvailable, OptionError) as exc:
        print(_say(args.lang, f"Lỗi cú pháp lệnh: {exc}", f"Usage error: {exc}"), file=sys.stderr)
        return 2
    except LoadRejected as exc:
        print(format_report(exc.problems, args.lang), file=sys.stderr)
        errors = sum(p.severity == "error" for p in exc.problems)
        print(_say(args.lang, f"Từ chối: {errors} lỗi; cơ sở dữ liệu không thay đổi.",
                   f"Rejected: {errors} error(s); the database is unchanged."), file=sys.stderr)
        return 1
    if result.replaced_batch_id:
        print(_say(args.lang, f"Lô {result.replaced_batch_id} được thay thế (vẫn lưu, khôi phục được).",
                   f"Batch {result.replaced_batch_id} replaced (kept; restorable)."), file=sys.stderr)
    if result.warnings:
        print(format_report(result.warnings, args.lang), file=sys.stderr)
    rejected = getattr(result, "rejected", 0)
    refused = _say(args.lang, f", {rejected} dòng bị từ chối (lưu trong survey_quarantine)",
                   f", {rejected} row(s) refused (kept in survey_quarantine)") if rejected else ""
    print(_say(args.lang,
               f"Đã nạp lô {result.batch_id} ({result.kind}): {result.rows} dòng từ {result.file_name}"
               f"{refused}, {len(result.warnings)} cảnh báo",
               f"Loaded batch {result.batch_id} ({result.kind}): {result.rows} rows from {result.file_name}"
               f"{refused}, {len(result.warnings)} warning(s)"))
    _print_breakdown(result, args.lang)
    return 0


def _exit_cleanly_on_sigterm() -> None:
    """SIGTERM (a stopped service, a timeout) ends the load through `finally`: the work folder goes, the
    transaction rolls back. SIGKILL cannot be caught: the next start removes that folder."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))


def _print_breakdown(result, lang: str) -> None:
    """After the summary line, on stderr (stdout stays one line for scripts): respondents per unit."""
    rows = getattr(result, "breakdown", None)
    if not rows:
        return

    def number(n: int) -> str:
        return f"{n:,}".replace(",", ".") if lang == "vi" else f"{n:,}"

    sys.stdout.flush()
    vi, en = _BREAKDOWN[result.breakdown_of]
    lines = [f"{_say(lang, vi, en)} ({_say(lang, 'đã nạp', 'loaded')} {number(result.rows)}, "
             f"{_say(lang, 'từ chối', 'refused')} {number(getattr(result, 'rejected', 0))}):"]
    shown = rows[:BREAKDOWN_LINES]
    width = max(len(label) for label, _n in shown)
    lines += [f"  {label:<{width}} {number(n):>10}" for label, n in shown]
    if len(rows) > BREAKDOWN_LINES:
        rest = number(sum(n for _label, n in rows[BREAKDOWN_LINES:]))
        lines.append(_say(lang, f"  … và {len(rows) - BREAKDOWN_LINES} đơn vị khác ({rest})",
                          f"  … and {len(rows) - BREAKDOWN_LINES} more ({rest})"))
    print("\n".join(lines), file=sys.stderr)
