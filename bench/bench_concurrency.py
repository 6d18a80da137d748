"""Benchmark: 20 browser sessions at once while a 1,000,000-respondent SIPAS file loads (readers never wait).

Target (issue #16): with a survey load running against the served database, 20 concurrent sessions each open the
overview and the rankings page; their p95 time-to-interactive stays under 3x a single session's (median, no load,
same server), and no page shows an exception, an error alert or the store's "busy" message.

  * store (not timed): etl.build.build(<tmp>/par.duckdb, demo=True), or a copy of --db; served by scripts/serve.py
    with PAR_DB (bench_page.Server), one warm-up session (the app's cold start) not counted.
  * single session: --repeat times, one new browser context opens `/` then `/rankings`; each page is timed from
    goto() until interactive (bench_page's predicate: script run over, connected, no running icon, the page's
    content visible, still so --settle ms later).
  * concurrent: `python -m etl load sipas FILE --db DB --lang en` (a file as offices write it: bench_survey_load's
    generate() + province_names()) is started in a subprocess, then --sessions new contexts of the same Chromium
    (asyncio Playwright) each open `/` then `/rankings`, all launched together. Every page is scanned for
    stException, error alerts, alerts saying busy / bận, and the words of the store's busy message (ui.i18n
    "store.busy", both languages). The load's exit code, duration, write-lock window and written rows are checked.

First, unless --no-blank, a blank Streamlit app with the same two addresses (BLANK_APP: each page one line of text,
bench_page's blank page) is served by `python -m streamlit run` and measured the same way, without a load: its own
p95 / single is what Streamlit and the browsers cost by themselves on these cores, the floor of the ratio for any
app. For information it also prints what the cores allow: the machine's busy CPU seconds during the single sessions
(/proc/stat) per session, and from it the lowest p95 / single ratio --sessions sessions could reach on this
machine's cores if they shared them perfectly.

Prints figures only; no timing is asserted. Exits 1 only if a check fails: an error or busy message shown, a page
never interactive, or the load failed. Run from the project root:  python bench/bench_concurrency.py
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from bench_page import (APP_CONTENT_JS, BLANK_CONTENT_JS, BLANK_TEXT, CHROMIUM, CHROMIUM_ARGS, Server, free_port,
                        ready_checks, server_flags)
from bench_survey_load import generate, province_names, usable_cpus

TARGET_RATIO = 3.0          # concurrent p95 / single-session median, per page
PAGES = {"overview": "/", "rankings": "/rankings"}
# A page is done when its content is visible, or when it stopped on an exception or an error (the scan says which).
STOPPED_JS = """document.querySelector('[data-testid="stException"], [data-testid="stAlertContentError"]')"""
RANKINGS_CONTENT_JS = """(visible) => {
  for (const el of document.querySelectorAll('[data-testid="stDataFrame"]')) if (visible(el)) return !!document.querySelector('h1');
  return false;
}"""
CONTENT = {"overview": APP_CONTENT_JS, "rankings": RANKINGS_CONTENT_JS}
SCAN_JS = """(busyWords) => {
  const alerts = [...document.querySelectorAll('[data-testid="stAlert"]')];
  const text = (document.body.innerText || '');
  return {
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    error_alerts: document.querySelectorAll('[data-testid="stAlertContentError"]').length,
    busy_alerts: alerts.filter(a => /busy|bận/i.test(a.innerText || '')).length,
    busy_words: busyWords.filter(w => text.includes(w)).length,
  };
}"""
# Why a page is not interactive yet (printed for a page that timed out).
STATE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {script: app && app.getAttribute('data-test-script-state'),
          connection: app && app.getAttribute('data-test-connection-state'),
          metrics: document.querySelectorAll('[data-testid="stMetric"]').length,
          tables: document.querySelectorAll('[data-testid="stDataFrame"]').length,
          running_icon: document.querySelectorAll('[data-testid="stStatusWidgetRunningIcon"]').length};
}"""


def checks_for(page: str, content: dict[str, str] | None = None) -> str:
    """The interactive predicate of bench_page for this page's content, or a page that stopped on an error."""
    content_js = f"(visible) => ({(content or CONTENT)[page]})(visible) || !!({STOPPED_JS})"
    return ready_checks(content_js)[0]


# The floor: a blank Streamlit app with the same two addresses, each page one line of text (bench_page's blank
# page), served and visited exactly as the app is. What 20 sessions cost it on these cores, no app can undercut.
BLANK_APP = f"""import streamlit as st


def page():
    st.write({BLANK_TEXT!r})


st.navigation([st.Page(page, title="overview", url_path="overview", default=True),
               st.Page(page, title="rankings", url_path="rankings")]).run()
"""
BLANK_CONTENT = {page: BLANK_CONTENT_JS for page in PAGES}


