"""Admins assign roles to e-mail addresses or whole domains."""
import streamlit as st

from etl.access import ROLES, AccessDenied, assign_role, configured_roles, roles_file
from etl.db import open_store
from metrics.audit import role_assignments
from ui.auth import actor
from ui.format import code_label, display_frame
from ui.i18n import t
from ui.state import filters
from ui.store import db_path, fetch
from ui.text import md_escape

lang = filters().lang
if not actor().can("manage_roles"):
    st.error(t("auth.denied", lang))
    st.stop()
st.title(t("roles.title", lang))
st.caption(t("roles.intro", lang))
assignments = fetch(role_assignments)
assignments = assignments.assign(role=assignments["role"].map(lambda r: code_label("role.", r, lang)))
st.dataframe(display_frame(assignments.rename(columns={c: t("col.user_role" if c == "role" else f"col.{c}", lang) for c in assignments.columns}), lang),
             hide_index=True, width="stretch")
with st.form("assign"):
    subject = st.text_input(t("roles.subject", lang))
    role = st.selectbox(t("roles.role", lang), ROLES, format_func=lambda r: t(f"role.{r}", lang))
    if st.form_submit_button(t("roles.assign", lang), type="primary") and subject:
        try:
            with open_store(db_path(), read_only=False) as con:
                assign_role(con, actor(), subject, role)
        except (AccessDenied, ValueError) as exc:
            st.error(md_escape(exc))
        else:
            st.cache_data.clear()
            st.success(t("roles.assigned", lang, subject=md_escape(subject.strip().lower()), role=t(f"role.{role}", lang)))
st.caption(t("roles.file", lang, path=md_escape(roles_file())))
st.json(configured_roles(), expanded=False)
