"""Reference integrity: the units, their lineage and names, frameworks, instruments and projects."""
from datetime import date

import pytest

from etl.codesystems import UnitResolver, system_for
from etl.names import name_key


def units(con, system):
    return dict(con.execute("SELECT code, name_vi FROM unit WHERE code_system = ?", [system]).fetchall())


def test_63_and_34_provinces(reference_store):
    assert len(units(reference_store, "vn63")) == 63
    assert len(units(reference_store, "vn34")) == 34


def test_every_old_province_maps_to_exactly_one_new(reference_store):
    rows = reference_store.execute(
        "SELECT from_code, count(*) FROM unit_lineage WHERE from_system = 'vn63' GROUP BY 1").fetchall()
    assert len(rows) == 63 and all(n == 1 for _c, n in rows)
    targets = {r[0] for r in reference_store.execute(
        "SELECT DISTINCT to_code FROM unit_lineage WHERE from_system = 'vn63'").fetchall()}
    assert targets == set(units(reference_store, "vn34"))


def test_codes_that_mean_another_province_after_the_merger(reference_store):
    old, new = units(reference_store, "vn63"), units(reference_store, "vn34")
    changed = {code for code in old.keys() & new.keys() if name_key(old[code]) != name_key(new[code])}
    # 46 is a rename (Thừa Thiên Huế -> Huế, same land); the others now mean another province.
    assert changed == {"15", "24", "44", "46", "52", "80", "82", "91"}
    for code in sorted(changed - {"46"}):
        before = UnitResolver(reference_store, "vn63", date(2024, 12, 31)).resolve(old[code])
        after = UnitResolver(reference_store, "vn34", date(2025, 12, 31)).resolve(new[code])
        assert (before.code, after.code) == (code, code)
    assert (old["15"], new["15"]) == ("Yên Bái", "Lào Cai")
    assert (old["24"], new["24"]) == ("Bắc Giang", "Bắc Ninh")
    assert (old["80"], new["80"]) == ("Long An", "Tây Ninh")
    assert (old["91"], new["91"]) == ("Kiên Giang", "An Giang")


@pytest.mark.parametrize("name, old_code, new_code", [
    ("Lào Cai", "10", "15"), ("Tây Ninh", "72", "80"), ("An Giang", "89", "91"), ("Đồng Tháp", "87", "82"),
    ("Tuyên Quang", "08", "08"), ("Quảng Trị", "45", "44"), ("Gia Lai", "64", "52"), ("Đắk Lắk", "66", "66"),
    ("Lâm Đồng", "68", "68"), ("Cà Mau", "96", "96"), ("Thái Nguyên", "19", "19"), ("Bắc Ninh", "27", "24"),
    ("Phú Thọ", "25", "25"), ("Hải Phòng", "31", "31"), ("Hưng Yên", "33", "33"), ("Ninh Bình", "37", "37"),
    ("Đà Nẵng", "48", "48"), ("Quảng Ngãi", "51", "51"), ("Khánh Hòa", "56", "56"), ("Đồng Nai", "75", "75"),
    ("Hồ Chí Minh", "79", "79"), ("Vĩnh Long", "86", "86"), ("Cần Thơ", "92", "92"),
])
def test_names_resolve_to_the_code_of_their_system(reference_store, name, old_code, new_code):
    before = UnitResolver(reference_store, "vn63", date(2024, 6, 1)).resolve(name)
    after = UnitResolver(reference_store, "vn34", date(2025, 9, 1)).resolve(name)
    assert (before.code, after.code) == (old_code, new_code)


def test_every_name_whose_code_differs_between_systems(reference_store):
    old = {name_key(n): c for c, n in units(reference_store, "vn63").items()}
    new = {name_key(n): c for c, n in units(reference_store, "vn34").items()}
    differing = {k for k in old.keys() & new.keys() if old[k] != new[k]}
    assert differing == {"lao cai", "tay ninh", "an giang", "dong thap", "quang tri", "gia lai", "bac ninh"}
    for key in differing:
        assert UnitResolver(reference_store, "vn63", date(2024, 1, 1)).resolve(key).code == old[key]
        assert UnitResolver(reference_store, "vn34", date(2026, 1, 1)).resolve(key).code == new[key]


def test_merged_province_is_named_as_belonging_to_the_old_system(reference_store):
    result = UnitResolver(reference_store, "vn34", date(2025, 12, 31)).resolve("Long An")
    assert result.code is None
    assert "vn63:80" in result.problem and "vn34" in result.problem


@pytest.mark.parametrize("written", ["TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "tp ho chi minh", "TPHCM",
                                     "Hồ Chí Minh", "HO CHI MINH"])
def test_usual_spellings_resolve(reference_store, written):
    assert UnitResolver(reference_store, "vn63", date(2023, 12, 31)).resolve(written).code == "79"


