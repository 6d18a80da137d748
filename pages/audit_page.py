"""Admins read the audit log: who loaded, removed or changed what, when."""
import re

import streamlit as st

from metrics.audit import audit_log
from ui.auth import actor
from ui.export import csv_bytes
from ui.format import code_label, display_frame
from ui.i18n import fmt_number, t
from ui.provenance import source_label
from ui.state import filters
from ui.store import fetch

lang = filters().lang
if not actor().can("read_audit"):
    st.error(t("auth.denied", lang))
    st.stop()
st.title(t("audit.title", lang))
st.caption(t("audit.intro", lang))
log = fetch(audit_log)
left, middle, right = st.columns(3)
actions = sorted(log["action"].unique())
action = left.selectbox(t("audit.action", lang), ["*"] + actions, format_func=lambda a: t("common.all", lang) if a == "*" else code_label("audit.action.", a, lang),
                        key="audit_action")
users = sorted(log["user_name"].unique())
user = middle.selectbox(t("audit.user", lang), ["*"] + users, format_func=lambda u: t("common.all", lang) if u == "*" else u,
                        key="audit_user")
since = right.date_input(t("compare.from_year", lang), value=None, format="DD/MM/YYYY", key="audit_since")
shown = log
if action != "*":
    shown = shown[shown["action"] == action]
if user != "*":
    shown = shown[shown["user_name"] == user]
if since:
    shown = shown[shown["logged_at"].dt.date >= since]
DETAIL_ROWS = re.compile(r"^(\d+) rows, source (\w+)$")


def detail_text(detail) -> str:
    match = DETAIL_ROWS.match(detail) if isinstance(detail, str) else None
    if not match:
        return detail
    return t("audit.detail.rows", lang, n=fmt_number(int(match.group(1)), lang, 0),
             source=source_label(match.group(2), lang))


table = shown.assign(role=shown["role"].map(lambda r: code_label("role.", r, lang)),
                     action=shown["action"].map(lambda a: code_label("audit.action.", a, lang)),
                     kind=shown["kind"].map(lambda k: code_label("upload.kind.", k, lang)),
                     detail=shown["detail"].map(detail_text))
table = table.rename(columns={c: t("col.user_role" if c == "role" else f"col.{c}", lang) for c in table.columns})
st.dataframe(display_frame(table, lang), hide_index=True, width="stretch",
             column_config={t("col.sha256", lang): st.column_config.TextColumn(width="small")})
st.download_button(t("audit.download", lang), csv_bytes(shown), file_name="audit.csv", mime="text/csv")
