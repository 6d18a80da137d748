"""Marking where figures come from: an unmistakable banner for demo data, a source line for the rest."""
from __future__ import annotations

import streamlit as st

from ui.i18n import t


def mark_sources(sources: set[str] | list[str], lang: str) -> None:
    """Call once per page with every source the page shows; demo data gets a banner and a sidebar marker."""
    if "demo" in set(sources):
        st.warning(t("demo.banner", lang), icon=":material/science:")
        st.sidebar.warning(t("demo.sidebar", lang), icon=":material/science:")


def source_label(source: str, lang: str) -> str:
    return t(f"source.{source}", lang)
