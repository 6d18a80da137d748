"""Shared helpers of the AppTest tests: open the app on a store, optionally on one page, with URL parameters."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT

APP = str(PROJECT / "app.py")


def app(db: Path, monkeypatch, page: str | None = None, **params) -> AppTest:
    """The app run on the store `db` (PAR_DB) with `params` in the URL, switched to `page` when given; fails on any
    exception the run raised."""
    monkeypatch.setenv("PAR_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at
