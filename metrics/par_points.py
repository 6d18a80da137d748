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
# What scoring needs of the frameworks, in one query: each criterion's maximum (ten-thousandths, for the maximum
# an index is out of, and the number of criteria), the bands, and each field's maximum.
_FRAMEWORK_FACTS_SQL = """
SELECT 'criterion', framework_id, field_code, CAST(round(max_points * 10000) AS BIGINT), NULL::DOUBLE
FROM framework_criterion WHERE list_contains($frameworks, framework_id)
UNION ALL SELECT 'band', framework_id, group_code, NULL, min_index
FROM framework_band WHERE list_contains($frameworks, framework_id)
UNION ALL SELECT 'field', framework_id, field_code, NULL, max_points
FROM framework_field WHERE list_contains($frameworks, framework_id)
"""


@dataclass
class FrameworkFacts:
    """Of each framework: (criteria, maximum points in ten-thousandths); its bands as (group code, minimum
    index), highest first; and each (framework, field)'s maximum points (the first listed)."""
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    bands: dict[str, list[tuple[str, float]]] = field(default_factory=dict)
    field_max: dict[tuple[str, str], float] = field(default_factory=dict)


def framework_facts(con: duckdb.DuckDBPyConnection, points: dict[str, np.ndarray]) -> FrameworkFacts:
    """The facts of the frameworks the points were scored on."""
    frameworks = sorted(set(pd.unique(points["framework_id"])))
    facts = FrameworkFacts()
    if not frameworks:
        return facts
    counts: dict[str, list[int]] = {}
    for kind, framework, code, max_e4, value in con.execute(_FRAMEWORK_FACTS_SQL, {"frameworks": frameworks}).fetchall():
        if kind == "criterion":
            count = counts.setdefault(framework, [0, 0])
            count[0], count[1] = count[0] + 1, count[1] + max_e4
        elif kind == "band":
            facts.bands.setdefault(framework, []).append((code, value))
        else:
            facts.field_max.setdefault((framework, code), value)
    facts.sizes = {framework: (n, max_e4) for framework, (n, max_e4) in counts.items()}
    for bands in facts.bands.values():
        bands.sort(key=lambda band: band[1], reverse=True)
    return facts


def fetch_points(con: duckdb.DuckDBPyConnection, level: str, first_year: int, last_year: int, source: str,
                 stage: str = "appraised", system: str | None = None) -> dict[str, np.ndarray]:
    """The field rows of the source's current batches for the years first_year..last_year: year, unit_system,
    unit_code, field_code, framework_id (str as object arrays), batch_id, appraisal_e4, survey_e4, total_e4,
    scored. `system` keeps one code system's units."""
    return con.execute(_POINTS_SQL, {"source": source, "level": level, "first_year": first_year,
                                     "last_year": last_year, "stage": stage, "system": system}).fetchnumpy()


def _groups(points: dict[str, np.ndarray], keys: list[str], keep: np.ndarray | None = None
            ) -> tuple[np.ndarray, np.ndarray]:
    """(order, starts): the rows (those where `keep`) sorted by `keys`, and where each group of equal keys starts
    in that order."""
    rows = np.arange(len(points["year"])) if keep is None else np.flatnonzero(keep)
    combined = np.zeros(len(rows), dtype="int64")
    for name in keys:
        codes, uniques = pd.factorize(points[name][rows])
        combined = combined * (len(uniques) + 1) + codes
    sort = np.argsort(combined, kind="stable")
    order, ordered = rows[sort], combined[sort]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(rows) else np.zeros(0, dtype="int64")
    return order, starts


def _summed(values: np.ndarray, order: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The sum of each group, exact for integers."""
    return np.add.reduceat(values[order], starts) if len(starts) else values[:0]


def unit_scores(points: dict[str, np.ndarray], facts: FrameworkFacts) -> dict[str, np.ndarray]:
    """Per year, unit (code system and code) and framework: the batch (the first), the points of each component
    and in all (floats), the index in integer hundredths rounded half-up (`index_h`) and whether every criterion
    was scored (`complete`). Units of a framework without criteria have none."""
    order, starts = _groups(points, ["year", "unit_system", "unit_code", "framework_id"])
    first = order[starts]
    framework = points["framework_id"][first]
    sizes = facts.sizes
    known = np.array([fid in sizes for fid in framework], dtype=bool)
    first = first[known]
    criteria = np.array([sizes[fid][0] for fid in framework[known]], dtype="int64")
    max_e4 = np.array([sizes[fid][1] for fid in framework[known]], dtype="int64")

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


def field_scores(points: dict[str, np.ndarray], facts: FrameworkFacts, years: list[int]) -> pd.DataFrame:
    """Per year of `years`, unit code and field of a framework that defines it: the field index, field points
    / field maximum x 100 (float, not rounded). Columns: year, code, field_code, index."""
    in_years = np.isin(points["year"], years)
    # Each (framework, field) pair looked up once, not once per row.
    framework_at, frameworks = pd.factorize(points["framework_id"])
    field_at, fields = pd.factorize(points["field_code"])
    pair_at, pair_keys = pd.factorize(framework_at * (len(fields) + 1) + field_at)
    pairs = [(frameworks[key // (len(fields) + 1)], fields[key % (len(fields) + 1)]) for key in pair_keys]
    field_max = np.array([facts.field_max.get(pair, np.nan) for pair in pairs], dtype="float64")[pair_at] \
        if pairs else np.zeros(0)
    order, starts = _groups(points, ["year", "unit_code", "field_code"], in_years & ~np.isnan(field_max))
    first = order[starts]
    total_e4 = _summed(points["total_e4"].astype("int64"), order, starts)
    return pd.DataFrame({"year": points["year"][first], "code": pd.array(points["unit_code"][first], dtype="str"),
                         "field_code": pd.array(points["field_code"][first], dtype="str"),
                         "index": total_e4 / 10000 / field_max[first] * 100})
