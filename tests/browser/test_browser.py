"""What a person sees in Chromium: every page (the main ones in both languages), no error; a CLI load while serving."""
import subprocess
import sys
import time

import duckdb
import pytest

from tests.browser.conftest import screenshot, wait_until_rendered
from bench.bench_survey_load import generate, province_names
from etl.snapshots import writer_active
from tests.conftest import PROJECT
from ui.i18n import t

PAGES = {"overview": "", "units": "units", "data": "data", "method": "method", "rankings": "rankings",
         "profile": "profile", "upload": "upload", "satisfaction": "satisfaction", "leaders": "leaders",
         "compare": "compare", "projects": "projects", "compliance": "compliance", "audit": "audit", "roles": "roles"}
TITLES = {("overview", "vi"): "Tổng quan Chỉ số CCHC 2025", ("overview", "en"): "PAR INDEX 2025 overview",
          ("units", "vi"): "Đơn vị hành chính", ("units", "en"): "Administrative units",
          ("data", "vi"): "Dữ liệu và nguồn", ("data", "en"): "Data and sources",
          ("method", "vi"): "Phương pháp", ("method", "en"): "Method",
          ("rankings", "vi"): "Xếp hạng Chỉ số CCHC 2025", ("rankings", "en"): "PAR INDEX 2025 rankings",
          ("profile", "vi"): "hồ sơ Chỉ số CCHC", ("profile", "en"): "PAR INDEX profile",
          ("upload", "vi"): "Nạp dữ liệu", ("upload", "en"): "Load data",
          ("satisfaction", "vi"): "Sự hài lòng năm", ("satisfaction", "en"): "Satisfaction 20",
          ("leaders", "vi"): "Đề xuất mức xếp loại", ("leaders", "en"): "Proposed levels",
          ("compare", "vi"): "So sánh qua các năm", ("compare", "en"): "Compare over years",
          ("projects", "vi"): "16 đề án", ("projects", "en"): "16 national",
          ("compliance", "vi"): "Kế hoạch CCHC năm", ("compliance", "en"): "PAR plans",
          ("audit", "vi"): "Nhật ký thao tác", ("audit", "en"): "Audit log",
          ("roles", "vi"): "Phân quyền người dùng", ("roles", "en"): "User roles"}

pytestmark = pytest.mark.browser


# Each page once in the browser, the languages taking turns (AppTest runs every page in both languages:
# tests/app/test_pages.py); the overview, rankings and satisfaction pages (charts, maps) in both.
BOTH_LANGS = ("overview", "rankings", "satisfaction")
BROWSER_LANGS = [(name, lang) for n, name in enumerate(PAGES)
                 for lang in (("vi", "en") if name in BOTH_LANGS else (("vi", "en")[n % 2],))]


@pytest.mark.parametrize("name, lang", BROWSER_LANGS)
def test_every_page_opens_without_an_error(server, page, name, lang):
    query = "?lang=English" if lang == "en" else ""
    page.goto(f"{server}/{PAGES[name]}{query}")
    wait_until_rendered(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    assert TITLES[(name, lang)] in page.locator("h1").first.inner_text()
    assert page.get_by_text("Page not found").count() == 0
    screenshot(page, f"{name}-{lang}")


def test_overview_shows_demo_marker_and_a_chart(server, page):
    page.goto(server)
    wait_until_rendered(page)
    page.get_by_text("DỮ LIỆU MÔ PHỎNG").first.wait_for(state="visible", timeout=15000)
    # the two charts are Vega-Lite (ui.vega_figures): one bar per unit with a value, one per group
    page.wait_for_selector('[data-testid="stVegaLiteChart"] svg g.mark-rect path', timeout=20000)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == 2
    units = int(page.locator('[data-testid="stMetricValue"]').first.inner_text())
    assert charts.nth(0).locator("g.mark-rect path").count() == units
    assert charts.nth(1).locator("g.mark-rect path").count() >= 3
    assert "trục bắt đầu từ" in charts.nth(0).inner_html()   # the axis says where it starts
    assert page.locator('[data-testid="stMetric"]').count() >= 3


def test_overview_downloads_the_national_briefing(server, page, tmp_path):
    """The overview's briefing button writes the PDF when clicked (deferred), for the view on screen."""
    page.goto(f"{server}/?lang=English&level=ministry&year=2023")
    wait_until_rendered(page)
    button = page.get_by_role("button", name="Download the briefing")
    button.wait_for(state="visible", timeout=15000)
    with page.expect_download(timeout=60000) as download:
        button.click()
    assert download.value.suggested_filename == "briefing-national-ministry-2023-en.pdf"
    path = tmp_path / "briefing.pdf"
    download.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "PAR INDEX 2023: BRIEFING" in text and "84.38" in text and "DEMO DATA" not in text


def test_a_shared_link_opens_the_same_view(server, page):
    page.goto(f"{server}/?lang=English&level=ministry&year=2023")
    wait_until_rendered(page)
    assert page.locator("h1").first.inner_text() == "PAR INDEX 2023 overview: Ministries"
    page.get_by_text("84.38 %").first.wait_for(state="visible", timeout=15000)
    assert page.get_by_text("DEMO DATA").count() == 0


def test_cli_load_while_the_app_is_serving(server, page, live_db, tmp_path):
    page.goto(f"{server}/data")
    wait_until_rendered(page)
    source = tmp_path / "cap_nhat.csv"
    source.write_text("Số đề án,Ngày báo cáo,Trạng thái,Tỷ lệ hoàn thành\n5,20/11/2026,Đã trình,90\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "etl", "load", "projects", str(source), "--db", str(live_db),
                             "--lang", "en"], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    batch_id = result.stdout.split()[2]
    page.reload()
    wait_until_rendered(page)
    # st.dataframe draws on a canvas; its accessible grid cells carry the text.
    page.get_by_text("cap_nhat.csv").first.wait_for(state="attached", timeout=15000)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"data-after-load-{batch_id}")


