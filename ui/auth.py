"""Who may use the app, and with which role. Safe by default.

* With [auth] in .streamlit/secrets.toml: sign-in through OpenID Connect (st.login). Roles are matched on the
  e-mail address only when the identity provider says it is verified (`email_verified` true); otherwise the
  visitor gets the roles file's default role, and the sidebar says why.
* Without [auth]: the app is for this computer only. scripts/run-app.sh and .streamlit/config.toml make Streamlit
  listen on 127.0.0.1. The person at the machine works as admin, as on the command line (they can open the database
  file anyway): single-user mode, marked in the sidebar with the address the server listens on.
* Served beyond loopback without [auth]: refused (a message, no data) unless PAR_ALLOW_ANONYMOUS=viewer|analyst|admin
  says which role anonymous visitors get (the lower of that and the roles file's `default_role`, when the file
  sets one); the sidebar shows it.

"Served beyond loopback" (serving_beyond_loopback) is decided on the server, from what Streamlit binds and what the
request shows: the effective `server.address` option (config.toml, --server.address or STREAMLIT_SERVER_ADDRESS) is
unset (Streamlit then listens on every interface), a host name, a unix socket or an IP address that is not
loopback; or the visitor connects from an address that is not loopback; or the request came through a proxy
(X-Forwarded-For, X-Real-IP or Forwarded header). Only "localhost" and 127.0.0.0/8 or ::1 count as loopback.
PAR_REQUIRE_AUTH=1 still refuses to serve without [auth], even locally.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass

import streamlit as st

from etl.access import ROLES, Actor, configured_roles, local_actor, role_for
from etl.db import StoreError, open_for_reading
from ui.i18n import t
from ui.store import db_path, db_wait, stop_with_store_error
from ui.text import md_escape

ANONYMOUS_ENV = "PAR_ALLOW_ANONYMOUS"
_PROXY_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "cf-connecting-ip")


def text(key: str, lang: str, **values) -> str:
    """The access message `key` (ui/i18n.py "auth.<key>") in `lang`."""
    return t(f"auth.{key}", lang, **values)


# --- where the app is served --------------------------------------------------------------------------------

def listen_address() -> str | None:
    """The effective server.address option; None when unset (Streamlit then binds every interface)."""
    from streamlit import config

    value = config.get_option("server.address")
    return str(value).strip() or None if value is not None else None


def is_loopback(address: str | None) -> bool:
    """True for "localhost", 127.0.0.0/8 and ::1; False for unset, wildcard, other IPs, host names, unix sockets."""
    if not address:
        return False
    host = address.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False     # a host name may resolve to any interface; a unix socket may sit behind any proxy


def _is_loopback_ip(ip: str) -> bool:
    try:
        address = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)      # ::ffff:127.0.0.1
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def _is_local_host(value: str) -> bool:
    """'localhost:8501', '127.0.0.1', '[::1]:8501', 'http://localhost:8501' name this computer."""
    host = value.split("://", 1)[-1].split("/", 1)[0]
    if host.startswith("["):
        host = host[1:host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.lower() == "localhost" or _is_loopback_ip(host)


def _request_from_elsewhere() -> bool:
    """The current visitor connects from a non-loopback address, or through a proxy."""
    try:
        ip = st.context.ip_address      # Streamlit gives None for 127.0.0.1 and ::1
        if isinstance(ip, str) and ip and not _is_loopback_ip(ip):
            return True
        headers = st.context.headers
        if not headers:
            return False
        if any(headers.get(name) for name in _PROXY_HEADERS):
            return True
        # A proxy that adds no forwarding header still passes on the Host (and Origin) the visitor asked for:
        # anything but this computer's own names means the request came from elsewhere.
        for name in ("Host", "Origin"):
            value = headers.get(name)
            if value and not _is_local_host(value):
                return True
        return False
    except Exception:  # no request context (bare script runs, tests)
        return False


def serving_beyond_loopback() -> bool:
    """See the module docstring: the bind address is not loopback, or this request came from elsewhere."""
    return not is_loopback(listen_address()) or _request_from_elsewhere()


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than returning empty
        return False


class AccessRefused(Exception):
    """The app may not serve this visitor; the message says why (no data is shown)."""


@dataclass(frozen=True)
class Policy:
    """How this run admits visitors: mode is signin | local | anonymous."""

    mode: str
    role: str | None = None          # the anonymous or local role
    setting: str | None = None       # PAR_ALLOW_ANONYMOUS as given
    capped: bool = False             # the roles file's default_role lowered the role


def _lower(a: str, b: str) -> str:
    return a if ROLES.index(a) <= ROLES.index(b) else b


def _file_default_role() -> str | None:
    """The roles file's default_role when the file exists and names one, else None."""
    from etl.access import roles_file

    path = roles_file()
    if not path.exists():
        return None
    import yaml

    doc = yaml.safe_load(path.read_text("utf-8")) or {}
    return configured_roles(path)["default_role"] if isinstance(doc, dict) and "default_role" in doc else None


