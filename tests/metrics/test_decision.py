"""The profile for a decision: the same numbers as the metrics it draws on, and honest on partial data."""
from __future__ import annotations

import pytest

from metrics.decision import content_area_of, unit_decision
from metrics.leaders import leader_proposals
from metrics.par_index import unit_results, year_change
from metrics.rounding import exact_mean


@pytest.fixture(scope="module")
def demo(demo_reader):
    return demo_reader


def test_a_province_year_answers_the_four_questions_with_the_pages_numbers(demo):
    d = unit_decision(demo, "vn63", "22", 2024)
    results = unit_results(demo, "province", 2024, "demo")
    row = results[results["code"] == "22"].iloc[0]
    assert d["source"] == "demo" and d["demo"]
    assert (d["index"], d["rank"], d["units_total"], d["group"]) == (row["index"], row["rank"], 63, row["group"])
    change = year_change(demo, "province", 2024, "demo").set_index("code").loc["22"]
    assert d["change"]["index"] == change["delta_index"] and d["change"]["rank"] == change["delta_rank"]
    assert d["previous"]["basis"] == "same" and d["previous"]["index"] == change["prev_index"]
    assert d["national"] == {"average": exact_mean(results["index"]), "basis": "computed", "source": "demo"}
    fields = d["fields"]
    assert len(fields) == 8 and fields["field_rank"].notna().all() and fields["change"].notna().all()
    assert fields["max_official"].any() and not fields["max_official"].all()   # some printed maxima, 2024
    assert (fields["best"] >= fields["index"]).all()
    lost = d["lost"]
    assert lost["lost"].is_monotonic_decreasing and (lost["kind"] == "criterion").all()
    assert (lost["lost"] == (lost["max_points"] - lost["points"]).round(2)).all()
    # Plan tasks only in the content areas of fields that lost points, in the order of those fields.
    areas = {c: content_area_of(n) for c, n in zip(fields["field_code"], fields["name_en"])}
    assert len(d["tasks"]) and all(areas[f] == a for f, a in zip(d["tasks"]["field_code"], d["tasks"]["content_area"]))
    assert set(d["satisfaction"]["survey"]) == {"sipas", "health", "education"}
    assert (d["satisfaction"]["low"] <= d["satisfaction"]["estimate"]).all()
    proposals, _ = leader_proposals(demo, "province", 2024, "default", "demo")
    assert d["leader"]["level"] == proposals.set_index("code").loc["22", "proposed_level"]
    assert {p["source"] for p in d["provenance"]} >= {"demo"}
    u = d["uncertainty"]
    assert u["rank"] == d["rank"] and u["rank_low"] <= u["rank_median"] <= u["rank_high"] and u["draws"] == 1000


def test_a_merged_province_is_compared_with_the_mean_of_its_predecessors(demo):
    d = unit_decision(demo, "vn34", "80", 2025)
    previous = d["previous"]
    assert previous["basis"] == "reconstructed" and len(previous["members"]) == 2
    assert previous["index"] == exact_mean([m[2] for m in previous["members"]])
    assert d["change"]["rank"] is None            # a rank among 63 and one among 34 do not compare
    assert d["fields"]["change"].isna().all()      # fields are compared only for the same or a continued unit


def test_a_province_left_whole_keeps_its_line_but_not_its_rank(demo):
    d = unit_decision(demo, "vn34", "22", 2025)
    assert d["previous"]["basis"] == "continued" and d["change"]["rank"] is None
    assert d["fields"]["change"].notna().all() and d["fields"]["rank_change"].isna().all()


def test_partial_published_year_uses_the_releases_own_statements(demo):
    d = unit_decision(demo, "vn63", "01", 2024, "published")
    assert (d["source"], d["index"], d["rank"], d["rank_basis"]) == ("published", 92.57, 3, "stated")
    assert d["change"] == {**d["change"], "index": 1.32, "published": True}
    assert d["national"]["average"] == 88.37 and d["national"]["basis"] == "published"
    assert d["fields"].empty and d["lost"].empty              # no field scores published
    assert d["uncertainty"] is None                           # a partial table's ranks get no interval
    assert [p["source"] for p in d["provenance"][:2]] == ["published", "published"]   # index, national average


@pytest.mark.parametrize("requested", ["published", None])
def test_no_demo_figure_sits_beside_real_results(demo, requested):
    d = unit_decision(demo, "vn63", "01", 2024, requested)       # Hà Nội: published, demo data also loaded
    assert d["source"] == "published" and not d["demo"]
    assert set(d["history"]["source"]) == {"published"}
    assert set(d["satisfaction"]["source"]) <= {"published", "upload"} and set(d["tasks"]["source"]) <= {"upload"}


def test_a_requested_source_is_never_swapped(demo):
    d = unit_decision(demo, "vn63", "22", 2024, "published")    # not in the partial 2024 table
    assert d["source"] is None and d["index"] is None and d["leader"] is None
    assert not d["demo"] and set(d["history"]["source"]) <= {"published", "upload"}


def test_a_ministry_from_its_published_table(demo):
    d = unit_decision(demo, "ministry-2021", "BTP", 2023)
    assert (d["index"], d["rank"], d["units_total"]) == (89.95, 1, 17)
    assert d["change"]["index"] == -0.68 and d["change"]["rank"] == 1
    assert d["satisfaction"].empty


def test_content_areas_follow_the_field_names():
    assert content_area_of("Administrative procedure reform") == "procedures"
    assert content_area_of("E-government and digital government") == "digital"
    assert content_area_of("Leadership and direction of PAR") is None
