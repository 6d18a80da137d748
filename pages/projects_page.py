"""The 16 national projects: timeline against deadlines, status on a reference date, history, lead agencies."""
from datetime import date

import re

import pandas as pd
import streamlit as st

from metrics.projects import by_lead_agency, project_history, project_status
from ui.export import csv_bytes, xlsx_bytes
from ui.figures import project_timeline
from ui.format import code_label, display_frame, percent
from ui.i18n import t
from ui.provenance import mark_sources, source_label
from ui.state import filters
from ui.store import fetch

lang = filters().lang
st.title(t("projects.title", lang))
st.caption(t("projects.intro", lang))
as_of = st.date_input(t("projects.as_of", lang), value=date.today(), format="DD/MM/YYYY", key="as_of",
                      bind="query-params")
status = fetch(project_status, as_of)
mark_sources(set(status["source"].dropna()), lang)
counts = status["status"].value_counts()
columns = st.columns(5)
for column, state in zip(columns, ("done", "on_track", "at_risk", "overdue", "roadmap")):
    column.metric(t(f"status.{state}", lang), int(counts.get(state, 0)))
sources = ", ".join(source_label(s, lang) for s in sorted(set(status["source"].dropna())))
st.caption(f"{t('filter.source', lang)}: {sources or '—'}")

st.subheader(t("projects.timeline", lang))
st.plotly_chart(project_timeline(status, as_of, lang), width="stretch", config={"displaylogo": False})

# metrics.projects states its reasons in English; the page words them in the reader's language.
REASONS = ((re.compile(r"^reported completed$"), "projects.reason.reported completed"),
           (re.compile(r"^carried out on a roadmap"), "projects.reason.roadmap"),
           (re.compile(r"^no deadline recorded$"), "projects.reason.no deadline"),
           (re.compile(r"^deadline (?P<year>\d{4}) has passed$"), "projects.reason.deadline passed"),
           (re.compile(r"^no progress report yet$"), "projects.reason.no report"),
           (re.compile(r"^paused$"), "projects.reason.paused"),
           (re.compile(r"^(?P<done>\d+) % done with (?P<gone>\d+) % of the deadline year gone$"),
            "projects.reason.behind"),
           (re.compile(r"^in time$"), "projects.reason.in time"))


def reason_text(reason) -> str:
    for pattern, key in REASONS:
        match = pattern.match(reason) if isinstance(reason, str) else None
        if match:
            values = match.groupdict()
            for name in ("done", "gone"):
                if name in values:
                    values[name] = percent(int(values[name]), lang, 0)
            return t(key, lang, **values) if values else t(key, lang)
    return reason


st.subheader(t("projects.table", lang))
table = pd.DataFrame({
    t("col.no", lang): status["no"], t("col.project", lang): status["name"],
    t("col.lead_agency", lang): status["lead_agency"], t("col.lead_agency_now", lang): status["lead_agency_now"],
    t("col.deadline", lang): status["deadline"].map(lambda d: t("status.roadmap", lang) if d == "roadmap" else d),
    t("col.status", lang): status["status"].map(lambda s: t(f"status.{s}", lang)),
    t("col.percent", lang): status["percent_complete"], t("col.last_update", lang): status["last_update"],
    t("col.reason", lang): status["reason"].map(reason_text),
})
st.dataframe(display_frame(table, lang, {t("col.percent", lang): 0}), hide_index=True, width="stretch")
left, right, _ = st.columns([1, 1, 4])
left.download_button(t("common.download_csv", lang), csv_bytes(table), file_name=f"de-an-{as_of}.csv", mime="text/csv")
right.download_button(t("common.download_xlsx", lang), xlsx_bytes(table, "De an"), file_name=f"de-an-{as_of}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("projects.by_agency", lang))
agencies = by_lead_agency(status)
st.dataframe(display_frame(agencies.rename(columns={"lead_agency_now": t("col.lead_agency_now", lang),
                                                    "total": t("col.units_total", lang),
                                      **{s: t(f"status.{s}", lang) for s in ("done", "on_track", "at_risk",
                                                                              "overdue", "roadmap")}}), lang),
             hide_index=True, width="stretch")

st.subheader(t("projects.history", lang))
chosen = st.selectbox(t("projects.pick", lang), status["no"].tolist(),
                      format_func=lambda n: f"{n}. {status.set_index('no').loc[n, 'name'][:90]}", key="project")
history = fetch(project_history, as_of)
history = history[history["project_no"] == chosen]
if history.empty:
    st.caption(t("projects.no_updates", lang))
else:
    st.dataframe(display_frame(pd.DataFrame({
        t("col.report_date", lang): history["report_date"],
        t("col.reported_status", lang): history["status"].map(lambda s: code_label("reported.", s, lang)),
        t("col.percent", lang): history["percent_complete"], t("col.decision", lang): history["decision_no"],
        t("col.note", lang): history["note"], t("filter.source", lang): history["source"].map(
            lambda s: source_label(s, lang)), t("col.batch_id", lang): history["batch_id"]}),
        lang, {t("col.percent", lang): 0}),
        hide_index=True, width="stretch")
