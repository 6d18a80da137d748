"""Every page under AppTest, in both languages, on the demo database; shell behaviour and store states."""
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.leaks import leaks_in, visible
from tests.conftest import PROJECT

APP = str(PROJECT / "app.py")
PAGES = ["pages/overview_page.py", "pages/units_page.py", "pages/data_page.py", "pages/method_page.py",
         "pages/rankings_page.py", "pages/profile_page.py", "pages/upload_page.py", "pages/projects_page.py",
         "pages/compliance_page.py", "pages/leaders_page.py", "pages/compare_page.py",
         "pages/satisfaction_page.py", "pages/audit_page.py", "pages/roles_page.py"]
LANG_PARAM = {"vi": "Tiếng Việt", "en": "English"}


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def app(db: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("PAR_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.title] + [e.value for e in at.caption] + [e.value for e in at.warning]
    parts += [e.value for e in at.info] + [e.value for e in at.error] + [e.value for e in at.markdown]
    parts += [m.label + " " + m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(demo_db_master, monkeypatch, page, lang):
    """Every page runs without an exception, with its title, and shows nothing in the wrong language."""
    # Local mode (no [auth] in secrets, sign-in not required) is the admin: the admin pages are reachable too.
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    monkeypatch.delenv("PAR_ALLOW_ANONYMOUS", raising=False)
    at = app(demo_db_master, monkeypatch, lang=LANG_PARAM[lang])
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    expected_title = {"vi": ["Tổng quan", "Đơn vị hành chính", "Dữ liệu và nguồn", "Phương pháp", "Xếp hạng",
                             "hồ sơ Chỉ số CCHC", "Nạp dữ liệu", "16 đề án", "Kế hoạch CCHC năm", "Đề xuất mức xếp loại", "So sánh qua các năm",
                             "Sự hài lòng năm", "Nhật ký thao tác", "Phân quyền người dùng"],
                      "en": ["overview", "Administrative units", "Data and sources", "Method", "rankings",
                             "PAR INDEX profile", "Load data", "16 national", "PAR plans", "Proposed levels", "Compare over years", "Satisfaction 20",
                             "Audit log", "User roles"]}[lang][PAGES.index(page)]
    assert expected_title in at.title[0].value
    assert leaks_in(visible(at), lang) == [], "language leaks (tests/app/leaks.py)"


def test_overview_defaults_to_the_latest_year_and_marks_demo(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch)
    assert at.title[0].value == "Tổng quan Chỉ số CCHC 2025: Tỉnh, thành phố"
    assert any("DỮ LIỆU MÔ PHỎNG" in w.value for w in at.warning)
    assert any("mô phỏng" in w.value for w in at.sidebar.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Số đơn vị có điểm"] == "34"


@pytest.mark.parametrize("lang, average", [("vi", "84,38 %"), ("en", "84.38 %")])
def test_published_ministries_2023_from_a_link(demo_db_master, monkeypatch, lang, average):
    at = app(demo_db_master, monkeypatch, lang=LANG_PARAM[lang], level="ministry", year="2023")
    assert "2023" in at.title[0].value
    metrics = {m.label: m.value for m in at.metric}
    assert average in metrics.values()
    assert not any("MÔ PHỎNG" in w.value or "DEMO" in w.value for w in at.warning), "published view is not demo"
    top = at.table[0].value          # the leaders' top five: a plain table, no grid to load in the browser
    assert top.iloc[:, 1].tolist() == (["Bộ Tư pháp", "Ngân hàng Nhà nước Việt Nam", "Bộ Tài chính"] if lang == "vi"
                                       else ["Ministry of Justice", "State Bank of Vietnam", "Ministry of Finance"])


def test_choosing_demo_for_a_published_year_marks_it(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, level="ministry", year="2023", source="demo")
    assert any("DỮ LIỆU MÔ PHỎNG" in w.value for w in at.warning)


def test_filters_survive_a_page_switch_and_a_language_switch(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch)
    at.selectbox(key="level.vi").select("ministry").run()
    assert "Bộ, cơ quan ngang bộ" in at.title[0].value
    assert at.query_params["level"] == ["ministry"] or at.query_params["level"] == "ministry"
    at.switch_page(PAGES[1]).run()
    at.switch_page(PAGES[0]).run()
    assert "Bộ, cơ quan ngang bộ" in at.title[0].value
    at.button_group[0].set_value("en").run()
    assert at.title[0].value.endswith("Ministries")


def test_units_page_finds_names_without_diacritics(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, system="vn63")
    at.switch_page(PAGES[1]).run()
    at.text_input(key="q").input("thua thien").run()
    table = at.dataframe[0].value
    assert table.iloc[:, 1].tolist() == ["Thừa Thiên Huế"]


def test_missing_database_is_explained(tmp_path, monkeypatch):
    at = app(tmp_path / "none.duckdb", monkeypatch)
    assert not at.exception
    assert "python -m etl build" in at.error[0].value


def test_empty_database_is_explained(tmp_path, monkeypatch):
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    at = app(tmp_path / "empty.duckdb", monkeypatch)
    assert not at.exception and "trống" in at.error[0].value


def test_newer_schema_is_explained(demo_db, monkeypatch):
    con = duckdb.connect(str(demo_db))
    con.execute("INSERT INTO schema_version VALUES (999, 'future', now())")
    con.close()
    at = app(demo_db, monkeypatch, lang="English")
    assert not at.exception and "newer version" in at.error[0].value


def test_published_only_database_needs_no_demo(tmp_path, monkeypatch):
    from etl.build import build
    path = tmp_path / "nodemo.duckdb"
    build(path, demo=False)
    at = app(path, monkeypatch)
    assert not at.exception
    assert "2024" in at.title[0].value               # latest published province year
    assert not any("MÔ PHỎNG" in w.value for w in at.warning)


def test_older_schema_is_upgraded_on_open(demo_db, monkeypatch):
    from etl import migrations
    upgrade = migrations.latest_version() + 1
    newer = migrations.available() + [(upgrade, "test upgrade", "CREATE TABLE upgrade_marker (x INTEGER);")]
    monkeypatch.setattr(migrations, "available", lambda: newer)
    at = app(demo_db, monkeypatch)
    assert not at.exception and not at.error
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0] == upgrade
    con.close()


def test_first_start_builds_the_default_database(tmp_path, monkeypatch):
    """With no database at the default path, the app builds it from data/ and then shows the overview."""
    import etl.paths
    import ui.store
    target = tmp_path / "par.duckdb"
    monkeypatch.delenv("PAR_DB", raising=False)
    monkeypatch.setattr(etl.paths, "DEFAULT_DB", target)
    monkeypatch.setattr(ui.store, "db_path", lambda: target)
    monkeypatch.setattr("ui.store._may_build", lambda path: path == target)
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, [e.value for e in at.exception]
    assert target.exists()
    assert "Tổng quan Chỉ số CCHC 2025" in at.title[0].value


def test_profile_deep_link_opens_any_unit_and_year(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, unit="ministry-2021:BTP", year="2023", lang="English")
    at.switch_page("pages/profile_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Ministry of Justice: PAR INDEX profile"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["PAR INDEX 2023"] == "89.95 %" and metrics["Rank"] == "Rank 1 of 17"
    assert any("criterion-level scores" in c.value for c in at.caption)    # published totals only


def test_profile_of_a_merged_province_shows_its_predecessors(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, unit="vn34:80", lang="English")
    at.switch_page("pages/profile_page.py").run()
    assert not at.exception
    assert any("Formed from" in as_shown(c.value) and "Long An (vn63:80)" in as_shown(c.value) for c in at.caption)
    rank = {m.label: m.value for m in at.metric}["Rank"]
    assert __import__("re").fullmatch(r"Rank \d+ of 34", rank)
    lost = next(d.value for d in at.dataframe if "Lost" in d.value.columns)
    assert len(lost) == 10 and lost["Lost"].is_monotonic_decreasing


def test_rankings_table_and_exports(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, level="ministry", year="2023", lang="English")
    at.switch_page("pages/rankings_page.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Rank"].tolist()[:3] == ["1", "2", "3"]     # display text (ui.format); exports keep numbers
    assert table["Unit"].tolist()[0] == "Ministry of Justice"
    assert table["Profile"].iloc[0] == "profile?unit=ministry-2021:BTP&year=2023"
    # How sure each rank is: the interval beside each rank (the release covers all 17 ministries), and its chart.
    assert list(table.columns[:2]) == ["Rank", "90 % rank interval"] and table["90 % rank interval"].iloc[0] == "1–2"
    assert any("first-order Sobol" in c.value for c in at.caption)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel"]


def as_shown(markdown: str) -> str:
    """The characters a Markdown text shows once its backslash escapes are read (data is escaped as text)."""
    return __import__("re").sub(r"\\(.)", r"\1", markdown)


def test_an_admin_reads_the_audit_log_and_assigns_a_role(demo_db, monkeypatch, tmp_path):
    """Local mode without [auth] is the admin: the audit log lists the build, the roles page shows the file's
    default role, and an assignment made there is stored, listed and audited."""
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    monkeypatch.delenv("PAR_ALLOW_ANONYMOUS", raising=False)
    roles = tmp_path / "roles.yaml"
    roles.write_text("default_role: analyst\nusers:\n  lan@moha.gov.vn: admin\n", "utf-8")
    monkeypatch.setenv("PAR_ROLES_FILE", str(roles))
    con = duckdb.connect(str(demo_db), read_only=True)
    logged = con.execute("SELECT count(*) FROM audit").fetchall()[0][0]
    con.close()
    assert logged > 0

    at = app(demo_db, monkeypatch, lang="English")
    assert at.session_state["actor"].role == "admin", "local single-user mode works as admin"
    at.switch_page("pages/audit_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title[0].value == "Audit log"
    log = at.dataframe[0].value
    assert len(log) == logged
    # Headers and actions are shown translated (English here), no longer as raw column names and codes.
    assert set(log["Action"]) == {"Data load", "Rule set saved"} and set(log["User"]) == {"build"}
    at.selectbox(key="audit_action").select("rules").run()
    rules = at.dataframe[0].value
    assert sorted(rules["File"]) == ["rules/default.yaml", "rules/quang-ngai-2018.yaml"]

    at.switch_page("pages/roles_page.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "User roles"
    assert at.dataframe[0].value.empty                        # nobody assigned in the database yet
    shown = __import__("json").loads(at.json[0].value)
    assert shown == {"default_role": "analyst", "users": {"lan@moha.gov.vn": "admin"}, "domains": {}, "units": {}}
    assert any(str(roles) in as_shown(c.value) for c in at.caption)
    at.main.text_input[0].input("Binh@MOHA.gov.vn")
    at.main.selectbox[0].select("viewer")
    at.main.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [as_shown(s.value) for s in at.success] == ["Assigned binh@moha.gov.vn: viewer."]
    at.run()    # the table is drawn above the form, so it shows the assignment from the next run on
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert table[["E-mail address or domain", "Role"]].values.tolist() == [["binh@moha.gov.vn", "viewer"]]
    con = duckdb.connect(str(demo_db), read_only=True)
    assert con.execute("SELECT subject, role FROM role_assignment").fetchall() == [("binh@moha.gov.vn", "viewer")]
    assert con.execute("SELECT action, detail FROM audit ORDER BY audit_id DESC LIMIT 1").fetchall() == [
        ("role", "binh@moha.gov.vn -> viewer")]
    con.close()


def test_compare_page_names_units_in_the_readers_language(demo_db_master, monkeypatch):
    at = app(demo_db_master, monkeypatch, lang="English", system="vn34", units="01")
    at.switch_page("pages/compare_page.py").run()
    assert not at.exception
    change_table = at.dataframe[0].value
    assert "Hanoi" in set(change_table.iloc[:, 0]) and "Hà Nội" not in set(change_table.iloc[:, 0])
