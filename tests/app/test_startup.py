"""The first page of a fresh server imports only what it draws (issue #16: first page within 1.5x a blank page).

scipy and the briefing writer (metrics.briefing, which imports most of metrics) cost about 1.5 s on a fresh
server's first run; the overview needs neither, so they are imported only where they are used.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

from metrics.briefing import build
from tests.conftest import PROJECT
from ui import briefing

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
