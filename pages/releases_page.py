"""Releases: every release, one release's details, a correction's changed figures and errata, and (for analysts and
admins) freezing a year as a release or opening its correction."""
from datetime import date
from typing import Callable, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from etl.access import AccessDenied
from etl.db import open_store
from etl.releases import PAR_LEVELS, SURVEY_KINDS, ReleaseRefused, Scope, create_release, open_correction
from metrics.release_figures import release_diff
from metrics.releases import list_releases
from ui.auth import actor
from ui.export import csv_bytes
from ui.format import date as format_date
from ui.format import display_frame, localise_numbers
from ui.i18n import t
from ui.provenance import source_label
from ui.state import filters, url_selectbox
from ui.store import db_path, fetch
from ui.text import md_escape

T = TypeVar("T")

lang = filters().lang
st.title(t("rel.title", lang))
st.caption(t("rel.intro", lang))
releases = fetch(list_releases)


def scope_text(row) -> str:
    return t(f"rel.scope.{row['scope_key']}", lang, year=int(row["year"]))


def measure_text(measure: str) -> str:
    if measure.startswith("field_"):
        return t("rel.measure.field", lang, code=measure.split("_", 1)[1])
    return t(f"rel.measure.{measure}", lang)


def show_diff(old: dict, new_id: int) -> None:
    """The correction from `old` to release `new_id`: its errata and every figure it changed."""
    st.subheader(t("rel.correction", lang, old=int(old["release_id"]), new=new_id))
    st.markdown(f"**{t('rel.errata', lang)}:** {md_escape(old['errata'])}")
    diff = fetch(release_diff, int(old["release_id"]), new_id, lang)
    if diff.empty:
        st.info(t("rel.diff_none", lang))
        return
    st.caption(t("rel.diff_count", lang, n=len(diff)))
    old_col = t("rel.col.old", lang, id=int(old["release_id"]))
    new_col = t("rel.col.new", lang, id=new_id)
    shown = pd.DataFrame({
        t("rel.col.unit", lang): diff["unit"],
        t("rel.col.measure", lang): diff["measure"].map(measure_text),
        # Figures as printed (2 decimals), in the language's notation (86,98 in Vietnamese).
        old_col: [localise_numbers(v, lang) if isinstance(v, str) else "—" for v in diff["old"]],
        new_col: [localise_numbers(v, lang) if isinstance(v, str) else "—" for v in diff["new"]],
        t("rel.col.detail", lang): diff["detail"],
        t("rel.col.source", lang): diff["source"].map(lambda s: source_label(s, lang)),
    })
    if not diff["detail"].astype(bool).any():
        shown = shown.drop(columns=[t("rel.col.detail", lang)])
    st.dataframe(display_frame(shown, lang), hide_index=True, width="stretch")
    st.download_button(t("rel.download_diff", lang), csv_bytes(diff),
                       file_name=f"release-{int(old['release_id'])}-to-{new_id}.csv", mime="text/csv")


def write(action: Callable[[duckdb.DuckDBPyConnection], T]) -> T | None:
    """Run a release write (etl.releases) on a writable connection: its result, or None after showing why it was
    refused (the role, or the release rules); the caches are cleared after a change."""
    try:
        with open_store(db_path(), read_only=False) as con:
            result = action(con)
    except ReleaseRefused as exc:
        st.error(md_escape(exc.text(lang)))
        return None
    except AccessDenied as exc:
        st.error(md_escape(exc))
        return None
    st.cache_data.clear()
    return result


if releases.empty:
    st.info(t("rel.none", lang))
