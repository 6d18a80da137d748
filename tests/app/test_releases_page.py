"""The releases page, the release filter and the draft marker under AppTest, on one release history per module."""
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.conftest import app
from tests.etl.release_history import ERRATA, build_history


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch):
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    monkeypatch.delenv("PAR_ALLOW_ANONYMOUS", raising=False)
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def history(plain_db_master, tmp_path_factory):
    return build_history(plain_db_master, tmp_path_factory.mktemp("release-pages"))


def captions(at: AppTest) -> str:
    return "\n".join(c.value for c in list(at.caption) + list(at.sidebar.caption))


def test_the_diff_page_lists_the_changes_and_the_errata(history, monkeypatch):
    at = app(history.db, monkeypatch, "pages/releases_page.py", show=str(history.first))
    listing = at.dataframe[0].value
    assert listing["Số"].tolist() == [str(history.second), str(history.first)]
    assert listing["Tình trạng"].tolist() == ["đang có hiệu lực", "đã được thay thế"]
    assert any(ERRATA.split(":")[0] in m.value for m in at.markdown)
    diff = at.dataframe[1].value
    rows = {(r[0], r[1]): (r[2], r[3]) for r in diff.itertuples(index=False)}
    assert rows == {("Bộ Tư pháp", "Điểm thẩm định"): ("61,86", "60,86"), ("Bộ Tư pháp", "Chỉ số (%)"): ("89,95", "88,95"),
                    ("Bộ Tư pháp", "Thứ hạng"): ("1", "3"), ("Ngân hàng Nhà nước Việt Nam", "Thứ hạng"): ("2", "1"),
                    ("Bộ Tài chính", "Thứ hạng"): ("3", "2")}
    assert f"Bản số {history.first}" in diff.columns and f"Bản số {history.second}" in diff.columns
    assert "Bản nháp, chưa công bố" in captions(at)      # the sidebar's year (provinces) has no release: a draft


def test_rankings_show_the_chosen_release_and_name_it(history, monkeypatch):
    latest = app(history.db, monkeypatch, "pages/rankings_page.py", level="ministry", year="2023")
    table = latest.dataframe[0].value.set_index("Đơn vị")
    assert table.loc["Bộ Tư pháp", "Chỉ số (%)"] == "88,95"
    assert f"Bản công bố số {history.second}" in captions(latest)
    old = app(history.db, monkeypatch, "pages/rankings_page.py", level="ministry", year="2023",
              release=str(history.first))
    table = old.dataframe[0].value.set_index("Đơn vị")
    assert (table.loc["Bộ Tư pháp", "Chỉ số (%)"], table.loc["Bộ Tư pháp", "Hạng"]) == ("89,95", "1")
    assert f"đã được thay thế bởi bản số {history.second}" in captions(old)


def test_the_data_page_offers_the_package(history, monkeypatch):
    at = app(history.db, monkeypatch, "pages/data_page.py")
    assert any(b.label.startswith("Tải gói dữ liệu của bản số") for b in at.get("download_button"))


def test_an_analyst_releases_from_the_page(history, monkeypatch, tmp_path):
    import shutil

    db = tmp_path / "par.duckdb"
    shutil.copy(history.db, db)
    at = app(db, monkeypatch, "pages/releases_page.py")
    level = [s for s in at.selectbox if s.label == "Cấp"][0]
    level.set_value("province")
    [n for n in at.number_input if n.label == "Năm"][0].set_value(2024)
    [i for i in at.text_input if i.label == "Tiêu đề"][0].set_value("Chỉ số CCHC 2024 của các tỉnh")
    [i for i in at.text_input if i.label == "Số quyết định"][0].set_value("7/QĐ-BNV")
    [b for b in at.button if b.label == "Công bố"][0].click().run()
    assert not at.exception
    assert any("Đã tạo bản công bố số" in s.value for s in at.success), [e.value for e in at.error]


def test_the_audit_log_names_releases_and_supersessions(history, monkeypatch):
    at = app(history.db, monkeypatch, "pages/audit_page.py")
    shown = "\n".join(str(v) for frame in at.dataframe for v in frame.value.astype(str).to_numpy().ravel())
    assert "Công bố số liệu" in shown and "Thay thế bản công bố" in shown and "Mở đính chính" in shown


@pytest.fixture(scope="module")
def survey_release(demo_db_master, tmp_path_factory):
    """A demo store with one survey release (education 2023) and none of the PAR INDEX: (path, release id)."""
    import shutil

    from etl.db import open_store
    from etl.releases import Scope, create_release

    db = tmp_path_factory.mktemp("survey-release") / "par.duckdb"
    shutil.copy(demo_db_master, db)
    with open_store(db, read_only=False) as con:
        return db, create_release(con, Scope("survey", "education", 2023), title="Giáo dục 2023",
                                  decision="6/QĐ-BGDĐT")


def release_picker(at: AppTest):
    return next(s for s in at.sidebar.selectbox if s.label == "Bản công bố")


def test_the_release_filter_offers_the_releases_of_the_page_shown(survey_release, monkeypatch):
    db, release_id = survey_release
    at = app(db, monkeypatch, "pages/satisfaction_page.py", survey="education", sat_year="2023")
    picker = release_picker(at)
    assert picker.options[2:] == [f"Số {release_id} · Hài lòng về giáo dục 2023 · 6/QĐ-BGDĐT"]
    sidebar = "\n".join(c.value for c in at.sidebar.caption)
    assert "Chỉ số CCHC" not in sidebar          # no PAR INDEX status on a survey's page
    picker.set_value(str(release_id)).run()
    assert not at.exception and release_picker(at).value == str(release_id)
    assert f"Bản công bố số {release_id}: Giáo dục 2023" in captions(at)
    next(s for s in at.sidebar.selectbox if s.label == "Năm").set_value(2023)    # the survey release's year
    at.switch_page("pages/rankings_page.py").run()
    picker = release_picker(at)
    assert len(picker.options) == 2 and picker.value == "latest"     # a survey release is no PAR INDEX choice
    assert "Chỉ số CCHC cấp tỉnh 2023: dữ liệu làm việc" in "\n".join(c.value for c in at.sidebar.caption)