@pytest.mark.parametrize("year, shapes", [(2025, 34), (2023, 63)])
def test_the_map_draws_every_province_offline(server, page, year, shapes):
    page.goto(f"{server}/rankings?year={year}&source=demo")
    wait_until_rendered(page)
    paths = page.locator(".js-plotly-plot .choroplethlayer path")
    paths.nth(shapes - 1).wait_for(state="attached", timeout=20000)
    assert paths.count() == shapes
    screenshot(page, f"rankings-map-{year}")


def test_profile_deep_link(server, page):
    page.goto(f"{server}/profile?unit=vn63:22&year=2023&lang=English")
    wait_until_rendered(page)
    assert page.locator("h1").first.inner_text() == "Quang Ninh: PAR INDEX profile"
    page.get_by_text("92.18 %").first.wait_for(state="visible", timeout=15000)
    assert page.locator('[data-testid="stException"]').count() == 0


PROFILE_ANSWERS = {
    "en": ["1. Where we stand", "Rank 11 of 63", "+4 places", "2. Up or down against last year",
           "Against 2023 for the same unit", "3. Where points were lost, and what to do",
           "What to do: tasks of the 2024 PAR plan", "4. Satisfaction, and the head's proposed level",
           "Excellent task completion"],
    "vi": ["1. Đứng ở đâu", "Hạng 11/63", "+4 bậc", "2. Tăng hay giảm so với năm trước",
           "So với năm 2023 của chính đơn vị", "3. Mất điểm ở đâu và cần làm gì",
           "Việc cần làm: nhiệm vụ trong kế hoạch CCHC năm 2024", "4. Hài lòng của người dân và xếp loại",
           "Hoàn thành xuất sắc nhiệm vụ"],
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_profile_answers_a_leaders_four_questions(server, page, lang):
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(f"{server}/profile?unit=vn63:22&year=2024" + ("&lang=English" if lang == "en" else ""))
    wait_until_rendered(page)
    for text in PROFILE_ANSWERS[lang]:
        page.get_by_text(text).first.wait_for(state="visible", timeout=15000)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, f"profile-decision-{lang}")


def choose(page, select, option: str) -> None:
    """Pick an option of a Streamlit selectbox, retrying while a rerun re-renders it."""
    for _attempt in range(3):
        select.click()
        try:
            page.get_by_role("option", name=option).click(timeout=5000)
            return
        except Exception:  # the list closed under a rerun: open it again
            wait_until_rendered(page)
    raise AssertionError(f"could not choose {option!r}")


