"""Heads' evaluation: each unit head's proposed level under a rule set, why, and last year's level."""
import pandas as pd
import streamlit as st

from etl.db import open_store
from etl.rules import RuleError, parse_rule_set, save_rule_set
from metrics.leaders import leader_proposals, local_scopes, rule_sets
from metrics.rules import propose_all
from ui.export import xlsx_bytes
from ui.format import code_label, display_frame, localise_numbers
from ui.i18n import STRINGS, fmt_number, t
from metrics.par_index import SourceUnavailable
from ui.provenance import mark_sources, source_label, source_unavailable
from ui.auth import actor
from ui.state import filters, release_rules_status, release_status, url_selectbox
from ui.store import db_path, fetch
from ui.text import md_escape

f = filters()
lang = f.lang
sets = fetch(rule_sets)
titles = dict(zip(sets["name"], sets["title_vi" if lang == "vi" else "title_en"]))
name = url_selectbox(st, t("leaders.rules", lang), sets["name"].tolist(), titles.get, "rules", default="default")
# The sidebar's level, or a province's (ministry's) own departments, districts or communes when loaded.
scopes = fetch(local_scopes)
scope_keys = [""] + scopes["code_system"].tolist()
scope = st.selectbox(t("leaders.scope", lang), scope_keys, key=f"scope.{lang}",
                     format_func=lambda k: t(f"level.{f.level}", lang) if not k else
                     f"{t('level.' + scopes.set_index('code_system').loc[k, 'level'], lang)} · {k}")
local_level = scopes.set_index("code_system").loc[scope, "level"] if scope else None
title_level = f"{t('level.' + local_level, lang)} · {md_escape(scope)}" if scope else t(f"level.{f.level}", lang)
st.title(t("leaders.title", lang, year=f.year, level=title_level))
st.caption(t("leaders.intro", lang))
chosen = sets.set_index("name").loc[name]
# A shipped rule set's source note has a translation, used only while the stored note is still the shipped one;
# an uploaded or edited note is shown as its author wrote it.
note_key = f"leaders.rules_source.{name}"
shipped = note_key in STRINGS and " ".join(str(chosen["source"]).split()) == " ".join(t(note_key, "en").split())
source_note = t(note_key, lang) if shipped else chosen["source"]
st.caption(t("leaders.rules_source", lang, source=md_escape(source_note)))   # data: shown as text
try:
    if scope:
        proposals, source = fetch(leader_proposals, local_level, f.year, name, f.source, scope)
    else:
        proposals, source = (fetch(leader_proposals, f.level, f.year, name, f.source) if f.year
                             else (pd.DataFrame(), None))
except SourceUnavailable as missing:
    source_unavailable(missing, lang, f"{title_level} {f.year}")
    st.stop()
if proposals.empty:
    st.info(t("leaders.none", lang))
    st.stop()
mark_sources({source} | set(proposals.get("sipas_source", pd.Series(dtype=str)).dropna()), lang)
st.caption(f"{t('filter.source', lang)}: {source_label(source, lang)}")
if not scope:
    release_status("par", f.level, f.year, lang)   # the proposals name the release they come from (or a draft)
    release_rules_status(f.level, f.year, name, titles.get(name) or name, lang)   # ... and that the rules do not


def outcome_text(line: str) -> str:
    """'bands: index 94.20 >= 80' as the reader's language writes it: the rule's name, numbers with a comma in vi."""
    rule, sep, reason = line.partition(": ") if isinstance(line, str) else ("", "", line)
    if not sep:
        return localise_numbers(line, lang)
    return f"{code_label('leaders.rule.', rule, lang)}: {localise_numbers(reason, lang)}"


def outcomes_text(lines) -> str:
    """Outcomes as one cell, whether stored as a list or as text joined with '; '."""
    if isinstance(lines, str):
        lines = lines.split("; ") if lines else []
    elif lines is None or (isinstance(lines, float) and pd.isna(lines)):
        lines = []
    return "; ".join(outcome_text(line) for line in lines) or "—"


def level_label(level) -> str:
    return t(f"level_rating.{level}" if isinstance(level, str) else "level_rating.none", lang)


