"""Compare units over years, in one code system, with the 2025 reorganisation bridged and labelled."""
import pandas as pd
import streamlit as st

from etl.codesystems import SYSTEMS
from etl.names import strip_diacritics
from metrics.par_index import LEVEL_SYSTEMS
from metrics.trend import MEASURES, SURVEY_DESIGN_CHANGES, WEIGHTINGS, change_table, framework_changes, trend
from metrics.units import list_units
from ui.export import csv_bytes
from ui.figures import trend_lines, unit_year_heatmap
from ui.i18n import fmt_number, t
from ui.provenance import mark_sources
from ui.state import filters, url_selectbox
from ui.store import fetch

f = filters()
lang = f.lang
st.title(t("compare.title", lang))
st.caption(t("compare.intro", lang))
systems = list(LEVEL_SYSTEMS[f.level])
left, middle, right = st.columns(3)
system = url_selectbox(left, t("compare.system", lang), systems,
                       lambda s: f"{s} — {SYSTEMS[s][3 if lang == 'vi' else 4]}", "system", default=systems[1])
measures = list(MEASURES) if f.level == "province" else ["index", "rank"]
measure = url_selectbox(middle, t("compare.measure", lang), measures, lambda m: t(f"measure.{m}", lang), "measure")
weighting = url_selectbox(right, t("compare.weighting", lang), list(WEIGHTINGS), lambda w: t(f"weighting.{w}", lang),
                          "weighting")
units = fetch(list_units, system, lang)
labels = {c: f"{n} ({strip_diacritics(n)})" if strip_diacritics(n) != n else n
          for c, n in zip(units["code"], units["name"])}
default_units = units["code"].head(3).tolist()
picked = st.multiselect(t("compare.units", lang), units["code"].tolist(), default=default_units,
                        format_func=labels.get, key=f"units.{system}.{lang}", placeholder=t("common.all", lang))
first, last = st.slider(t("compare.years", lang), 2021, 2026, (2021, 2025), key="span")
series = fetch(trend, system, first, last, measure, weighting, f.source)
mark_sources(set(series["source"].dropna()), lang)
shown = series[series["code"].isin(picked)] if picked else series

markers = []
if measure in ("index", "rank"):
    for change in fetch(framework_changes, f.level, first, last).itertuples():
        markers.append((change.year, str(change.year)))
        st.warning(t("compare.framework_change", lang, year=change.year, before=change.before, after=change.after))
for year, en, vi in SURVEY_DESIGN_CHANGES.get(measure, []):
    if first < year <= last:
        markers.append((year, str(year)))
        st.warning(vi if lang == "vi" else en)
switch = 2025
if first < switch <= last:
    markers.append((switch, t("compare.merger_line", lang)))

extra = None
if system == LEVEL_SYSTEMS[f.level][1] and st.toggle(t("compare.predecessors", lang), key="preds"):
    old = fetch(trend, LEVEL_SYSTEMS[f.level][0], first, min(last, switch - 1), measure, weighting, f.source)
    wanted = {u.split(":", 1)[1] for u in shown[shown["status"] == "reconstructed"]["from_units"].str.split("; ").explode()}
    extra = old[old["code"].isin(wanted)]

st.subheader(t("compare.lines", lang))
st.plotly_chart(trend_lines(shown, lang, measure, markers, extra), width="stretch", config={"displaylogo": False})
st.subheader(t("compare.heatmap", lang))
st.plotly_chart(unit_year_heatmap(shown, lang, measure), width="stretch", config={"displaylogo": False})

st.subheader(t("compare.changes", lang))
years = sorted(series["year"].unique())
a, b = st.columns(2)
year_a = a.selectbox(t("compare.from_year", lang), years, index=0, key="from_year")
year_b = b.selectbox(t("compare.to_year", lang), years, index=len(years) - 1, key="to_year")
changes = change_table(shown, int(year_a), int(year_b))
table = pd.DataFrame({
    t("col.unit", lang): changes["name"],
    t("col.value_of", lang, year=year_a): [fmt_number(v, lang) for v in changes[f"value_{year_a}"]],
    t("col.status_of", lang, year=year_a): changes[f"status_{year_a}"].map(lambda s: t(f"trend_status.{s}", lang)),
    t("col.value_of", lang, year=year_b): [fmt_number(v, lang) for v in changes[f"value_{year_b}"]],
    t("col.status_of", lang, year=year_b): changes[f"status_{year_b}"].map(lambda s: t(f"trend_status.{s}", lang)),
    t("col.change", lang): [fmt_number(v, lang) + ("*" if sig else "") for v, sig in
                            zip(changes["change"], changes["significant"])],
})
st.dataframe(table, hide_index=True, width="stretch")
if changes["p_value"].notna().any():
    st.caption(t("compare.significance", lang))
st.download_button(t("common.download_csv", lang), csv_bytes(shown), file_name=f"trend-{system}-{measure}.csv",
                   mime="text/csv")
notes = shown[shown["note"].notna() & shown["value"].isna()]
if len(notes):
    with st.expander(t("compare.notes", lang)):
        st.dataframe(notes[["name", "year", "note"]], hide_index=True, width="stretch")
