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


def par_view_header(view, title_key: str, lang: str) -> None:
    """Title and provenance of a PAR INDEX view: demo marker, source and batches, method, criteria set
    (with its illustrative-points note), coverage of a partial table, and a criteria-set change."""
    mark_sources({view.source}, lang)
    st.title(t(title_key, lang, year=view.year, level=t(f"level.{view.level}", lang)))
    method = t("overview.method_scores" if view.shape == "scores" else "overview.method_totals", lang)
    st.caption(t("overview.source_line", lang, source=source_label(view.source, lang),
                 batches=", ".join(map(str, view.batch_ids)), method=method))
    if view.framework:
        title = view.framework["title_vi" if lang == "vi" else "title_en"]
        illustrative = view.framework["points_illustrative"] and view.shape == "scores"
        st.caption(t("overview.framework", lang, title=title)
                   + (f" ({t('overview.illustrative', lang)})" if illustrative else ""))
    if not view.complete:
        st.info(t("overview.partial", lang, k=view.units_with_value, n=view.units_total))
    if view.framework_changed:
        st.warning(t("overview.framework_changed", lang, year=view.year, prev=view.year - 1))