left, right = st.columns(2)
groups = sorted(proposals["group"].dropna().unique())
picked_groups = left.multiselect(t("leaders.filter_group", lang), groups, key=f"lg.{lang}",
                                 placeholder=t("common.all", lang))
levels = [lv for lv in ("excellent", "good", "completed", "not_completed") if lv in set(proposals["proposed_level"])]
picked_levels = right.multiselect(t("leaders.filter_level", lang), levels, format_func=level_label, key=f"ll.{lang}",
                                  placeholder=t("common.all", lang))
shown = proposals
if picked_groups:
    shown = shown[shown["group"].isin(picked_groups)]
if picked_levels:
    shown = shown[shown["proposed_level"].isin(picked_levels)]
counts = proposals["proposed_level"].value_counts()
columns = st.columns(4)
for column, level in zip(columns, ("excellent", "good", "completed", "not_completed")):
    column.metric(level_label(level), int(counts.get(level, 0)))
name_col = "name" if lang == "vi" else "name_en"
table = pd.DataFrame({
    t("col.unit", lang): shown[name_col], t("col.index", lang): [fmt_number(v, lang) for v in shown["index"]],
    t("col.rank", lang): shown["rank"], t("col.group", lang): shown["group"],
    t("col.proposed_level", lang): [level_label(lv) + (f" ({t('leaders.provisional', lang)})" if p else "")
                                    for lv, p in zip(shown["proposed_level"], shown["provisional"])],
    t("col.reasons", lang): shown["reasons_vi" if lang == "vi" else "reasons"].map(outcomes_text),
    t("col.missing", lang): shown["missing_vi" if lang == "vi" else "missing"].map(outcomes_text),
    t("col.flags", lang): shown["flags_vi" if lang == "vi" else "flags"].map(outcomes_text), t("col.previous_level", lang): shown["previous_level"].map(
        lambda lv: level_label(lv) if isinstance(lv, str) else "—"),
})
st.dataframe(display_frame(table, lang), hide_index=True, width="stretch")
st.caption(t("leaders.provisional_note", lang))
st.download_button(t("common.download_xlsx", lang), xlsx_bytes(table, f"{name} {f.year}"),
                   file_name=f"danh-gia-nguoi-dung-dau-{f.level}-{f.year}-{name}.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

if actor().can("edit_rules"):
    with st.expander(t("leaders.manage", lang)):
        st.markdown(f"**{t('leaders.current_yaml', lang)}**")
        st.code(chosen["yaml"], language="yaml")
        uploaded = st.file_uploader(t("leaders.upload", lang), type=["yaml", "yml"], key="rules_upload")
        if uploaded is not None:
            text = uploaded.getvalue().decode("utf-8-sig", errors="replace")
            try:
                candidate = parse_rule_set(text, uploaded.name)
            except RuleError as exc:
                st.error(md_escape(exc.message(lang)))
            else:
                st.success(t("leaders.valid", lang, name=md_escape(candidate["name"]), n=len(candidate["rules"])))
                st.markdown(f"**{t('leaders.preview', lang)}**")
                facts = proposals.drop(columns=["proposed_level", "provisional", "reasons", "reasons_vi", "missing",
                                                "missing_vi", "flags", "flags_vi", "outcomes", "previous_level"])
                preview = propose_all(candidate, facts)
                changed = proposals[["code", name_col, "proposed_level"]].merge(
                    preview[["code", "proposed_level"]].rename(columns={"proposed_level": "new"}), on="code")
                changed = changed[changed["proposed_level"].fillna("") != changed["new"].fillna("")]
                if changed.empty:
                    st.caption(t("leaders.no_change", lang))
                else:
                    st.dataframe(pd.DataFrame({t("col.unit", lang): changed[name_col],
                                               t("col.current_level", lang): changed["proposed_level"].map(level_label),
                                               t("col.new_level", lang): changed["new"].map(level_label)}),
                                 hide_index=True, width="stretch")
                if st.button(t("leaders.save", lang), type="primary"):
                    with open_store(db_path(), read_only=False) as con:
                        batch = save_rule_set(con, text, file_name=uploaded.name, actor=actor())
                    st.cache_data.clear()
                    st.success(t("leaders.saved", lang, name=md_escape(candidate["name"]), batch=batch))
