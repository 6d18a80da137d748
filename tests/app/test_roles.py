"""The app with a signed-in user of each role (OpenID Connect mocked at the identity function)."""
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from etl.access import Actor
from etl.load import load_file
from tests.conftest import PROJECT

APP = str(PROJECT / "app.py")


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def signed_in(monkeypatch, demo_db, tmp_path):
    roles = tmp_path / "roles.yaml"
    roles.write_text("default_role: viewer\nusers:\n  alice@moha.gov.vn: analyst\n  bob@moha.gov.vn: analyst\n"
                     "  admin@moha.gov.vn: admin\n", "utf-8")
    monkeypatch.setenv("PAR_DB", str(demo_db))
    monkeypatch.setenv("PAR_ROLES_FILE", str(roles))
    monkeypatch.setattr("ui.auth.auth_configured", lambda: True)
    for who in ("alice", "bob"):
        source = tmp_path / f"{who}.csv"
        source.write_text(f"Số đề án,Ngày báo cáo,Trạng thái\n{1 if who == 'alice' else 2},01/11/2026,Đã trình\n", "utf-8")
        load_file(demo_db, "projects", source, actor=Actor(f"{who}@moha.gov.vn", "analyst"))

    def run(email, page=None):
        monkeypatch.setattr("ui.auth.signed_in_email", lambda: email)
        at = AppTest.from_file(APP, default_timeout=30).run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def removable(at) -> list:
    boxes = [s for s in at.selectbox if s.label in ("Lô cần gỡ", "Batch to remove")]
    return boxes[0].options if boxes else []


def test_viewer_cannot_reach_or_call_a_write(signed_in):
    at = signed_in("someone@gmail.com", "pages/data_page.py")
    assert removable(at) == []
    assert any("người xem" in c.value for c in at.sidebar.caption)
    # The loading page is not in a viewer's menu at all...
    with pytest.raises(ValueError, match="upload_page.py"):
        signed_in("someone@gmail.com", "pages/upload_page.py")
    # ...and the write itself checks the role (tests/etl/test_safety.py calls it as a viewer).


def test_an_analyst_removes_only_their_own_batches(signed_in):
    at = signed_in("alice@moha.gov.vn", "pages/data_page.py")
    options = removable(at)
    assert len(options) == 1 and "alice.csv" in options[0]
    next(s for s in at.selectbox if s.label == "Lô cần gỡ").select_index(0)
    next(b for b in at.button if b.label == "Gỡ lô").click().run()
    assert any("Đã gỡ lô" in s.value for s in at.success)
    assert removable(signed_in("alice@moha.gov.vn", "pages/data_page.py")) == []
    upload = signed_in("alice@moha.gov.vn", "pages/upload_page.py")
    assert upload.title[0].value == "Nạp dữ liệu" and not upload.error


def test_an_admin_removes_any_batch_and_reads_the_audit_log(signed_in):
    at = signed_in("admin@moha.gov.vn", "pages/data_page.py")
    options = removable(at)
    assert any("alice.csv" in o for o in options) and any("bob.csv" in o for o in options)
    audit = signed_in("admin@moha.gov.vn", "pages/audit_page.py")
    log = audit.dataframe[0].value
    users = log["user_name"] if "user_name" in log.columns else log.iloc[:, 2]    # headers are translated
    assert {"alice@moha.gov.vn", "bob@moha.gov.vn"} <= set(users)


def test_not_signed_in_asks_to_sign_in(signed_in):
    at = signed_in(None)
    assert any(b.label in ("Đăng nhập", "Sign in") for b in at.button)
    assert not at.metric     # nothing else is shown


def test_sign_in_required_but_not_configured_refuses(monkeypatch, demo_db_master):
    monkeypatch.setenv("PAR_DB", str(demo_db_master))
    monkeypatch.setenv("PAR_REQUIRE_AUTH", "1")
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception and "PAR_REQUIRE_AUTH" in at.error[0].value and not at.metric


def test_local_mode_is_marked(monkeypatch, demo_db_master):
    monkeypatch.setenv("PAR_DB", str(demo_db_master))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert any("một người dùng" in i.value for i in at.sidebar.info)
