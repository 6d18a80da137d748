"""Overview for leaders: who leads, who trails, the average, the groups and the biggest movers."""
import pandas as pd
import streamlit as st

from ui.briefing import briefing_download
from ui.export import download_buttons
from ui.format import display_frame
from ui.i18n import fmt_number, fmt_pct, fmt_signed, t
from ui.provenance import national_line, par_view_header, source_label, par_view
from ui.state import filters
from ui.text import md_escape, md_escape_frame
from ui.vega_figures import groups_bar_spec, index_bar_spec

f = filters()
lang = f.lang
view = par_view(f, "page.overview")
par_view_header(view, "overview.title", lang)

name_col = "name_vi" if lang == "vi" else "name_en"
cols = st.columns(4)
cols[0].metric(t("overview.units", lang), f"{view.units_with_value}",
               help=t("overview.units_of", lang, total=view.units_total))
cols[0].caption(t("overview.units_of", lang, total=view.units_total))
average_label = (t("overview.average", lang) if view.complete
                 else t("overview.average_listed", lang, k=view.units_with_value, n=view.units_total))
cols[1].metric(average_label, fmt_pct(view.average, lang))
cols[1].caption(source_label(view.source, lang))
if view.published_average:
    cols[2].metric(t("overview.published_average", lang), fmt_pct(view.published_average["value"], lang))
    cols[2].caption(source_label("published", lang))
else:
    # No published average for this year: the top group's size, which leaders ask next.
    top_group = view.groups.iloc[0] if len(view.groups) and pd.notna(view.groups["units"].iloc[0]) else None
    if top_group is not None:
        cols[2].metric(top_group["label_vi" if lang == "vi" else "label_en"], f"{int(top_group['units'])}")
        cols[2].caption(t(f"basis.{view.groups_basis}", lang))
    else:
        cols[2].metric(t("overview.published_average", lang), "—")
        cols[2].caption(t("coverage.not_stated", lang))
movers_source = "published" if view.movers_basis == "published" else view.source
for key, mover, arrow in (("overview.riser", view.riser, "up"), ("overview.faller", view.faller, "down")):
    if mover:
        delta = f"{fmt_signed(mover['delta_index'], lang)} {t('overview.points', lang)}"
        if not pd.isna(mover.get("delta_rank")):
            delta += f" · {fmt_signed(float(mover['delta_rank']), lang, 0)} {t('overview.ranks', lang)}"
        basis = mover.get("change_basis")
        cols[3].metric(t(key, lang), md_escape(mover[name_col]), delta, delta_arrow=arrow)
        if basis in ("reconstructed", "continued", "published"):
            cols[3].caption(t(f"change.{basis}", lang))      # a caption wraps; a delta description was cut
if view.riser or view.faller:
    cols[3].caption(source_label(movers_source, lang))
else:
    cols[3].caption(t("overview.no_mover", lang))
if view.year == 2025:
    st.caption(t("overview.merger_note", lang))
# The national briefing of this view (level, year, source), written only when the button is clicked.
briefing_download(st, "national", view.year, lang, source=view.source, level=view.level, key="overview_briefing")


def ranked_table(frame):
    return frame.assign(
        **{t("col.rank", lang): frame["rank"].astype("object"),
           t("col.unit", lang): frame[name_col],
           t("col.index", lang): [fmt_number(v, lang) for v in frame["index"]],
           t("col.group", lang): frame["group"].fillna("—")}
    )[[t("col.rank", lang), t("col.unit", lang), t("col.index", lang), t("col.group", lang)]]


left, right = st.columns(2)
for column, key, table in ((left, "overview.top", view.top), (right, "overview.bottom", view.bottom)):
    column.subheader(t(key, lang))
    if view.ranks_basis is None or table.empty:
        column.caption(t("coverage.not_stated", lang))
    else:
        # Five rows: a plain table, no grid for the browser to load; its cells are Markdown, so escaped.
        column.table(md_escape_frame(display_frame(ranked_table(table), lang)), hide_index=True, border="horizontal")
        column.caption(t(f"basis.{view.ranks_basis}", lang))

chart_left, chart_right = st.columns([2, 1])
# Vega-Lite, not Plotly: the first page does not wait for Plotly's JavaScript (ui.vega_figures says why)
units_chart = index_bar_spec(view.results, lang, national_line(view))
chart_left.vega_lite_chart(units_chart.rows, units_chart.spec, width="stretch", alt=units_chart.alt)
chart_right.subheader(t("overview.groups", lang))
stated_groups = view.groups[view.groups["units"].notna()]
if stated_groups.empty:
    chart_right.caption(t("coverage.not_stated", lang))
else:
    groups_chart = groups_bar_spec(stated_groups, lang)
    chart_right.vega_lite_chart(groups_chart.rows, groups_chart.spec, width="stretch", alt=groups_chart.alt)
    chart_right.caption(t(f"basis.{view.groups_basis}", lang))

if not view.release_facts.empty:
    st.subheader(t("overview.release_facts", lang))
    facts = view.release_facts
    st.dataframe(display_frame(pd.DataFrame({t("col.figure", lang): facts["metric"], t("col.value", lang): facts["value"],
                                             t("col.note", lang): facts["note"].fillna(""),
                                             t("col.source", lang): facts["source_ref"]}), lang),
                 hide_index=True, width="stretch")

# The figures behind this view, for a spreadsheet: every unit of the dataset with its source.
export = view.results[["code_system", "code", name_col, "index", "rank", "rank_basis", "group", "delta_index",
                       "change_basis"]].assign(source=view.source)
st.caption(t("overview.export", lang))
download_buttons(st, export, f"overview-{view.level}-{view.year}-{view.source}", lang, key="overview")
if not view.release_facts.empty:
    download_buttons(st, view.release_facts, f"overview-{view.level}-{view.year}-published-facts", lang,
                     key="overview_facts")
