"""Rankings: the table, the sorted chart, the map, regional averages and self-assessment gaps."""
import pandas as pd
import streamlit as st

from metrics.par_index import system_for_year
from metrics.ranking import ranking_table, regional_averages, self_assessment_gaps
from ui.export import csv_bytes, xlsx_bytes
from ui.figures import OFFLINE_GEO_CONFIG, index_bar, province_map
from ui.format import display_frame
from ui.geo import boundaries
from ui.i18n import fmt_pct, region_name, t
from ui.provenance import national_line, par_view_header, par_view
from ui.state import filters
from ui.store import fetch

f = filters()
lang = f.lang
view = par_view(f, "page.rankings")
par_view_header(view, "rankings.title", lang)

table = fetch(ranking_table, view.level, view.year, view.source, lang)
system = system_for_year(view.level, view.year)
geojson = boundaries(system)
chart_col, map_col = st.columns(2) if geojson else (st.container(), None)
chart_col.subheader(t("rankings.chart", lang))
chart_col.plotly_chart(index_bar(view.results, lang, national_line(view)), width="stretch",
                       config={"displaylogo": False, "toImageButtonOptions": {"filename": f"par-index-{view.year}"}})
if geojson:
    map_col.subheader(t("rankings.map", lang))
    map_col.plotly_chart(province_map(view.results, geojson, lang), width="stretch",
                         config={"displaylogo": False, "scrollZoom": False, **OFFLINE_GEO_CONFIG,
                                 "toImageButtonOptions": {"filename": f"par-index-map-{view.year}"}})
    map_col.caption(t("rankings.map_note", lang, source=t(f"rankings.map_source.{system}", lang)))

st.subheader(t("rankings.table", lang))
field_columns = [c for c in table.columns if c.startswith("field_")]
shown = pd.DataFrame({
    # A rank is shown as the release gave it, or computed from a complete table; never from a partial one:
    # the basis column says which, and "rank not published" where there is none. The columns a leader reads
    # first (unit, link to its profile, index, change) come first, so a phone shows them without scrolling.
    t("col.rank", lang): table["rank"],
    t("col.unit", lang): table["name"],
    t("col.profile", lang): [f"profile?unit={s}:{c}&year={view.year}" for s, c in zip(table["code_system"], table["code"])],
    t("col.index", lang): table["index"],
    t("col.delta_index", lang): table["delta_index"],
    t("col.delta_rank", lang): table["delta_rank"],
    t("col.group", lang): table["group"],
    t("col.rank_basis", lang): [t(f"rank_basis.{b}", lang) for b in table["rank_basis"]],
    t("col.appraisal", lang): table["appraisal"],
    t("col.survey", lang): table["survey"],
    **{t("col.field", lang, code=c.split("_", 1)[1]): table[c] for c in field_columns},
})
# Shown as text in the language's format (ui.format); the exports below keep the numbers.
two = {name: 2 for name in [t("col.index", lang), t("col.delta_index", lang), t("col.appraisal", lang),
                            t("col.survey", lang)] + [t("col.field", lang, code=c.split("_", 1)[1]) for c in field_columns]}
st.dataframe(display_frame(shown, lang, two), hide_index=True, width="stretch",
             height=min(36 * (len(shown) + 1) + 3, 900),
             column_config={t("col.profile", lang): st.column_config.LinkColumn(display_text="↗")})
if not field_columns:
    st.caption(t("rankings.fields_missing", lang))
export = shown.drop(columns=[t("col.profile", lang)]).assign(
    **{t("col.code", lang): table["code_system"] + ":" + table["code"], t("filter.source", lang): view.source})
left, right, _ = st.columns([1, 1, 4])
left.download_button(t("common.download_csv", lang), csv_bytes(export), file_name=f"par-index-{view.level}-{view.year}.csv",
                     mime="text/csv")
right.download_button(t("common.download_xlsx", lang), xlsx_bytes(export, f"PAR {view.year}"),
                      file_name=f"par-index-{view.level}-{view.year}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

if view.level == "province":
    st.subheader(t("rankings.regions", lang))
    regions = regional_averages(table)
    st.caption(t("rankings.regions_note", lang, k=int(regions["units"].sum()) if len(regions) else 0))
    st.dataframe(display_frame(pd.DataFrame({t("col.region", lang): regions["region"].map(lambda r: region_name(r, lang)),
                               t("col.units", lang): regions["units"],
                               t("col.average", lang): [fmt_pct(v, lang) for v in regions["average"]]}), lang),
                 hide_index=True)

st.subheader(t("rankings.self_gap", lang))
gaps = fetch(self_assessment_gaps, view.level, view.year, view.source)
if gaps.empty:
    st.caption(t("rankings.no_self", lang))
else:
    st.caption(t("rankings.self_gap_note", lang))
    st.dataframe(display_frame(pd.DataFrame({t("col.unit", lang): gaps["name_vi" if lang == "vi" else "name_en"],
                               t("col.self_points", lang): gaps["self_points"],
                               t("col.appraised_points", lang): gaps["appraised_points"],
                               t("col.gap", lang): gaps["gap"]}).head(10), lang,
                               {t("col.gap", lang): 2, t("col.self_points", lang): 2,
                                t("col.appraised_points", lang): 2}),
                 hide_index=True)
