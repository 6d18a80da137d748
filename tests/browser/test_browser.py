"""What a person sees in Chromium: every page, both languages, no error; a CLI load while serving."""
import subprocess
import sys

import pytest

from tests.browser.conftest import screenshot, wait_until_rendered
from tests.conftest import PROJECT

PAGES = {"overview": "", "units": "units", "data": "data", "method": "method"}
TITLES = {("overview", "vi"): "Tổng quan Chỉ số CCHC 2025", ("overview", "en"): "PAR INDEX 2025 overview",
          ("units", "vi"): "Đơn vị hành chính", ("units", "en"): "Administrative units",
          ("data", "vi"): "Dữ liệu và nguồn", ("data", "en"): "Data and sources",
          ("method", "vi"): "Phương pháp", ("method", "en"): "Method"}

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("name", list(PAGES))
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
    assert page.get_by_text("DỮ LIỆU MÔ PHỎNG").first.is_visible()
    page.wait_for_selector(".js-plotly-plot .bars path", timeout=20000)
    assert page.locator(".js-plotly-plot").count() >= 2
    assert page.locator('[data-testid="stMetric"]').count() >= 3


def test_a_shared_link_opens_the_same_view(server, page):
    page.goto(f"{server}/?lang=English&level=ministry&year=2023")
    wait_until_rendered(page)
    assert page.locator("h1").first.inner_text() == "PAR INDEX 2023 overview: Ministries"
    assert page.get_by_text("84.38 %").first.is_visible()
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
