"""Defaults that answer (a unit with figures, units with values), links that reopen the view, and exports."""
from __future__ import annotations

import duckdb
import pytest
import streamlit as st

from metrics.par_index import unit_results
from metrics.trend import trend
from tests.app.conftest import app
from ui.state import language_from_param


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    st.cache_data.clear()
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    monkeypatch.delenv("PAR_ALLOW_ANONYMOUS", raising=False)
    yield
    st.cache_data.clear()


@pytest.mark.parametrize("value, code", [("en", "en"), ("EN", "en"), ("en-US", "en"), ("English", "en"),
                                         ("vi", "vi"), ("Tiếng Việt", "vi"), ("fr", None), ("", None), (None, None)])
def test_language_param_forms(value, code):
    assert language_from_param(value) == code


@pytest.mark.parametrize("value, title", [("en", "PAR INDEX 2025 overview: Provinces"),
                                          ("vi", "Tổng quan Chỉ số CCHC 2025: Tỉnh, thành phố")])
def test_lang_code_in_the_link_selects_the_language(demo_db_master, monkeypatch, value, title):
    at = app(demo_db_master, monkeypatch, lang=value)
    assert at.title[0].value == title
    at.button_group[0].set_value("vi" if value == "en" else "en").run()     # and the switch still works
    assert at.title[0].value != title


def unit_picker(at):
    return next(s for s in at.selectbox if s.key.startswith("unit."))


@pytest.mark.parametrize("params", [{}, {"year": "2024"}, {"level": "ministry"}, {"year": "2023", "source": "published"}])
def test_profile_opens_on_a_unit_with_an_index(demo_db_master, monkeypatch, params):
    at = app(demo_db_master, monkeypatch, "pages/profile_page.py", lang="en", **params)
    key = unit_picker(at).value
    system, code = key.split(":", 1)
    assert not at.main.info, [i.value for i in at.main.info]                # no "has no score for the year"
    level = params.get("level", "province")
    year = int(params.get("year", 2025))
    assert f"PAR INDEX {year}" in {m.label for m in at.metric}
    con = duckdb.connect(str(demo_db_master), read_only=True)
    try:
        sources = [params["source"]] if "source" in params else ["published", "demo"]
        found = [unit_results(con, level, year, s) for s in sources]
        assert any(r.loc[(r["code_system"] == system) & (r["code"] == code), "index"].notna().any() for r in found)
    finally:
        con.close()


def test_profile_lists_the_years_code_system_and_names_without_accents(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, "pages/profile_page.py")
    options = unit_picker(at).options
    assert len(options) == 34 and all("(vn34:" in o for o in options)
    assert any("Quang Ninh" in o for o in options)                            # typed without diacritics, it matches
    at = app(demo_db_master, monkeypatch, "pages/profile_page.py", year="2024")
    assert len(unit_picker(at).options) == 63


def test_profile_deep_link_keeps_its_unit(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, "pages/profile_page.py", unit="vn34:22", lang="en")
    assert unit_picker(at).value == "vn34:22"
    assert at.title[0].value.startswith("Quang Ninh")


def picked_units(at):
    return at.multiselect[0].value


@pytest.mark.parametrize("params", [{}, {"source": "published"}, {"level": "ministry", "measure": "rank"},
                                    {"system": "vn63", "source": "demo"}])
def test_compare_opens_on_units_with_values(demo_db_master, monkeypatch, params):
    at = app(demo_db_master, monkeypatch, "pages/compare_page.py", **params)
    picked = picked_units(at)
    assert picked
    system = params.get("system", "ministry-2025" if params.get("level") == "ministry" else "vn34")
    first, last = at.slider[0].value
    con = duckdb.connect(str(demo_db_master), read_only=True)
    try:
        series = trend(con, system, first, last, params.get("measure", "index"), "equal", params.get("source"))
    finally:
        con.close()
    for code in picked:
        assert series[(series["code"] == code)]["value"].notna().any(), code
    changes = at.dataframe[0].value                          # the change table opens on two years with figures
    assert changes.iloc[:, 1].ne("—").any() and changes.iloc[:, 3].ne("—").any()


def test_compare_link_reopens_the_view(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, "pages/compare_page.py", units="22,31", years="2022-2024",
             measure="rank", lang="en")
    assert picked_units(at) == ["22", "31"]
    assert at.slider[0].value == (2022, 2024)
    assert at.session_state["_chosen_measure"] == "rank"
    at.multiselect[0].select("01").run()                                    # a change is written to the URL
    assert not at.exception
    assert st_param(at, "units") == "22,31,01" and st_param(at, "years") == "2022-2024"


def st_param(at, key):
    value = at.query_params[key]
    return value[0] if isinstance(value, list) else value


def test_satisfaction_link_reopens_survey_and_drill_down(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, "pages/satisfaction_page.py", survey="education", sat_unit="vn34:22",
             lang="en")
    values = {s.key: s.value for s in at.selectbox}
    assert values["survey.en"] == "education" and values["sat_unit.education.en"] == "vn34:22"


@pytest.mark.parametrize("page", ["pages/profile_page.py", "pages/compare_page.py", "pages/satisfaction_page.py"])
def test_tables_have_csv_and_excel_downloads(demo_db_master, monkeypatch, page):
    at = app(demo_db_master, monkeypatch, page)
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Tải CSV") >= 2 and labels.count("Tải CSV") == labels.count("Tải Excel")


def test_own_unit_from_the_roles_mapping(monkeypatch):
    """own_unit reads `units:` (e-mail -> SYSTEM:CODE) from the roles mapping, for a verified signed-in user only."""
    import etl.access
    from etl.access import Actor
    from ui import state

    monkeypatch.setattr(etl.access, "configured_roles",
                        lambda path=None: {"default_role": "viewer", "users": {}, "domains": {},
                                           "units": {"lan@qn.gov.vn": "vn34:22"}})
    session = {"actor": Actor("Lan@QN.gov.vn", "viewer"), "access_policy": type("P", (), {"mode": "signin"})()}
    monkeypatch.setattr(state.st, "session_state", session)
    assert state.own_unit() == "vn34:22"
    session["access_policy"].mode = "local"
    assert state.own_unit() is None
