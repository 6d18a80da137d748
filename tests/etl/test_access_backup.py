"""Roles, the audit log, role assignments and backups; hostile text stays text on the pages."""
import re
from pathlib import Path

import duckdb
import pytest

from etl.access import AccessDenied, Actor, assign_role, configured_roles, role_for
from etl.backup import backup, restore
from tests.conftest import table_fingerprint


def test_permissions_by_role():
    viewer, analyst, admin = Actor("v@x.vn", "viewer"), Actor("a@x.vn", "analyst"), Actor("d@x.vn", "admin")
    assert viewer.can("read") and not viewer.can("load")
    assert analyst.can("load") and analyst.can("remove_own") and not analyst.can("remove_any")
    assert admin.can("remove_any") and admin.can("read_audit") and admin.can("manage_roles")
    with pytest.raises(AccessDenied):
        viewer.require("load")


def test_roles_from_the_file_then_the_database(tmp_path, writable_store):
    roles = tmp_path / "roles.yaml"
    roles.write_text("default_role: viewer\nusers:\n  Lan@MOHA.gov.vn: admin\ndomains:\n  '@moha.gov.vn': analyst\n",
                     "utf-8")
    mapping = configured_roles(roles)
    assert role_for("lan@moha.gov.vn", mapping=mapping) == "admin"
    assert role_for("binh@moha.gov.vn", mapping=mapping) == "analyst"
    assert role_for("someone@gmail.com", mapping=mapping) == "viewer"
    admin = Actor("lan@moha.gov.vn", "admin")
    assign_role(writable_store, admin, "binh@moha.gov.vn", "viewer")
    assert role_for("binh@moha.gov.vn", writable_store, mapping) == "viewer"     # the database wins
    with pytest.raises(AccessDenied):
        assign_role(writable_store, Actor("binh@moha.gov.vn", "analyst"), "x@moha.gov.vn", "admin")
    audit = writable_store.execute("SELECT user_name, action, detail FROM audit WHERE action = 'role'").fetchall()
    assert audit == [("lan@moha.gov.vn", "role", "binh@moha.gov.vn -> viewer")]


def test_a_bad_roles_file_is_refused(tmp_path):
    roles = tmp_path / "roles.yaml"
    roles.write_text("users:\n  a@b.vn: superuser\n", "utf-8")
    with pytest.raises(ValueError, match="superuser"):
        configured_roles(roles)


def test_backup_and_restore_round_trip_the_demo_database_exactly(demo_db, tmp_path):
    folder = backup(demo_db, tmp_path / "backup")
    assert (folder / "schema.json").exists() and (folder / "batch.parquet").exists()
    restored = restore(folder, tmp_path / "restored.duckdb")
    assert table_fingerprint(restored) == table_fingerprint(demo_db)
    con = duckdb.connect(str(restored))
    next_batch = con.execute("SELECT nextval('batch_id_seq')").fetchall()[0][0]
    assert next_batch == con.execute("SELECT max(batch_id) + 1 FROM batch").fetchall()[0][0]
    con.close()
    with pytest.raises(FileExistsError):
        restore(folder, restored)            # never overwrites
    with pytest.raises(FileExistsError):
        backup(demo_db, folder)              # never mixes two snapshots


def test_sql_stays_data_even_with_a_hostile_name(demo_db, tmp_path):
    from etl.load import load_file
    from etl.problems import LoadRejected
    hostile = tmp_path / "x.csv"
    hostile.write_text("Đơn vị,Chỉ số\n\"x'); DROP TABLE unit; --\",90\n", "utf-8")
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "par-totals", hostile, options={"year": 2023, "level": "province"})
    assert "DROP TABLE" in caught.value.problems[0].value
    assert table_fingerprint(demo_db) == before


# --- hostile text in the data the pages show -------------------------------------------------------------

HOSTILE = ("<img src=x onerror=alert(1)> <script>alert(2)</script> [x](http://example.invalid) "
           "![x](http://example.invalid/a.png)")
