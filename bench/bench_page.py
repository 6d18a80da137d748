"""Benchmark: time until the first page is interactive in the browser, once the server is up.

Target (from the issue): the first page is interactive in the browser under 3 s after the server is up.

What is measured. A database is built once (etl.build.build, demo data) into a temp dir, then the
app is served by scripts/serve.py with PAR_DB pointing at it. When /_stcore/health answers 200 the
server is "up"; from then on, for each of --repeat runs, a NEW browser context (fresh session,
nothing cached client-side) opens the root URL and the clock runs from page.goto() until the page is
interactive:
  * at least 2 [data-testid="stMetric"] elements are visible (the overview's metrics), and
  * the script has finished: stApp's data-test-script-state is "notRunning", the connection state
    is CONNECTED, and no "Running..." icon ([data-testid="stStatusWidgetRunningIcon"]) is visible,
and this still holds --settle ms later (so a state between two reruns does not count; the settle
time itself is not included in the figure). For information it also reports "fully drawn": the
same, plus no loading skeleton left ([data-testid="stSkeleton"]; Streamlit shows one while a chart
or table component is still being loaded). The target is judged on "interactive". The first run after the server starts includes the
app's cold start (imports, first queries, empty caches); the median of the other runs is "warm".

Baseline, measured in the same run and the same way: a blank Streamlit script (a title and two
st.metric) served by `streamlit run` with the same flags.

Prints figures only; it asserts nothing. Run from the project root:  python bench/bench_page.py
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 3.0
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
BLANK_SCRIPT = 'import streamlit as st\nst.title("blank")\nst.metric("a", 1)\nst.metric("b", 2)\n'

# True when the page is interactive: >= 2 visible metrics and the app is connected and not running.
INTERACTIVE_JS = """() => {
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  for (const el of document.querySelectorAll('[data-testid="stStatusWidgetRunningIcon"]')) {
    if (visible(el)) return false;
  }
  let metrics = 0;
  for (const el of document.querySelectorAll('[data-testid="stMetric"]')) {
    if (visible(el)) metrics += 1;
  }
  return metrics >= 2;
}"""

# Interactive, and every lazily loaded element (charts, tables) drawn: no loading skeleton visible.
DRAWN_JS = """() => {
  if (!(%s)()) return false;
  for (const el of document.querySelectorAll('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], '
                                              + '[data-testid="stAppSkeleton"]')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) return false;
  }
  return true;
}""" % INTERACTIVE_JS


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_flags(port: int) -> list[str]:
    return ["--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false"]


class Server:
    """A Streamlit server in its own process group; stop() kills the whole group."""

    def __init__(self, cmd: list[str], env: dict, log: Path):
        self.cmd, self.env, self.log = cmd, env, log
        self.proc: subprocess.Popen | None = None
        self._out = None

    def start(self, port: int, timeout: float) -> float:
        """Start and wait for /_stcore/health to answer 200; return the seconds that took."""
        self._out = open(self.log, "wb")
        start = time.perf_counter()
        self.proc = subprocess.Popen(self.cmd, cwd=ROOT, env=self.env, stdout=self._out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}/_stcore/health"
        deadline = start + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} before it was up:\n{self.tail()}")
            try:
                with urllib.request.urlopen(url, timeout=1.0) as response:
                    if response.status == 200:
                        return time.perf_counter() - start
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.perf_counter() > deadline:
                raise RuntimeError(f"server not up after {timeout:.0f} s:\n{self.tail()}")
            time.sleep(0.05)  # poll interval

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass
        if self._out is not None:
            self._out.close()
            self._out = None


def time_page(browser, url: str, timeout_ms: float, settle_ms: float) -> tuple[float, float]:
    """Seconds from goto() in a fresh context until the page is interactive, and until it is fully drawn.

    Both must still hold settle_ms later (else a rerun started and the wait begins again).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=timeout_ms)

        def wait(js: str) -> float:
            remaining = timeout_ms - (time.perf_counter() - start) * 1000
            page.wait_for_function(js, polling="raf", timeout=max(remaining, 1))
            return time.perf_counter() - start

        while True:
            interactive = wait(INTERACTIVE_JS)
            drawn = wait(DRAWN_JS)
            try:  # did it stop being interactive / drawn (a rerun) within the settle window?
                page.wait_for_function(f"() => !({DRAWN_JS})()", polling="raf", timeout=settle_ms)
            except PlaywrightTimeout:
                return interactive, drawn
    finally:
        context.close()


