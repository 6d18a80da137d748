"""Satisfaction figures from the statistics kept per batch equal those aggregated from every answer (issue #16).

The oracle is the former per-answer SQL (tests/metrics/satisfaction_oracle.py, reading the long survey_answer
view of the compact answers); every table, comparison and reliability figure is computed both ways on the demo
store and on a store with strata, clusters, weights and a load's quarantined rows, and must agree.
"""
from __future__ import annotations

from unittest import mock

import pandas as pd
import pytest

from metrics import satisfaction as sat
from metrics.satisfaction import queries, sources
from tests.metrics import satisfaction_oracle as oracle


def _both(fn):
    """(from statistics, from answers)."""
    new = fn()
    with mock.patch.object(queries, "set_moments", oracle.set_moments), \
            mock.patch.object(queries, "value_counts", oracle.value_counts), \
            mock.patch.object(queries, "coverage", oracle.coverage), \
            mock.patch.object(queries, "scores", oracle.scores), \
            mock.patch.object(sources, "survey_datasets", oracle.survey_datasets):
        old = fn()
    return new, old


def _same(new, old) -> None:
    if isinstance(new, pd.DataFrame):
        assert len(new) == len(old) and len(new) > 0
        pd.testing.assert_frame_equal(new.reset_index(drop=True), old.reset_index(drop=True), check_dtype=False,
                                      rtol=1e-9)
    else:
        assert new.keys() == old.keys()
        for key in new:
            if isinstance(new[key], dict):
                assert new[key] == pytest.approx(old[key], rel=1e-9, nan_ok=True) if all(
                    isinstance(v, float) for v in new[key].values()) else _same_dict(new[key], old[key])
            else:
                assert new[key] == old[key]


def _same_dict(a: dict, b: dict) -> bool:
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], float):
            assert a[key] == pytest.approx(b[key], rel=1e-9, nan_ok=True), key
        else:
            assert a[key] == b[key], key
    return True


CASES = {
    "sipas by province": lambda con: sat.satisfaction_table(con, "sipas", 2024),
    "sipas items": lambda con: sat.item_table(con, "sipas", 2024),
    "sipas country less a province": lambda con: sat.satisfaction_table(con, "sipas", 2024, level="national",
                                                                        exclude="vn63:22"),
    "sipas 2025 in the 34": lambda con: sat.satisfaction_table(con, "sipas", 2025),
    "health hospitals by form": lambda con: sat.satisfaction_table(con, "health", 2024, level="facility",
                                                                   breakdown=("form",)),
    "health items of one form": lambda con: sat.item_table(con, "health", 2024, form="health-inpatient"),
    "education by level and group": lambda con: sat.satisfaction_table(
        con, "education", 2024, breakdown=("school_level", "respondent_group")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tables_from_statistics_equal_tables_from_answers(demo_reader, case):
    new, old = _both(lambda: CASES[case](demo_reader))
    _same(new, old)


@pytest.mark.parametrize("survey", ["sipas", "health", "education"])
def test_reliability_from_statistics_equals_reliability_from_answers(demo_reader, survey):
    new = sat.reliability(demo_reader, survey, 2024)
    old = oracle.reliability(demo_reader, survey, 2024)
    assert len(new) > 0
    pd.testing.assert_frame_equal(new, old, check_dtype=False, rtol=1e-9)
    if survey == "education":    # a scope: one province's schools
        one = sat.reliability(demo_reader, survey, 2024, unit="vn63:01")
        pd.testing.assert_frame_equal(one, oracle.reliability(demo_reader, survey, 2024, unit="vn63:01"),
                                      check_dtype=False, rtol=1e-9)


@pytest.mark.parametrize("args", [
    dict(survey="sipas", a=(2024, "vn63:22"), b=(2024, None)),           # a province against the rest
    dict(survey="sipas", a=(2023, None), b=(2024, None), item="C20"),    # one item, two years
    dict(survey="health", a=(2024, "vn63:01"), b=(2024, "vn63:79"), set_code="A"),
])
def test_comparisons_and_their_tests_are_unchanged(demo_reader, args):
    new, old = _both(lambda: sat.compare(demo_reader, **args))
    for side in ("a", "b"):
        _same_dict(new[side], old[side])
    _same_dict(new["difference"], old["difference"])
    _same_dict(new["mann_whitney"], old["mann_whitney"])
    assert (new["significant"], new["tested_against"], new["note"]) == \
        (old["significant"], old["tested_against"], old["note"])


def test_pages_never_read_answers(demo_reader):
    """Every satisfaction figure comes from the statistics tables: with the answers gone, the figures stay."""
    expected = sat.satisfaction_table(demo_reader, "sipas", 2024, level="national")
    con = demo_reader.cursor()
    # A temp view of the same name hides the store's: any read of the answers now fails loudly.
    con.execute("CREATE TEMP VIEW survey_answer AS SELECT error('answers read') AS batch_id, NULL AS respondent_key, "
                "NULL AS item_code, NULL AS value")
    try:
        pd.testing.assert_frame_equal(sat.satisfaction_table(con, "sipas", 2024, level="national"), expected)
        assert len(sat.item_table(con, "sipas", 2024, level="national")) > 0
        assert len(sat.reliability(con, "sipas", 2024)) > 0
    finally:
        con.close()