else:
    st.subheader(t("rel.list", lang))
    table = pd.DataFrame({
        t("rel.col.release_id", lang): releases["release_id"],
        t("rel.col.scope", lang): [scope_text(r) for _i, r in releases.iterrows()],
        t("rel.col.title", lang): releases["title"],
        t("rel.col.decision", lang): releases["decision"],
        t("rel.col.decision_date", lang): [format_date(d, lang) for d in releases["decision_date"]],
        t("rel.col.release_date", lang): [format_date(d, lang) for d in releases["release_date"]],
        t("rel.col.status", lang): [t(f"rel.status.{s}", lang) for s in releases["status"]],
        t("rel.col.superseded_by", lang): releases["superseded_by"],
        t("rel.col.batches", lang): releases["batches"],
    })
    st.dataframe(display_frame(table, lang), hide_index=True, width="stretch")
    ids = [str(int(i)) for i in releases["release_id"]]
    by_id = {str(int(r["release_id"])): r.to_dict() for _i, r in releases.iterrows()}
    chosen = by_id[url_selectbox(st, t("rel.pick", lang), ids,
                                 lambda i: f"{i} · {scope_text(by_id[i])} · {by_id[i]['title']}", "show")]
    st.header(t("rel.detail", lang, id=int(chosen["release_id"]), title=md_escape(chosen["title"])))
    baseline = chosen["baseline_batches"]
    st.caption(t("rel.detail_line", lang, scope=scope_text(chosen), decision=md_escape(chosen["decision"]),
                 decision_date=format_date(chosen["decision_date"], lang),
                 date=format_date(chosen["release_date"], lang), batches=chosen["batches"],
                 baseline=t("rel.baseline", lang, batches=baseline) if isinstance(baseline, str) and baseline else "",
                 who=md_escape(chosen["created_by"])))
    st.markdown(f":blue-badge[{t('rel.status.' + chosen['status'], lang)}]")
    page, query = (("rankings", f"level={chosen['scope_key']}&year={int(chosen['year'])}")
                   if chosen["scope"] == "par" else
                   ("satisfaction", f"survey={chosen['scope_key']}&sat_year={int(chosen['year'])}"))
    st.markdown(f"[{t('rel.view_pages', lang, page=t('page.' + page, lang))}]"
                f"({page}?{query}&release={int(chosen['release_id'])})")
    if chosen["status"] == "correcting":
        st.warning(t("rel.correction_open", lang, errata=md_escape(chosen["errata"])))
    if chosen["status"] == "superseded":
        show_diff(chosen, int(chosen["superseded_by"]))
    elif pd.notna(chosen["supersedes"]):
        show_diff(by_id[str(int(chosen["supersedes"]))], int(chosen["release_id"]))

who = actor()
if who.can("release"):
    # Analysts and admins: the forms. etl.releases checks the role again where it writes.
    with st.expander(t("rel.create", lang)):
        st.caption(t("rel.create_note", lang))
        kind = st.radio(t("rel.form.kind", lang), ["par", "survey"], horizontal=True, key="rel_kind",
                        format_func=lambda k: t(f"rel.form.kind.{k}", lang))
        with st.form("release_create"):
            if kind == "par":
                key = st.selectbox(t("rel.form.level", lang), PAR_LEVELS, format_func=lambda v: t(f"level.{v}", lang))
            else:
                key = st.selectbox(t("rel.form.survey", lang), SURVEY_KINDS,
                                   format_func=lambda v: t(f"sat.survey.{v}", lang))
            year = st.number_input(t("rel.form.year", lang), min_value=2000, max_value=date.today().year + 1,
                                   value=date.today().year - 1, step=1)
            title = st.text_input(t("rel.form.title", lang), max_chars=500)
            decision = st.text_input(t("rel.form.decision", lang), max_chars=500)
            left, right = st.columns(2)
            released_on = left.date_input(t("rel.form.date", lang), value=date.today(), format="DD/MM/YYYY")
            decided_on = right.date_input(t("rel.form.decision_date", lang), value=date.today(), format="DD/MM/YYYY")
            errata = st.text_area(t("rel.form.errata", lang), max_chars=500)
            if st.form_submit_button(t("rel.form.submit", lang)):
                new_id = write(lambda con: create_release(
                    con, Scope(kind, key, int(year)), title=title, decision=decision, release_date=released_on,
                    decision_date=decided_on, errata=errata or None, actor=who))
                if new_id is not None:
                    st.success(t("rel.created", lang, id=new_id))
    in_force = releases[releases["status"] == "in_force"] if not releases.empty else releases
    with st.expander(t("rel.open", lang)):
        st.caption(t("rel.open_note", lang))
        if in_force.empty:
            st.caption(t("rel.no_open", lang))
        else:
            with st.form("release_correct"):
                target = st.selectbox(t("rel.open_pick", lang), in_force["release_id"].tolist(),
                                      format_func=lambda i: f"{int(i)} · {in_force.set_index('release_id').loc[i, 'title']}")
                text = st.text_area(t("rel.open_errata", lang), max_chars=500)
                if st.form_submit_button(t("rel.open_submit", lang)):
                    if write(lambda con: open_correction(con, int(target), text, who)) is not None:
                        st.success(t("rel.opened", lang, id=int(target)))
