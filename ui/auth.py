"""Sign-in and roles in the app: OpenID Connect through st.login when [auth] is configured, else a
local single-user mode with every role and a visible marker. PAR_REQUIRE_AUTH=1 refuses to serve
without sign-in."""
from __future__ import annotations

import os

import streamlit as st

from etl.access import Actor, local_actor, role_for
from etl.db import StoreError, open_for_reading
from ui.i18n import t
from ui.store import db_path, stop_with_store_error


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than returning empty
        return False


def signed_in_email() -> str | None:
    """The signed-in user's e-mail address, or None."""
    return st.user.get("email") if st.user.get("is_logged_in") else None


def current_actor(lang: str) -> Actor:
    """Who is using the app; stops the page with a sign-in prompt when sign-in is required."""
    if auth_configured():
        email = signed_in_email()
        if not email:
            st.title(t("app.title", lang))
            st.info(t("auth.sign_in_needed", lang))
            st.button(t("auth.sign_in", lang), on_click=st.login, type="primary")
            st.stop()
        try:
            with open_for_reading(db_path(), wait_seconds=5.0) as con:
                role = role_for(email, con)
        except StoreError as exc:
            stop_with_store_error(exc, lang)
        return Actor(email, role)
    if os.environ.get("PAR_REQUIRE_AUTH") == "1":
        st.error(t("auth.required_not_configured", lang))
        st.stop()
    return local_actor()


def show_identity(actor: Actor, lang: str) -> None:
    """The sidebar line saying who is signed in with which role, or that this is local single-user mode."""
    if auth_configured():
        st.sidebar.caption(t("auth.signed_in_as", lang, user=actor.user, role=t(f"role.{actor.role}", lang)))
        st.sidebar.button(t("auth.sign_out", lang), on_click=st.logout)
    else:
        st.sidebar.info(t("auth.local_mode", lang, user=actor.user), icon=":material/person:")


def actor() -> Actor:
    """The actor app.py established for this run."""
    return st.session_state["actor"]