def busy_words() -> list[str]:
    """The store's busy message as the app words it, both languages (ui/i18n.py "store.busy")."""
    from ui.i18n import t

    return [t("store.busy", lang) for lang in ("vi", "en")]


@dataclass
class Visit:
    """One page load of one session: when it started (s after the phase began), how long until interactive."""
    session: int
    page: str
    start: float
    seconds: float = math.nan
    scan: dict = field(default_factory=dict)
    failure: str = ""           # the page could not be opened or scanned (counted as an error)
    timed_out: bool = False     # not interactive within --page-timeout: `seconds` is then a lower bound
    state: dict = field(default_factory=dict)   # the page's state when it timed out

    @property
    def problems(self) -> int:
        return sum(self.scan.values()) + (1 if self.failure else 0) + (1 if self.timed_out else 0)


async def time_visit(tab, url: str, page: str, visit: Visit, timeout_ms: float, settle_ms: float, words,
                     content: dict[str, str] | None = None) -> None:
    """bench_page.time_page's measure for one page, with asyncio Playwright, then the page's error scan."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    js = checks_for(page, content)
    start = time.perf_counter()
    try:
        await tab.goto(url, wait_until="commit", timeout=timeout_ms)
        while True:
            remaining = timeout_ms - (time.perf_counter() - start) * 1000
            await tab.wait_for_function(js, polling="raf", timeout=max(remaining, 1))
            interactive = time.perf_counter() - start
            try:  # a rerun started within the settle window: wait again
                await tab.wait_for_function(f"() => !({js})()", polling="raf", timeout=settle_ms)
            except PlaywrightTimeout:
                break
        visit.seconds = interactive
    except PlaywrightTimeout:   # a machine too busy is a figure, not an error: the scan below still looks
        visit.seconds, visit.timed_out = time.perf_counter() - start, True
    except Exception as exc:  # noqa: BLE001 - recorded as this page's failure; the scan still runs
        visit.failure = f"not opened: {str(exc).splitlines()[0]}"
    try:
        if visit.timed_out:
            visit.state = await tab.evaluate(STATE_JS)
        visit.scan = await tab.evaluate(SCAN_JS, words)
    except Exception as exc:  # noqa: BLE001
        visit.failure = visit.failure or f"scan failed: {str(exc).splitlines()[0]}"


async def session(browser, base: str, number: int, origin: float, args, words,
                  content: dict[str, str] | None = None) -> list[Visit]:
    """One user: a new browser context opening the overview, then the rankings page (`content`: what each page
    shows when it is there, CONTENT unless given)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="vi-VN")
    visits = []
    try:
        tab = await context.new_page()
        for page, path in PAGES.items():
            visit = Visit(number, page, time.perf_counter() - origin)
            await time_visit(tab, base + path, page, visit, args.page_timeout * 1000, args.settle, words, content)
            visits.append(visit)
    finally:
        await context.close()
    return visits


@dataclass
class LoadWatch:
    """The load subprocess seen from outside: exit time and code, and when its writer lock was held."""
    started: float
    finished: float = math.nan
    code: int | None = None
    lock_first: float = math.nan
    lock_last: float = math.nan


async def watch_load(proc: subprocess.Popen, db: Path, watch: LoadWatch, origin: float) -> None:
    from etl.snapshots import writer_active

    while proc.poll() is None:
        if writer_active(db):
            now = time.perf_counter() - origin
            watch.lock_first = now if math.isnan(watch.lock_first) else watch.lock_first
            watch.lock_last = now
        await asyncio.sleep(0.02)  # poll interval
    watch.finished = time.perf_counter() - origin
    watch.code = proc.returncode


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every core, every process: /proc/stat less idle and iowait)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (sum(fields[:8]) - fields[3] - fields[4]) / ticks


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of the values that are numbers."""
    values = sorted(v for v in values if not math.isnan(v))
    if not values:
        return math.nan
    return values[max(0, math.ceil(q / 100 * len(values)) - 1)]


def upload_rows(db: Path) -> tuple[int, int]:
    """Respondents and batches of source upload, read the way readers read (the current snapshot)."""
    from etl.db import open_for_reading

    with open_for_reading(db, wait_seconds=30) as con:
        return con.execute("SELECT (SELECT count(*) FROM survey_respondent r JOIN batch b USING (batch_id) "
                           "WHERE b.source = 'upload' AND b.kind = 'sipas'), "
                           "(SELECT count(*) FROM batch WHERE source = 'upload' AND kind = 'sipas')").fetchone()


async def together(browser, base: str, args, words, origin: float,
                   content: dict[str, str] | None = None) -> list[Visit]:
    """--sessions sessions launched at once; every page load of every session."""
    results = await asyncio.gather(*(session(browser, base, n, origin, args, words, content)
                                     for n in range(1, args.sessions + 1)))
    return [v for visits in results for v in visits]


async def blank_floor(base: str, args) -> dict:
    """The blank app (BLANK_APP) measured as the app is, without a load: one warm-up session, --repeat single
    sessions, then --sessions together. Its own p95 / single is what Streamlit and the browsers cost by
    themselves on these cores."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await session(browser, base, 0, time.perf_counter(), args, [], BLANK_CONTENT)
            single = []
            for rep in range(1, args.repeat + 1):
                single += await session(browser, base, rep, time.perf_counter(), args, [], BLANK_CONTENT)
            concurrent = await together(browser, base, args, [], time.perf_counter(), BLANK_CONTENT)
        finally:
            await browser.close()
    return {"single": single, "concurrent": concurrent}


