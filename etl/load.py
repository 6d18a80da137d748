"""Loading one file of one kind: read, validate against the store, then write it all or nothing."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable

from etl.access import Actor
from etl.batches import DatasetExists, batch_transaction, file_sha256
from etl.db import first_row, open_store
from etl.loaders import PLANNED_KINDS, registry
from etl.problems import LoadRejected, LoadResult, Problem
from etl.readers import ReadProblem, read_table
from etl.tabular import Sheet

DEFAULT_MAX_BYTES = 200 * 1024 * 1024
# Rows written beside the data that do not count as the batch's rows (units a load creates, field indices).
UNCOUNTED_TABLES = {"unit", "unit_name", "par_field_index"}


class KindNotAvailable(Exception):
    """The kind is named by the command line but its loader is not part of this version."""


def _from_read_problem(exc: ReadProblem) -> Problem:
    return Problem(exc.file, exc.row, exc.column, exc.value, exc.message_en, exc.message_vi)


def load_file(
    db_path: Path,
    kind: str,
    path: Path,
    *,
    display_name: str | None = None,
    source: str = "upload",
    user: str | None = None,
    options: dict | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    wait_seconds: float | None = None,
    progress: Callable[[float, str], None] | None = None,
    actor: Actor | None = None,
) -> LoadResult:
    """Load `path` as `kind`. Raises LoadRejected (nothing written) with every problem found,
    OptionError for options that do not fit the kind, KindNotAvailable for an unknown kind.
    `progress(fraction, step)` hears how a large load advances (kinds staged in the database only).
    `actor` is who loads (default: the local command-line user); a viewer is refused before any work."""
    if actor is not None:
        actor.require("load")
    specs = registry()
    if kind not in specs:
        if kind in PLANNED_KINDS:
            raise KindNotAvailable(f"loading '{kind}' ({PLANNED_KINDS[kind]}) is not available in this version yet")
        raise KindNotAvailable(f"unknown kind '{kind}'; choose one of: {', '.join(sorted(specs))}")
    spec = specs[kind]
    options = spec.check_options(dict(options or {}))
    name = display_name or Path(path).name
    if spec.stage is not None:
        return _load_in_database(db_path, spec, Path(path), name, source=source, user=user, actor=actor, options=options,
                                 max_bytes=max_bytes, wait_seconds=wait_seconds, progress=progress)
    expected = [alias for column in spec.columns for alias in column.aliases[:1]]
    try:
        table = read_table(path, display_name=name, expected_headers=expected, max_bytes=max_bytes,
                           sheet=options.get("sheet"))
    except ReadProblem as exc:
        raise LoadRejected([_from_read_problem(exc)]) from exc
    digest = file_sha256(Path(path))
    with open_store(db_path, read_only=False, wait_seconds=wait_seconds) as con:
        sheet = Sheet(table, name, spec.columns, spec.dynamic(con, options) if spec.dynamic else None)
        if any(p.severity == "error" for p in sheet.problems):
            raise LoadRejected(sheet.problems)
        same = first_row(con, "SELECT batch_id FROM batch WHERE kind = ? AND sha256 = ? AND status = 'current'",
                         [kind, digest])
        if same:
            raise LoadRejected([Problem(
                name, None, None, None,
                f"this file was already loaded as batch {same[0]}; remove that batch first to load it again",
                f"tệp này đã được nạp (lô {same[0]}); hãy gỡ lô đó trước nếu muốn nạp lại")])
        frames, problems = spec.validate(con, sheet, options)
        problems = sheet.problems + problems
        if any(p.severity == "error" for p in problems):
            raise LoadRejected(problems)
        key = spec.dataset_key({**options, "source": source})
        try:
            with batch_transaction(con, kind=kind, source=source, file_name=name, sha256=digest, user=user, actor=actor,
                                   dataset_key=key, replace=bool(options.get("replace"))) as writer:
                for table_name, frame in frames.items():
                    writer.insert(table_name, frame, count=table_name not in UNCOUNTED_TABLES)
        except DatasetExists as exc:
            raise LoadRejected([Problem(
                name, None, None, None,
                f"{exc.dataset_key} is already loaded as batch {exc.batch_id}; load with --replace to replace it "
                "(the earlier batch is kept and comes back if you remove the new one)",
                f"{exc.dataset_key} đã có (lô {exc.batch_id}); nạp với --replace để thay thế "
                "(lô cũ được giữ lại và trở lại nếu gỡ lô mới)")]) from exc
        return LoadResult(writer.batch_id, kind, writer.rows, name, [p for p in problems if p.severity == "warning"],
                          writer.replaced_batch_id)


def _load_in_database(db_path: Path, spec, path: Path, name: str, *, source: str, user: str | None,
                      actor: Actor | None, options: dict,
                      max_bytes: int, wait_seconds: float | None, progress) -> LoadResult:
    """A kind staged and checked inside the database (surveys), then written in one batch transaction."""
    digest = file_sha256(path)
    with open_store(db_path, read_only=False, wait_seconds=wait_seconds) as con, \
            tempfile.TemporaryDirectory(prefix="par-load-") as work:
        staged = spec.stage(con, path, name, options, sha256=digest, source=source, max_bytes=max_bytes,
                            workdir=Path(work), progress=progress)
        with batch_transaction(con, kind=spec.kind, source=source, file_name=name, sha256=digest, user=user,
                               actor=actor, dataset_key=spec.dataset_key({**options, "source": source}),
                               note=staged.note) as writer:
            staged.write(writer)
        return staged.finish(writer)
