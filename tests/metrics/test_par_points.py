"""metrics.par_points sums the field rows in numpy as the SQL it replaced summed them (issue #16): the unit scores
and the field indices are compared with that SQL, value for value and exactly, on the demo store's score sheets of
both levels and every year; then the edge cases the demo does not hold (no rows, a framework without criteria or a
field without a maximum, a negative total divided as DuckDB divides integers)."""
from __future__ import annotations

import duckdb
import numpy as np
import pytest

from metrics.par_points import Points, ScoringFacts, fetch_points, field_scores, scoring_facts, unit_scores

# The scoring and field-index queries as they were before the sums moved to numpy (metrics/par_index.py and
# metrics/ranking.py at commit 4f57ad0): the oracle.
SCORES_SQL = """
WITH totals AS (
    SELECT t.year, t.unit_system AS code_system, t.unit_code AS code, t.framework_id, min(t.batch_id) AS batch_id,
           sum(t.appraisal_e4) AS appraisal_e4, sum(t.survey_e4) AS survey_e4, sum(t.total_e4) AS total_e4,
           sum(t.scored) AS scored
    FROM par_field_total t
    WHERE t.batch_id IN (SELECT batch_id FROM batch WHERE status = 'current' AND source = $source)
      AND t.level = $level AND t.year BETWEEN $first_year AND $last_year AND t.stage = 'appraised'
    GROUP BY ALL
),
sizes AS (SELECT framework_id, count(*) AS criteria_total, sum(CAST(round(max_points * 10000) AS BIGINT)) AS max_e4
          FROM framework_criterion GROUP BY 1)
SELECT t.year, t.code_system, t.code, t.framework_id, t.batch_id, t.appraisal_e4 / 10000 AS appraisal,
       t.survey_e4 / 10000 AS survey, t.total_e4 / 10000 AS total,
       (2 * t.total_e4 * 10000 + z.max_e4) // (2 * z.max_e4) AS index_h, t.scored = z.criteria_total AS complete
FROM totals t JOIN sizes z USING (framework_id)
"""
FIELDS_SQL = """
SELECT t.year, t.unit_code AS code, t.field_code, sum(t.total_e4) / 10000 / any_value(f.max_points) * 100 AS index
FROM par_field_total t JOIN batch b USING (batch_id)
JOIN framework_field f ON f.framework_id = t.framework_id AND f.field_code = t.field_code
WHERE b.status = 'current' AND b.source = ? AND t.level = ? AND list_contains(?, t.year) AND t.stage = ?
GROUP BY t.year, t.unit_code, t.field_code
"""


def _rows(columns: dict[str, np.ndarray], keys: list[str]) -> list[tuple]:
    """The rows of some arrays, sorted by `keys`, as plain Python values (so 1.5 == 1.5 and True == True)."""
    names = list(columns)
    rows = [tuple(value.item() if hasattr(value, "item") else value for value in row)
            for row in zip(*(columns[name] for name in names))]
    at = [names.index(key) for key in keys]
    return sorted(rows, key=lambda row: tuple(row[i] for i in at))


@pytest.mark.parametrize("level, source", [("province", "demo"), ("ministry", "demo"), ("province", "published")])
def test_unit_and_field_scores_are_those_of_the_sql_they_replaced(demo_reader, level, source):
    points = fetch_points(demo_reader, level, 2015, 2026, source)
    if source == "demo":
        assert len(points) > 0
    facts = scoring_facts(demo_reader, points)
    expected = demo_reader.execute(SCORES_SQL, {"source": source, "level": level, "first_year": 2015,
                                                "last_year": 2026}).fetchnumpy()
    expected["index_h"] = expected["index_h"].astype("int64")
    got = unit_scores(points, facts)
    keys = ["year", "code_system", "code", "framework_id"]
    assert _rows({name: got[name] for name in expected}, keys) == _rows(expected, keys)

    years = sorted({int(year) for year in points["year"]})
    expected_fields = demo_reader.execute(FIELDS_SQL, [source, level, years, "appraised"]).fetchnumpy()
    fields = field_scores(points, facts, years)
    assert _rows(fields, ["year", "code", "field_code"]) == _rows(expected_fields, ["year", "code", "field_code"])


def _points(**columns) -> Points:
    n = len(columns["total_e4"])
    defaults = {"year": np.full(n, 2024, dtype="int32"), "unit_system": np.full(n, "vn63", dtype=object),
                "field_code": np.full(n, "F1", dtype=object), "framework_id": np.full(n, "fw", dtype=object),
                "batch_id": np.arange(n, dtype="int32") + 1, "appraisal_e4": np.zeros(n, dtype="int64"),
                "survey_e4": np.zeros(n, dtype="int64"), "scored": np.ones(n, dtype="int32")}
    return Points({**defaults, **{name: np.asarray(values) for name, values in columns.items()}})


def test_no_rows_give_no_scores():
    empty = _points(unit_code=np.array([], dtype=object), total_e4=np.array([], dtype="int64"))
    facts = ScoringFacts(criteria={"fw": (1, 10000)}, field_max={("fw", "F1"): 1.0})
    assert all(len(values) == 0 for values in unit_scores(empty, facts).values())
    assert all(len(values) == 0 for values in field_scores(empty, facts, [2024]).values())


def test_a_framework_without_criteria_scores_nothing_and_a_field_without_a_maximum_has_no_index():
    points = _points(unit_code=np.array(["01", "02"], dtype=object), total_e4=np.array([50000, 60000]),
                     framework_id=np.array(["fw", "other"], dtype=object))
    facts = ScoringFacts(criteria={"fw": (1, 100000)}, field_max={("fw", "F1"): 10.0})
    scores = unit_scores(points, facts)
    assert scores["code"].tolist() == ["01"]          # "other" has no criteria: as the SQL's inner join
    assert scores["index_h"].tolist() == [5000] and scores["total"].tolist() == [5.0]
    fields = field_scores(points, facts, [2024])
    assert fields["code"].tolist() == ["01"] and fields["index"].tolist() == [50.0]


def test_the_index_is_divided_as_duckdb_divides_integers():
    """(2a + b) // 2b rounds half up at integer hundredths; DuckDB's integer division goes towards zero, numpy's
    floor division down: a negative total (a penalty larger than the points) must give DuckDB's figure."""
    totals = np.array([-12345, -5000, -1, 0, 1, 4999, 5000, 123456], dtype="int64")
    points = _points(unit_code=np.array([f"{n:02d}" for n in range(len(totals))], dtype=object), total_e4=totals)
    facts = ScoringFacts(criteria={"fw": (1, 30000)})
    got = dict(zip(unit_scores(points, facts)["code"], unit_scores(points, facts)["index_h"].tolist()))
    con = duckdb.connect()
    expected = [row[0] for row in con.execute(
        "SELECT (2 * CAST(t AS HUGEINT) * 10000 + 30000) // (2 * 30000) FROM unnest(?) AS u(t)",
        [totals.tolist()]).fetchall()]
    assert [got[f"{n:02d}"] for n in range(len(totals))] == expected
