"""The app's access to the store: a read-only connection per operation to the snapshot this script run reads
(etl.snapshots), results cached per snapshot."""
from __future__ import annotations

import importlib
import threading
import time
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from etl import snapshots
from etl.db import StoreError, default_wait, open_for_reading
from etl.paths import resolve_db_path
from etl.releases import ReleaseRefused
from metrics.releases import reads_store_state, release_view
from ui.i18n import t
from ui.text import md_escape


APP_WAIT_SECONDS = 5.0  # a page waits less than the command line (10 s) before saying the store is busy
DEFAULT_RELEASE = "latest"  # what the pages show until the sidebar's release filter says otherwise
_PIN = "_store_snapshot"  # session_state: the snapshot (etl.snapshots.Pin) this script run reads


def db_path() -> Path:
    return resolve_db_path(None)


def db_wait() -> float:
    """Seconds a page waits for a database another process is writing: PAR_DB_WAIT, else 5."""
    return default_wait(APP_WAIT_SECONDS)


def pin_snapshot(path: Path) -> snapshots.Pin:
    """Resolve the snapshot this script run reads (ensure_database, at the top of every run): every figure of the
    page then comes from the same one, and a load committing meanwhile shows from the next run on."""
    pin = snapshots.resolve(path)
    st.session_state[_PIN] = pin
    return pin


def _run_pin(path: Path) -> snapshots.Pin:
    """The run's snapshot; resolved again after this run wrote (the page shows what it wrote), when the run has
    none, and for a store read without snapshot (its state is then read per call, as the cache key)."""
    pin = st.session_state.get(_PIN)
    mine = snapshots.published_here(path)
    if (not isinstance(pin, snapshots.Pin) or pin.db != path or pin.generation is None
            or (mine is not None and mine > pin.generation)):
        pin = pin_snapshot(path)
    return pin


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(target: str, db: str, generation: str | None, stamp: tuple | None, args: tuple, kwargs: tuple,
                 release: str = "draft") -> Any:
    """`target(con, *args, **kwargs)` on the snapshot `generation` of `db` (or, None, on the database in the state
    `stamp`): the pair is the cache key, so results follow the snapshots."""
    module_name, func_name = target.rsplit(".", 1)
    func = getattr(importlib.import_module(module_name), func_name)
    pin = snapshots.Pin(Path(db), generation, stamp)
    with snapshots.reading(pin, wait_seconds=db_wait()) as con, release_view(con, release):
        return func(con, *args, **dict(kwargs))


def release_selection() -> str:
    """The release the pages show (the sidebar's release filter, kept in the URL as ?release=): latest, draft or
    an id. Store-state readers (batches, audit log, releases) always see the store as it is."""
    return str(st.session_state.get("_chosen_release") or st.query_params.get("release") or DEFAULT_RELEASE)


def fetch(func: Callable, *args, **kwargs) -> Any:
    """Call a metrics function `func(con, *args, **kwargs)` on a short-lived read-only connection, cached, on the
    store as the chosen release shows it (metrics.releases.release_view)."""
    path = db_path()
    release = "draft" if reads_store_state(func) else release_selection()
    target = f"{func.__module__}.{func.__qualname__}"
    try:
        for attempt in range(3):
            pin = _run_pin(path) if attempt == 0 else pin_snapshot(path)
            try:
                return _cached_call(target, str(path), pin.generation, pin.stamp, args, tuple(sorted(kwargs.items())),
                                    release)
            except snapshots.SnapshotGone:  # removed since the run resolved it (a very long run): resolve again
                continue
        pin = snapshots.Pin(path, None, snapshots.stamp(path))
        return _cached_call(target, str(path), None, pin.stamp, args, tuple(sorted(kwargs.items())), release)
    except StoreError as exc:
        stop_with_store_error(exc, st.session_state.get("lang", "vi"))
    except ReleaseRefused:      # a link naming a release that does not exist: back to the latest, said once
        st.session_state["_chosen_release"] = "latest"
        st.query_params.pop("release", None)
        st.warning(t("rel.unknown", st.session_state.get("lang", "vi"), id=md_escape(release)))
        return fetch(func, *args, **kwargs)


