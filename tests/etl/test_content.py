"""Official content: every number and word of the frameworks and instruments marked official (with its source) or
illustrative; the published additions loaded with their sources; the 2023+ four-part breakdown checked."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from etl.batches import batch_transaction
from etl.load import load_file
from etl.marks import MarkError, read_mark, wording_source
from etl.paths import DATA_DIR
from etl.problems import LoadRejected
from etl.published import FIELD_SCORES, REFERENCE, PublishedDataError, field_scores_frame
from etl.reference import ReferenceError, read_framework, read_instrument
from metrics.components import result_components
from metrics.coverage import published_coverage
from metrics.field_results import field_results
from metrics.profile import lost_points
from metrics.provenance import framework_facts, row_sources
from metrics.ranking import field_indices
from ui.provenance import row_origins

FRAMEWORKS = sorted((DATA_DIR / "frameworks").glob("*.yaml"))
INSTRUMENTS = sorted((DATA_DIR / "instruments").glob("*.yaml"))


def marks_of(doc: dict, kind: str) -> list[tuple[str, object]]:
    """(where, mark) of every item a content file must mark, read straight from the YAML."""
    if kind == "framework":
        found = [("appraisal_max", doc.get("appraisal_max_basis")), ("survey_max", doc.get("survey_max_basis"))]
        found += [(f"count {k}", v.get("basis")) for k, v in (doc.get("counts") or {}).items()]
        found += [(f"component {c['code']}", c.get("basis")) for c in doc.get("components") or []]
        for group in ("fields", "criteria"):
            for item in doc[group]:
                found += [(f"{group} {item['code']} name", item.get("name_basis")),
                          (f"{group} {item['code']} points", item.get("points_basis"))]
                if item.get("survey_kind"):
                    found.append((f"{group} {item['code']} survey_kind", item.get("survey_kind_basis")))
        return found
    found = [(f"dimension {d['code']}", d.get("name_basis")) for d in doc["dimensions"]]
    found += [(f"item {i['code']}", i.get("wording_basis")) for i in doc["items"]]
    for part, entries in (doc.get("structure") or {}).items():
        found += [(f"structure {part} {e['code']}", e.get("basis")) for e in entries]
    return found


@pytest.mark.parametrize("path", FRAMEWORKS + INSTRUMENTS, ids=lambda p: p.name)
def test_no_item_is_left_without_one_of_the_two_marks(path):
    doc = yaml.safe_load(path.read_text("utf-8"))
    kind = "framework" if path.parent.name == "frameworks" else "instrument"
    found = marks_of(doc, kind)
    assert len(found) > 10
    for where, mark in found:
        parsed = read_mark(mark, doc.get("sources") or {}, f"{path.name}: {where}")   # raises when unmarked
        if parsed.official:
            assert parsed.source and "http" in parsed.source, where


def test_a_framework_item_without_a_mark_or_with_an_unlisted_source_is_refused(tmp_path):
    doc = yaml.safe_load((DATA_DIR / "frameworks" / "par-province-2022.yaml").read_text("utf-8"))
    del doc["criteria"][3]["points_basis"]
    broken = tmp_path / "unmarked.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(ReferenceError, match="criterion 1.4 max_points"):
        read_framework(broken)
    doc = yaml.safe_load((DATA_DIR / "instruments" / "health-inpatient.yaml").read_text("utf-8"))
    doc["items"][0]["wording_basis"] = {"official": "S99"}
    broken = tmp_path / "unlisted.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(ReferenceError, match="S99"):
        read_instrument(broken)
    with pytest.raises(MarkError):
        read_mark({"official": "S1", "illustrative": "both"}, {"S1": {"title": "t", "url": "u"}}, "x")
    with pytest.raises(MarkError, match="item q1 wording"):     # no unmarked "user's own" wording either
        wording_source({"code": "q1", "wording_source": "my own form"}, {})


def test_printed_field_maxima_are_official_and_the_rest_illustrative(reference_store):
    marks = reference_store.execute(
        "SELECT f.framework_id, f.field_code, f.max_points, m.official FROM framework_field f "
        "JOIN content_mark m ON m.content = 'framework' AND m.content_id = f.framework_id AND m.item_kind = 'field' "
        "AND m.item_code = f.field_code AND m.aspect = 'max_points' WHERE f.framework_id LIKE 'par-province-20%'").df()
    official = {(r.framework_id, r.field_code): r.max_points for r in marks.itertuples() if r.official}
    assert official == {("par-province-2022", "2"): 10, ("par-province-2022", "3"): 13,
                        ("par-province-2022", "4"): 10.5, ("par-province-2024", "3"): 13,
                        ("par-province-2024", "4"): 10.5, ("par-province-2024", "5"): 15,
                        ("par-province-2024", "8"): 16.5}
    criteria = reference_store.execute(
        "SELECT count(*), count(*) FILTER (WHERE official) FROM content_mark WHERE item_kind = 'criterion' "
        "AND aspect = 'max_points'").fetchall()[0]
    assert criteria[0] > 200 and criteria[1] == 0      # no criterion's points were found in text form
    facts = dict(((f, k), (v, o)) for f, k, v, o in reference_store.execute(
        "SELECT framework_id, fact, value, official FROM framework_fact").fetchall())
    assert facts[("par-province-2022", "count_sub_criteria")] == (88, True)
    assert facts[("par-ministry-2022", "survey_max")] == (31.5, True)
    assert facts[("par-province-2024", "count_criteria")] == (38, True)


def test_the_method_pages_framework_facts_carry_their_marks_and_sources(reference_store):
    province = framework_facts(reference_store, "par-province-2022")
    assert province["fact"].tolist() == ["appraisal_max", "survey_max", "count_fields", "count_criteria",
                                         "count_sub_criteria"]
    assert province["value"].tolist() == [68, 32, 8, 37, 88] and province["official"].all()
    assert province["source"].str.contains("https://vietnambiz.vn/").all()
    assert province["source"].iloc[0].endswith("(printed for 2022 as 68 / 32)")     # what the source printed
    ministry = framework_facts(reference_store, "par-ministry-2022").set_index("fact")
    assert ministry.loc[["appraisal_max", "survey_max"], "value"].tolist() == [68.5, 31.5]


def test_the_ministry_of_healths_questions_are_the_codebook_wording(reference_store):
    rows = reference_store.execute(
        "SELECT i.instrument_id, i.item_code, i.wording_vi, i.wording_source, m.official FROM instrument_item i "
        "JOIN content_mark m ON m.content = 'instrument' AND m.content_id = i.instrument_id AND m.item_kind = 'item' "
        "AND m.item_code = i.item_code").df()
    health = rows[rows["instrument_id"].str.startswith("health")]
    sections = health[health["item_code"].str[0].isin(list("ABCDE"))]
    assert len(sections) == 36 + 31 and sections["official"].all()
    assert sections["wording_source"].str.contains("Bộ Y tế").all()
    assert sections["wording_vi"].nunique() > 60                # one question per item, no repeated placeholder
    assert not rows[rows["instrument_id"].isin(["sipas", "education"])]["official"].any()
    assert (rows[~rows["official"]]["wording_source"] == "paraphrase").all()


def test_additions_load_with_a_source_on_every_published_row(reference_store):
    for table in ("par_total", "published_sipas"):
        missing = reference_store.execute(
            f"SELECT count(*) FROM {table} t JOIN batch b USING (batch_id) WHERE b.source = 'published' "
            "AND nullif(trim(t.source_ref), '') IS NULL").fetchall()[0][0]
        assert missing == 0, table
    kon_tum = reference_store.execute(
        "SELECT index_pct, rank, change_pct, note, source_ref FROM par_total WHERE year = 2023 AND unit_code = '62'"
    ).fetchall()[0]
    assert kon_tum[:3] == (86.14, 43, 4.79) and "rank change vs previous year as published: +12" in kon_tum[3]
    assert kon_tum[4].startswith("https://snv.kontum.gov.vn/")
    sipas = dict(((y, c), (v, r)) for y, c, v, r in reference_store.execute(
        "SELECT year, unit_code, sipas_pct, rank FROM published_sipas").fetchall())
    assert sipas[(2021, "22")] == (94.07, 1)           # Quảng Ninh: the value a second source printed, one row
    assert sipas[(2024, "80")] == (82.71, 41)          # Long An


def test_published_coverage_per_year_and_level(reference_store):
    table = published_coverage(reference_store).set_index(["dataset", "level", "year"])
    assert tuple(table.loc[("par", "province", 2023), ["units_listed", "units_with_value", "units_with_rank",
                                                       "units_total"]]) == (25, 20, 25, 63)
    assert tuple(table.loc[("par", "ministry", 2023), ["units_listed", "units_total"]]) == (17, 17)
    assert tuple(table.loc[("sipas", "province", 2021), ["units_listed", "units_with_value"]]) == (4, 3)
    whole_rows = table.drop(index="par_field", level="dataset")
    assert (whole_rows["rows_with_source"] == whole_rows["units_listed"]).all()
    # Printed field results: Kon Tum and Hòa Bình in 2023, 9 field rows between them, every one with its source.
    assert tuple(table.loc[("par_field", "province", 2023), ["units_listed", "units_with_value", "units_with_rank",
                                                             "units_total", "rows_with_source"]]) == (2, 2, 2, 63, 9)


def test_published_breakdowns_go_through_the_loaders_check(reference_store):
    kon_tum = result_components(reference_store, "vn63", "62", 2023, "published")
    assert kon_tum["component"].tolist() == ["appraisal", "leaders_survey", "sipas", "socioeconomic"]
    assert kon_tum["points"].tolist() == [54.95, 18.33, 8.5, 4.36]
    assert kon_tum["max_points"].tolist() == [61.5, 22, 10, 6.5] and kon_tum["official"].all()
    assert round(kon_tum["points"].sum(), 2) == 86.14 and kon_tum["source_ref"].str.contains("kontum").all()
    assert (kon_tum["file_name"] == "par_index_provinces_2023.csv").all()
    assert set(row_origins(kon_tum, "vi")) == {kon_tum["source_ref"].iloc[0]}     # a published row names its page
    # Hòa Bình's printed parts add up to 87.89, not its printed 86.89: its total and rank stand, its parts do not.
    assert result_components(reference_store, "vn63", "17", 2023, "published").empty
    note = reference_store.execute("SELECT note FROM par_total WHERE year = 2023 AND unit_code = '17'").fetchall()[0][0]
    assert "87.89 differ from the total 86.89" in note


def test_printed_field_results_load_with_their_sources(reference_store):
    kon_tum = field_results(reference_store, "vn63", "62", 2023, "published").set_index("field_code")
    assert kon_tum.index.tolist() == ["1", "2", "3", "4", "5", "6", "7"]      # field 8 was not printed
    assert kon_tum.loc["2", ["points", "max_points", "index", "field_rank", "rank_change"]].tolist() == \
        [9.42, 10, 94.15, 22, 21]
    assert kon_tum.loc["2", "name_vi"] == "Cải cách thể chế"
    assert pd.isna(kon_tum.loc["1", "index"]) and kon_tum.loc["1", "field_rank"] == 52      # a rank, nothing else
    assert pd.isna(kon_tum.loc["3", "max_points"]) and "max printed for 2022 as 13" in kon_tum.loc["3", "note"]
    assert kon_tum.loc["2", "source_ref"].startswith("https://snv.kontum.gov.vn/")
    assert kon_tum.loc["5", "source_ref"].startswith("https://kontumtoday.net/")
    son_la = field_results(reference_store, "vn63", "14", 2024, "published").set_index("field_code")
    assert son_la.loc["8", ["points", "max_points", "field_rank", "rank_change"]].tolist() == [13.14, 16.5, 4, 29]
    assert son_la["index"].isna().all()                     # Sơn La's page printed points, not indices
    assert field_results(reference_store, "vn63", "62", 2023, "upload").empty
    missing = reference_store.execute(
        "SELECT count(*) FROM par_field_index i JOIN batch b USING (batch_id) WHERE b.source = 'published' "
        "AND nullif(trim(i.source_ref), '') IS NULL").fetchall()[0][0]
    assert missing == 0
    # The profile's field indices see them; no field rank is computed from two provinces of 63.
    everyone = field_indices(reference_store, "province", 2023, "published")
    assert sorted(everyone["code"].unique()) == ["17", "62"] and everyone["field_rank"].isna().all()


@pytest.mark.parametrize("column, value, words", [
    ("field_code", "9", "has no such field"),
    ("max_points", "12", "printed maximum 12 differs from the framework's 10"),
    ("field_index_pct", "96.2", "index 96.2 is not 9.42 / 10 x 100"),
], ids=["unknown-field", "other-maximum", "index-not-points-over-maximum"])
def test_a_printed_field_row_that_disagrees_with_the_framework_is_refused(reference_store, tmp_path, column, value,
                                                                          words):
    table = pd.read_csv(REFERENCE / FIELD_SCORES, dtype=str, keep_default_na=False)
    table.loc[(table["year"] == "2023") & (table["unit_name"] == "Kon Tum") & (table["field_code"] == "2"),
              column] = value
    path = tmp_path / FIELD_SCORES
    table.to_csv(path, index=False)
    with pytest.raises(PublishedDataError, match=words.replace(".", r"\.")):
        field_scores_frame(reference_store, path)


def write_breakdown(tmp_path: Path, header: list[str], rows: list[list], name: str = "ket_qua_2023.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows, columns=header).to_csv(path, index=False, sep=";", encoding="utf-8-sig")
    return path


VI_HEADER = ["Tỉnh, thành phố", "Điểm thẩm định (61,5)", "Điều tra XHH lãnh đạo, quản lý (22)",
             "Chỉ số hài lòng SIPAS (10)", "Tác động đến phát triển KT-XH (6,5)", "Tổng điểm", "Xếp hạng"]
EN_HEADER = ["Province", "Appraisal score (61.5)", "Survey of leaders and managers (22)", "SIPAS (10)",
             "Socio-economic impact (6.5)", "Total", "Rank"]


@pytest.mark.parametrize("header", [VI_HEADER, EN_HEADER], ids=["vi", "en"])
def test_the_breakdown_loads_and_each_part_is_stored(plain_db, tmp_path, header):
    path = write_breakdown(tmp_path, header, [["Kon Tum", "54,95", "18,33", "8,5", "4,36", "86,14", "43"]])
    result = load_file(plain_db, "par-totals", path, options={"year": 2023, "level": "province"})
    con = duckdb.connect(str(plain_db), read_only=True)
    parts = result_components(con, "vn63", "62", 2023, "upload")
    total = con.execute("SELECT total, appraisal FROM par_total WHERE batch_id = ?", [result.batch_id]).fetchall()
    con.close()
    assert result.rows == 1 and total == [(86.14, None)]
    assert dict(zip(parts["component"], parts["points"])) == {"appraisal": 54.95, "leaders_survey": 18.33,
                                                              "sipas": 8.5, "socioeconomic": 4.36}
    # An upload names no published source: the page words its batch and file in the reader's language.
    assert parts["source_ref"].isna().all() and (parts["batch_id"] == result.batch_id).all()
    assert row_origins(parts, "vi") == [f"lô dữ liệu {result.batch_id} · tệp ket_qua_2023.csv"] * 4
    assert row_origins(parts, "en") == [f"batch {result.batch_id} · file ket_qua_2023.csv"] * 4


def test_row_origins_in_both_languages_without_a_file_or_a_batch():
    frame = pd.DataFrame({"source_ref": [None, " ", "https://x.vn/a", None], "batch_id": [7, 8, 9, None],
                          "file_name": [None, "b.csv", "c.csv", None]})
    assert row_origins(frame, "vi") == ["lô dữ liệu 7", "lô dữ liệu 8 · tệp b.csv", "https://x.vn/a", ""]
    assert row_origins(frame, "en") == ["batch 7", "batch 8 · file b.csv", "https://x.vn/a", ""]


def test_rankings_row_sources_come_as_parts(reference_store):
    origins = row_sources(reference_store, "province", 2023, "published").set_index("code")
    assert list(origins.columns) == ["code_system", "source_ref", "batch_id", "file_name"]
    assert origins.loc["62", "source_ref"].startswith("https://snv.kontum.gov.vn/")
    assert origins["file_name"].eq("par_index_provinces_2023.csv").all()


@pytest.mark.parametrize("row, year, column, words", [
    (["Hòa Bình", "57,04", "18,34", "8,19", "4,32", "86,89", "35"], 2023, "Tổng điểm", "87.89 differ from the total"),
    (["Kon Tum", "54,95", "", "8,5", "4,36", "86,14", "43"], 2023, "Điều tra XHH lãnh đạo, quản lý (22)",
     "needs all 4 parts"),
    (["Kon Tum", "54,95", "23", "8,5", "4,36", "90,81", "43"], 2023, "Điều tra XHH lãnh đạo, quản lý (22)",
     "between 0 and 22"),
    (["Kon Tum", "54,95", "18,33", "8,5", "4,36", "86,14", "43"], 2022, "Điều tra XHH lãnh đạo, quản lý (22)",
     "from 2023"),
], ids=["parts-do-not-add-up", "part-missing", "part-above-maximum", "before-2023"])
def test_the_breakdown_is_refused_with_file_row_column_and_fix(plain_db, tmp_path, row, year, column, words):
    path = write_breakdown(tmp_path, VI_HEADER, [row])
    with pytest.raises(LoadRejected) as caught:
        load_file(plain_db, "par-totals", path, options={"year": year, "level": "province"})
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].file == path.name and errors[0].column == column
    assert words in errors[0].message_en and errors[0].message_vi
    assert errors[0].row == (1 if year < 2023 else 2)   # the header row, or the data row
    if words.startswith("87.89"):
        assert "correct the mistyped part or the total" in errors[0].message_en


def test_lost_points_say_whether_each_maximum_is_official(writable_store):
    criteria = writable_store.execute("SELECT criterion_code, max_points FROM framework_criterion "
                                      "WHERE framework_id = 'par-province-2022' ORDER BY position").df()
    scores = pd.DataFrame({"year": 2022, "level": "province", "stage": "appraised", "framework_id": "par-province-2022",
                           "unit_system": "vn63", "unit_code": "22", "criterion_code": criteria["criterion_code"],
                           "points": criteria["max_points"] - 0.25})
    with batch_transaction(writable_store, kind="par-scores", source="upload", file_name="t.csv",
                           dataset_key="par:2022:province:appraised:upload", user="test") as writer:
        writer.insert("par_score", scores)
    lost = lost_points(writable_store, "vn63", "22", 2022, "upload")
    assert len(lost) == len(criteria) and "max_official" in lost
    assert lost["max_official"].dtype == bool and not lost["max_official"].any()


def test_the_method_page_shows_the_framework_facts_with_their_marks(plain_db_master, monkeypatch):
    import streamlit as st

    from tests.app.conftest import app
    st.cache_data.clear()
    at = app(plain_db_master, monkeypatch, "pages/method_page.py", framework="par-ministry-2022")
    facts = next(d.value for d in at.dataframe if "Căn cứ" in d.value.columns)
    assert facts["Nội dung"].tolist()[:2] == ["Điểm thẩm định tối đa", "Điểm điều tra xã hội học tối đa"]
    assert facts["Giá trị"].tolist() == ["68,5", "31,5", "7", "38", "97"]
    assert set(facts["Căn cứ"]) == {"chính thức"} and facts["Nguồn"].str.contains("https://").all()
    st.cache_data.clear()


@pytest.mark.parametrize("part, key, words", [("fields", "code", "field 3 is listed more than once"),
                                             ("bands", "group", "band A is listed more than once")])
def test_a_framework_field_or_band_listed_twice_is_refused(tmp_path, part, key, words):
    doc = yaml.safe_load((DATA_DIR / "frameworks" / "par-province-2022.yaml").read_text("utf-8"))
    twin = dict(next(e for e in doc[part] if str(e[key]) == words.split()[1]))
    doc[part].append(twin)
    broken = tmp_path / "twice.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(ReferenceError, match=words):
        read_framework(broken)
