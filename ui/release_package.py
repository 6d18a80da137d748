"""The data page's block: a release's open data package as a .zip (etl.export_release builds it on click)."""
from __future__ import annotations

import streamlit as st

from etl.db import open_store
from metrics.releases import list_releases
from ui.i18n import t
from ui.store import db_path, db_wait, fetch


def _package(release_id: int, lang: str):
    """The download's contents, made only when the button is clicked (on Streamlit's worker thread)."""
    path = db_path()

    def build() -> bytes:
        from etl.export_release import package_zip

        with open_store(path, read_only=True, wait_seconds=db_wait()) as con:
            return package_zip(con, release_id, lang)
    return build


def package_block(lang: str) -> None:
    """A release picker and the download of its package; says so when nothing is released yet."""
    st.subheader(t("rel.data_block", lang))
    st.caption(t("rel.package_note", lang))
    releases = fetch(list_releases)
    if releases.empty:
        st.caption(t("rel.data_none", lang))
        return
    titles = {int(r["release_id"]): f"{int(r['release_id'])} · {r['title']} · {t('rel.status.' + r['status'], lang)}"
              for _i, r in releases.iterrows()}
    chosen = st.selectbox(t("rel.package_pick", lang), list(titles), format_func=titles.get, key="package_release")
    st.download_button(t("rel.package_download", lang, id=chosen), _package(int(chosen), lang),
                       file_name=f"par-release-{chosen}.zip",
                       mime="application/zip", key=f"package_{chosen}")
