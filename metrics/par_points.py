"""The criterion points of each unit's fields as they were summed at load (par_field_total, integer
ten-thousandths, etl.par_totals), fetched once and summed in numpy into unit scores and field indices.

One plain query reads the rows (a unit's eight or so fields per batch); scoring (metrics.par_index) and the
field indices (metrics.ranking) both start from them. On a few thousand rows a GROUP BY with its joins costs
DuckDB several times what the numpy sums do, and the rankings table needs both from the same rows. The sums
are those the SQL gave, bit for bit: integers summed exactly, divided as DuckDB divides (floats; integer
division towards zero)."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

_POINTS_SQL = """
SELECT t.year, t.unit_system, t.unit_code, t.field_code, t.framework_id, t.batch_id, t.appraisal_e4, t.survey_e4,
       t.total_e4, t.scored
FROM par_field_total t
WHERE t.batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = $source)
  AND t.level = $level AND t.year BETWEEN $first_year AND $last_year AND t.stage = $stage
  AND ($system IS NULL OR t.unit_system = $system)
"""
# What scoring needs besides the points, in one query (each small query costs DuckDB about as much as the
# rows): each criterion's maximum (ten-thousandths, for the maximum an index is out of, and the number of
# criteria), the bands, each field's maximum; for a change over years also the years each framework of the
# level covers, and which of some years have a results table of the source (par_total). Fixed text only: the
# parts are chosen, the values are parameters.
_SCORING_FACTS_SQL = """
SELECT 'criterion', framework_id, field_code, CAST(round(max_points * 10000) AS BIGINT), NULL::DOUBLE
FROM framework_criterion WHERE list_contains($frameworks, framework_id)
UNION ALL SELECT 'band', framework_id, group_code, NULL, min_index
FROM framework_band WHERE list_contains($frameworks, framework_id)
UNION ALL SELECT 'field', framework_id, field_code, NULL, max_points
FROM framework_field WHERE list_contains($frameworks, framework_id)
"""
_SPANS_SQL = """
UNION ALL SELECT 'span', framework_id, NULL, first_year, last_year FROM framework WHERE level = $level
"""
_TABLE_YEARS_SQL = """
UNION ALL SELECT DISTINCT 'table', NULL, NULL, t.year, NULL FROM par_total t
WHERE list_contains($table_years, t.year) AND t.level = $level AND t.stage = 'appraised'
  AND t.batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = $source)
"""


class Points:
    """The field rows of `fetch_points`, a numpy array per column, and each column factorised (pd.factorize) once:
    the scores, the field indices and the facts all group on them."""

    def __init__(self, columns: dict[str, np.ndarray]):
        self.columns = columns
        self._factorized: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.columns["year"])

    def factorized(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(number of each row's value, the distinct values) of a column, as pd.factorize gives them."""
        if name not in self._factorized:
            self._factorized[name] = pd.factorize(self.columns[name])
        return self._factorized[name]


def fetch_points(con: duckdb.DuckDBPyConnection, level: str, first_year: int, last_year: int, source: str,
                 stage: str = "appraised", system: str | None = None) -> Points:
    """The field rows of the source's current batches for the years first_year..last_year: year, unit_system,
    unit_code, field_code, framework_id (str as object arrays), batch_id, appraisal_e4, survey_e4, total_e4,
    scored. `system` keeps one code system's units."""
    return Points(con.execute(_POINTS_SQL, {"source": source, "level": level, "first_year": first_year,
                                            "last_year": last_year, "stage": stage, "system": system}).fetchnumpy())


@dataclass
class ScoringFacts:
    """Of each framework the points were scored on: (criteria, maximum points in ten-thousandths); its bands as
    (group code, minimum index), highest first; each (framework, field)'s maximum points (the first listed).
    Of the level: each framework's (id, first year, last year); of the years asked about, those with a results
    table of the source (`tabled`)."""
    criteria: dict[str, tuple[int, int]] = field(default_factory=dict)
    bands: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    field_max: dict[tuple[str, str], float] = field(default_factory=dict)
    spans: list[tuple[str, int, int | None]] = field(default_factory=list)
    tabled: set[int] = field(default_factory=set)


