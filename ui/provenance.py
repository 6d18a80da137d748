"""Marking where figures come from: an unmistakable banner for demo data, a source line for the rest."""
from __future__ import annotations

import streamlit as st

from ui.format import is_missing
from ui.i18n import t
from ui.text import md_escape


def mark_sources(sources: set[str] | list[str], lang: str) -> None:
    """Call once per page with every source the page shows; demo data gets a banner and a sidebar marker."""
    if "demo" in set(sources):
        st.warning(t("demo.banner", lang), icon=":material/science:")
        st.sidebar.warning(t("demo.sidebar", lang), icon=":material/science:")


def source_label(source: str, lang: str) -> str:
    return t(f"source.{source}", lang)


def row_origins(frame, lang: str) -> list[str]:
    """Where each row came from, in the reader's language: its own published reference, else its batch and
    file (a frame with metrics.provenance.ORIGIN_COLUMNS: source_ref, batch_id, file_name)."""
    def origin(ref, batch, file) -> str:
        if not is_missing(ref) and str(ref).strip():
            return str(ref)
        if is_missing(batch):
            return ""
        if is_missing(file) or not str(file):
            return t("content.origin_batch", lang, batch=int(batch))
        return t("content.origin_batch_file", lang, batch=int(batch), file=file)
    return [origin(*row) for row in zip(frame["source_ref"], frame["batch_id"], frame["file_name"])]


def par_view_header(view, title_key: str, lang: str) -> None:
    """Title and provenance of a PAR INDEX view: demo marker, source and batches, method, criteria set
    (with its illustrative-points note), coverage of a partial table, and a criteria-set change."""
    mark_sources({view.source}, lang)
    st.title(t(title_key, lang, year=view.year, level=t(f"level.{view.level}", lang)))
    from ui.state import release_status   # local: ui.state imports this module's neighbours

    release_status("par", view.level, view.year, lang)   # the release shown, or "draft, not released"
    method = t("overview.method_scores" if view.shape == "scores" else "overview.method_totals", lang)
    st.caption(t("overview.source_line", lang, source=source_label(view.source, lang),
                 batches=", ".join(map(str, view.batch_ids)), method=method))
    if view.framework:
        title = view.framework["title_vi" if lang == "vi" else "title_en"]
        illustrative = view.framework["points_illustrative"] and view.shape == "scores"
        st.caption(t("overview.framework", lang, title=md_escape(title))
                   + (f" ({t('overview.illustrative', lang)})" if illustrative else ""))
    if not view.complete:
        st.info(t("overview.partial", lang, k=view.units_with_value, n=view.units_total))
    if view.framework_changed:
        st.warning(t("overview.framework_changed", lang, year=view.year, prev=view.year - 1))


def national_line(view) -> float | None:
    """The average a chart may call national: the computed one when the dataset covers every unit, else the
    published national average (or none). The mean of a partial table is never drawn as the country's."""
    if view.complete:
        return view.average
    return view.published_average["value"] if view.published_average else None


def source_unavailable(exc, lang: str, what: str | None = None) -> None:
    """Say that the chosen source has no data for this view and offer the sources that do (never swap)."""
    from ui.state import choose_source

    st.warning(t("source.unavailable", lang, source=source_label(exc.requested, lang), what=what or exc.what,
                 others=", ".join(source_label(s, lang) for s in exc.available) or t("source.none", lang)))
    columns = st.columns(max(len(exc.available), 1))
    for column, source in zip(columns, exc.available):
        column.button(t("source.switch", lang, source=source_label(source, lang)), key=f"switch-source-{source}",
                      on_click=choose_source, args=(source,))


def par_view(f, page_key: str):
    """The PAR overview for the sidebar's level, year and source, or a stop with the reason: the chosen source
    has no data (offering those that do), or nothing is loaded."""
    from metrics.overview import build_overview
    from metrics.par_index import SourceUnavailable
    from ui.store import fetch

    try:
        view = fetch(build_overview, f.level, f.year, f.source) if f.year else None
    except SourceUnavailable as missing:
        st.title(t(page_key, f.lang))
        source_unavailable(missing, f.lang, f"{t('level.' + f.level, f.lang)} {f.year}")
        st.stop()
    if view is None:
        st.title(t(page_key, f.lang))
        st.info(t("store.no_data", f.lang))
        st.stop()
    return view