def measure(name: str, cmd: list[str], env: dict, port: int, work: Path, browser, args) -> dict:
    server = Server(cmd, env, work / f"{name}.log")
    try:
        up = server.start(port, args.server_timeout)
        url = f"http://127.0.0.1:{port}/"
        runs, drawn = [], []
        for run in range(args.repeat):
            try:
                interactive, complete = time_page(browser, url, args.page_timeout * 1000, args.settle)
            except Exception as exc:
                raise RuntimeError(f"{name}: run {run + 1} did not become interactive: {exc}\n"
                                   f"server log:\n{server.tail()}") from exc
            runs.append(interactive)
            drawn.append(complete)
            print(f"  {name:<8} run {run + 1}: interactive {interactive:.3f} s, fully drawn {complete:.3f} s"
                  f"{'  (first after server start)' if run == 0 else ''}", flush=True)
    finally:
        server.stop()

    def warm(values: list[float]) -> float:
        return statistics.median(values[1:]) if len(values) > 1 else float("nan")

    return {"up": up, "runs": runs, "first": runs[0], "warm": warm(runs),
            "drawn_first": drawn[0], "drawn_warm": warm(drawn)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="page loads per server (default 3; the first is cold)")
    parser.add_argument("--settle", type=float, default=300, help="ms the page must stay interactive (default 300)")
    parser.add_argument("--server-timeout", type=float, default=60, help="s to wait for /_stcore/health (default 60)")
    parser.add_argument("--page-timeout", type=float, default=30, help="s to wait for one page load (default 30)")
    args = parser.parse_args()
    args.repeat = max(1, args.repeat)

    from playwright.sync_api import sync_playwright

    from etl.build import build

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    print("bench_page: first page interactive in the browser after the server is up")
    print(f"target: < {TARGET_SECONDS:.0f} s (app's first load); this machine: {cpus} usable core(s); "
          f"{args.repeat} load(s) per server, each in a new browser context")

    work = Path(tempfile.mkdtemp(prefix="par-bench-page-"))
    try:
        db = work / "par.duckdb"
        start = time.perf_counter()
        build(db, demo=True)
        print(f"  database built in {time.perf_counter() - start:.2f} s (not part of the figures)", flush=True)
        blank = work / "blank_app.py"
        blank.write_text(BLANK_SCRIPT)

        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        app_env = dict(env, PAR_DB=str(db))

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                port = free_port()
                baseline = measure("baseline", [sys.executable, "-m", "streamlit", "run", str(blank),
                                                *server_flags(port)], env, port, work, browser, args)
                port = free_port()
                app = measure("app", [sys.executable, "scripts/serve.py", *server_flags(port)],
                              app_env, port, work, browser, args)
            finally:
                browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(label: str, key: str) -> None:
        a, b = app[key], baseline[key]
        ratio = a / b if b == b and b > 0 else float("nan")  # b == b: not NaN
        print(f"{label:<34}{a:>8.3f} s{b:>10.3f} s{ratio:>9.1f} x")

    print()
    print(f"{'':34}{'app':>10}{'baseline':>12}{'ratio':>11}")
    row("server start until health 200", "up")
    row("first load (cold app)", "first")
    row(f"warm load (median of {max(args.repeat - 1, 0)})", "warm")
    row("  fully drawn, first load", "drawn_first")
    row("  fully drawn, warm (median)", "drawn_warm")
    print(f"runs (s): app {', '.join(f'{t:.3f}' for t in app['runs'])}; "
          f"baseline {', '.join(f'{t:.3f}' for t in baseline['runs'])}")
    met = app["first"] < TARGET_SECONDS
    verdict = "met" if met else "not met"
    print(f"target: first page interactive < {TARGET_SECONDS:.0f} s after server up: {verdict} "
          f"(app first load {app['first']:.3f} s)")
    print(f"SUMMARY bench_page: app first load {app['first']:.3f} s (baseline {baseline['first']:.3f} s, "
          f"{app['first'] / baseline['first']:.1f}x), warm median {app['warm']:.3f} s "
          f"(baseline {baseline['warm']:.3f} s), fully drawn first {app['drawn_first']:.3f} s, "
          f"target < {TARGET_SECONDS:.0f} s {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
