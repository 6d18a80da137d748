"""Rankings: the table, the sorted chart, the map, regional averages and self-assessment gaps."""
import pandas as pd
import streamlit as st

from metrics.par_index import system_for_year
from metrics.provenance import row_sources
from metrics.ranking import ranking_table, regional_averages, self_assessment_gaps
from metrics.uncertainty import analyse
from ui.export import csv_bytes, xlsx_bytes
from ui.figures import OFFLINE_GEO_CONFIG, index_bar, province_map, rank_interval_chart
from ui.format import display_frame, number
from ui.geo import boundaries
from ui.i18n import fmt_number, fmt_pct, region_name, t
from ui.provenance import national_line, par_view_header, par_view, row_origins
from ui.state import filters
from ui.store import fetch
from ui.uncertainty_text import sampled_part_text

f = filters()
lang = f.lang
view = par_view(f, "page.rankings")
par_view_header(view, "rankings.title", lang)

table = fetch(ranking_table, view.level, view.year, view.source, lang)
# How sure each rank is (metrics.uncertainty): intervals only for a dataset covering the whole field.
uncertain = fetch(analyse, view.level, view.year, view.source)
coverage_pct = int(round(uncertain.settings.coverage * 100))
intervals = table[["code_system", "code"]].merge(
    uncertain.table[["code_system", "code", "rank_median", "rank_low", "rank_high", "sampling_points"]],
    on=["code_system", "code"],
    how="left")
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
    t("uncertainty.col.interval", lang, coverage=coverage_pct): [
        t("uncertainty.none", lang) if pd.isna(lo) else str(int(lo)) if lo == hi
        else t("uncertainty.range", lang, low=int(lo), high=int(hi))
        for lo, hi in zip(intervals["rank_low"], intervals["rank_high"])],
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
# Each row's own source (its article or release page; an upload's batch and file), exported with the table.
origins = fetch(row_sources, view.level, view.year, view.source)
row_source = dict(zip(zip(origins["code_system"], origins["code"]), row_origins(origins, lang)))
shown[t("col.source_ref", lang)] = [row_source.get(k, "") for k in zip(table["code_system"], table["code"])]
# Shown as text in the language's format (ui.format); the exports below keep the numbers.
two = {name: 2 for name in [t("col.index", lang), t("col.delta_index", lang), t("col.appraisal", lang),
                            t("col.survey", lang)] + [t("col.field", lang, code=c.split("_", 1)[1]) for c in field_columns]}
st.dataframe(display_frame(shown, lang, two), hide_index=True, width="stretch",
             height=min(36 * (len(shown) + 1) + 3, 900),
             column_config={t("col.profile", lang): st.column_config.LinkColumn(display_text="↗")})
if not field_columns:
    st.caption(t("rankings.fields_missing", lang))
export = shown.drop(columns=[t("col.profile", lang)]).assign(
    **{t("col.code", lang): table["code_system"] + ":" + table["code"], t("filter.source", lang): view.source,
       # The interval as numbers too, so a spreadsheet can sort and compare them.
       t("uncertainty.col.median", lang): intervals["rank_median"],
       t("uncertainty.col.low", lang): intervals["rank_low"], t("uncertainty.col.high", lang): intervals["rank_high"],
       t("uncertainty.col.sampling_points", lang): intervals["sampling_points"]})
left, right, _ = st.columns([1, 1, 4])
left.download_button(t("common.download_csv", lang), csv_bytes(export), file_name=f"par-index-{view.level}-{view.year}.csv",
                     mime="text/csv")
right.download_button(t("common.download_xlsx", lang), xlsx_bytes(export, f"PAR {view.year}"),
                      file_name=f"par-index-{view.level}-{view.year}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("uncertainty.title", lang))
if uncertain.ok:
    settings = uncertain.settings
    draws = number(settings.draws, lang, 0, grouped=True)
    st.caption(t("uncertainty.lead", lang, coverage=coverage_pct, draws=draws))
    st.plotly_chart(rank_interval_chart(uncertain.table, lang, settings.coverage, settings.draws), width="stretch",
                    config={"displaylogo": False,
                            "toImageButtonOptions": {"filename": f"par-rank-intervals-{view.level}-{view.year}"}})
    shares = dict(zip(uncertain.shares["source"], uncertain.shares["first_order"]))
    st.caption(t("uncertainty.shares", lang, shift=fmt_number(uncertain.mean_shift, lang),
                 **{k: fmt_pct(100 * shares[k], lang, 0) for k in ("sampling", "weights", "aggregation")}))
    counts = uncertain.sampling_counts()
    if uncertain.sampling_source:
        st.caption(t("uncertainty.sampling_from", lang, source=t(f"source.{uncertain.sampling_source}", lang)))
    # Which points the sampling error moves (a province's SIPAS points only), or why none move.
    if uncertain.sampled.kind == "none":
        st.info(sampled_part_text(uncertain.sampled, lang))
    else:
        st.caption(sampled_part_text(uncertain.sampled, lang))
    if counts["missing"] and uncertain.sampled.kind == "sipas":
        st.info(t("uncertainty.sampling_missing", lang, k=counts["missing"], n=uncertain.units_total))
    st.caption(t("uncertainty.method", lang, basis=t(f"uncertainty.basis.{uncertain.basis}", lang),
                 w_low=fmt_number(1 - settings.weight_range, lang), w_high=fmt_number(1 + settings.weight_range, lang),
                 alt=fmt_number(settings.alt_probability, lang, 1), draws=draws, seed=settings.seed))
elif uncertain.status == "no components":
    st.info(t("uncertainty.no_components", lang))
else:
    st.info(t("uncertainty.partial", lang, k=uncertain.units_covered, n=uncertain.units_total))

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
