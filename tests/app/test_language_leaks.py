"""The language-leak detector (tests/app/leaks.py) sees every kind of leak it looks for. Every page is checked with
it, in Vietnamese and in English on the demo database, by tests/app/test_pages.py (one run of each page for both
checks): no None, nan, time-of-day, raw i18n key, raw code, point-decimal Vietnamese number or English word on a
Vietnamese page, and no Vietnamese header on an English one."""
from __future__ import annotations

from tests.app.leaks import leaks_in


def test_the_detector_sees_leaks():
    seen = {"prose": ["chỉ số 94.20 >= 80 (bands: x)", "None"], "labels": ["audit.title"], "metrics": ["81.4 %"],
            "options": [], "headers": ["logged_at"], "float_cells": ["94.2"], "cells": ["2021-09-30 00:00:00"]}
    found = "\n".join(leaks_in(seen, "vi"))
    for expected in ("bands:", "None", "audit.title", "81.4 %", "logged_at", "decimal point", "00:00:00"):
        assert expected in found
