"""Published results from data/reference, loaded as source 'published', one batch per file."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from etl.batches import batch_transaction, file_sha256
from etl.codesystems import UnitResolver, system_for
from etl.loaders.par_common import framework_for_load
from etl.loaders.par_totals import BREAKDOWN_FIRST_YEAR, breakdown_problem, framework_components
from etl.paths import DATA_DIR

REFERENCE = DATA_DIR / "reference"
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


class PublishedDataError(Exception):
    """A published reference file names a unit the store does not know."""


def parse_number(text: str | None) -> float | None:
    """'86,98' or '+4.30' -> float; anything else (ranges, '>49', blanks) -> None."""
    if text is None:
        return None
    text = str(text).strip()
    return float(text.replace(",", ".")) if _NUMBER.match(text) else None


def _parse_rank(text: str) -> int | None:
    return int(text) if str(text).strip().isdigit() else None


_NOTED_CHANGE = re.compile(r"largest (?:increase|decrease)[^()]*\(([+-]?\d+(?:[.,]\d+)?)\)")


def _change(column: str | None, note: str) -> float | None:
    """The year-on-year change the source states: its change column, else a figure its note quotes for the
    largest rise or fall ('largest decrease vs 2022 (-5.31)'). Never computed here."""
    value = parse_number(column)
    if value is None:
        found = _NOTED_CHANGE.search(str(note or ""))
        value = parse_number(found.group(1)) if found else None
    return value


def _group(text: str) -> str | None:
    text = str(text).strip()
    return text[0] if text[:1] in ("A", "B", "C", "D") else None


def dataset_key(year: int, level: str, stage: str, source: str) -> str:
    """The key of one PAR dataset: one current batch per year, level, stage and source."""
    return f"par:{year}:{level}:{stage}:{source}"


def _resolve_all(con, names: pd.Series, level: str, year: int, file_name: str) -> pd.DataFrame:
    system = system_for(level, year=year)
    resolver = UnitResolver(con, system, date(year, 12, 31))
    codes = []
    for name in names:
        result = resolver.resolve(name)
        if result.problem:
            raise PublishedDataError(f"{file_name}: {result.problem}")
        codes.append(result.code)
    return pd.DataFrame({"unit_system": system, "unit_code": codes})


def _with_rank_change(table: pd.DataFrame) -> pd.Series:
    """The row's note, with the change of rank the source printed (kept in its own column of the file)."""
    changes = table.get("rank_change_vs_prev_year", pd.Series([""] * len(table), index=table.index))
    return pd.Series([("; ".join(p for p in (note, f"rank change vs previous year as published: {change}" if change
                                             else "") if p)) or None
                      for note, change in zip(table["note"], changes)], index=table.index)


PART_CSV_COLUMNS = {"appraisal": "component_appraisal", "leaders_survey": "component_leaders_survey",
                    "sipas": "component_sipas", "socioeconomic": "component_socioeconomic"}


