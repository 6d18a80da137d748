"""`python -m metrics SUBCOMMAND`: the numbers the pages show, as a table, CSV or JSON."""
from __future__ import annotations

import argparse
from datetime import date
import sys

import pandas as pd

from etl.codesystems import SYSTEMS
from etl.db import StoreError, open_for_reading
from etl.output import FORMATS, SATISFACTION_DECIMALS, fixed_point, render
from etl.paths import resolve_db_path
from etl.loaders.par_common import local_system
from metrics.compliance import compliance
from metrics.leaders import leader_proposals, proposal_release
from metrics.releases import cli_release_note, release_view
from metrics.overview import build_overview, latest_year
from metrics.projects import project_status
from metrics.trend import MEASURES, WEIGHTINGS, level_of, trend
from metrics.par_index import SourceUnavailable, available_datasets, require_source
from metrics.ranking import RANKING_COLUMNS, ranking_table
from metrics.satisfaction import (SURVEYS, item_table, parse_unit, published_sipas, satisfaction_table,
                                  survey_datasets)
from metrics.units import list_units
from metrics.briefing.cli import add_parser as add_brief_parser, run as brief_run
from metrics import uncertainty


def parser() -> argparse.ArgumentParser:
    release = argparse.ArgumentParser(add_help=False)    # every command's, the briefing's too
    release.add_argument("--release", default="latest",
                         help="ID of a release, latest (default: each year's release in force, else working data) or "
                              "draft (working data as loaded)")
    common = argparse.ArgumentParser(add_help=False, parents=[release])
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
    ranking.add_argument("--uncertainty", action="store_true",
                         help="add rank_median, rank_low, rank_high (90 %% of the draws), the sampling basis, the "
                              "points it moves (a province's SIPAS points only) and each source's share of the rank "
                              "variance (Monte Carlo; see metrics/uncertainty/__init__.py)")
    ranking.add_argument("--draws", type=int, default=uncertainty.DEFAULT_DRAWS, help="draws (default 1000)")
    ranking.add_argument("--seed", type=int, default=uncertainty.DEFAULT_SEED, help="random seed (reproducible)")
    ranking.add_argument("--weight-range", type=float, default=uncertainty.DEFAULT_WEIGHT_RANGE,
                         help="each weight x U(1-r, 1+r) (default 0.25)")
    ranking.add_argument("--alt-probability", type=float, default=uncertainty.DEFAULT_ALT_PROBABILITY,
                         help="probability of the geometric mean instead of the official sum (default 0.5)")
    ranking.add_argument("--survey-se", metavar="CSV",
                         help="stated standard errors, in points of the sampled part (a province's SIPAS "
                              "points, a ministry's survey points): code_system,code,survey_se")
    satisfaction = commands.add_parser("satisfaction", parents=[common],
                                       help="satisfaction estimates with 95 %% intervals (SIPAS, health, education)")
    satisfaction.add_argument("--survey", choices=SURVEYS, required=True)
    satisfaction.add_argument("--year", type=int, required=True)
    satisfaction.add_argument("--by", choices=("unit", "dimension", "item"), default="unit",
                              help="finest breakdown: one row per unit, per unit and dimension, or per unit and item")
    satisfaction.add_argument("--unit", help="keep one unit: vn63:22 (its hospitals or schools for health and "
                                             "education), hospital:ID or school:ID")
    satisfaction.add_argument("--source", choices=("upload", "demo"), help="default: upload, then demo")
    projects = commands.add_parser("projects", parents=[common], help="the 16 national projects' status")
    projects.add_argument("--as-of", type=_date, default=date.today(), help="reference date YYYY-MM-DD (default today)")
    compliance = commands.add_parser("compliance", parents=[common], help="annual plans and reports on time")
    compliance.add_argument("--year", type=int, required=True)
    compliance.add_argument("--level", choices=("province", "ministry"), default="province")
    compliance.add_argument("--as-of", type=_date, default=date.today(), help="reference date YYYY-MM-DD (default today)")
    leaders = commands.add_parser("leaders", parents=[common], help="unit heads' proposed levels under a rule set")
    leaders.add_argument("--level", choices=("province", "ministry", "department", "district", "commune"), required=True)
    leaders.add_argument("--parent", help="SYSTEM:CODE of the province or ministry whose own units are evaluated")
    leaders.add_argument("--year", type=int, required=True)
    leaders.add_argument("--rules", required=True, help="rule set name (e.g. default, quang-ngai-2018)")
    leaders.add_argument("--source", choices=("upload", "published", "demo"), help="default: upload, published, demo")
    trend = commands.add_parser("trend", parents=[common], help="series over years across the 2025 reorganisation")
    trend.add_argument("--level", choices=("province", "ministry"), required=True)
    trend.add_argument("--system", choices=tuple(SYSTEMS), required=True)
    trend.add_argument("--from", dest="first", type=int, required=True)
    trend.add_argument("--to", dest="last", type=int, required=True)
    trend.add_argument("--measure", choices=MEASURES, default="index")
    trend.add_argument("--weighting", choices=WEIGHTINGS, default="equal")
    trend.add_argument("--source", choices=("upload", "published", "demo"),
                       help="default per year: upload, published, demo (each point names its source); "
                            "published SIPAS is MoHA's published index per province")
    add_brief_parser(commands, parents=[release])
    return top


