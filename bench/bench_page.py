"""Benchmark: the first page interactive after server start, against a blank Streamlit page; warm loads.

Targets (issue #16), on 2 cores:
  1. the app's first page is interactive within 1.5x the time a blank Streamlit page takes, both counted from
     server start (process launched) until the page is interactive in the browser;
  2. warm loads (a new session on a running server) are no slower than the first load.

What is measured. A database is built once (etl.build.build, demo data; or --db PATH is copied) into a temp
dir. Two servers are measured the same way, in --rounds rounds (each round starts each server afresh; their
order alternates between rounds, so a machine busy for a while weighs on both):
  * blank: a one-line script, `st.write("...")`, served by `python -m streamlit run` with the same flags;
  * app: the dashboard, served by scripts/serve.py with PAR_DB pointing at the built database.
The server process is launched with the browser already running; when /_stcore/health answers 200 the
server is "up" and a NEW browser context (a new Streamlit session, nothing cached client-side) opens the
root URL at once: that is the first load. Then --warm more loads, each in a new context. The clock of a
load runs from page.goto() until the page is interactive:
  * its content is visible: for the app at least 2 [data-testid="stMetric"] (the overview's metrics), for
    the blank page its text;
  * the script has finished: stApp's data-test-script-state is "notRunning", the connection state is
    CONNECTED and no "Running..." icon ([data-testid="stStatusWidgetRunningIcon"]) is visible;
and this still holds --settle ms later (so a state between two reruns does not count; the settle time is
not included). "From server start" is launch -> health 200 -> first load interactive. For information it
also reports "fully drawn": interactive and no loading skeleton left ([data-testid="stSkeleton"]; Streamlit
shows one while a chart or table component is still loading).

Figures are medians over the rounds (first loads: one per round; warm loads: all of them). Target 1 is
judged on the app's median "server start -> first page interactive" divided by the blank page's; target 2
on the app's median warm load divided by its median first load (<= 1.0). The blank page's own warm / first
ratio is printed beside it, as what Streamlit itself does.

Prints figures only; it asserts nothing. Run from the project root:  python bench/bench_page.py
"""
from __future__ import annotations

import argparse
import json
import math
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
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGET_FIRST_RATIO = 1.5    # app's first page / blank page, both from server start
TARGET_WARM_RATIO = 1.0     # app's warm loads / its first load
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
BLANK_TEXT = "Blank Streamlit page"
BLANK_SCRIPT = f'import streamlit as st\nst.write("{BLANK_TEXT}")\n'

# The page's own content is visible: the app's overview metrics, or the blank page's text.
APP_CONTENT_JS = """(visible) => {
  let metrics = 0;
  for (const el of document.querySelectorAll('[data-testid="stMetric"]')) if (visible(el)) metrics += 1;
  return metrics >= 2;
}"""
BLANK_CONTENT_JS = """(visible) => {
  for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]'))
    if (visible(el) && el.innerText.includes(TEXT)) return true;
  return false;
}""".replace("TEXT", json.dumps(BLANK_TEXT))

# Interactive: the content is visible, and the session is connected and its script run is over.
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
  return (%s)(visible);
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
}"""


def ready_checks(content_js: str) -> tuple[str, str]:
    """The (interactive, fully drawn) predicates for a page whose content is `content_js`."""
    interactive = INTERACTIVE_JS % content_js
    return interactive, DRAWN_JS % interactive


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
        self.launched = float("nan")   # time.perf_counter() when the process was launched
        self._out = None

    def start(self, port: int, timeout: float) -> float:
        """Start and wait for /_stcore/health to answer 200; return the seconds that took."""
        self._out = open(self.log, "wb")
        start = self.launched = time.perf_counter()
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
            time.sleep(0.02)  # poll interval

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


def time_page(browser, url: str, checks: tuple[str, str], timeout_ms: float,
              settle_ms: float) -> tuple[float, float, float]:
    """Seconds from goto() in a fresh context until the page is interactive, and until it is fully drawn, and the
    time.perf_counter() of that goto().

    Both must still hold settle_ms later (else a rerun started and the wait begins again).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    interactive_js, drawn_js = checks
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
            interactive = wait(interactive_js)
            drawn = wait(drawn_js)
            try:  # did it stop being interactive / drawn (a rerun) within the settle window?
                page.wait_for_function(f"() => !({drawn_js})()", polling="raf", timeout=settle_ms)
            except PlaywrightTimeout:
                return interactive, drawn, start
    finally:
        context.close()