def scoring_facts(con: duckdb.DuckDBPyConnection, points: Points, level: str | None = None,
                  source: str | None = None, table_years: list[int] | None = None) -> ScoringFacts:
    """The facts of the frameworks the points were scored on; with `level`, the spans of the level's
    frameworks; with `source` too, which of `table_years` have a results table."""
    facts = ScoringFacts()
    sql, params = _SCORING_FACTS_SQL, {"frameworks": sorted(points.factorized("framework_id")[1])}
    if level is not None:
        sql, params["level"] = sql + _SPANS_SQL, level
    if level is not None and source is not None and table_years:
        sql, params["source"], params["table_years"] = sql + _TABLE_YEARS_SQL, source, sorted(table_years)
    counts: dict[str, list[int]] = {}
    for kind, framework, code, number, value in con.execute(sql, params).fetchall():
        if kind == "criterion":
            count = counts.setdefault(framework, [0, 0])
            count[0], count[1] = count[0] + 1, count[1] + number
        elif kind == "band":
            facts.bands.setdefault(framework, []).append((code, value))
        elif kind == "field":
            facts.field_max.setdefault((framework, code), value)
        elif kind == "span":
            facts.spans.append((framework, number, None if value is None else int(value)))
        else:
            facts.tabled.add(int(number))
    facts.criteria = {framework: (n, max_e4) for framework, (n, max_e4) in counts.items()}
    for bands in facts.bands.values():
        bands.sort(key=lambda band: band[1], reverse=True)
    return facts


def _grouped(points: Points, keys: list[str], keep: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the rows (those where `keep`) sorted by `keys`, and where each group of equal keys starts
    in that order."""
    rows = np.arange(len(points)) if keep is None else np.flatnonzero(keep)
    combined = np.zeros(len(rows), dtype="int64")
    for name in keys:
        codes, uniques = points.factorized(name)
        combined = combined * (len(uniques) + 1) + codes[rows]
    sort = np.argsort(combined, kind="stable")
    order, ordered = rows[sort], combined[sort]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(rows) else np.zeros(0, dtype="int64")
    return order, starts


def _summed(values: np.ndarray, order: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sum of each group, exact for integers."""
    return np.add.reduceat(values[order], starts) if len(starts) else values[:0]


def unit_scores(points: Points, facts: ScoringFacts) -> dict[str, np.ndarray]:
    """Per year, unit (code system and code) and framework: the batch (the first), the points of each component
    and in all (floats), the index in integer hundredths rounded half-up (`index_h`) and whether every criterion
    was scored (`complete`). Units of a framework without criteria have none."""
    order, starts = _grouped(points, ["year", "unit_system", "unit_code", "framework_id"])
    first = order[starts]
    framework = points["framework_id"][first]
    known = np.array([fid in facts.criteria for fid in framework], dtype=bool)
    first = first[known]
    criteria = np.array([facts.criteria[fid][0] for fid in framework[known]], dtype="int64")
    max_e4 = np.array([facts.criteria[fid][1] for fid in framework[known]], dtype="int64")

    def summed(name: str) -> np.ndarray:
        return _summed(points[name].astype("int64"), order, starts)[known]

    total_e4 = summed("total_e4")
    # (2a + b) // 2b: half-up at integer hundredths, divided as DuckDB divides integers (towards zero).
    numerator, denominator = 2 * total_e4 * 10000 + max_e4, 2 * max_e4
    index_h = np.sign(numerator) * (np.abs(numerator) // denominator)
    batch = np.minimum.reduceat(points["batch_id"][order], starts)[known] if len(starts) else points["batch_id"][:0]
    return {"year": points["year"][first], "code_system": points["unit_system"][first],
            "code": points["unit_code"][first], "framework_id": points["framework_id"][first],
            "batch_id": batch, "appraisal": summed("appraisal_e4") / 10000, "survey": summed("survey_e4") / 10000,
            "total": total_e4 / 10000, "index_h": index_h, "complete": summed("scored") == criteria}


def field_scores(points: Points, facts: ScoringFacts, years: list[int]) -> dict[str, np.ndarray]:
    """Per year of `years`, unit code and field of a framework that defines it: the field index, field points
    / field maximum x 100 (float, not rounded). Arrays year, code, field_code (objects), index."""
    in_years = np.isin(points["year"], years)
    # Each (framework, field) pair looked up once, not once per row.
    (framework_at, frameworks), (field_at, fields) = points.factorized("framework_id"), points.factorized("field_code")
    pair_at, pair_keys = pd.factorize(framework_at * (len(fields) + 1) + field_at)
    pairs = [(frameworks[key // (len(fields) + 1)], fields[key % (len(fields) + 1)]) for key in pair_keys]
    field_max = np.array([facts.field_max.get(pair, np.nan) for pair in pairs], dtype="float64")[pair_at] \
        if pairs else np.zeros(0)
    order, starts = _grouped(points, ["year", "unit_code", "field_code"], in_years & ~np.isnan(field_max))
    first = order[starts]
    total_e4 = _summed(points["total_e4"].astype("int64"), order, starts)
    return {"year": points["year"][first], "code": points["unit_code"][first],
            "field_code": points["field_code"][first], "index": total_e4 / 10000 / field_max[first] * 100}