def _date(text: str) -> date:
    return date.fromisoformat(text)


def leaders_frame(con, level: str, year: int, rules: str, source: str | None, lang: str,
                  parent: str | None = None) -> pd.DataFrame:
    """Each unit head's proposed level with the rules that fired; provisional when data was missing."""
    if (level in ("department", "district", "commune")) != bool(parent):
        raise ValueError("--parent SYSTEM:CODE goes with --level department, district or commune (and only then)")
    system = local_system(parent, level) if parent else None
    proposals, chosen = leader_proposals(con, level, year, rules, source, system)
    if proposals.empty:
        return pd.DataFrame(columns=["code_system", "code", "name", "index", "rank", "group", "proposed_level", "reasons"])
    suffix = "_vi" if lang == "vi" else ""
    out = proposals.assign(name=proposals["name" if lang == "vi" else "name_en"],
                           reasons=proposals[f"reasons{suffix}"], missing=proposals[f"missing{suffix}"],
                           flags=proposals[f"flags{suffix}"], source=chosen, rules=rules,
                           release_id=pd.array([proposal_release(con, level, year, system)] * len(proposals),
                                               dtype="Int64"))
    return out[["code_system", "code", "name", "index", "rank", "group", "proposed_level", "provisional", "reasons",
                "missing", "flags", "previous_level", "source", "rules", "release_id"]]


def ranking_frame(con, level: str, year: int, source: str | None, lang: str) -> pd.DataFrame:
    """The rankings page's table: the documented columns first, then field indices, then how each rank and
    change was obtained and what the dataset covers. A requested source without data raises SourceUnavailable."""
    chosen = require_source(available_datasets(con, level), year, source, f"{level} {year}")
    if chosen is None:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    table = ranking_table(con, level, year, chosen, lang)
    fields = [c for c in table.columns if c.startswith("field_")]
    return table[RANKING_COLUMNS + fields + ["rank_basis", "change_basis", "complete", "units_covered",
                                             "units_total"]].assign(source=chosen)


def overview_frame(con, level: str, year: int | None, source: str | None, lang: str) -> pd.DataFrame:
    """The overview as rows of (figure, value, detail), each naming its source dataset."""
    year = year or latest_year(con, level)
    view = build_overview(con, level, year, source) if year else None
    if view is None:
        return pd.DataFrame(columns=["figure", "value", "detail"])
    name = "name_vi" if lang == "vi" else "name_en"
    provenance = f"source={view.source}; batches={','.join(map(str, view.batch_ids))}"
    coverage = f"{view.units_with_value} of {view.units_total} units"
    rows = [
        ("year", view.year, f"level={level}"),
        ("source", view.source, provenance),
        ("units_with_value", view.units_with_value, f"of {view.units_total} units ({view.units_listed} listed)"),
        ("average_index", _two(view.average), f"mean of {coverage}; {provenance}"),
    ]
    if view.published_average:
        rows.append(("published_average_index", _two(view.published_average["value"]),
                     f"published; {view.published_average['source_ref']}"))
    for label, table in (("top", view.top), ("bottom", view.bottom)):
        for r in table.itertuples():
            rows.append((f"{label}", getattr(r, name), f"rank {r.rank} ({r.rank_basis}) of {view.units_total}; "
                                                        f"index {_two(r.index) or 'not published'}"))
    if view.ranks_basis is None:
        rows.append(("top", "", f"not published; {coverage} listed"))
    for g in view.groups.itertuples():
        if pd.notna(g.units):
            rows.append((f"group_{g.group_code}", int(g.units), f"{g.label_en}; {view.groups_basis}"))
    if view.groups_basis is None:
        rows.append(("groups", "", f"not published; {coverage} listed"))
    for label, mover in (("riser", view.riser), ("faller", view.faller)):
        if mover:
            rank_change = "" if pd.isna(mover["delta_rank"]) else f"; delta_rank {int(mover['delta_rank'])}"
            rows.append((label, mover[name], f"delta_index {_two(mover['delta_index'])}{rank_change}; "
                                             f"{view.movers_basis}"))
        elif view.movers_basis is None or label == "faller":
            rows.append((label, "", "not published" if view.movers_basis != "computed" else "none"))
    for fact in view.release_facts.itertuples():
        rows.append(("published", fact.metric, f"{fact.value}; {fact.source_ref}"))
    return pd.DataFrame(rows, columns=["figure", "value", "detail"]).astype({"value": "str"})