def prefetch(func: Callable, *args, **kwargs) -> Any:
    """What `fetch(func, *args, **kwargs)` gives a page showing the default release, computed ahead into the same
    cache entry by a thread without a session (ui.warmup). Reads only a snapshot: None, nothing computed, when the
    store has none (the database file itself is left to the pages)."""
    path = db_path()
    pin = snapshots.resolve(path)
    if pin.generation is None:
        return None
    release = "draft" if reads_store_state(func) else DEFAULT_RELEASE
    return _cached_call(f"{func.__module__}.{func.__qualname__}", str(path), pin.generation, pin.stamp, args,
                        tuple(sorted(kwargs.items())), release)


_BUILD_LOCK = threading.Lock()  # sessions arriving together must not build the same file twice


def ensure_database(lang: str) -> None:
    """Build the default database on first start (with a progress bar) and upgrade an older schema.

    Anything else wrong with the store is explained on the page, never shown as a traceback.
    """
    path = db_path()
    if not path.exists() and _may_build(path):
        with _BUILD_LOCK:
            if not path.exists():
                _build_with_progress(path, lang)
    if not _checked_recently(path):
        try:
            snapshots.refresh(path)  # etl publishes a snapshot for a store without one (older, or written outside etl)
            with open_for_reading(path, wait_seconds=db_wait()):
                pass  # an older schema is upgraded here, by etl
        except StoreError as exc:
            _CHECKED.pop(str(path), None)
            stop_with_store_error(exc, lang)
        _CHECKED[str(path)] = (_store_state(path), time.monotonic())
    pin_snapshot(path)


# The store state each database was last found readable in, and when (time.monotonic()): the check above (a
# connection, the schema read, snapshots tidied) is done again only when the store changed, or after
# snapshots.GRACE_SECONDS (so superseded snapshots still go in a store nobody writes), not on every script run.
_CHECKED: dict[str, tuple[tuple, float]] = {}


def _store_state(path: Path) -> tuple:
    """What changes with every write to the store: the snapshot readers open and the database file's stamp."""
    return snapshots.current(path), snapshots.stamp(path)


def _checked_recently(path: Path) -> bool:
    checked = _CHECKED.get(str(path))
    return (checked is not None and time.monotonic() - checked[1] < snapshots.GRACE_SECONDS
            and checked[0] == _store_state(path))


def _build_with_progress(path: Path, lang: str) -> None:
    from etl.build import build  # only etl writes; the app asks it to

    bar = st.progress(0.0, text=t("store.building", lang))

    def progress(fraction: float, step: str) -> None:
        bar.progress(min(fraction, 1.0), text=f"{t('store.building', lang)} ({step})")

    build(path, progress=progress)
    bar.empty()
    st.toast(t("store.built", lang))


def _may_build(path: Path) -> bool:
    """Only the default database under data/ is built automatically; a PAR_DB elsewhere must exist."""
    from etl.paths import DEFAULT_DB

    return path.resolve() == DEFAULT_DB.resolve()


# StoreError codes (etl.db) with a message of their own in ui/i18n.py, "store.<code>".
STORE_ERROR_CODES = ("missing", "empty", "too_new", "busy", "old", "not_duckdb", "folder", "unreadable", "unwritable",
                     "config", "write_failed", "unopenable")


def store_error_text(exc: StoreError, lang: str) -> str:
    """What the page says about a StoreError, in `lang`: the message of its code, with the path and, where the code
    has one, DuckDB's or the system's own first line (technical, so as it is written), both shown as plain text
    (ui.text.md_escape); an unknown code as etl says."""
    if exc.code not in STORE_ERROR_CODES:
        return md_escape(exc)
    cause = exc.__cause__
    detail = str(cause).strip().splitlines()[0] if cause is not None and str(cause).strip() else str(exc)
    if exc.code == "unreadable" and isinstance(cause, OSError) and cause.strerror:
        detail = cause.strerror
    return t(f"store.{exc.code}", lang, path=md_escape(exc.path or db_path()), detail=md_escape(detail))


def stop_with_store_error(exc: StoreError, lang: str) -> None:
    st.error(store_error_text(exc, lang))
    st.stop()
