"""`python -m etl release create|list|supersede` and `python -m etl export-release`: the commands of etl.releases.

Exit 0 done (create prints the new release id alone on stdout), 1 refused (one line on stderr, nothing changed),
2 usage error.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from etl.access import AccessDenied, Actor
from etl.batches import current_user
from etl.db import open_for_reading, open_store
from etl.output import FORMATS, render
from etl.releases import PAR_LEVELS, SURVEY_KINDS, ReleaseRefused, Scope, create_release, open_correction


def _say(lang: str, vi: str, en: str) -> str:
    return vi if lang == "vi" else en


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from exc


def add_release_commands(commands, common: argparse.ArgumentParser) -> None:
    """The `release` command (create, list, supersede) and `export-release`, on etl's command parser."""
    release = commands.add_parser("release", parents=[common],
                                  help="freeze a year's figures as a release, list releases, open a correction")
    steps = release.add_subparsers(dest="release_command", required=True)
    create = steps.add_parser("create", parents=[common], help="freeze the current datasets of a year as a release")
    create.add_argument("--year", type=int, required=True)
    create.add_argument("--level", choices=PAR_LEVELS, help="PAR INDEX of provinces or ministries")
    create.add_argument("--survey", choices=SURVEY_KINDS, help="a survey's year instead of the PAR INDEX")
    create.add_argument("--title", required=True)
    create.add_argument("--decision", required=True, help="number of the decision announcing it, e.g. 123/QĐ-BNV")
    create.add_argument("--date", type=_date, help="day it was announced, YYYY-MM-DD (default today)")
    create.add_argument("--decision-date", type=_date, help="date of the decision (default: --date)")
    create.add_argument("--errata", help="what it corrects, when a release of the same year is in force")
    create.add_argument("--user", help="who releases (default: $PAR_USER or the OS user)")
    listing = steps.add_parser("list", parents=[common], help="every release with its status and batches")
    listing.add_argument("--format", choices=FORMATS, default="table")
    supersede = steps.add_parser("supersede", parents=[common],
                                 help="open the correction of a release: its data may then be replaced, and the "
                                      "next release of its year supersedes it")
    supersede.add_argument("release_id", type=int)
    supersede.add_argument("--errata", required=True, help="what is corrected, as the errata will say it")
    supersede.add_argument("--user", help="who opens the correction (default: $PAR_USER or the OS user)")
    export = commands.add_parser("export-release", parents=[common],
                                 help="write a release's open data package (CSV, Parquet, datapackage.json)")
    export.add_argument("release_id", type=int)
    export.add_argument("folder", type=Path, help="a new or empty folder")


def run_release_command(db: Path, args) -> int:
    lang = args.lang
    actor = Actor(getattr(args, "user", None) or current_user(), "admin")   # the command line, as for loads
    try:
        if args.command == "export-release":
            from etl.export_release import export_release

            with open_for_reading(db) as con:
                folder = export_release(con, args.release_id, args.folder, lang)
            print(_say(lang, f"Đã ghi gói dữ liệu mở của bản công bố {args.release_id} vào {folder}.",
                       f"Wrote the open data package of release {args.release_id} to {folder}."))
            return 0
        if args.release_command == "list":
            from metrics.releases import list_releases

            with open_for_reading(db) as con:
                print(render(list_releases(con), args.format))
            return 0
        if args.release_command == "create":
            if args.survey is None and args.level is None:
                print(_say(lang, "Lỗi cú pháp lệnh: cần --level province|ministry hoặc --survey KIND",
                           "Usage error: give --level province|ministry or --survey KIND"), file=sys.stderr)
                return 2
            if args.survey is not None and args.level not in (None, "province"):
                print(_say(lang, "Lỗi cú pháp lệnh: khảo sát được công bố theo tỉnh; bỏ --level",
                           "Usage error: surveys are released by province; leave out --level"), file=sys.stderr)
                return 2
            scope = Scope("survey", args.survey, args.year) if args.survey else Scope("par", args.level, args.year)
            with open_store(db, read_only=False) as con:
                release_id = create_release(con, scope, title=args.title, decision=args.decision,
                                            release_date=args.date, decision_date=args.decision_date,
                                            errata=args.errata, actor=actor)
            print(release_id)
            return 0
        with open_store(db, read_only=False) as con:
            scope = open_correction(con, args.release_id, args.errata, actor)
        print(_say(lang, f"Đã mở đính chính bản công bố {args.release_id}: các lô của nó được phép thay (--replace); "
                         f"bản công bố tiếp theo của {scope.label('vi')} sẽ thay thế nó.",
                   f"Opened the correction of release {args.release_id}: its batches may now be replaced (--replace); "
                   f"the next release of {scope.label('en')} supersedes it."))
        return 0
    except ReleaseRefused as exc:
        print(exc.text(lang), file=sys.stderr)
        return 1
    except AccessDenied as exc:
        print(str(exc), file=sys.stderr)
        return 1
