"""The language-leak detector: what a person reads on a page run by AppTest, and what in it is the wrong language,
a missing value, a raw key or code, or a Vietnamese number drawn with a decimal point.

tests/app/test_pages.py runs every page in both languages through it; tests/app/test_language_leaks.py checks that
the detector sees each kind of leak."""
from __future__ import annotations

import re

import pandas as pd

from ui.i18n import STRINGS

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


def visible(at) -> dict[str, list[str]]:
    """What a person reads on the page, by kind: prose, labels, headers, numeric cells, other cells, options."""
    main = at.main      # the page itself, not the shared sidebar (another page's concern)
    prose = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info",
                                  "error", "success") for e in getattr(main, kind)]
    labels = [m.label for m in main.metric] + [e.label for e in main.selectbox] + [e.label for e in main.multiselect]
    labels += [e.label for e in main.expander] if hasattr(main, "expander") else []
    metric_values = [str(m.value) for m in main.metric]
    options = [str(o) for e in main.selectbox for o in e.options] + [str(o) for e in main.multiselect for o in e.options]
    headers, numbers, cells = [], [], []
    for frame_el in [*main.dataframe, *main.table]:
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
