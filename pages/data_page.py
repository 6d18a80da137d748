"""Provenance: every batch loaded, and the sources and licences of the shipped data."""
import pandas as pd
import streamlit as st

from etl.access import AccessDenied
from etl.batches import BatchNotFound, remove_batch
from etl.db import open_store
from etl.paths import DATA_DIR
from metrics.coverage import published_coverage
from metrics.provenance import batches
from ui.export import csv_bytes
from ui.format import display_frame
from ui.i18n import t
from ui.provenance import source_label
from ui.release_package import package_block
from ui.state import filters
from ui.auth import actor
from ui.store import db_path, fetch
from ui.text import md_escape

lang = filters().lang
st.title(t("data.title", lang))
st.subheader(t("data.batches", lang))
st.caption(t("data.batches_intro", lang))
include = st.toggle(t("data.show_retired", lang), key="inactive")
frame = fetch(batches, include)
shown = frame.assign(source=frame["source"].map(lambda s: source_label(s, lang)),
                     status=frame["status"].map(lambda s: t(f"status.{s}", lang)))
shown = shown.rename(columns={c: t(f"col.{c}", lang) for c in shown.columns})
st.dataframe(display_frame(shown, lang), hide_index=True, width="stretch",
             column_config={t("col.sha256", lang): st.column_config.TextColumn(width="small")})
st.download_button(t("data.download", lang), csv_bytes(frame), file_name="batches.csv", mime="text/csv")

who = actor()
if who.can("remove_own"):
    # An analyst sees their own batches here, an admin every batch; remove_batch checks again.
    removable = frame[(frame["status"] == "current") & (frame["source"] != "reference")
                      & ((frame["user"] == who.user) | who.can("remove_any"))]
    if len(removable):
        with st.form("remove"):
            chosen = st.selectbox(t("data.remove_pick", lang), removable["batch_id"].tolist(),
                                  format_func=lambda b: f"{b} · {removable.set_index('batch_id').loc[b, 'kind']} · "
                                                        f"{removable.set_index('batch_id').loc[b, 'file_name']}")
            if st.form_submit_button(t("data.remove", lang)):
                try:
                    with open_store(db_path(), read_only=False) as con:
                        restored = remove_batch(con, int(chosen), who)
                except (AccessDenied, BatchNotFound, ValueError) as exc:
                    st.error(md_escape(exc.text(lang) if hasattr(exc, "text") else exc))   # ReleasedBatch: vi/en
                else:
                    st.cache_data.clear()
                    st.success(t("data.removed", lang, batch=chosen))
                    if restored:
                        st.info(t("data.restored", lang, batch=restored))

# The open data package of a release (ui.release_package; releases on pages/releases_page.py).
package_block(lang)

# Published coverage per year and level (metrics.coverage): how much of each field the shipped releases name.
st.subheader(t("content.coverage", lang))
st.caption(t("content.coverage_intro", lang))
coverage = fetch(published_coverage)
st.dataframe(display_frame(pd.DataFrame({
    t("col.dataset", lang): [t(f"content.dataset.{d}", lang) for d in coverage["dataset"]],
    t("col.coverage", lang): [t("content.coverage_line", lang, year=r.year, k=r.units_listed, n=r.units_total,
                                units=t(f"content.units.{r.level}", lang), v=r.units_with_value, r=r.units_with_rank)
                              for r in coverage.itertuples()],
    t("col.rows_with_source", lang): coverage["rows_with_source"]}), lang), hide_index=True, width="stretch",
    height=36 * (len(coverage) + 1) + 3)

# Our own shipped files (never user input), rendered as Markdown without their top-level title.
st.subheader(t("data.sources", lang))
sources = (DATA_DIR / "reference" / "SOURCES.md").read_text("utf-8")
if lang == "vi":
    # SOURCES.md is kept in English only (it quotes the English pages it cites): offered as a file, not shown.
    st.caption(t("data.sources_file", lang))
    st.download_button(t("data.sources_download", lang), sources.encode("utf-8"), file_name="SOURCES.md",
                       mime="text/markdown")
else:
    with st.expander("data/reference/SOURCES.md", expanded=False):
        st.markdown("\n".join(line for line in sources.splitlines() if not line.startswith("# ")))
st.subheader(t("data.licences", lang))
# The Vietnamese text states the same facts as data/LICENCES.md (keep the two in step).
st.markdown(t("data.licences_text", lang) if lang == "vi" else (DATA_DIR / "LICENCES.md").read_text("utf-8"))