@dataclass
class Figures:
    """Everything measured for one page kind, over all rounds (seconds)."""
    up: list[float] = field(default_factory=list)             # launch -> health 200
    from_start: list[float] = field(default_factory=list)     # launch -> first page interactive
    first: list[float] = field(default_factory=list)          # goto -> interactive, first load of a server
    warm: list[float] = field(default_factory=list)           # goto -> interactive, later loads
    drawn_first: list[float] = field(default_factory=list)
    drawn_warm: list[float] = field(default_factory=list)

    def median(self, name: str) -> float:
        values = getattr(self, name)
        return statistics.median(values) if values else float("nan")


def measure_round(name: str, cmd: list[str], env: dict, checks: tuple[str, str], work: Path, browser, args,
                  figures: Figures, round_no: int) -> None:
    """Start a server, load the page once at once (first) and --warm times more, each in a new context."""
    port = free_port()
    server = Server([*cmd, *server_flags(port)], env, work / f"{name}-{round_no}.log")
    try:
        up = server.start(port, args.server_timeout)
        url = f"http://127.0.0.1:{port}/"
        for load in range(args.warm + 1):
            try:
                interactive, drawn, started = time_page(browser, url, checks, args.page_timeout * 1000, args.settle)
            except Exception as exc:
                raise RuntimeError(f"{name}: load {load + 1} did not become interactive: {exc}\n"
                                   f"server log:\n{server.tail()}") from exc
            from_start = started - server.launched + interactive   # launch -> health 200 -> goto -> interactive
            if load == 0:
                figures.up.append(up)
                figures.from_start.append(from_start)
                figures.first.append(interactive)
                figures.drawn_first.append(drawn)
            else:
                figures.warm.append(interactive)
                figures.drawn_warm.append(drawn)
            note = f"  (server up in {up:.3f} s; {from_start:.3f} s from server start)" if load == 0 else ""
            print(f"  round {round_no} {name:<5} load {load + 1}: interactive {interactive:.3f} s, "
                  f"fully drawn {drawn:.3f} s{note}", flush=True)
    finally:
        server.stop()


