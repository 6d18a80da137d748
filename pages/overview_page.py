"""Overview for leaders: who leads, who trails, the average, the groups and the biggest movers."""
import pandas as pd
import streamlit as st

from metrics.overview import build_overview
from ui.figures import groups_bar, index_bar
from ui.i18n import fmt_number, fmt_pct, fmt_signed, t
from ui.provenance import par_view_header, source_label
from ui.state import filters
from ui.store import fetch

f = filters()
lang = f.lang
view = fetch(build_overview, f.level, f.year, f.source) if f.year else None
if view is None:
    st.title(t("page.overview", lang))
    st.info(t("store.no_data", lang))
    st.stop()

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
for key, mover, arrow in (("overview.riser", view.riser, "up"), ("overview.faller", view.faller, "down")):
    if mover:
        delta = f"{fmt_signed(mover['delta_index'], lang)} {t('overview.points', lang)}"
        if not pd.isna(mover.get("delta_rank")):
            delta += f" · {fmt_signed(float(mover['delta_rank']), lang, 0)} {t('overview.ranks', lang)}"
        basis = mover.get("change_basis")
        cols[3].metric(t(key, lang), mover[name_col], delta, delta_arrow=arrow,
                       delta_description=t(f"change.{basis}", lang) if basis in ("reconstructed", "continued") else None)
if not view.riser and not view.faller:
    cols[3].caption(t("overview.no_mover", lang))
if view.year == 2025:
    st.caption(t("overview.merger_note", lang))


def ranked_table(frame):
    return frame.assign(
        **{t("col.rank", lang): frame["rank"].astype("object"),
           t("col.unit", lang): frame[name_col],
           t("col.index", lang): [fmt_number(v, lang) for v in frame["index"]],
           t("col.group", lang): frame["group"].fillna("—")}
    )[[t("col.rank", lang), t("col.unit", lang), t("col.index", lang), t("col.group", lang)]]


left, right = st.columns(2)
left.subheader(t("overview.top", lang))
left.dataframe(ranked_table(view.top), hide_index=True, width="stretch")
right.subheader(t("overview.bottom", lang))
right.dataframe(ranked_table(view.bottom), hide_index=True, width="stretch")

chart_left, chart_right = st.columns([2, 1])
chart_left.plotly_chart(index_bar(view.results, lang, view.average), width="stretch",
                        config={"displaylogo": False})
chart_right.subheader(t("overview.groups", lang))
chart_right.plotly_chart(groups_bar(view.groups, lang), width="stretch", config={"displaylogo": False})