def access_policy(lang: str) -> Policy:
    """The rules above, decided before any data is read; raises AccessRefused with the page's message."""
    if auth_configured():
        return Policy("signin")
    if os.environ.get("PAR_REQUIRE_AUTH") == "1":
        raise AccessRefused(t("auth.required_not_configured", lang))
    setting = os.environ.get(ANONYMOUS_ENV, "").strip()
    if setting and setting.lower() not in ROLES:
        raise AccessRefused(text("bad_anonymous", lang, value=md_escape(setting)))
    if setting:
        try:
            file_role = _file_default_role()
        except ValueError as exc:
            raise AccessRefused(text("bad_roles", lang, error=md_escape(exc))) from exc
        role = setting.lower()
        capped = file_role is not None and _lower(role, file_role) != role
        return Policy("anonymous", _lower(role, file_role) if file_role else role, setting, capped)
    if serving_beyond_loopback():
        raise AccessRefused(text("refused", lang, address=md_escape(listen_address() or "0.0.0.0 / ::")))
    # Loopback only: the person at this computer, who can already open the database file, works as admin, as
    # the command line does (etl.access.local_actor). The roles file governs visitors from elsewhere.
    return Policy("local", "admin")


def check_access(lang: str) -> Policy:
    """access_policy, or a page with only the reason (no data) when the visitor is refused."""
    try:
        policy = access_policy(lang)
    except AccessRefused as refused:
        reason = str(refused)
        show_gate(lambda: st.error(reason), lang)
        raise AssertionError("unreachable")  # show_gate stops the run
    st.session_state["access_policy"] = policy
    return policy


def show_gate(draw, lang: str) -> None:
    """Draw a refusal or the sign-in prompt as the app's only page, and stop.

    Going through st.navigation even here keeps Streamlit out of its legacy pages/ mode, in which an address such
    as /upload_page would run that page's file directly, without this router (a KeyError and a traceback).
    """
    def gate() -> None:
        st.title(t("app.title", lang))
        draw()

    st.navigation([st.Page(gate, title=t("app.title", lang), url_path="start", default=True)],
                  position="hidden").run()
    st.stop()


# --- who the visitor is ---------------------------------------------------------------------------------------

def _verified(value: object) -> bool:
    """OpenID Connect's email_verified claim is a boolean; some providers send the string "true"."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def signed_in_email() -> str | None:
    """The signed-in user's e-mail address when the identity provider says it is verified, else None."""
    if not st.user.get("is_logged_in"):
        return None
    return st.user.get("email") if _verified(st.user.get("email_verified")) else None


def signed_in_unverified() -> str | None:
    """A signed-in visitor whose e-mail is not verified: a name for the audit log (e-mail or subject), else None."""
    if not st.user.get("is_logged_in") or _verified(st.user.get("email_verified")):
        return None
    # Prefixed so that it can never own another person's batches or speak for them in the audit log.
    return "unverified:" + str(st.user.get("email") or st.user.get("sub") or "?")


def _default_role() -> str:
    try:
        return configured_roles()["default_role"]
    except ValueError:
        return "viewer"


def current_actor(lang: str, policy: Policy | None = None) -> Actor:
    """Who is using the app; stops the page with a sign-in prompt (or a refusal) when needed."""
    policy = policy or check_access(lang)
    st.session_state["email_unverified"] = False
    if policy.mode == "signin":
        email = signed_in_email()
        if not email:
            unverified = signed_in_unverified()
            if unverified:      # signed in, address not verified: the default role only, never a listed one
                st.session_state["email_unverified"] = True
                return Actor(unverified, _default_role())

            def prompt() -> None:
                st.info(t("auth.sign_in_needed", lang))
                st.button(t("auth.sign_in", lang), on_click=st.login, type="primary")
            show_gate(prompt, lang)
        try:
            with open_for_reading(db_path(), wait_seconds=db_wait()) as con:
                role = role_for(email, con)
        except StoreError as exc:
            stop_with_store_error(exc, lang)
        except ValueError as exc:      # a bad roles file: refuse rather than guess
            message = text("bad_roles", lang, error=md_escape(exc))
            show_gate(lambda: st.error(message), lang)
        return Actor(email, role)
    if policy.mode == "anonymous":
        ip = None
        try:
            ip = st.context.ip_address
        except Exception:
            pass
        return Actor(f"anonymous@{ip}" if isinstance(ip, str) and ip else "anonymous", policy.role)
    return Actor(local_actor().user, policy.role or "admin")


def show_identity(actor: Actor, lang: str) -> None:
    """The sidebar lines saying who uses the app, with which role, and how the app is served."""
    policy: Policy | None = st.session_state.get("access_policy")
    mode = policy.mode if policy else ("signin" if auth_configured() else "local")
    if mode == "signin":
        st.sidebar.caption(t("auth.signed_in_as", lang, user=md_escape(actor.user), role=t(f"role.{actor.role}", lang)))
        if st.session_state.get("email_unverified"):
            st.sidebar.warning(text("unverified", lang), icon=":material/mark_email_unread:")
        st.sidebar.button(t("auth.sign_out", lang), on_click=st.logout)
    elif mode == "anonymous":
        capped = text("capped", lang) if policy.capped else ""
        st.sidebar.warning(text("anonymous", lang, role=t(f"role.{actor.role}", lang), value=md_escape(policy.setting),
                                capped=capped), icon=":material/public:")
    else:
        st.sidebar.info(t("auth.local_mode", lang, user=md_escape(actor.user)), icon=":material/person:")
        st.sidebar.caption(text("local_only", lang, address=md_escape(listen_address())))


def actor() -> Actor:
    """The actor app.py established for this run; a page run without the router stops with a message."""
    if "actor" not in st.session_state:
        st.error(text("no_router", st.session_state.get("lang", "vi")))
        st.stop()
    return st.session_state["actor"]