def ratio(a: float, b: float) -> float:
    return a / b if not math.isnan(b) and b > 0 else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="server starts per page kind (default 3)")
    parser.add_argument("--warm", type=int, default=3, help="warm loads after the first, per server (default 3)")
    parser.add_argument("--settle", type=float, default=300, help="ms the page must stay interactive (default 300)")
    parser.add_argument("--server-timeout", type=float, default=60, help="s to wait for /_stcore/health (default 60)")
    parser.add_argument("--page-timeout", type=float, default=30, help="s to wait for one page load (default 30)")
    parser.add_argument("--db", type=Path, help="use a copy of this database instead of building one")
    args = parser.parse_args()
    args.rounds, args.warm = max(1, args.rounds), max(1, args.warm)

    from playwright.sync_api import sync_playwright

    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    print("bench_page: first page interactive from server start, against a blank Streamlit page; warm loads")
    print(f"targets: first page <= {TARGET_FIRST_RATIO}x blank page (from server start); warm loads <= "
          f"{TARGET_WARM_RATIO}x the first load. This machine: {cpus} usable core(s); {args.rounds} round(s), "
          f"each: server start, first load, {args.warm} warm load(s), each load in a new browser context")
    try:
        print(f"load average at start: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    except OSError:
        pass

    work = Path(tempfile.mkdtemp(prefix="par-bench-page-"))
    blank, app = Figures(), Figures()
    try:
        db = work / "par.duckdb"
        start = time.perf_counter()
        from etl.build import build

        if args.db:
            shutil.copy(args.db, db)   # a copy: the app may upgrade an older schema in place
            print(f"  database {args.db} copied (not part of the figures)", flush=True)
        else:
            build(db, demo=True)
            print(f"  database built in {time.perf_counter() - start:.2f} s (not part of the figures)", flush=True)
        blank_script = work / "blank_app.py"
        blank_script.write_text(BLANK_SCRIPT)

        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        kinds = {
            "blank": ([sys.executable, "-m", "streamlit", "run", str(blank_script)], env,
                      ready_checks(BLANK_CONTENT_JS), blank),
            "app": ([sys.executable, "scripts/serve.py"], dict(env, PAR_DB=str(db)),
                    ready_checks(APP_CONTENT_JS), app),
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for round_no in range(1, args.rounds + 1):
                    order = ["blank", "app"] if round_no % 2 else ["app", "blank"]
                    for name in order:
                        cmd, kind_env, checks, figures = kinds[name]
                        measure_round(name, cmd, kind_env, checks, work, browser, args, figures, round_no)
            finally:
                browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def row(label: str, key: str, target: str = "") -> float:
        a, b = app.median(key), blank.median(key)
        r = ratio(a, b)
        print(f"{label:<40}{a:>8.3f} s{b:>10.3f} s{r:>9.2f} x  {target}")
        return r

    first_ratio_target = f"target <= {TARGET_FIRST_RATIO}x"
    print()
    print(f"medians over {args.rounds} round(s)       {'app':>14}{'blank':>12}{'app/blank':>12}")
    row("server start -> health 200", "up")
    first_ratio = row("server start -> first page interactive", "from_start", first_ratio_target)
    row("first load (goto -> interactive)", "first")
    row(f"warm loads (median of {len(app.warm)})", "warm")
    row("  fully drawn, first load", "drawn_first")
    row("  fully drawn, warm loads", "drawn_warm")
    warm_ratio, blank_warm_ratio = ratio(app.median("warm"), app.median("first")), \
        ratio(blank.median("warm"), blank.median("first"))
    print(f"{'warm load / first load':<40}{warm_ratio:>8.2f} x{blank_warm_ratio:>10.2f} x"
          f"{'':>11}  target <= {TARGET_WARM_RATIO}x (app)")
    print(f"runs (s), goto -> interactive: app first {', '.join(f'{t:.3f}' for t in app.first)}; "
          f"app warm {', '.join(f'{t:.3f}' for t in app.warm)}")
    print(f"                               blank first {', '.join(f'{t:.3f}' for t in blank.first)}; "
          f"blank warm {', '.join(f'{t:.3f}' for t in blank.warm)}")
    try:
        load = os.getloadavg()[0]
        busy = "  (busier than its cores: other processes inflate every figure, the app's more)" if load > cpus else ""
        print(f"load average at end: {load:.2f}{busy}")
    except OSError:
        pass
    first_met = first_ratio <= TARGET_FIRST_RATIO
    warm_met = warm_ratio <= TARGET_WARM_RATIO
    print(f"target 1: first page <= {TARGET_FIRST_RATIO}x blank page from server start: "
          f"{'met' if first_met else 'not met'} ({app.median('from_start'):.3f} s vs {blank.median('from_start'):.3f} s,"
          f" {first_ratio:.2f}x)")
    print(f"target 2: warm loads no slower than the first: {'met' if warm_met else 'not met'} "
          f"({app.median('warm'):.3f} s vs {app.median('first'):.3f} s, {warm_ratio:.2f}x)")
    print(f"SUMMARY bench_page: first page interactive {app.median('from_start'):.3f} s from server start vs blank "
          f"{blank.median('from_start'):.3f} s ({first_ratio:.2f}x, target <= {TARGET_FIRST_RATIO}x "
          f"{'met' if first_met else 'NOT met'}); warm load {app.median('warm'):.3f} s vs first "
          f"{app.median('first'):.3f} s ({warm_ratio:.2f}x, target <= {TARGET_WARM_RATIO}x "
          f"{'met' if warm_met else 'NOT met'}); blank warm {blank.median('warm'):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
