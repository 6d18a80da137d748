"""Router: page navigation and the shared sidebar. Pages live in pages/; nothing else happens here."""
from pathlib import Path

import streamlit as st

from ui.auth import current_actor, show_identity
from ui.i18n import t
from ui.state import language_switch, sidebar_filters
from ui.store import ensure_database

# Absolute paths, so the router works from any working directory. The files end in "_page" so that
# Streamlit's legacy pages/ folder mode (active until st.navigation first runs) cannot mistake a
# URL path such as /units for a file and run that page without this router.
PAGES = Path(__file__).parent / "pages"

st.set_page_config(page_title="PAR INDEX", page_icon=":material/leaderboard:", layout="wide")

lang = language_switch()
ensure_database(lang)
actor = current_actor(lang)
st.session_state["actor"] = actor
st.session_state["filters"] = sidebar_filters(lang)
show_identity(actor, lang)

pages = {
    t("nav.section.leaders", lang): [
        st.Page(PAGES / "overview_page.py", title=t("page.overview", lang), icon=":material/dashboard:",
                url_path="overview", default=True),
        st.Page(PAGES / "rankings_page.py", title=t("page.rankings", lang), icon=":material/leaderboard:",
                url_path="rankings"),
        st.Page(PAGES / "profile_page.py", title=t("page.profile", lang), icon=":material/location_city:",
                url_path="profile"),
        st.Page(PAGES / "satisfaction_page.py", title=t("page.satisfaction", lang), icon=":material/sentiment_satisfied:",
                url_path="satisfaction"),
        st.Page(PAGES / "leaders_page.py", title=t("page.leaders", lang), icon=":material/workspace_premium:",
                url_path="leaders"),
        st.Page(PAGES / "compare_page.py", title=t("page.compare", lang), icon=":material/timeline:",
                url_path="compare"),
    ],
    t("nav.section.tracking", lang): [
        st.Page(PAGES / "projects_page.py", title=t("page.projects", lang), icon=":material/flag:",
                url_path="projects"),
        st.Page(PAGES / "compliance_page.py", title=t("page.compliance", lang), icon=":material/event_available:",
                url_path="compliance"),
    ],
    # Pages for writing are not in the menu of a role that may not write (the writes check again).
    t("nav.section.analysts", lang): [
        st.Page(PAGES / "upload_page.py", title=t("page.upload", lang), icon=":material/upload_file:",
                url_path="upload"),
    ] if actor.can("load") else [],
    t("nav.section.reference", lang): [
        st.Page(PAGES / "units_page.py", title=t("page.units", lang), icon=":material/account_tree:", url_path="units"),
        st.Page(PAGES / "data_page.py", title=t("page.data", lang), icon=":material/database:", url_path="data"),
        st.Page(PAGES / "method_page.py", title=t("page.method", lang), icon=":material/menu_book:", url_path="method"),
    ],
    t("nav.section.admin", lang): [
        st.Page(PAGES / "audit_page.py", title=t("page.audit", lang), icon=":material/history:", url_path="audit"),
        st.Page(PAGES / "roles_page.py", title=t("page.roles", lang), icon=":material/admin_panel_settings:",
                url_path="roles"),
    ] if actor.can("read_audit") else [],
}
pages = {section: entries for section, entries in pages.items() if entries}
st.navigation(pages, position="sidebar", expanded=True).run()