def measure_blank(args, work: Path) -> dict:
    """Serve BLANK_APP with `python -m streamlit run` (bench_page's flags) and run blank_floor against it."""
    script = work / "blank_app.py"
    script.write_text(BLANK_APP, encoding="utf-8")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    server = Server([sys.executable, "-m", "streamlit", "run", str(script), *server_flags(port)], env,
                    work / "blank.log")
    try:
        server.start(port, 60)
        return asyncio.run(blank_floor(f"http://127.0.0.1:{port}", args))
    except Exception:
        print(f"blank server log (last lines):\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        server.stop()


async def run(args, db: Path, csv_path: Path, base: str, work: Path) -> dict:
    from playwright.async_api import async_playwright

    words = busy_words()
    out: dict = {"control": []}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            warm = await session(browser, base, 0, time.perf_counter(), args, words)
            print("  warm-up session (the app's cold start, not counted): "
                  + ", ".join(f"{v.page} {v.seconds:.2f} s" for v in warm), flush=True)
            out["single"] = []
            busy_before, clock_before = machine_busy_seconds(), time.perf_counter()
            for rep in range(1, args.repeat + 1):
                visits = await session(browser, base, rep, time.perf_counter(), args, words)
                out["single"].extend(visits)
                print(f"  single session {rep}: " + ", ".join(f"{v.page} {v.seconds:.2f} s" for v in visits),
                      flush=True)
            out["single_cpu"] = (machine_busy_seconds() - busy_before) / args.repeat
            out["single_wall"] = (time.perf_counter() - clock_before) / args.repeat
            if args.control:
                out["control"] = await together(browser, base, args, words, time.perf_counter())
                print(f"  control: {args.sessions} sessions without a load done", flush=True)

            log_path = work / "load.log"
            with open(log_path, "w") as log:  # noqa: ASYNC230 - opening a local file, before any session
                origin = time.perf_counter()
                # Popen returns at once; watch_load polls it, so the event loop never blocks on the child.
                proc = subprocess.Popen([sys.executable, "-m", "etl", "load", "sipas", str(csv_path),  # noqa: ASYNC220
                                         "--db", str(db), "--lang", "en"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
                try:
                    watch = out["watch"] = LoadWatch(started=0.0)
                    watcher = asyncio.create_task(watch_load(proc, db, watch, origin))
                    print(f"  load started; {args.sessions} sessions launched together", flush=True)
                    out["concurrent"] = await together(browser, base, args, words, origin)
                    out["sessions_done"] = time.perf_counter() - origin
                    try:
                        await asyncio.wait_for(watcher, timeout=args.load_timeout)
                    except TimeoutError:
                        watch.finished = time.perf_counter() - origin
                finally:
                    if proc.poll() is None:
                        proc.kill()
                    proc.wait()
            out["load_output"] = log_path.read_text(errors="replace")
        finally:
            await browser.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions (default 20)")
    parser.add_argument("--repeat", type=int, default=3, help="single sessions, one after another (default 3)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="respondents in the loaded file (default 1,000,000)")
    parser.add_argument("--settle", type=float, default=300, help="ms a page must stay interactive (default 300)")
    parser.add_argument("--page-timeout", type=float, default=180, help="s to wait for one page (default 180)")
    parser.add_argument("--load-timeout", type=float, default=600, help="s to wait for the load (default 600)")
    parser.add_argument("--db", type=Path, help="use a copy of this database instead of building one")
    parser.add_argument("--no-blank", action="store_true",
                        help="skip the blank Streamlit app measured the same way first (the floor of the ratio)")
    parser.add_argument("--control", action="store_true",
                        help="also run the sessions once without a load (information: what they cost by themselves)")
    args = parser.parse_args()
    args.repeat, args.sessions = max(1, args.repeat), max(1, args.sessions)

    cpus = usable_cpus()
    print(f"bench_concurrency: {args.sessions} browser sessions (overview, then rankings) while a {args.rows:,}-respondent "
          "SIPAS file loads, against one session at a time without a load")
    print(f"targets: concurrent p95 < {TARGET_RATIO:.0f}x single-session median per page; 0 errors, 0 busy messages; "
          f"the load succeeds. This machine: {cpus} usable core(s); load average at start: "
          f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}")

    work = Path(tempfile.mkdtemp(prefix="par-bench-concurrency-"))
    server = None
    try:
        db = work / "par.duckdb"
        start = time.perf_counter()
        from etl.build import build

        if args.db:
            shutil.copy(args.db, db)
            print(f"  database {args.db} copied (not timed)", flush=True)
        else:
            build(db, demo=True)
            print(f"  demo database built in {time.perf_counter() - start:.1f} s (not timed)", flush=True)
        csv_path = work / "sipas_2024.csv"
        start = time.perf_counter()
        generate(csv_path, args.rows, province_names(db))
        print(f"  file: {args.rows:,} respondents, {csv_path.stat().st_size / 1e6:.0f} MB, generated in "
              f"{time.perf_counter() - start:.1f} s (not timed)", flush=True)
        before = upload_rows(db)
        blank = None
        if not args.no_blank:
            try:
                blank = measure_blank(args, work)
                print(f"  blank app measured ({args.sessions} sessions together, no load)", flush=True)
            except Exception as exc:  # noqa: BLE001 - the floor is information: the app's measure still runs
                print(f"  blank app not measured: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                      flush=True)

        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
        server = Server([sys.executable, "scripts/serve.py", *server_flags(port)], dict(env, PAR_DB=str(db)),
                        work / "server.log")
        up = server.start(port, 60)
        print(f"  server up in {up:.2f} s", flush=True)
        out = asyncio.run(run(args, db, csv_path, f"http://127.0.0.1:{port}", work))
        single, concurrent, control, watch = out["single"], out["concurrent"], out["control"], out["watch"]
        sessions_done, load_output = out["sessions_done"], out["load_output"]
        after = upload_rows(db) if watch.code == 0 else before
    except Exception:
        if server is not None:
            print(f"server log (last lines):\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    load_ok = watch.code == 0 and after == (before[0] + args.rows, before[1] + 1)
    load_line = next((line for line in load_output.splitlines() if line.startswith("Loaded batch")),
                     load_output.strip().splitlines()[-1] if load_output.strip() else "(no output)")

    def times(visits: list[Visit], page: str) -> list[float]:
        return [v.seconds for v in visits if v.page == page]

    print()
    print(f"{'':34}{'single':>9}{'p50':>9}{'p95':>9}{'max':>9}{'p95/single':>12}   (s; concurrent: "
          f"{args.sessions} sessions during the load)")
    one, p95, ratios = {}, {}, {}
    for page in PAGES:
        one[page] = percentile(times(single, page), 50)
        many = times(concurrent, page)
        p95[page] = percentile(many, 95)
        ratios[page] = p95[page] / one[page] if one[page] > 0 else math.nan
        print(f"{page + ' time-to-interactive':34}{one[page]:>9.2f}{percentile(many, 50):>9.2f}{p95[page]:>9.2f}"
              f"{percentile(many, 100):>9.2f}{ratios[page]:>11.2f}x")
    for page in PAGES:
        runs = ", ".join(f"{'>' if v.timed_out else ''}{v.seconds:.1f}"
                         for v in sorted(concurrent, key=lambda v: v.session) if v.page == page)
        print(f"  concurrent runs, {page}: {runs}")
    for page in PAGES if control else ():
        alone = percentile(times(control, page), 95)
        print(f"  control, {args.sessions} sessions without a load, {page}: p50 {percentile(times(control, page), 50):.2f} "
              f"s, p95 {alone:.2f} s; p95 during the load / without: {p95[page] / alone:.2f}x (information)")

    blank_ratios = {}
    for page in PAGES if blank else ():
        alone, many = percentile(times(blank["single"], page), 50), times(blank["concurrent"], page)
        blank_ratios[page] = percentile(many, 95) / alone if alone > 0 else math.nan
        print(f"  blank Streamlit app, {page}: single {alone:.2f} s, {args.sessions} together without a load p95 "
              f"{percentile(many, 95):.2f} s ({blank_ratios[page]:.2f}x): what a page with nothing on it reaches on "
              "these cores")
    # What the cores allow. One session (both pages, server and browser) kept the machine busy for `cpu` core-
    # seconds; N sessions started together on C cores cannot all be done before N x cpu / C, so p95 / single
    # cannot fall below about that over the single session's time, whatever the app does (an upper bound when
    # other jobs share the machine: their CPU counts here too).
    cpu, wall = out["single_cpu"], out["single_wall"]
    floor = args.sessions * cpu / cpus / wall if wall > 0 else math.nan
    print(f"cores: one session (overview + rankings) kept the machine busy {cpu:.2f} core-s in {wall:.2f} s "
          f"({cpu / wall if wall > 0 else math.nan:.2f} cores); {args.sessions} together need >= "
          f"{args.sessions * cpu / cpus:.1f} s on {cpus} cores: p95 / single >= about {floor:.1f}x from CPU alone "
          "(information; other jobs' CPU counts too)")
    visits = single + control + concurrent   # the app's; the blank app's are counted apart (information only)
    if blank:
        blank_problems = sum(v.problems for v in blank["single"] + blank["concurrent"])
        print(f"  blank app: {blank_problems} problem(s) over {len(blank['single']) + len(blank['concurrent'])} "
              "page loads (not counted in the app's checks)")
    errors = sum(v.scan.get("exceptions", 0) + v.scan.get("error_alerts", 0) + (1 if v.failure else 0) for v in visits)
    busy = sum(v.scan.get("busy_alerts", 0) + v.scan.get("busy_words", 0) for v in visits)
    late = sum(1 for v in visits if v.timed_out)
    for v in visits:
        if v.problems:
            print(f"  problem: session {v.session} {v.page}: {v.scan}{f' timed out {v.state}' if v.timed_out else ''} {v.failure}")
    during_load = sum(1 for v in concurrent if v.start < watch.finished)
    during_lock = sum(1 for v in concurrent if v.start <= watch.lock_last and v.start + v.seconds >= watch.lock_first)
    print(f"errors (exceptions, error alerts, pages not opened): {errors}; busy messages: {busy}; over {len(visits)} "
          f"page loads")
    if late:
        print(f"NOTE: {late} page(s) not interactive within {args.page_timeout:.0f} s (their time, the wait, is a lower "
              "bound in the figures above; a timing, not a failed check)")
    print(f"load: {'succeeded' if load_ok else 'FAILED'} (exit {watch.code}) in {watch.finished:.1f} s; writer lock "
          f"held {watch.lock_first:.1f}-{watch.lock_last:.1f} s after its start; rows {after[0] - before[0]:,} "
          f"(expected {args.rows:,}); \"{load_line}\"")
    print(f"overlap: {during_load} of {len(concurrent)} concurrent page loads began before the load finished, "
          f"{during_lock} ran while it held the writer lock; all sessions done {sessions_done:.1f} s after the start")
    print(f"load average at end: {', '.join(f'{v:.2f}' for v in os.getloadavg())}")
    met = {page: r < TARGET_RATIO for page, r in ratios.items()}
    checks_ok = errors == 0 and busy == 0 and load_ok
    print(f"target: p95 < {TARGET_RATIO:.0f}x single: " + "; ".join(
        f"{page} {'met' if met[page] else 'not met'} ({ratios[page]:.2f}x)" for page in PAGES)
        + f"; checks {'passed' if checks_ok else 'FAILED'}" + ("" if cpus == 2 else f" (measured on {cpus} cores)"))
    print(f"SUMMARY bench_concurrency: {args.sessions} sessions during a {args.rows:,}-respondent load; "
          + ", ".join(f"{page} single {one[page]:.2f} s p95 {p95[page]:.2f} s ({ratios[page]:.2f}x, target < "
                      f"{TARGET_RATIO:.0f}x {'met' if met[page] else 'NOT met'})" for page in PAGES)
          + f"; CPU floor about {floor:.1f}x"
          + "".join(f"; blank Streamlit app {page} {r:.2f}x" for page, r in blank_ratios.items())
          + f"; errors {errors}, busy {busy} (target 0); {late} page(s) timed out; load "
            f"{'ok' if load_ok else 'FAILED'} {watch.finished:.1f} s; {cpus} cores")
    return 0 if checks_ok else 1


if __name__ == "__main__":
    sys.exit(main())
