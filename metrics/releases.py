"""Reading releases, and seeing the store as a release shows it.

`release_view(con, selection)` makes every reader on the connection see, for each released scope (a PAR INDEX
level and year, or a survey year), exactly the batches of a release: the connection gets a temporary `batch`
table, shadowing the stored one for unqualified names, in which a batch is 'current' when the view shows it.
Every metrics query picks data through `batch.status = 'current'`, so rankings, overviews, profiles, trends,
satisfaction figures and leader proposals all follow the view without knowing about releases, and a release's
figures are the ones the working data gave when it was frozen, by construction. Scopes without a release, and
batches of no released scope (reference data, rule sets, plans), are as stored. Use it on read-only connections
(the app's and the command line's): it changes nothing stored.

Selections: 'latest' (each scope's release in force; the working data, a draft, where none exists), 'draft' (the
working data as loaded, releases ignored) or a release id (that release for its scope, and for the PAR INDEX the
previous year as it compared against; other scopes as 'latest').
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import duckdb
import pandas as pd

from etl.releases import ReleaseRefused, Scope, release_members, scope_batches, scope_of

SELECTIONS = ("latest", "draft")
# Functions that read the store's own state (batches as loaded, the audit log, role assignments) and every function
# of this module (the releases themselves): a release view does not apply to them (ui.store.fetch asks).
STORE_STATE_READERS = frozenset({"metrics.provenance.batches", "metrics.audit.audit_log",
                                 "metrics.audit.role_assignments"})


def reads_store_state(func) -> bool:
    """True for a function that must see the store as it is, never through a release view."""
    return func.__module__ == __name__ or f"{func.__module__}.{func.__qualname__}" in STORE_STATE_READERS


def parse_selection(value: object) -> str | int:
    """'latest', 'draft' or a release id (from a URL or a command line: '3', 3)."""
    if value is None or value == "":
        return "latest"
    if isinstance(value, int):
        return value
    text = str(value).strip().lower()
    if text in SELECTIONS:
        return text
    if text.isdigit():
        return int(text)
    raise ReleaseRefused(f"--release takes a release id, latest or draft, not {value!r}",
                         f"--release nhận mã bản công bố, latest hoặc draft, không phải {value!r}")


def has_releases(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM release").fetchall()[0][0] > 0


def list_releases(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every release, newest first: scope, year, title, decision, dates, status (in_force, correcting,
    superseded), the release superseding it and the errata, the one it supersedes, and its batches."""
    return con.execute("""
        SELECT r.release_id, r.scope, r.scope_key, r.year, r.title, r.decision,
               CAST(r.decision_date AS VARCHAR) AS decision_date, CAST(r.release_date AS VARCHAR) AS release_date,
               CASE WHEN c.successor_id IS NOT NULL THEN 'superseded'
                    WHEN c.release_id IS NOT NULL THEN 'correcting' ELSE 'in_force' END AS status,
               c.successor_id AS superseded_by, c.errata, c.superseded_at,
               (SELECT max(p.release_id) FROM release_correction p WHERE p.successor_id = r.release_id) AS supersedes,
               (SELECT string_agg(CAST(m.batch_id AS VARCHAR), ', ' ORDER BY m.batch_id) FROM release_batch m
                 WHERE m.release_id = r.release_id AND m.role = 'data') AS batches,
               (SELECT string_agg(CAST(m.batch_id AS VARCHAR), ', ' ORDER BY m.batch_id) FROM release_batch m
                 WHERE m.release_id = r.release_id AND m.role = 'baseline') AS baseline_batches,
               r.created_at, r.created_by
        FROM release r LEFT JOIN release_correction c ON c.release_id = r.release_id
        ORDER BY r.release_id DESC""").df()


def release_info(con: duckdb.DuckDBPyConnection, release_id: int) -> dict:
    """One release as a dict (list_releases' columns); ReleaseRefused when there is none."""
    frame = list_releases(con)
    found = frame[frame["release_id"] == release_id]
    if found.empty:
        raise ReleaseRefused(f"no release {release_id}", f"không có bản công bố {release_id}")
    return found.iloc[0].to_dict()


def _plan(con: duckdb.DuckDBPyConnection, selection: str | int) -> dict[Scope, tuple[int, str, list[int]]]:
    """For each scope the view fixes: (release id, role, batches shown)."""
    plan: dict[Scope, tuple[int, str, list[int]]] = {}
    in_force = con.execute("""
        SELECT max(r.release_id), r.scope, r.scope_key, r.year FROM release r
        LEFT JOIN release_correction c ON c.release_id = r.release_id
        WHERE c.successor_id IS NULL GROUP BY ALL""").fetchall()
    for release_id, kind, key, year in in_force:
        plan[Scope(kind, key, int(year))] = (release_id, "data", release_members(con, release_id, "data"))
    if isinstance(selection, int):
        scope = scope_of(con, selection)
        plan[scope] = (selection, "data", release_members(con, selection, "data"))
        if scope.kind == "par":
            plan[Scope("par", scope.key, scope.year - 1)] = (selection, "baseline",
                                                             release_members(con, selection, "baseline"))
    return plan


@contextmanager
def release_view(con: duckdb.DuckDBPyConnection, selection: str | int = "latest") -> Iterator[None]:
    """Within the block, the connection sees the store as `selection` shows it (see the module's note).
    Nothing is done for 'draft' or a store without releases, so working-data figures are untouched there.
    Views nest: an inner one (a release's own tables, asked for on a page showing another) gives the outer back."""
    selection = parse_selection(selection)
    if isinstance(selection, int):
        release_info(con, selection)    # an unknown id is refused, not ignored
    outer = _active_selection(con)
    _drop_view(con)
    if selection != "draft" and has_releases(con):
        _apply_view(con, selection)
    try:
        yield
    finally:
        _drop_view(con)
        if outer is not None:
            _apply_view(con, outer)


