"""Safe by default: without [auth] the app serves this computer only; beyond loopback it needs sign-in or an
explicit PAR_ALLOW_ANONYMOUS; roles need a verified e-mail; data-derived text is shown as text; no tracebacks."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT
from ui.auth import is_loopback
from ui.text import md_escape

APP = str(PROJECT / "app.py")


@pytest.fixture(autouse=True)
def clean(monkeypatch, demo_db_master, tmp_path):
    st.cache_data.clear()
    for name in ("PAR_REQUIRE_AUTH", "PAR_ALLOW_ANONYMOUS", "PAR_DB_WAIT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PAR_DB", str(demo_db_master))
    monkeypatch.setenv("PAR_ROLES_FILE", str(tmp_path / "no-roles.yaml"))
    before = config.get_option("server.address")
    yield
    config.set_option("server.address", before)
    st.cache_data.clear()


def served_on(address):
    config.set_option("server.address", address)


def roles(tmp_path, monkeypatch, text: str) -> None:
    path = tmp_path / "roles.yaml"
    path.write_text(text, "utf-8")
    monkeypatch.setenv("PAR_ROLES_FILE", str(path))


def run(user: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if user is not None:
        at.user = user
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_text(at) -> str:
    parts = [e.value for e in (*at.sidebar.caption, *at.sidebar.info, *at.sidebar.warning)]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))      # as shown: Markdown escapes removed


def nav_pages(at) -> set[str]:
    """The pages/ files this visitor's navigation runs (callables such as refusals and old addresses left out)."""
    return {Path(str(info["script_path"])).stem.removesuffix("_page") for info in at._registered_pages.values()
            if str(info.get("script_path") or "").startswith(str(PROJECT / "pages"))}


def url_paths(at) -> set[str]:
    return {str(info.get("url_pathname")) for info in at._registered_pages.values()}


