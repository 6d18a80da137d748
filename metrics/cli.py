"""`python -m metrics SUBCOMMAND`: the numbers the pages show, as a table, CSV or JSON."""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from etl.codesystems import SYSTEMS
from etl.db import StoreError, open_for_reading
from etl.output import FORMATS, render
from etl.paths import resolve_db_path
from metrics.overview import build_overview, latest_year
from metrics.par_index import available_datasets, pick_source
from metrics.ranking import RANKING_COLUMNS, ranking_table
from metrics.units import list_units


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: $PAR_DB or data/par.duckdb)")
    common.add_argument("--format", choices=FORMATS, default="table")
    common.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of names")
    top = argparse.ArgumentParser(prog="python -m metrics", description="Print the figures the dashboard shows")
    commands = top.add_subparsers(dest="command", required=True)
    units = commands.add_parser("units", parents=[common], help="units with their lineage")
    units.add_argument("--system", choices=tuple(SYSTEMS))
    overview = commands.add_parser("overview", parents=[common], help="the overview page's figures")
    overview.add_argument("--level", choices=("province", "ministry"), default="province")
    overview.add_argument("--year", type=int, help="default: the latest year with data")
    overview.add_argument("--source", choices=("upload", "published", "demo"), help="default: upload, published, demo")
    ranking = commands.add_parser("ranking", parents=[common], help="the rankings table")
    ranking.add_argument("--level", choices=("province", "ministry"), required=True)
    ranking.add_argument("--year", type=int, required=True)
    ranking.add_argument("--source", choices=("upload", "published", "demo"), help="default: upload, published, demo")
    return top


def ranking_frame(con, level: str, year: int, source: str | None, lang: str) -> pd.DataFrame:
    """The rankings page's table: the documented columns first, then field indices."""
    chosen = pick_source(available_datasets(con, level), year, source)
    if chosen is None:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    table = ranking_table(con, level, year, chosen, lang)
    fields = [c for c in table.columns if c.startswith("field_")]
    return table[RANKING_COLUMNS + fields + ["change_basis", "complete"]].assign(source=chosen)


def overview_frame(con, level: str, year: int | None, source: str | None, lang: str) -> pd.DataFrame:
    """The overview as rows of (figure, value, detail), each naming its source dataset."""
    year = year or latest_year(con, level)
    view = build_overview(con, level, year, source) if year else None
    if view is None:
        return pd.DataFrame(columns=["figure", "value", "detail"])
    name = "name_vi" if lang == "vi" else "name_en"
    provenance = f"source={view.source}; batches={','.join(map(str, view.batch_ids))}"
    rows = [
        ("year", view.year, f"level={level}"),
        ("source", view.source, provenance),
        ("units_with_value", view.units_with_value, f"of {view.units_total} units ({view.units_listed} listed)"),
        ("average_index", view.average, f"mean of {view.units_with_value} units; {provenance}"),
    ]
    if view.published_average:
        rows.append(("published_average_index", view.published_average["value"], view.published_average["source_ref"]))
    for label, table in (("top", view.top), ("bottom", view.bottom)):
        for r in table.itertuples():
            rows.append((f"{label}", getattr(r, name), f"rank {r.rank}; index {r.index}"))
    for g in view.groups.itertuples():
        rows.append((f"group_{g.group_code}", g.units, g.label_en))
    for label, mover in (("riser", view.riser), ("faller", view.faller)):
        if mover:
            rows.append((label, mover[name], f"delta_index {mover['delta_index']}; delta_rank {mover['delta_rank']}"))
    return pd.DataFrame(rows, columns=["figure", "value", "detail"]).astype({"value": "str"})


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        with open_for_reading(resolve_db_path(args.db)) as con:
            if args.command == "units":
                frame = list_units(con, args.system, args.lang)
            elif args.command == "ranking":
                frame = ranking_frame(con, args.level, args.year, args.source, args.lang)
            else:
                frame = overview_frame(con, args.level, args.year, args.source, args.lang)
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return 1
    print(render(frame, args.format))
    return 0
