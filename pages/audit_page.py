"""Admins read the audit log: who loaded, removed or changed what, when."""
import streamlit as st

from metrics.audit import audit_log
from ui.auth import actor
from ui.export import csv_bytes
from ui.i18n import t
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
action = left.selectbox(t("audit.action", lang), ["*"] + actions, format_func=lambda a: t("common.all", lang) if a == "*" else a,
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
st.dataframe(shown, hide_index=True, width="stretch")
st.download_button(t("audit.download", lang), csv_bytes(shown), file_name="audit.csv", mime="text/csv")