# Markdown link or image syntax whose opening bracket is not escaped: Streamlit would draw a link or an image.
_MARKDOWN_LINK = re.compile(r"(?<!\\)\[(?:[^\]\\]|\\.)*\]\(")
_CODE_SPAN = re.compile(r"`[^`]*`")
# Fields drawn as plain text, never as Markdown or HTML (option lists, code blocks, st.json). Plotly specs are
# left out: Plotly draws its own SVG text, not Markdown (its tag subset is a separate matter).
_PLAIN_FIELDS = {"options", "code_text", "default"}
_PLAIN_ELEMENTS = {"plotly_chart", "json", "code"}


def _strings(message, prefix=""):
    for field, value in message.ListFields():
        scalar = isinstance(value, (str, bytes, int, float, bool)) or hasattr(value, "ListFields")
        values = [value] if scalar else list(value)
        for item in values:
            if isinstance(item, str):
                yield field.name, item
            elif hasattr(item, "ListFields"):
                yield from _strings(item, prefix + field.name + ".")


def _elements(node):
    yield node
    children = getattr(node, "children", None)
    for child in (children.values() if isinstance(children, dict) else []):
        yield from _elements(child)


def unsafe_renderings(at) -> list[tuple[str, str, str]]:
    """(element type, field, text) wherever hostile text would be drawn as HTML or as a Markdown link/image."""
    found = []
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        if proto is None or element.type in _PLAIN_ELEMENTS:
            continue
        for field, text in _strings(proto):
            if "example.invalid" not in text and "onerror" not in text and "<script" not in text:
                continue
            if field in _PLAIN_FIELDS:
                continue
            as_html = element.type in ("html", "iframe") or getattr(proto, "allow_html", False) or \
                getattr(proto, "unsafe_allow_html", False)
            if as_html or _MARKDOWN_LINK.search(_CODE_SPAN.sub("", text)):
                found.append((element.type, field, text))
    return found


def shown_literally(at, text: str) -> bool:
    """True when `text` is on the page as itself: a table cell, an option, or escaped Markdown."""
    for table in at.dataframe:
        cells = table.value.astype(str)
        if any(cells[column].str.contains(text, regex=False).any() for column in cells.columns):
            return True
    for element in _elements(at._tree):
        proto = getattr(element, "proto", None)
        for field, value in (_strings(proto) if proto is not None else []):
            if field == "options" and text in value:
                return True
            if field == "body" and text in re.sub(r"\\(.)", r"\1", value):
                return True
    return False


@pytest.fixture
def hostile_db(demo_db, tmp_path):
    """The demo database with hostile text in the provinces' names (followed by the code), as an uploaded
    batch's file name and note, and as a rule set's titles and source."""
    from etl.db import open_store
    from etl.load import load_file
    from etl.rules import save_rule_set
    con = duckdb.connect(str(demo_db))
    # Every province (63 and 34) is renamed, so the hostile name is in every table, chart, choice and metric
    # that names a province (the top and bottom tables, the biggest riser and faller, ...).
    con.execute("UPDATE unit SET name_vi = ? || ' ' || code, name_en = ? || ' ' || code "
                "WHERE code_system IN ('vn63', 'vn34')", [HOSTILE, HOSTILE])
    con.close()
    source = tmp_path / "t.csv"
    source.write_text("Đơn vị,Chỉ số\nHà Nội,90.00\n", "utf-8")
    loaded = load_file(demo_db, "par-totals", source, display_name=HOSTILE + ".csv",
                       options={"year": 2023, "level": "province"})
    con = duckdb.connect(str(demo_db))
    con.execute("UPDATE batch SET note = ? WHERE batch_id = ?", [HOSTILE, loaded.batch_id])
    con.close()
    rules = (Path(__file__).resolve().parents[2] / "data/rules/default.yaml").read_text("utf-8")
    quoted = "'" + HOSTILE.replace("'", "''") + "'"
    rules = re.sub(r"^name: .*$", "name: hostile", rules, count=1, flags=re.M)
    rules = re.sub(r"^title_vi: .*$", f"title_vi: {quoted}", rules, count=1, flags=re.M)
    rules = re.sub(r"^title_en: .*$", f"title_en: {quoted}", rules, count=1, flags=re.M)
    rules, sourced = re.subn(r"^source: >-\n(?:  .*\n)+", f"source: {quoted}\n", rules, count=1, flags=re.M)
    assert sourced == 1      # the leaders page shows the rule set's source under its title
    with open_store(demo_db, read_only=False) as store:
        save_rule_set(store, rules, file_name="hostile.yaml")
    return demo_db


