"""Readers never wait for writers (issue #16), in the browser: sessions opened while a survey load writes the served
database show their pages, never an exception nor "busy"; a session opened after the load shows the new batch.

The load is SIPAS 2019, a year no other browser test opens, so the shared server's other pages stay as they expect.
Timings are bench/bench_concurrency.py's business; nothing here is timed.
"""
from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pytest

from bench.bench_survey_load import generate, province_names
from etl.snapshots import writer_active
from tests.browser.conftest import screenshot, wait_until_rendered
from tests.conftest import PROJECT
from ui.i18n import t

pytestmark = pytest.mark.browser

ROWS = 100_000
YEAR = 2019
FILE_NAME = f"sipas_{YEAR}_dong_thoi.csv"
# (path, what its h1 says in Vietnamese): two sessions on the overview, two on the data page (the batches the load
# is adding to).
SESSIONS = [("", "Tổng quan Chỉ số CCHC"), ("data", "Dữ liệu và nguồn"),
            ("", "Tổng quan Chỉ số CCHC"), ("data", "Dữ liệu và nguồn")]


def survey_file(tmp_path, names_db) -> str:
    """A SIPAS file as offices write it (bench_survey_load.generate), its year column set to YEAR."""
    raw = tmp_path / "generated.csv"
    generate(raw, ROWS, province_names(names_db))
    path = tmp_path / FILE_NAME
    target = str(path).replace("'", "''")     # COPY ... TO takes no parameter
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * REPLACE ('{YEAR}' AS nam) FROM read_csv(?, all_varchar = true)) "
                    f"TO '{target}' (HEADER)", [str(raw)])
    finally:
        con.close()
    return str(path)


def test_sessions_opened_during_a_survey_load_never_see_busy_or_an_error(server, browser, live_db, demo_db_master,
                                                                         tmp_path):
    source = survey_file(tmp_path, demo_db_master)
    busy = [t("store.busy", "vi"), t("store.busy", "en")]
    load = subprocess.Popen([sys.executable, "-m", "etl", "load", "sipas", source, "--db", str(live_db), "--lang", "en"],
                            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    contexts = []
    try:
        # The sessions start while the load holds the writer lock: its write, commit and snapshot publish.
        deadline, writing = time.monotonic() + 90, False
        while not writing and load.poll() is None and time.monotonic() < deadline:
            writing = writer_active(live_db)
            time.sleep(0 if writing else 0.01)
        assert writing, f"the load never held the writer lock (exit {load.poll()})"
        tabs = []
        for path, _title in SESSIONS:   # each its own context (a new Streamlit session), all loading at once
            contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN"))
            tabs.append(contexts[-1].new_page())
            tabs[-1].goto(f"{server}/{path}", wait_until="commit")
        for tab, (path, title) in zip(tabs, SESSIONS):
            wait_until_rendered(tab, timeout_ms=60000)
            assert title in tab.locator("h1").first.inner_text(), path
            assert tab.locator('[data-testid="stException"]').count() == 0, path
            assert tab.locator('[data-testid="stAlertContentError"]').count() == 0, path
            text = tab.locator("body").inner_text()
            assert not any(words in text for words in busy), path
        screenshot(tabs[1], "concurrent-data-during-load")
        out, err = load.communicate(timeout=120)
    finally:
        for context in contexts:
            context.close()
        if load.poll() is None:
            load.kill()
            load.wait()
    assert load.returncode == 0, err
    assert out.startswith("Loaded batch ") and f"{ROWS} rows from {FILE_NAME}" in out, out
    batch_id = out.split()[2]

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    try:
        tab = context.new_page()
        tab.goto(f"{server}/data?lang=English")
        wait_until_rendered(tab)
        tab.get_by_text(FILE_NAME).first.wait_for(state="attached", timeout=15000)
        assert tab.locator('[data-testid="stException"]').count() == 0
        screenshot(tab, f"data-after-concurrent-load-{batch_id}")
    finally:
        context.close()
