"""A live server on the demo database and Debian's Chromium driven by Playwright.

Browser tests never skip: without /usr/bin/chromium they fail and say how to install it.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("PAR_TEST_ARTIFACTS", PROJECT / "tests" / "artifacts"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout} s")


def _server_log() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / "server.log"


@pytest.fixture(scope="session")
def live_db(demo_db_master, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("live") / "par.duckdb"
    shutil.copy(demo_db_master, path)
    return path


@pytest.fixture(scope="session")
def server(live_db) -> str:
    """The app served the way README starts it (scripts/serve.py), on 127.0.0.1 and a free port."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(_server_log(), "w")
    process = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=PROJECT, env={**os.environ, "PAR_DB": str(live_db)}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `apt-get install -y chromium fonts-noto-color-emoji` "
                    "(scripts/test.sh does this).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="vi-VN")
    tab = context.new_page()
    yield tab
    context.close()


def wait_until_rendered(tab, timeout_ms: int = 30000) -> None:
    """Until the script run has finished and the page shows its title (no fixed sleeps)."""
    tab.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_ms)
    tab.wait_for_selector("h1", timeout=timeout_ms)


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