def run_page(db: Path, monkeypatch, page: str, **params):
    import streamlit as st
    from streamlit.testing.v1 import AppTest
    st.cache_data.clear()
    monkeypatch.setenv("PAR_DB", str(db))
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "pages/overview_page.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# Pages that show the hostile text, with the view that shows it. The leaders page's rule set source and the upload
# page's "Loaded batch" message (which needs an upload) have tests of their own below.
SAFE_VIEWS = [
    ("pages/overview_page.py", {}),                                    # biggest riser and faller (st.metric value)
    ("pages/profile_page.py", {"unit": "vn34:22"}),                    # the unit's name in the title, its charts
    ("pages/units_page.py", {"system": "vn34"}),                       # the units table and its lineage
    ("pages/rankings_page.py", {"lang": "English"}),                   # the rankings table and charts
    ("pages/data_page.py", {}),                                        # batch file name and note, removal list
    ("pages/leaders_page.py", {"rules": "hostile"}),                   # rule set title and source, unit names
    ("pages/compare_page.py", {}),                                     # unit choices and series
    ("pages/satisfaction_page.py", {}),                                # unit choices, tables and charts
]


@pytest.mark.parametrize("page, params", SAFE_VIEWS, ids=[p.split("/")[1].removesuffix("_page.py") for p, _ in SAFE_VIEWS])
def test_hostile_text_in_the_data_is_shown_as_text(hostile_db, monkeypatch, page, params):
    at = run_page(hostile_db, monkeypatch, page, **params)
    assert unsafe_renderings(at) == []
    assert shown_literally(at, HOSTILE)
    assert not at.get("html") and not at.get("iframe")


def _unescaped(markdown: str) -> str:
    """What a reader sees of backslash-escaped Markdown."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_the_leaders_page_shows_the_rule_source_as_text(hostile_db, monkeypatch):
    at = run_page(hostile_db, monkeypatch, "pages/leaders_page.py", rules="hostile")
    [source] = [c.value for c in at.caption if HOSTILE in _unescaped(c.value)]   # the source, as written
    assert not _MARKDOWN_LINK.search(source) and not re.search(r"(?<!\\)<img", source)


def test_an_uploaded_file_name_is_shown_as_text(hostile_db, monkeypatch):
    """The "Loaded batch" message names the uploaded file: the name is the uploader's text, shown as text."""
    at = run_page(hostile_db, monkeypatch, "pages/upload_page.py", lang="English")
    at.selectbox(key="upload_kind").set_value("plans").run()
    text = "Đơn vị,Năm,Kỳ báo cáo,Ngày nộp\nQuảng Ninh,2026,Quý I,14/03/2026\n".encode("utf-8")
    at.file_uploader[0].set_value((HOSTILE + ".csv", text, "text/csv"))
    next(b for b in at.button if b.proto.is_form_submitter).click().run()
    assert not at.exception, [e.value for e in at.exception]
    [loaded] = [s.value for s in at.success]
    assert HOSTILE + ".csv" in _unescaped(loaded)
    assert not _MARKDOWN_LINK.search(loaded) and not re.search(r"(?<!\\)<img", loaded)
    assert unsafe_renderings(at) == []


def test_chart_text_from_data_is_not_plotly_html():
    import pandas as pd
    from ui.figures import index_bar
    results = pd.DataFrame({"name_vi": ['<a href="http://example.invalid">x</a>', "Hà Nội"], "name_en": ["a", "b"],
                            "index": [90.0, 80.0], "rank": [1, 2], "group": ["A", "B"], "code": ["01", "02"]})
    figure = index_bar(results, "vi")
    labels = list(figure.data[0].y)
    assert '&lt;a href="http://example.invalid"&gt;x&lt;/a&gt;' in labels and "Hà Nội" in labels
    assert not any("<a" in str(v) for v in labels)
