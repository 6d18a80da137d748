"""Text that comes from data (names, sources, notes, file names, rule texts) shown as text, never as Markdown.

Streamlit renders st.markdown, st.caption, st.info/success/warning/error, st.title/subheader and widget labels as
Markdown (GitHub flavour, plus :colour[...] and :icon: directives). A name holding "[x](http://...)" or
"![x](http://.../a.png)" would become a live link, or an image every viewer's browser fetches. CommonMark lets any
ASCII punctuation be backslash-escaped, so escaping all of it turns every construct (links, images, emphasis,
headings, lists, tables, code, autolinks such as www.x.vn or a@b.vn, math, directives) into the literal characters.
"""
from __future__ import annotations

import re

import pandas as pd

_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def md_escape(value: object) -> str:
    """`value` as Markdown that shows exactly its characters (line breaks become spaces); None as ""."""
    if value is None:
        return ""
    return _PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))


def md_escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for st.table, which reads every cell and header as Markdown: each shown exactly as written."""
    escaped = frame.map(md_escape)
    escaped.columns = [md_escape(column) for column in frame.columns]
    return escaped


def plotly_escape(value: object) -> object:
    """A string for a Plotly label or hover: Plotly reads <a href>, <b>, <span> and entities in text, so '<' and
    '&' become entities (a hostile name shows as written). Our own line breaks (<br>) are kept."""
    if not isinstance(value, str):
        return value
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("&lt;br&gt;", "<br>")
