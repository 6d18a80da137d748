"""Router: page navigation and the shared sidebar. Pages live in pages/; nothing else happens here."""
from pathlib import Path

import streamlit as st

from ui import warmup

warmup.wait()   # a fresh server's background imports (scripts/serve.py): wait for them, never import alongside them
from ui.auth import check_access, current_actor, show_identity, text
from ui.i18n import t
from ui.state import language_switch, sidebar_filters
from ui.store import ensure_database

# Absolute paths, so the router works from any working directory. The files end in "_page" so that
# Streamlit's legacy pages/ folder mode (active until st.navigation first runs) cannot mistake a
# URL path such as /units for a file and run that page without this router.
PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="PAR INDEX", page_icon=":material/leaderboard:", layout="wide")

lang = language_switch()
policy = check_access(lang)        # refused visitors see why, and nothing else (not even a build)
ensure_database(lang)
actor = current_actor(lang, policy)
st.session_state["actor"] = actor

# (section, file stem, url path, icon, permission needed or None)
SECTIONS = {
    "nav.section.leaders": [("overview", "overview", ":material/dashboard:", None),
                            ("rankings", "rankings", ":material/leaderboard:", None),
                            ("profile", "profile", ":material/location_city:", None),
                            ("satisfaction", "satisfaction", ":material/sentiment_satisfied:", None),
                            ("leaders", "leaders", ":material/workspace_premium:", None),
                            ("compare", "compare", ":material/timeline:", None)],
    "nav.section.tracking": [("projects", "projects", ":material/flag:", None),
                             ("compliance", "compliance", ":material/event_available:", None)],
    # Pages for writing are not in the menu of a role that may not write (the writes check again).
    "nav.section.analysts": [("upload", "upload", ":material/upload_file:", "load")],
    "nav.section.reference": [("units", "units", ":material/account_tree:", None),
                              ("data", "data", ":material/database:", None),
                              ("releases", "releases", ":material/verified:", None),
                              ("method", "method", ":material/menu_book:", None)],
    "nav.section.admin": [("audit", "audit", ":material/history:", "read_audit"),
                          ("roles", "roles", ":material/admin_panel_settings:", "read_audit")],
}


def _page_denied() -> None:
    st.error(text("page_denied", lang))


def _moved(page: st.Page):
    """An old address (/upload_page, the legacy file name) opens the page it names, through this router."""
    def go() -> None:
        st.switch_page(page)
    return go


pages: dict[str, list] = {}
hidden: list = []
for section, entries in SECTIONS.items():
    for stem, url_path, icon, permission in entries:
        if permission is None or actor.can(permission):
            page = st.Page(PAGES / f"{stem}_page.py", title=t(f"page.{stem}", lang), icon=icon, url_path=url_path,
                           default=(url_path == "overview"))
            pages.setdefault(t(section, lang), []).append(page)
            hidden.append(st.Page(_moved(page), title=t(f"page.{stem}", lang), url_path=f"{stem}_page",
                                  visibility="hidden"))
        else:
            # A page the role may not open answers its address (and the old one) with a message, not a
            # "page not found" that falls back to another page, and never a traceback.
            for path in (url_path, f"{stem}_page"):
                hidden.append(st.Page(_page_denied, title=t(f"page.{stem}", lang), url_path=path,
                                      visibility="hidden"))
pages[t("nav.section.reference", lang)].extend(hidden)   # hidden: in no menu, only reachable by address
current = st.navigation(pages, position="sidebar", expanded=True)
# The filters know the page: a survey page offers its survey's releases, the others the PAR INDEX's.
st.session_state["filters"] = sidebar_filters(lang, current.url_path)
show_identity(actor, lang)
current.run()