def _active_selection(con: duckdb.DuckDBPyConnection) -> str | int | None:
    if not _temp_exists(con, "release_selection"):
        return None
    return parse_selection(con.execute("SELECT selection FROM release_selection").fetchall()[0][0])


def _temp_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                       [name]).fetchall()[0][0] > 0


def _drop_view(con: duckdb.DuckDBPyConnection) -> None:
    for name in ("batch", "release_view", "release_selection"):
        con.execute(f"DROP TABLE IF EXISTS temp.main.{name}")


def _apply_view(con: duckdb.DuckDBPyConnection, selection: str | int) -> None:
    plan = _plan(con, selection)
    shown = sorted({b for _rid, _role, batches in plan.values() for b in batches})
    scoped = sorted({b for scope in plan for b in scope_batches(con, scope, current_only=False)})
    catalog = con.execute("SELECT current_database()").fetchall()[0][0].replace('"', '""')
    con.execute(f"""
        CREATE TEMP TABLE batch AS
        SELECT * REPLACE (CASE WHEN list_contains(?::INTEGER[], batch_id) THEN 'current'
                               WHEN list_contains(?::INTEGER[], batch_id) AND status = 'current' THEN 'retired'
                               ELSE status END AS status)
        FROM "{catalog}".main.batch""", [shown, scoped])
    con.execute("CREATE TEMP TABLE release_view (scope VARCHAR, scope_key VARCHAR, year INTEGER, release_id INTEGER, "
                "role VARCHAR)")
    con.executemany("INSERT INTO release_view VALUES (?, ?, ?, ?, ?)",
                    [[s.kind, s.key, s.year, rid, role] for s, (rid, role, _b) in plan.items()])
    con.execute("CREATE TEMP TABLE release_selection AS SELECT ? AS selection", [str(selection)])


def shown_release(con: duckdb.DuckDBPyConnection, kind: str, key: str, year: int) -> int | None:
    """The release whose data the connection shows for a scope (inside `release_view`), or None: working data,
    a draft, not released."""
    if not _temp_exists(con, "release_view"):
        return None
    row = con.execute("SELECT release_id FROM release_view WHERE scope = ? AND scope_key = ? AND year = ?",
                      [kind, key, int(year)]).fetchall()
    return int(row[0][0]) if row else None


def releases_of(con: duckdb.DuckDBPyConnection, kind: str, key: str, year: int) -> pd.DataFrame:
    """The releases of one scope, newest first (for a filter's options)."""
    frame = list_releases(con)
    return frame[(frame["scope"] == kind) & (frame["scope_key"] == key) & (frame["year"] == year)]


def _command_scope(args) -> tuple[str, str, int | None] | None:
    """The scope a `python -m metrics` command shows: (kind, key, year), year None for a series."""
    command = args.command
    if command in ("ranking", "overview", "leaders") and getattr(args, "level", None) in ("province", "ministry"):
        return "par", args.level, getattr(args, "year", None)
    if command == "satisfaction":
        return "survey", args.survey, args.year
    if command == "trend":
        return ("par", args.level, None) if args.measure in ("index", "rank") else ("survey", args.measure, None)
    if command == "brief":
        from metrics.briefing.build import parse_unit
        from metrics.briefing.release_line import briefing_level

        level = briefing_level(parse_unit(args.unit), args.level)
        return ("par", level, args.year) if level else None
    return None


def cli_release_note(con: duckdb.DuckDBPyConnection, args) -> str | None:
    """For `python -m metrics ... --release`: refuse (ValueError) a release of another scope than the command's;
    say on one line which release (or draft) the figures come from, when the store has releases."""
    selection = parse_selection(getattr(args, "release", None))
    scope = _command_scope(args)
    if isinstance(selection, int):
        info = release_info(con, selection)
        kind, key, year = scope or (None, None, None)
        if (info["scope"], info["scope_key"]) != (kind, key) or (year is not None and int(info["year"]) != year):
            raise ReleaseRefused(
                f"release {selection} is {Scope(info['scope'], info['scope_key'], int(info['year'])).label('en')}; "
                f"it does not fit this {args.command}",
                f"bản công bố {selection} là {Scope(info['scope'], info['scope_key'], int(info['year'])).label('vi')};"
                f" không khớp với lệnh {args.command}")
        if args.command == "overview" and args.year is None:
            args.year = int(info["year"])
    if scope is None or scope[2] is None or not has_releases(con):
        return None
    kind, key, year = scope
    shown = shown_release(con, kind, key, year)
    label = Scope(kind, key, year).label("en")
    if shown is None:
        return f"{label}: draft, not released (working data)"
    info = release_info(con, shown)
    note = f"{label}: release {shown}, {info['title']} (decision {info['decision']} of {info['decision_date']})"
    if args.command == "leaders":
        from metrics.release_figures import release_rules   # local: release_figures imports this module

        rules = release_rules(con, key, year, args.rules)
        if rules is not None:
            note += (f"\nProposed levels follow the current rule set {args.rules!r} (batch {rules['batch_id']}, saved "
                     f"{rules['saved_at']:%Y-%m-%d}): a release freezes the figures, not the rules"
                     + (f"; this rule set changed after release {shown} was made" if rules["changed_since"] else ""))
    return note