def _two(value) -> str | None:
    """A figure as the pages print it: 2 decimals, half-up."""
    return fixed_point(value, 2)


SATISFACTION_COLUMNS = ["code_system", "code", "name", "dimension", "item", "n_respondents", "pct_satisfied",
                        "pct_ci_low", "pct_ci_high", "mean_score", "flag", "mean_ci_low", "mean_ci_high", "deff", "rse",
                        "reason", "label", "form", "source", "design", "df", "units_covered", "units_total"]


def satisfaction_frame(con, survey: str, year: int, by: str, unit: str | None, source: str | None,
                       lang: str) -> pd.DataFrame:
    """The satisfaction figures, one row per unit (and dimension or item): national rows have an empty code;
    health and education units are provinces, or a province's hospitals or schools when --unit names it."""
    scope = parse_unit(unit, survey)
    level = "province" if survey == "sipas" or scope.kind == "national" else "facility"
    suffix = "vi" if lang == "vi" else "en"
    if by == "item":
        table = item_table(con, survey, year, level=level, unit=unit, source=source)
        frame = table.assign(name=table[f"name_{suffix}"], dimension=table["dimension_code"],
                             item=table["item_code"], label=table[f"wording_{suffix}"])
    else:
        # The Ministry of Health reports each form: health rows come per form, then the pooled margin (form
        # 'pooled').
        per_form = survey == "health"
        table = satisfaction_table(con, survey, year, level=level, unit=unit, source=source,
                                   breakdown=("form",) if per_form else ())
        kinds = ("overall",) if by == "unit" else ("overall", "dimension")
        table = table[table["set_kind"].isin(kinds)]
        form = table["instrument_id"].fillna("pooled") if per_form else table["forms"]
        frame = table.assign(name=table[f"name_{suffix}"], dimension=table["set_code"], item="",
                             label=table[f"set_{suffix}"], form=form)
    columns = list(SATISFACTION_COLUMNS)
    if survey == "sipas" and by != "item" and len(frame):
        # The overall two ways (pooled items; plain mean of the five elements) and the published index beside.
        published = published_sipas(con, year)["provinces"][["code_system", "code", "sipas_pct"]]
        frame = frame.merge(published.rename(columns={"sipas_pct": "published_pct"}), on=["code_system", "code"],
                            how="left")
        frame.loc[frame["dimension"] != "", "published_pct"] = float("nan")
        columns += ["pct_elements_mean", "elements_ci_low", "elements_ci_high", "published_pct"]
    frame = frame[columns].copy()
    for column, digits in SATISFACTION_DECIMALS.items():
        if column in frame:
            frame[column] = frame[column].astype("float64").round(digits)
    return frame.reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "brief":             # writes a document, not a table (metrics/briefing/cli.py)
        return brief_run(args)
    try:
        with open_for_reading(resolve_db_path(args.db)) as con, release_view(con, args.release):
            note = cli_release_note(con, args)      # which release the figures come from (or draft)
            if note:
                print(note, file=sys.stderr)
            if args.command == "units":
                frame = list_units(con, args.system, args.lang)
            elif args.command == "ranking":
                frame = ranking_frame(con, args.level, args.year, args.source, args.lang)
                if len(frame):
                    covered, total = int(frame["units_covered"].iloc[0]), int(frame["units_total"].iloc[0])
                    if covered < total:
                        print(f"{frame['source'].iloc[0]} {args.level} {args.year}: {covered} of {total} units have a "
                              "value; ranks as the table states them, 'not published' otherwise", file=sys.stderr)
                if args.uncertainty:
                    frame = _with_uncertainty(con, frame, args)
            elif args.command == "satisfaction":
                _require_survey_source(con, args.survey, args.year, args.source)
                frame = satisfaction_frame(con, args.survey, args.year, args.by, args.unit, args.source, args.lang)
                if frame.empty:
                    print(f"No {args.survey} answers for {args.year}"
                          f"{' from ' + args.source if args.source else ''}{' in ' + args.unit if args.unit else ''}.",
                          file=sys.stderr)
            elif args.command == "projects":
                frame = project_status(con, args.as_of)
            elif args.command == "compliance":
                frame = compliance(con, args.year, args.as_of, args.level)
            elif args.command == "leaders":
                frame = leaders_frame(con, args.level, args.year, args.rules, args.source, args.lang, args.parent)
            elif args.command == "trend":
                if level_of(args.system) != args.level:
                    raise ValueError(f"--system {args.system} is not a {args.level} code system")
                frame = trend(con, args.system, args.first, args.last, args.measure, args.weighting, args.source)
                if args.source and frame["source"].isna().all():
                    raise SourceUnavailable(args.source, f"{args.measure} {args.first}-{args.last}",
                                            _series_sources(con, args.level, args.measure, args.first, args.last))
                _say_coverage(frame)
            else:
                frame = overview_frame(con, args.level, args.year, args.source, args.lang)
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return 1
    except SourceUnavailable as exc:    # a requested source is never replaced by another
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyError as exc:     # an unknown rule set
        print(f"Error: {exc.args[0]}", file=sys.stderr)
        return 2
    except ValueError as exc:   # a unit that does not fit the survey, a system of another level
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    decimals = SATISFACTION_DECIMALS if args.command == "satisfaction" else None
    print(render(frame, args.format, decimals))
    return 0