def test_loopback_rule():
    assert all(is_loopback(a) for a in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"))
    assert not any(is_loopback(a) for a in (None, "", "0.0.0.0", "::", "192.168.1.5", "par.example.vn",
                                            "unix:///tmp/par.sock"))


def test_the_shipped_config_and_script_bind_loopback():
    assert re.search(r'^address\s*=\s*"127\.0\.0\.1"', (PROJECT / ".streamlit/config.toml").read_text("utf-8"), re.M)
    script = (PROJECT / "scripts/run-app.sh").read_text("utf-8")
    assert "--server.address 127.0.0.1" in script


def test_local_mode_says_this_computer_only():
    served_on("127.0.0.1")
    at = run()
    assert "127.0.0.1" in sidebar_text(at) and at.metric
    assert "upload" in nav_pages(at)                              # single user: every role


def test_beyond_loopback_without_auth_or_anonymous_is_refused(monkeypatch):
    served_on("0.0.0.0")
    at = run()
    assert at.error and "PAR_ALLOW_ANONYMOUS" in at.error[0].value and "[auth]" in at.error[0].value
    assert not at.metric and not at.dataframe and not at.sidebar.info
    assert nav_pages(at) == set()
    served_on(None)                                                # unset: Streamlit binds every interface
    assert run().error


def test_anonymous_access_is_explicit_and_shown(monkeypatch):
    served_on("0.0.0.0")
    monkeypatch.setenv("PAR_ALLOW_ANONYMOUS", "viewer")
    at = run()
    assert at.metric and "PAR_ALLOW_ANONYMOUS=viewer" in sidebar_text(at)
    assert "upload" not in nav_pages(at) and "audit" not in nav_pages(at)
    monkeypatch.setenv("PAR_ALLOW_ANONYMOUS", "root")
    at = run()
    assert at.error and "root" in at.error[0].value and not at.metric


def test_the_roles_file_default_role_applies_to_anonymous_visitors(monkeypatch, tmp_path):
    roles(tmp_path, monkeypatch, "default_role: viewer\n")
    served_on("127.0.0.1")
    at = run()
    assert "upload" in nav_pages(at)          # the person at this computer: admin, as on the command line
    served_on("0.0.0.0")
    monkeypatch.setenv("PAR_ALLOW_ANONYMOUS", "admin")
    at = run()
    assert "upload" not in nav_pages(at) and "audit" not in nav_pages(at)
    assert "default_role" in sidebar_text(at)
    roles(tmp_path, monkeypatch, "default_role: analyst\n")
    monkeypatch.setenv("PAR_ALLOW_ANONYMOUS", "analyst")
    at = run()
    assert "upload" in nav_pages(at) and "audit" not in nav_pages(at) and "default_role" not in sidebar_text(at)


def test_roles_match_only_a_verified_email(monkeypatch, tmp_path):
    roles(tmp_path, monkeypatch, "default_role: viewer\nusers:\n  alice@moha.gov.vn: admin\n")
    monkeypatch.setattr("ui.auth.auth_configured", lambda: True)
    served_on("0.0.0.0")
    verified = run({"is_logged_in": True, "email": "alice@moha.gov.vn", "email_verified": True})
    assert "audit" in nav_pages(verified) and "upload" in nav_pages(verified)
    for claim in (False, None, "false"):
        user = {"is_logged_in": True, "email": "alice@moha.gov.vn"}
        if claim is not None:
            user["email_verified"] = claim
        at = run(user)
        assert "audit" not in nav_pages(at) and "upload" not in nav_pages(at)
        assert any("verified" in w.value or "xác minh" in w.value for w in at.sidebar.warning)


def _open_url_path(at: AppTest, hashes: dict[str, str], url_path: str) -> AppTest:
    """As a browser opening /url_path: the page is chosen by its hash, which st.Page derives from url_path."""
    at._page_hash = hashes[url_path]
    return at.run()


def test_a_forbidden_or_legacy_address_is_a_message_not_a_traceback(monkeypatch, tmp_path):
    roles(tmp_path, monkeypatch, "default_role: viewer\n")
    monkeypatch.setattr("ui.auth.auth_configured", lambda: True)
    user = {"is_logged_in": True, "email": "someone@gmail.com", "email_verified": True}
    at = run(user)
    hashes = {str(info.get("url_pathname")): h for h, info in at._registered_pages.items()}
    for path in ("upload", "upload_page", "audit_page", "roles"):
        _open_url_path(at, hashes, path)
        assert not at.exception and at.error and not at.metric
        assert "vai trò" in at.error[0].value.lower()
    assert {"units_page", "data_page"} <= url_paths(at)          # old addresses of allowed pages still work
    _open_url_path(at, hashes, "units_page")
    assert not at.exception and not at.error and at.title


def test_md_escape_keeps_text_as_text():
    hostile = "![x](http://example.invalid/a.png) [y](http://example.invalid) **b** :red[c] <i>"
    escaped = md_escape(hostile)
    assert not re.search(r"(?<!\\)[\[\]()*<>:!]", escaped)
    assert re.sub(r"\\(.)", r"\1", escaped) == hostile


def test_the_leaders_page_shows_a_rule_source_as_text(demo_db, monkeypatch):
    import duckdb
    served_on("127.0.0.1")
    source = "![x](http://example.invalid/a.png) [click](http://example.invalid)"
    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE rule_set SET source = ? WHERE name = 'default'", [source])
    con.close()
    monkeypatch.setenv("PAR_DB", str(demo_db))
    at = run(page="pages/leaders_page.py")
    captions = [c.value for c in at.caption if "example" in c.value and "invalid" in c.value]
    assert captions and not any(re.search(r"(?<!\\)\[[^\]]*\]\(", c) for c in captions)
    assert any(source in re.sub(r"\\(.)", r"\1", c) for c in captions)


def test_the_overview_s_leaders_table_shows_unit_names_as_text(demo_db, monkeypatch):
    """st.table reads its cells as Markdown: a unit name holding a link or emphasis shows as written."""
    import duckdb
    served_on("127.0.0.1")
    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE unit SET name_vi = '**' || code || '** [x](http://example.invalid)' WHERE code_system = 'vn34'")
    con.close()
    monkeypatch.setenv("PAR_DB", str(demo_db))
    at = run()
    cells = [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    hostile = [c for c in cells if "example" in c]
    assert len(hostile) == sum(len(table.value) for table in at.table) > 0     # every unit of the top and bottom
    assert not any(re.search(r"(?<!\\)\[[^\]]*\]\(|(?<!\\)\*\*", c) for c in hostile)
    assert all(re.fullmatch(r"\*\*\d+\*\* \[x\]\(http://example\.invalid\)", re.sub(r"\\(.)", r"\1", c))
               for c in hostile)


def test_the_app_honours_par_db_wait(monkeypatch):
    import etl.db
    seen = []
    real = etl.db.connect

    def recording(path, *, read_only, wait_seconds=None, create=True):
        seen.append(wait_seconds)
        return real(path, read_only=read_only, wait_seconds=wait_seconds, create=create)

    monkeypatch.setattr(etl.db, "connect", recording)
    monkeypatch.setenv("PAR_DB_WAIT", "0.75")
    served_on("127.0.0.1")
    run()
    assert seen and set(seen) == {0.75}


def test_a_request_naming_another_host_is_from_elsewhere(monkeypatch):
    """A proxy that adds no forwarding header (nginx's default proxy_pass) still passes the visitor's Host."""
    import types
    import ui.auth as auth
    assert auth._is_local_host("localhost:8501") and auth._is_local_host("[::1]:8501")
    assert not auth._is_local_host("par.example.gov.vn") and not auth._is_local_host("http://10.0.0.2:8501")
    for headers, elsewhere in (({"Host": "localhost:8501"}, False), ({"Host": "par.example.gov.vn"}, True),
                               ({"Host": "127.0.0.1:8501", "Origin": "http://evil.example"}, True),
                               ({"Host": "localhost", "X-Forwarded-Host": "x"}, True)):
        lowered = {k.lower(): v for k, v in headers.items()}
        monkeypatch.setattr(auth.st, "context", types.SimpleNamespace(ip_address=None, headers=_Headers(lowered)))
        assert auth._request_from_elsewhere() is elsewhere, headers


class _Headers(dict):
    def get(self, name, default=None):
        return super().get(name.lower(), default)
