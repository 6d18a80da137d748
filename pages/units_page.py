"""Units of each code system and how the 2025 reorganisation links them."""
import streamlit as st

from etl.codesystems import SYSTEMS
from etl.names import name_key
from metrics.units import lineage, list_units
from ui.export import csv_bytes
from ui.format import display_frame
from ui.i18n import region_name, t
from ui.state import filters, url_selectbox
from ui.store import fetch

lang = filters().lang
st.title(t("units.title", lang))
st.caption(t("units.intro", lang))

system = url_selectbox(st, t("units.system", lang), list(SYSTEMS),
                       lambda s: f"{s} — {SYSTEMS[s][3 if lang == 'vi' else 4]}", "system")
query = st.text_input(t("units.search", lang), key="q")
units = fetch(list_units, system, lang)
if query:
    wanted = name_key(query)
    units = units[units["name"].map(name_key).str.contains(wanted, regex=False)]
st.caption(t("units.count", lang, n=len(units)))
shown = units.assign(kind=units["kind"].map(lambda k: t(f"kind.{k}", lang)),
                     region=units["region"].map(lambda r: region_name(r, lang)))
shown = shown.rename(columns={"code": t("col.code", lang), "name": t("col.name", lang), "kind": t("col.kind", lang),
                              "region": t("col.region", lang), "successors": t("col.successors", lang),
                              "predecessors": t("col.predecessors", lang)}).drop(columns=["code_system"])
st.dataframe(display_frame(shown, lang), hide_index=True, width="stretch")
st.download_button(t("units.download", lang), csv_bytes(units), file_name=f"units_{system}.csv", mime="text/csv")

st.subheader(t("units.lineage", lang))
links = fetch(lineage)
links = links[(links["from_system"] == system) | (links["to_system"] == system)]
links = links.assign(
    **{t("col.from", lang): links["from_system"] + ":" + links["from_code"] + " " + links["from_name"],
       t("col.relation", lang): links["relation"].map(lambda r: t(f"units.relation.{r}", lang)),
       t("col.to", lang): links["to_system"] + ":" + links["to_code"] + " " + links["to_name"],
       t("col.effective_date", lang): links["effective_date"], t("col.legal_act", lang): links["legal_act"],
       t("col.note", lang): links["note"]})
st.dataframe(display_frame(links.iloc[:, -6:], lang), hide_index=True, width="stretch")
st.caption(t("units.source", lang))