def _with_uncertainty(con, frame: pd.DataFrame, args) -> pd.DataFrame:
    """The ranking frame with the rank intervals and variance shares of its dataset; what they cover on stderr."""
    if frame.empty:
        return frame.reindex(columns=[*frame.columns, *uncertainty.CLI_COLUMNS])
    try:
        stated = uncertainty.read_stated_errors(args.survey_se) if args.survey_se else None
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read --survey-se {args.survey_se}: {exc}") from exc
    result = uncertainty.analyse(con, args.level, args.year, frame["source"].iloc[0], draws=args.draws,
                                 seed=args.seed, weight_range=args.weight_range,
                                 alt_probability=args.alt_probability, survey_se=stated)
    for line in uncertainty.summary_lines(result):
        print(line, file=sys.stderr)
    out = uncertainty.with_intervals(frame, result)
    for column in ("share_sampling", "share_weights", "share_aggregation"):
        out[column] = out[column].astype("float64").round(2)
    return out


def _require_survey_source(con, survey: str, year: int, source: str | None) -> None:
    """A requested survey source with no answers that year raises SourceUnavailable naming those that have."""
    if source is None:
        return
    datasets = survey_datasets(con, survey)
    present = sorted(set(datasets.loc[datasets["year"] == year, "source"]))
    if source not in present:
        raise SourceUnavailable(source, f"{survey} {year}", present)


def _series_sources(con, level: str, measure: str, first: int, last: int) -> list[str]:
    """The sources that do have data for some year of a series."""
    if measure in ("index", "rank"):
        datasets = available_datasets(con, level)
    else:
        datasets = survey_datasets(con, measure)
    years = datasets[(datasets["year"] >= first) & (datasets["year"] <= last)]
    found = sorted(set(years["source"]))
    if measure == "sipas" and con.execute("SELECT count(*) FROM published_sipas WHERE year BETWEEN ? AND ?",
                                          [first, last]).fetchall()[0][0]:
        found.append("published")
    return sorted(set(found))


def _say_coverage(frame: pd.DataFrame) -> None:
    """One line per year on stderr: which source each year's points come from and what it covers."""
    for year, rows in frame.groupby("year"):
        source, coverage = rows["source"].iloc[0], rows["coverage"].iloc[0]
        print(f"{year}: {source or 'no data'}" + (f", {coverage} units with a value" if coverage else ""),
              file=sys.stderr)
