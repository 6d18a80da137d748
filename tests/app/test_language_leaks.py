"""Every page, in Vietnamese and in English, on the demo database: no None, nan, time-of-day, raw i18n key, raw code,
point-decimal Vietnamese number or English word on a Vietnamese page (and no Vietnamese header on an English one).

`leaks_on(page, lang, db, monkeypatch)` collects the leaks of one page; the test asserts on the pages whose
formatting is done (OWN_PAGES). `report_other_pages` (not collected by pytest) lists what the remaining pages still
leak, so that they can be switched on by moving them into OWN_PAGES.
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
import streamlit as st

from tests.app.test_pages import LANG_PARAM, app
from ui.i18n import STRINGS

OWN_PAGES = ["pages/overview_page.py", "pages/rankings_page.py", "pages/leaders_page.py", "pages/projects_page.py",
             "pages/units_page.py", "pages/data_page.py", "pages/method_page.py", "pages/audit_page.py",
             "pages/roles_page.py", "pages/profile_page.py", "pages/compare_page.py", "pages/satisfaction_page.py",
             "pages/compliance_page.py", "pages/upload_page.py"]
OTHER_PAGES: list[str] = []

MISSING_TOKENS = re.compile(r"(?<![\w.])(None|nan|NaN|NaT|<NA>)(?![\w])|00:00:00")
I18N_KEY = re.compile(r"^[a-z_]+\.[a-z_.]+$")
KEY_FAMILIES = {key.split(".")[0] for key in STRINGS}      # 'status.x' is a key; 'sipas.yaml' a file name
DOCUMENT_NUMBER = re.compile(r"\d+/[\wĐđ-]+")                # 1001/QĐ-BNV: a document's number, not prose
ENGLISH_COLUMN = "(tiếng Anh)"                                # a glossary's English-term column is English by design
SNAKE_HEADER = re.compile(r"^[a-z]+(?:_[a-z0-9]+)+$")          # a column name straight from SQL: audit_id, term_vi
POINT_NUMBER = re.compile(r"^[+\-−±]?\d[\d,]*\.\d{1,3}(?:\s?%)?$")     # 94.20, 81.4 %, +1.25 as a whole cell
ENGLISH_ON_VI = re.compile(r"\b(researching|drafting|approved|submitted|implementing|total|Total|plan:|bands:|"
                           r"minimum:|required:|severity|error|warning|reported completed|has passed|in time)(?!\w)")
INLINE_POINT = re.compile(r"(?<![\w.:/-])\d+\.\d{2}(?![\w.:/-])")       # 'chỉ số 94.20 >= 80' inside a sentence
VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệịỉĩọỏốồổỗộớờởỡợụủũứừửữựỳỷỹỵ]", re.IGNORECASE)


@pytest.fixture(autouse=True)
def fresh_caches():
    st.cache_data.clear()
    yield
    st.cache_data.clear()


def _open(page: str, lang: str, db, monkeypatch):
    monkeypatch.delenv("PAR_REQUIRE_AUTH", raising=False)
    monkeypatch.delenv("PAR_ALLOW_ANONYMOUS", raising=False)
    at = app(db, monkeypatch, lang=LANG_PARAM[lang])
    if page != "pages/overview_page.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _main(at):
    """Elements of the page itself, not of the shared sidebar (whose filters are another page's concern)."""
    return at.main


def visible(at) -> dict[str, list[str]]:
    """What a person reads on the page, by kind: prose, labels, headers, numeric cells, other cells, options."""
    main = _main(at)
    prose = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info",
                                  "error", "success") for e in getattr(main, kind)]
    labels = [m.label for m in main.metric] + [e.label for e in main.selectbox] + [e.label for e in main.multiselect]
    labels += [e.label for e in main.expander] if hasattr(main, "expander") else []
    metric_values = [str(m.value) for m in main.metric]
    options = [str(o) for e in main.selectbox for o in e.options] + [str(o) for e in main.multiselect for o in e.options]
    headers, numbers, cells = [], [], []
    for frame_el in main.dataframe:
        frame = frame_el.value
        headers += [str(c) for c in frame.columns]
        for name in frame.columns:
            if ENGLISH_COLUMN in str(name):
                continue
            column = frame[name]
            if pd.api.types.is_float_dtype(column.dtype):
                numbers += [repr(v) for v in column.dropna() if float(v) != int(v)]
                if column.isna().any():
                    cells.append("None")            # a missing float shows as an empty or "None" cell
            elif pd.api.types.is_datetime64_any_dtype(column.dtype):
                cells += [str(v) for v in column]
            else:
                cells += ["None" if v is None else str(v) for v in column.astype(object)]
    return {"prose": [str(p) for p in prose], "labels": [str(x) for x in labels], "metrics": metric_values,
            "options": options, "headers": headers, "float_cells": numbers, "cells": cells}