def upload(page, path) -> None:
    """Give the file uploader `path` and wait until the upload has reached the server (its chip shows the name
    and no spinner): a form submitted before that would be sent without the file."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.locator('[data-testid="stFileChipName"]', has_text=path.name).first.wait_for(timeout=15000)
    page.locator('[data-testid="stFileChipIconSpinner"]').first.wait_for(state="detached", timeout=15000)


def dataframe_rows(page, index: int = 0) -> list[list[str]]:
    """The rows of the index-th st.dataframe on the page, as the grid's accessible cells give them (the canvas
    draws the same text), header row first. Waits until the grid has at least one body row."""
    grid = page.locator('[data-testid="stDataFrame"]').nth(index)
    grid.locator('[role="row"]').nth(1).wait_for(state="attached", timeout=15000)
    rows = []
    for row in grid.locator('[role="row"]').all():
        rows.append([cell.inner_text().strip() for cell in row.locator('[role="columnheader"], [role="gridcell"]').all()])
    return rows


def stored_batches(db) -> list[tuple]:
    from etl.db import open_for_reading
    with open_for_reading(db, wait_seconds=10) as con:
        return con.execute("SELECT batch_id, kind, source, file_name, rows, status FROM batch ORDER BY batch_id").fetchall()


def test_an_analyst_uploads_a_results_table(server, page, live_db, tmp_path):
    """A wrong file is refused with its report (file, row, column, problem) and leaves the store as it was; the
    corrected file loads, says which batch and how many rows, is stored as that batch and shows in the rankings."""
    from etl.db import open_for_reading
    from tests.conftest import table_fingerprint
    bad = tmp_path / "ket_qua_2022.csv"
    bad.write_text("Bộ, cơ quan ngang bộ;Điểm thẩm định;Điểm điều tra XHH;Tổng điểm đạt được\n"
                   "Bộ Tư pháp;61,00;28,00;95,00\nBộ Không Có;60;25;85\n", "utf-8")
    page.goto(f"{server}/upload?lang=English")
    wait_until_rendered(page)
    choose(page, page.get_by_label("Kind of data"), "Results table (PAR INDEX)")
    main = page.locator('[data-testid="stMain"]')
    # The score sheet's form (the default kind) has the same year and level labels and stays on screen, stale,
    # until the rerun replaces it: wait for its parent-unit field to go, or the year and level typed into the old
    # form are lost and the upload is read as a province table.
    main.get_by_label("Parent unit (system:code, e.g. vn34:22)").wait_for(state="detached")
    wait_until_rendered(page)
    main.get_by_label("Year assessed").fill("2022")
    main.get_by_label("Year assessed").press("Tab")  # commits the value; Enter would submit the form
    choose(page, main.get_by_label("Level"), "Ministries")
    level = main.locator('[data-testid="stSelectbox"]').filter(has_text="Level")
    assert level.get_by_role("combobox").input_value() == "Ministries"
    before = table_fingerprint(live_db)
    upload(page, bad)
    page.get_by_role("button", name="Check and load").click()
    refused = page.locator('[data-testid="stAlertContentError"]')
    refused.first.wait_for(timeout=30000)
    wait_until_rendered(page)
    page.get_by_text("Download the problem report (CSV)").wait_for(timeout=15000)
    assert refused.first.inner_text().strip() == "File refused: 2 error(s). Nothing was loaded.", dataframe_rows(page)
    page.get_by_text("Download the problem report (CSV)").wait_for(timeout=15000)
    report = dataframe_rows(page)
    assert report[0] == ["Severity", "File", "Row", "Column", "Value", "Problem and fix"]
    assert report[1:] == [
        ["error", "ket_qua_2022.csv", "2", "Tổng điểm đạt được", "95,00",
         "total 95.00 is not appraisal 61.00 + survey 28.00 = 89.00 (within 0.01)"],
        ["error", "ket_qua_2022.csv", "3", "Bộ, cơ quan ngang bộ", "Bộ Không Có",
         "unknown unit 'Bộ Không Có' in ministry-2021"]]
    assert page.locator('[data-testid="stAlertContentSuccess"]').count() == 0
    screenshot(page, "upload-refused")
    assert table_fingerprint(live_db) == before, "a refused file adds nothing"

    good = tmp_path / "ket_qua_2022_sua.csv"
    good.write_text("Bộ, cơ quan ngang bộ;Điểm thẩm định;Điểm điều tra XHH;Tổng điểm đạt được\n"
                    "Bộ Tư pháp;61,00;28,00;89,00\nBộ Y tế;55,00;24,00;79,00\n", "utf-8")
    upload(page, good)
    page.get_by_role("button", name="Check and load").click()
    loaded = page.locator('[data-testid="stAlertContentSuccess"]')
    loaded.first.wait_for(timeout=30000)
    wait_until_rendered(page)
    message = loaded.first.inner_text().strip()
    match = __import__("re").fullmatch(r"Loaded batch (\d+): 2 rows from ket_qua_2022_sua\.csv\.", message)
    assert match, message
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    screenshot(page, "upload-loaded")
    batch_id = int(match.group(1))
    assert (batch_id, "par-totals", "upload", "ket_qua_2022_sua.csv", 2, "current") in stored_batches(live_db)
    with open_for_reading(live_db, wait_seconds=10) as con:
        totals = con.execute("SELECT unit_code, year, level, appraisal, survey, total FROM par_total "
                             "WHERE batch_id = ? ORDER BY unit_code", [batch_id]).fetchall()
    assert totals == [("BTP", 2022, "ministry", 61.0, 28.0, 89.0), ("BYT", 2022, "ministry", 55.0, 24.0, 79.0)]
    page.goto(f"{server}/rankings?lang=English&level=ministry&year=2022")
    wait_until_rendered(page)
    page.get_by_text("Uploaded data").first.wait_for(state="visible", timeout=15000)


def test_a_correction_diff_page(server, page, live_db, tmp_path):
    """A release corrected while the app serves (ministries 2021, a year no other browser test opens): the diff page
    shows the errata and the changed figures, in Vietnamese; the screenshot is tests/artifacts/release-diff-vi.png."""
    from tests.etl.release_history import make_history

    history = make_history(live_db, tmp_path, year=2021)
    page.goto(f"{server}/releases?show={history.first}")
    wait_until_rendered(page)
    page.get_by_text("Nội dung đính chính").first.wait_for(state="visible", timeout=15000)
    rows = dataframe_rows(page, 1)
    assert ["Bộ Tư pháp", "Chỉ số (%)", "89,95", "88,95"] in [r[:4] for r in rows]
    assert page.locator('[data-testid="stException"]').count() == 0
    page.set_viewport_size({"width": 1400, "height": 1700})    # the whole diff in the picture
    wait_until_rendered(page)
    screenshot(page, "release-diff-vi")
    page.goto(f"{server}/rankings?level=ministry&year=2021&release={history.first}")
    wait_until_rendered(page)
    page.get_by_text(f"đã được thay thế bởi bản số {history.second}").first.wait_for(state="visible", timeout=15000)
    screenshot(page, "release-rankings-vi")

# --- readers never wait for writers (issue #16) ------------------------------------------------------------------
# Sessions opened while a survey load writes the served database show their pages, never an exception nor "busy";
# a session opened after the load shows the new batch. The load is SIPAS 2019, a year no other browser test opens,
# so the shared server's other pages stay as they expect. Timings are bench/bench_concurrency.py's business. Here,
# not in a file of its own, so that it shares this module's server.

CONCURRENT_ROWS = 100_000
LOAD_YEAR = 2019
LOAD_FILE_NAME = f"sipas_{LOAD_YEAR}_dong_thoi.csv"
# (path, what its h1 says in Vietnamese): two sessions on the overview, two on the data page (the batches the load
# is adding to).
LOAD_SESSIONS = [("", "Tổng quan Chỉ số CCHC"), ("data", "Dữ liệu và nguồn"),
                 ("", "Tổng quan Chỉ số CCHC"), ("data", "Dữ liệu và nguồn")]


def load_survey_file(tmp_path, names_db) -> str:
    """A SIPAS file as offices write it (bench_survey_load.generate), its year column set to LOAD_YEAR."""
    raw = tmp_path / "generated.csv"
    generate(raw, CONCURRENT_ROWS, province_names(names_db))
    path = tmp_path / LOAD_FILE_NAME
    target = str(path).replace("'", "''")     # COPY ... TO takes no parameter
    con = duckdb.connect()
    try:
        con.execute(f"COPY (SELECT * REPLACE ('{LOAD_YEAR}' AS nam) FROM read_csv(?, all_varchar = true)) "
                    f"TO '{target}' (HEADER)", [str(raw)])
    finally:
        con.close()
    return str(path)


def test_sessions_opened_during_a_survey_load_never_see_busy_or_an_error(server, browser, live_db, demo_db_master,
                                                                         tmp_path):
    source = load_survey_file(tmp_path, demo_db_master)
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
        for path, _title in LOAD_SESSIONS:   # each its own context (a new Streamlit session), all loading at once
            contexts.append(browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN"))
            tabs.append(contexts[-1].new_page())
            tabs[-1].goto(f"{server}/{path}", wait_until="commit")
        for tab, (path, title) in zip(tabs, LOAD_SESSIONS):
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
    assert out.startswith("Loaded batch ") and f"{CONCURRENT_ROWS} rows from {LOAD_FILE_NAME}" in out, out
    batch_id = out.split()[2]

    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    try:
        tab = context.new_page()
        tab.goto(f"{server}/data?lang=English")
        wait_until_rendered(tab)
        tab.get_by_text(LOAD_FILE_NAME).first.wait_for(state="attached", timeout=15000)
        assert tab.locator('[data-testid="stException"]').count() == 0
        screenshot(tab, f"data-after-concurrent-load-{batch_id}")
    finally:
        context.close()
