"""Provenance: every batch loaded, and the sources and licences of the shipped data."""
import streamlit as st

from etl.paths import DATA_DIR
from metrics.provenance import batches
from ui.export import csv_bytes
from ui.i18n import t
from ui.provenance import source_label
from ui.state import filters
from ui.store import fetch

lang = filters().lang
st.title(t("data.title", lang))
st.subheader(t("data.batches", lang))
st.caption(t("data.batches_intro", lang))
include = st.toggle(t("data.show_retired", lang), key="inactive")
frame = fetch(batches, include)
shown = frame.assign(source=frame["source"].map(lambda s: source_label(s, lang)),
                     status=frame["status"].map(lambda s: t(f"status.{s}", lang)))
shown = shown.rename(columns={c: t(f"col.{c}", lang) for c in shown.columns})
st.dataframe(shown, hide_index=True, width="stretch",
             column_config={t("col.sha256", lang): st.column_config.TextColumn(width="small")})
st.download_button(t("data.download", lang), csv_bytes(frame), file_name="batches.csv", mime="text/csv")

# Our own shipped files (never user input), rendered as Markdown without their top-level title.
st.subheader(t("data.sources", lang))
with st.expander("data/reference/SOURCES.md", expanded=False):
    sources = (DATA_DIR / "reference" / "SOURCES.md").read_text("utf-8")
    st.markdown("\n".join(line for line in sources.splitlines() if not line.startswith("# ")))
st.subheader(t("data.licences", lang))
st.markdown((DATA_DIR / "LICENCES.md").read_text("utf-8"))
