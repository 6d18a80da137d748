"""Plans and reports: which units issued their PAR plan and sent their reports on time."""
from datetime import date

import pandas as pd
import streamlit as st

from metrics.compliance import PERIODS, compliance
from ui.export import csv_bytes, xlsx_bytes
from ui.figures import compliance_heatmap
from ui.i18n import t
from ui.provenance import mark_sources, source_label
from ui.tables import show_table
from ui.state import filters
from ui.store import fetch

f = filters()
lang = f.lang
left, right = st.columns(2)
year = left.number_input(t("filter.year", lang), min_value=2020, max_value=2100,
                         value=min(f.year or date.today().year, date.today().year + 1), step=1, key="plan_year")
as_of = right.date_input(t("projects.as_of", lang), value=date.today(), format="DD/MM/YYYY", key="as_of",
                         bind="query-params")
st.title(t("compliance.title", lang, year=int(year)))
st.caption(t("compliance.intro", lang))
table = fetch(compliance, int(year), as_of, f.level)
mark_sources({s for s in (table["plan_source"].iloc[0], table["report_source"].iloc[0]) if s}, lang)
expected = table[table["plan_status"] != "n/a"]
report_cells = [table[f"report_{p}"] for p in PERIODS]
due = sum(((c != "n/a") & (c != "not_due")).sum() for c in report_cells)
on_time = sum((c == "on_time").sum() for c in report_cells)
st.info(t("compliance.summary", lang, plans=int((expected["plan_status"] == "on_time").sum()), expected=len(expected),
          reports=round(100 * on_time / due, 1) if due else "—"))
sources = {s for s in (table["plan_source"].iloc[0], table["report_source"].iloc[0]) if s}
st.caption(f"{t('filter.source', lang)}: {', '.join(source_label(s, lang) for s in sorted(sources)) or '—'}")

late = table[(table["plan_status"].isin(["late", "missing"]))
             | pd.concat([c.isin(["late", "missing"]) for c in report_cells], axis=1).any(axis=1)]
st.subheader(t("compliance.late", lang))
if late.empty:
    st.caption(t("compliance.none_late", lang))


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        t("col.code", lang): frame["code_system"] + ":" + frame["code"], t("col.unit", lang): frame["name"],
        t("col.plan_status", lang): frame["plan_status"].map(lambda v: t(f"timeliness.{v}", lang)),
        t("col.days_late", lang): frame["plan_days_late"],
        t("col.contents", lang): frame["contents_covered"], t("col.tasks", lang): frame["tasks"],
        t("col.tasks_specified", lang): frame["tasks_with_output_and_deadline_pct"],
        t("col.tasks_completed", lang): frame["tasks_completed_pct"],
        t("col.tasks_on_time", lang): frame["tasks_completed_on_time_pct"],
        **{t(f"req.{p}", lang): frame[f"report_{p}"].map(lambda v: t(f"timeliness.{v}", lang)) for p in PERIODS},
        t("col.reports_on_time", lang): frame["reports_on_time_pct"],
    })


if not late.empty:
    show_table(st, shown(late), lang)
st.subheader(t("compliance.heatmap", lang))
# The heatmap draws the same rows as the tables (one per system:code), so a status read in one is the status
# drawn in the other, and 2025's old and new units that share a name stay apart.
st.plotly_chart(compliance_heatmap(table, ["plan", *PERIODS], lang,
                                   title=t("fig.compliance", lang, date=f"{as_of:%d/%m/%Y}")),
                width="stretch", config={"displaylogo": False})
everything = shown(table)
with st.expander(t("rankings.table", lang)):
    show_table(st, everything, lang)
a, b, _ = st.columns([1, 1, 4])
a.download_button(t("common.download_csv", lang), csv_bytes(everything), file_name=f"ke-hoach-{int(year)}.csv",
                  mime="text/csv")
b.download_button(t("common.download_xlsx", lang), xlsx_bytes(everything, f"Ke hoach {int(year)}"),
                  file_name=f"ke-hoach-{int(year)}.xlsx",
                  mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