def published_parts(con, table: pd.DataFrame, keys: pd.DataFrame, level: str, year: int,
                    notes: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """The four-part breakdown of the rows that print it, checked as `etl load par-totals` checks an upload
    (all parts, each within its maximum, adding up to the total): rows that pass give par_component rows;
    a row that fails keeps its total and rank, and its note says why its parts were not stored."""
    columns = ["year", "level", "stage", "framework_id", "unit_system", "unit_code", "component", "points",
               "source_ref"]
    if not any(c in table for c in PART_CSV_COLUMNS.values()):
        return pd.DataFrame(columns=columns), notes
    framework = framework_for_load(con, {"level": level, "year": year})
    maxima = framework_components(con, framework["framework_id"])
    maxima = dict(zip(maxima["component"], maxima["max_points"]))
    rows, notes = [], notes.copy()
    for position, row in table.iterrows():
        parts = {code: parse_number(row.get(column)) for code, column in PART_CSV_COLUMNS.items()}
        if all(v is None for v in parts.values()):
            continue
        total = parse_number(row.get("tong_diem")) or parse_number(row.get("index_value_pct"))
        found = breakdown_problem(parts, total, maxima) if maxima and year >= BREAKDOWN_FIRST_YEAR else \
            ("total", f"no published breakdown is defined for {level} {year}", "")
        if found:
            printed = ", ".join(f"{code} {row.get(column)}" for code, column in PART_CSV_COLUMNS.items())
            notes[position] = "; ".join(p for p in (notes[position], f"breakdown printed ({printed}) not stored: "
                                                    f"{found[1]}") if p)
            continue
        rows += [{"year": year, "level": level, "stage": "appraised", "framework_id": framework["framework_id"],
                  "unit_system": keys.at[position, "unit_system"], "unit_code": keys.at[position, "unit_code"],
                  "component": code, "points": value, "source_ref": row["source"]} for code, value in parts.items()]
    return pd.DataFrame(rows, columns=columns), notes


def par_tables(con, path: Path, level: str) -> tuple[int, pd.DataFrame, pd.DataFrame]:
    """(year, par_total rows, par_component rows) of one published results file."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    year = int(table["year"].iloc[0])
    unit_col = "ministry" if level == "ministry" else "province"
    keys = _resolve_all(con, table[unit_col], level, year, path.name)
    parts, notes = published_parts(con, table, keys, level, year, _with_rank_change(table))
    rank_col = "rank" if level == "ministry" else "rank_of_63"
    frame = pd.DataFrame({
        "year": year, "level": level, "stage": "appraised", "framework_id": None,
        "unit_system": keys["unit_system"], "unit_code": keys["unit_code"],
        "appraisal": table.get("diem_tham_dinh", pd.Series([None] * len(table))).map(parse_number),
        "survey": table.get("diem_dieu_tra_xhh", pd.Series([None] * len(table))).map(parse_number),
        "total": table.get("tong_diem", pd.Series([None] * len(table))).map(parse_number),
        "index_pct": table["index_value_pct"].map(parse_number),
        "rank": table[rank_col].map(_parse_rank).astype("Int64"),
        "rank_basis": table["rank_basis"].replace("", None),
        "group_code": table.get("group", pd.Series([""] * len(table))).map(_group),
        "change_pct": [_change(c, n) for c, n in
                       zip(table.get("change_vs_prev_year_pct", pd.Series([None] * len(table))), table["note"])],
        "note": notes, "source_ref": table["source"],
    })
    return year, frame, parts


FIELD_SCORES = "par_index_province_field_scores_2022_2024.csv"


def _index_matches(points: float, max_points: float, index: float) -> bool:
    """Whether a printed index is the printed points over the printed maximum, allowing for the points having
    been rounded to 2 decimals and the index to 2 decimals."""
    return abs(points / max_points * 100 - index) <= 0.005 * 100 / max_points + 0.005


def field_scores_frame(con, path: Path) -> pd.DataFrame:
    """par_field_index rows of a file of field results as provinces printed them: per row the field's points,
    maximum, index, rank and change of rank, each only where printed (never computed here), its note and source.
    Refused with PublishedDataError when a row names a field the year's framework lacks, prints a maximum the
    framework does not have, or an index that is not its points over its maximum."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    parts = []
    for (year, level), rows in table.groupby(["year", "level"], sort=False):
        year = int(year)
        framework = framework_for_load(con, {"level": level, "year": year})
        maxima = dict(zip(framework["fields"]["field_code"], framework["fields"]["max_points"]))
        keys = _resolve_all(con, rows["unit_name"], level, year, path.name)
        for position, row in enumerate(rows.itertuples(index=False)):
            where = f"{path.name}: {year} {row.unit_name} field {row.field_code}"
            if row.field_code not in maxima:
                raise PublishedDataError(f"{where}: framework {framework['framework_id']} has no such field")
            points, max_points, index = (parse_number(v) for v in (row.score, row.max_points, row.field_index_pct))
            if max_points is not None and max_points != maxima[row.field_code]:
                raise PublishedDataError(f"{where}: printed maximum {max_points:g} differs from the framework's "
                                         f"{maxima[row.field_code]:g} ({framework['framework_id']})")
            if None not in (points, max_points, index) and not _index_matches(points, max_points, index):
                raise PublishedDataError(f"{where}: index {index:g} is not {points:g} / {max_points:g} x 100")
            change = parse_number(row.field_rank_change)
            parts.append({"year": year, "level": level, "stage": "appraised",
                          "unit_system": keys.at[position, "unit_system"], "unit_code": keys.at[position, "unit_code"],
                          "field_code": row.field_code, "index_pct": index, "points": points,
                          "max_points": max_points, "field_rank": _parse_rank(row.field_rank),
                          "rank_change": None if change is None else int(change), "note": row.note or None,
                          "source_ref": row.source_url})
    frame = pd.DataFrame(parts)
    return frame.astype({"field_rank": "Int64", "rank_change": "Int64"}) if len(frame) else frame


def stats_frame(path: Path, dataset: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if dataset == "par_region":
        metric, value, scope = table["region"], table["avg_par_index_pct"], "region"
    elif dataset == "sipas_national":
        metric, value, scope = table["metric"], table["value_pct"], "national"
    else:
        metric, value, scope = table["metric"], table["value"], table["scope"]
    return pd.DataFrame({
        "dataset": dataset, "year": table["year"].astype(int), "scope": scope, "metric": metric,
        "value_text": value.replace("", None), "value_num": value.map(parse_number),
        "note": table["note"].replace("", None), "source_ref": table["source"],
    })


def sipas_frame(con, path: Path) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    parts = []
    for year, rows in table.groupby("year"):
        keys = _resolve_all(con, rows["province"], "province", int(year), path.name)
        parts.append(pd.DataFrame({
            "year": int(year), "unit_system": keys["unit_system"].values, "unit_code": keys["unit_code"].values,
            "sipas_pct": rows["sipas_pct"].map(parse_number).values,
            "rank": rows["rank_of_63"].map(_parse_rank).astype("Int64").values,
            "rank_basis": rows["rank_basis"].replace("", None).values,
            "change_pct": rows["change_vs_prev_year_pct"].map(parse_number).values,
            "note": _with_rank_change(rows).values, "source_ref": rows["source"].values,
        }))
    return pd.concat(parts, ignore_index=True)


def load_published(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Load the published PAR INDEX tables, headline figures, provinces' printed field results and SIPAS
    results. Returns rows per file."""
    counts = {}
    for level, pattern in (("ministry", "par_index_ministries_*.csv"), ("province", "par_index_provinces_*.csv")):
        for path in sorted(REFERENCE.glob(pattern)):
            year, frame, parts = par_tables(con, path, level)
            with batch_transaction(con, kind="par-totals", source="published", file_name=path.name,
                                   sha256=file_sha256(path), user="build",
                                   dataset_key=dataset_key(year, level, "appraised", "published"),
                                   note=f"published PAR INDEX {year}, {len(frame)} units listed") as writer:
                writer.insert("par_total", frame)
                writer.insert("par_component", parts, count=False)
                counts[path.name] = writer.rows
    for name, dataset in (("par_index_national_summary.csv", "par_national"),
                          ("par_index_regions_2022_2024.csv", "par_region"),
                          ("sipas_national_summary.csv", "sipas_national")):
        path = REFERENCE / name
        with batch_transaction(con, kind="published-stats", source="published", file_name=name,
                               sha256=file_sha256(path), user="build") as writer:
            writer.insert("published_stat", stats_frame(path, dataset))
            counts[name] = writer.rows
    path = REFERENCE / FIELD_SCORES
    fields = field_scores_frame(con, path)
    counts[path.name] = 0
    # One batch per year and level, as the results tables: a release of one year freezes that year's rows only.
    for (year, level), rows in fields.groupby(["year", "level"]):
        with batch_transaction(con, kind="published-fields", source="published", file_name=path.name,
                               sha256=file_sha256(path), user="build",
                               note=f"field results printed by single provinces, {level} {year}") as writer:
            writer.insert("par_field_index", rows)
            counts[path.name] += writer.rows
    path = REFERENCE / "sipas_provinces_2021_2024.csv"
    with batch_transaction(con, kind="published-sipas", source="published", file_name=path.name,
                           sha256=file_sha256(path), user="build") as writer:
        writer.insert("published_sipas", sipas_frame(con, path))
        counts[path.name] = writer.rows
    return counts