def test_names_carry_their_validity(reference_store):
    r2024 = UnitResolver(reference_store, "vn63", date(2024, 12, 31))
    r2025 = UnitResolver(reference_store, "vn63", date(2025, 3, 1))
    assert r2024.resolve("Thừa Thiên Huế").code == "46"
    assert r2025.resolve("Thừa Thiên Huế").code is None
    assert "valid" in r2025.resolve("Thừa Thiên Huế").problem
    assert r2025.resolve("Thành phố Huế").code == "46"
    assert UnitResolver(reference_store, "vn34", date(2026, 5, 1)).resolve("Thành phố Đồng Nai").code == "75"
    assert UnitResolver(reference_store, "vn34", date(2025, 8, 1)).resolve("Tỉnh Đồng Nai").code == "75"


def test_code_system_by_date_and_year():
    assert system_for("province", year=2024) == "vn63"
    assert system_for("province", year=2025) == "vn34"
    assert system_for("province", on_date=date(2025, 6, 30)) == "vn63"
    assert system_for("province", on_date=date(2025, 7, 1)) == "vn34"
    assert system_for("ministry", on_date=date(2025, 2, 28)) == "ministry-2021"
    assert system_for("ministry", on_date=date(2025, 3, 1)) == "ministry-2025"
    assert system_for("ministry", year=2025) == "ministry-2025"


def test_ministries_and_their_mapping(reference_store):
    old, new = units(reference_store, "ministry-2021"), units(reference_store, "ministry-2025")
    assert len(old) == 22 and len(new) == 17
    assessed = reference_store.execute(
        "SELECT count(*) FROM unit WHERE code_system = 'ministry-2021' AND assessed").fetchall()[0][0]
    assert assessed == 17
    links = dict(reference_store.execute(
        "SELECT from_code, to_code FROM unit_lineage WHERE from_system = 'ministry-2021'").fetchall())
    assert set(links) == set(old)
    assert links["BKHDT"] == "BTC" and links["BGTVT"] == "BXD" and links["BTTTT"] == "BKHCN"
    assert links["BTNMT"] == links["BNNPTNT"] == "BNNMT" and links["UBDT"] == "BDTTG"
    resolver = UnitResolver(reference_store, "ministry-2021", date(2023, 12, 31))
    assert resolver.resolve("Bộ Y Tế").code == "BYT"
    assert resolver.resolve("Bộ Nông nghiệp và Phát triển Nông thôn").code == "BNNPTNT"


def test_sixteen_national_projects(reference_store):
    rows = reference_store.execute(
        "SELECT project_no, deadline_year, on_roadmap, lead_code FROM national_project ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == list(range(1, 17))
    roadmap = [r for r in rows if r[2]]
    assert len(roadmap) == 1 and roadmap[0][1] is None
    assert all(r[1] is not None for r in rows if not r[2])


def test_frameworks_cover_every_year_and_add_up(reference_store):
    for level, fields, appraisal, survey in (("province", 8, 68.0, 32.0), ("ministry", 7, 68.5, 31.5)):
        for year in range(2019, 2027):
            rows = reference_store.execute(
                "SELECT framework_id, appraisal_max, survey_max, points_illustrative FROM framework "
                "WHERE level = ? AND first_year <= ? AND (last_year IS NULL OR last_year >= ?)",
                [level, year, year]).fetchall()
            assert len(rows) == 1, (level, year)
            fid, a, s, illustrative = rows[0]
            assert illustrative
            count = reference_store.execute(
                "SELECT count(*) FROM framework_field WHERE framework_id = ?", [fid]).fetchall()[0][0]
            assert count == fields
            if year in (2022, 2023):
                assert (a, s) == (appraisal, survey)
    criteria = reference_store.execute(
        "SELECT framework_id, count(*) FROM framework_criterion GROUP BY 1").fetchall()
    assert dict(criteria)["par-province-2022"] == 37 and dict(criteria)["par-ministry-2022"] == 38


def test_instruments_match_the_survey_definitions(reference_store):
    counts = dict(reference_store.execute(
        "SELECT instrument_id, count(*) FILTER (WHERE item_kind = 'likert') FROM instrument_item GROUP BY 1").fetchall())
    assert counts == {"sipas": 33, "health-inpatient": 36 + 1, "health-outpatient": 31 + 1, "education": 25}
    na = dict(reference_store.execute("SELECT instrument_id, na_code FROM instrument").fetchall())
    assert na["health-inpatient"] == 0 and na["sipas"] is None


def test_published_ministries_2023_reproduce_the_published_average(reference_store):
    values = [r[0] for r in reference_store.execute(
        "SELECT total FROM par_total WHERE year = 2023 AND level = 'ministry'").fetchall()]
    assert len(values) == 17
    assert round(sum(round(v * 100) for v in values) / 17 / 100, 2) == 84.38


def test_one_english_spelling_per_province_name(reference_store):
    """Hà Nội is 'Hanoi' in both code systems (not 'Ha Noi' in one and 'Hanoi' in the other)."""
    rows = reference_store.execute(
        "SELECT name_vi, list(DISTINCT name_en) FROM unit WHERE code_system IN ('vn63', 'vn34') GROUP BY name_vi "
        "HAVING count(DISTINCT name_en) > 1").fetchall()
    assert rows == []
    assert reference_store.execute("SELECT name_en FROM unit WHERE code_system = 'vn63' AND code = '01'"
                                   ).fetchall() == [("Hanoi",)]
