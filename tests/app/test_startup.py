"""The first page of a fresh server imports only what it draws (issue #16: first page within 1.5x a blank page).

scipy and the briefing writer (metrics.briefing, which imports most of metrics) cost about 1.5 s on a fresh
server's first run; the overview needs neither, so they are imported only where they are used. What it does need is
warmed by the server before the first visitor comes (ui.warmup, started by scripts/serve.py): its imports and its
figures.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

from streamlit.web import bootstrap

from metrics.briefing import build
from tests.conftest import PROJECT
from ui import briefing, warmup

# Run in a fresh interpreter, as a server's first session: the overview, then which heavy modules got imported.
PROBE = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60).run()
heavy = sorted(m for m in ("scipy", "metrics.briefing", "metrics.cli", "metrics.release_figures", "reportlab", "docx")
               if m in sys.modules)
print(json.dumps({"exceptions": [str(e.value) for e in at.exception], "metrics": len(at.metric), "heavy": heavy}))
"""


def test_first_run_of_the_overview_imports_no_heavy_module(demo_db_master):
    done = subprocess.run([sys.executable, "-c", PROBE, str(PROJECT / "app.py")], cwd=PROJECT, capture_output=True,
                          text=True, timeout=180, check=False, env={**os.environ, "PAR_DB": str(demo_db_master)})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["exceptions"] == []
    assert result["metrics"] >= 2, "the overview was drawn"
    assert result["heavy"] == []


# A server's warm-up (ui.warmup, started by scripts/serve.py), then the first run: which of the libraries that cost
# most to import (about a second together) that run still had to import.
WARM_PROBE = """
import json, sys
from ui import warmup
warmup.warm_imports()
warmed = set(sys.modules)
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60).run()
late = sorted(m for m in set(sys.modules) - warmed
              if m.split(".")[0] in ("pandas", "numpy", "pyarrow", "plotly", "duckdb", "narwhals", "yaml", "babel"))
heavy = sorted(m for m in ("scipy", "metrics.briefing", "metrics.cli", "reportlab", "docx") if m in sys.modules)
print(json.dumps({"exceptions": [str(e.value) for e in at.exception], "metrics": len(at.metric), "late": late,
                  "heavy": heavy}))
"""


def test_the_warm_up_imports_what_the_first_page_imports_and_nothing_heavy(demo_db_master):
    done = subprocess.run([sys.executable, "-c", WARM_PROBE, str(PROJECT / "app.py")], cwd=PROJECT,
                          capture_output=True, text=True, timeout=180, check=False,
                          env={**os.environ, "PAR_DB": str(demo_db_master)})
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["exceptions"] == [] and result["metrics"] >= 2
    assert result["late"] == [], "add these to ui.warmup.MODULES: the first page imports them"
    assert result["heavy"] == []


def test_serve_starts_the_warm_up_once_the_server_has_started(monkeypatch):
    # scripts/serve.py wraps Streamlit's start hook; if a Streamlit upgrade renames it, nothing would be warmed.
    assert callable(getattr(bootstrap, "_on_server_start", None))
    calls = []
    monkeypatch.setattr(bootstrap, "_on_server_start", lambda server: calls.append("server started"))
    monkeypatch.setattr(warmup, "start", lambda: calls.append("warm-up"))
    spec = importlib.util.spec_from_file_location("serve", PROJECT / "scripts" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    serve.warm_after_start()
    assert calls == []
    bootstrap._on_server_start(object())
    assert calls == ["server started", "warm-up"]
    assert warmup.wait(timeout=0)           # no warm-up thread in this process: a script run never waits


def test_the_warm_up_computes_exactly_what_the_first_page_reads(demo_db_master, monkeypatch):
    # Every figure the default overview fetches, under the same cache key, and nothing it does not read.
    from streamlit.testing.v1 import AppTest

    from ui import store

    monkeypatch.setenv("PAR_DB", str(demo_db_master))
    calls = []
    cached_call = store._cached_call

    def recorded(*key):
        calls.append(key)
        return cached_call(*key)

    monkeypatch.setattr(store, "_cached_call", recorded)
    warmup.prefetch_default_view()
    warmed, calls[:] = list(calls), []
    at = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60).run()
    assert not at.exception and len(at.metric) >= 2
    assert len(warmed) == 4 and set(map(repr, warmed)) == set(map(repr, calls))


def test_the_store_check_is_skipped_only_while_the_store_is_unchanged(demo_db, monkeypatch):
    # ensure_database checks a store once per state, not on every run: a store written since (here outside etl,
    # so its snapshot no longer copies it) is checked again on the next run, which publishes a snapshot of it.
    import duckdb
    from streamlit.testing.v1 import AppTest

    from etl import snapshots

    monkeypatch.setenv("PAR_DB", str(demo_db))
    first = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60).run()
    assert not first.exception and not first.error and len(first.metric) >= 2
    con = duckdb.connect(str(demo_db))
    con.execute("CREATE TABLE written_outside_etl (x INTEGER)")
    con.close()
    assert snapshots.resolve(demo_db).generation is None
    again = AppTest.from_file(str(PROJECT / "app.py"), default_timeout=60).run()
    assert not again.exception and not again.error and len(again.metric) >= 2
    assert snapshots.resolve(demo_db).generation is not None


def test_briefing_button_names_files_as_the_briefing_writer():
    # ui.briefing repeats the writer's formats and file names so the button does not import it: they must agree.
    assert briefing.FORMATS == build.FORMATS
    assert briefing.MIME == build.MIME
    for unit, level in (("national", "province"), (" National ", "ministry"), ("vn34:22", "province"),
                        ("ministry-2021:BTP", "ministry"), ("x:../../e\tc", "province")):
        for fmt in build.FORMATS:
            for lang in ("vi", "en"):
                assert (briefing.briefing_filename(unit, 2025, fmt, lang, level)
                        == build.briefing_filename(unit, 2025, fmt, lang, level))