def leaks_in(seen: dict[str, list[str]], lang: str) -> list[str]:
    found = []
    everything = [(kind, s) for kind, values in seen.items() for s in values if kind != "float_cells"]
    for kind, s in everything:
        if MISSING_TOKENS.search(s):
            found.append(f"{kind}: missing value shown: {s[:80]!r}")
        if I18N_KEY.match(s.strip()) and s.strip().split(".")[0] in KEY_FAMILIES:
            found.append(f"{kind}: raw i18n key: {s!r}")
    for s in seen["headers"]:
        if SNAKE_HEADER.match(s):
            found.append(f"headers: raw column name: {s!r}")
    if lang == "vi":
        if seen["float_cells"]:
            found.append(f"float_cells: {len(seen['float_cells'])} numbers drawn with a decimal point, "
                         f"e.g. {seen['float_cells'][:3]}")
        for kind in ("metrics", "cells"):
            for s in seen[kind]:
                if POINT_NUMBER.match(s.strip()) or (kind == "cells" and INLINE_POINT.search(s)):
                    found.append(f"{kind}: point decimal in Vietnamese: {s[:80]!r}")
        for kind, s in everything:
            match = ENGLISH_ON_VI.search(s)
            if match:
                found.append(f"{kind}: English {match.group(0)!r} in {s[:80]!r}")
    else:
        for kind in ("headers", "labels"):
            for s in seen[kind]:
                if VIETNAMESE_LETTERS.search(DOCUMENT_NUMBER.sub("", s)):
                    found.append(f"{kind}: Vietnamese on an English page: {s!r}")
    return sorted(set(found))


def leaks_on(page: str, lang: str, db, monkeypatch) -> list[str]:
    """The leaks one page shows in one language (an empty list when it is clean)."""
    return leaks_in(visible(_open(page, lang, db, monkeypatch)), lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("page", OWN_PAGES)
def test_no_language_leaks(demo_db_master, monkeypatch, page, lang):
    assert leaks_on(page, lang, demo_db_master, monkeypatch) == []


def report_other_pages(db, monkeypatch) -> dict[tuple[str, str], list[str]]:
    """Not a test (pytest does not collect it): the leaks the pages not yet switched on still show."""
    return {(page, lang): leaks_on(page, lang, db, monkeypatch) for page in OTHER_PAGES for lang in ("vi", "en")}


@pytest.mark.parametrize("page", ["pages/overview_page.py"])
def test_the_detector_sees_leaks(page):
    seen = {"prose": ["chỉ số 94.20 >= 80 (bands: x)", "None"], "labels": ["audit.title"], "metrics": ["81.4 %"],
            "options": [], "headers": ["logged_at"], "float_cells": ["94.2"], "cells": ["2021-09-30 00:00:00"]}
    found = "\n".join(leaks_in(seen, "vi"))
    for expected in ("bands:", "None", "audit.title", "81.4 %", "logged_at", "decimal point", "00:00:00"):
        assert expected in found
