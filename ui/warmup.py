"""Warm-up of a fresh server (issue #16): the imports of the first page, done in the background once the server is up.

A fresh server's first page used to pay, in its first script run, about a second of imports (pandas, pyarrow, duckdb,
Streamlit's emoji table, the app's own modules) before it drew anything. scripts/serve.py
calls `start()` when the server answers, so that work overlaps the browser loading Streamlit's own JavaScript; app.py
calls `wait()` first thing, so a script run never imports the same modules at the same time as this thread (two
threads importing modules that import each other can deadlock). Then it opens the store's current snapshot, computes
the figures of the default overview into the app's cache (the first visitor's page reads them from there) and keeps
the snapshot open for a while (HOLD_SECONDS), so the first sessions' connections reuse DuckDB's open instance instead
of each reading the file's catalog again. Without `start()` (`streamlit run app.py`, tests), `wait()` returns at
once. Nothing here writes or draws anything: the page shows what it did.
"""
from __future__ import annotations

import importlib
import logging
import threading
import time

# What the router and the overview (the default page) import on a first run: the libraries, then the app's modules.
MODULES = (
    "pandas", "numpy", "duckdb", "pyarrow", "pyarrow.compute", "pyarrow.pandas_compat", "yaml", "babel.numbers",
    "babel.dates", "streamlit.emojis", "streamlit.material_icon_names",
    "streamlit.dataframe_util", "streamlit.dataframe.lazy_df_adapters",
    "ui.auth", "ui.i18n", "ui.state", "ui.store", "ui.briefing", "ui.export", "ui.vega_figures", "ui.format",
    "ui.provenance", "ui.text", "metrics.overview",
)
# No Plotly figure is exercised: the overview draws with Vega-Lite (ui.vega_figures). (Streamlit itself imports
# Plotly's modules; the Plotly figure classes a figure would build are left to the pages that draw with Plotly.)
WAIT_SECONDS = 30.0   # a script run waits at most this long for the warm-up (it takes about a second)
# How long the warm-up keeps the current snapshot open: well under etl.snapshots.GRACE_SECONDS, so the hold never
# keeps a superseded snapshot that cleanup would otherwise have removed.
HOLD_SECONDS = 30.0

_log = logging.getLogger(__name__)
_done = threading.Event()
_lock = threading.Lock()
_thread: threading.Thread | None = None


def _exercise() -> None:
    """What the first page does once its modules are imported and that is slow only the first time in a process:
    Streamlit's Arrow conversion imports pyarrow's pandas glue (tables, and the charts' rows). A throwaway frame,
    drawn nowhere."""
    import pandas as pd
    from streamlit import dataframe_util

    frame = pd.DataFrame({"a": pd.Series([1, None], dtype="object"), "b": ["x", "y"], "c": [1.5, 2.5]})
    dataframe_util.convert_pandas_df_to_arrow_bytes(frame)
    # The first element a process draws asks once whether Streamlit runs in a REPL: inspect.stack() of the script
    # thread, which reads the source of every frame and scans every loaded module (0.1-0.2 s with the app's modules
    # loaded). Asked here, on this short stack, it is answered once and for all; under a running server it says
    # nothing.
    from streamlit import delta_generator, runtime

    if runtime.exists():
        getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()


def prefetch_default_view() -> None:
    """The figures of the page a new visitor sees first, into the app's cache (ui.store.prefetch): the overview of
    the sidebar's defaults (level province, the latest year, automatic source, latest release), fetched as
    ui.state.sidebar_filters, release_filter, release_status and ui.provenance.par_view fetch them."""
    from metrics.overview import build_overview
    from metrics.par_index import available_datasets
    from metrics.releases import list_releases
    from ui.state import LEVELS, shown_release_info
    from ui.store import prefetch

    level = LEVELS[0]
    datasets = prefetch(available_datasets, level)
    if datasets is None or datasets.empty:
        return
    prefetch(list_releases)
    year = int(datasets["year"].max())
    prefetch(shown_release_info, "par", level, year)
    prefetch(build_overview, level, year, None)


def _hold_snapshot(seconds: float) -> None:
    """Open the snapshot readers read now (read-only, with its lease, as a page does), fetch the first page's figures
    and keep the snapshot open `seconds` in all.

    DuckDB shares one instance per file within a process, so meanwhile every page connection to that snapshot skips
    reading the file's catalog. Only a snapshot, which nothing ever writes: never the database file itself, where an
    open connection would make an etl writer wait."""
    from etl import snapshots
    from ui.store import db_path

    started = time.monotonic()
    pin = snapshots.resolve(db_path())
    if pin.generation is None:
        return
    with snapshots.reading(pin, wait_seconds=0):
        prefetch_default_view()
        time.sleep(max(0.0, seconds - (time.monotonic() - started)))


def warm_imports() -> None:
    """Import what the first page imports and do once what it would do first (see _exercise)."""
    for name in MODULES:
        importlib.import_module(name)
    _exercise()


def _run() -> None:
    started = time.perf_counter()
    try:
        warm_imports()
    except Exception:   # a warm-up that fails only costs the first page the time it would have taken anyway
        _log.warning("warm-up stopped early", exc_info=True)
    finally:
        _done.set()
    _log.debug("warm-up done in %.2f s", time.perf_counter() - started)
    try:
        _hold_snapshot(HOLD_SECONDS)
    except Exception:   # no snapshot, a missing or damaged store: the page says what is wrong, not this thread
        _log.debug("no snapshot held", exc_info=True)


def start() -> threading.Thread:
    """Start the warm-up in a daemon thread (once per process); returns the thread."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="par-warmup", daemon=True)
            _thread.start()
        return _thread


def wait(timeout: float = WAIT_SECONDS) -> bool:
    """Block until a started warm-up has done its imports (at most `timeout` seconds); True when none is running."""
    if _thread is None or _thread is threading.current_thread():
        return True
    return _done.wait(timeout)
