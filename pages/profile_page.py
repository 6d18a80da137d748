"""A unit's profile for a decision: where it stands, how it moved, where it lost points and what to do,
satisfaction and the head's proposed level, on one screen (metrics.decision), then its history."""
import pandas as pd
import streamlit as st

from etl.names import strip_diacritics
from metrics.decision import unit_decision
from metrics.leaders import rule_sets
from metrics.par_index import LEVEL_SYSTEMS, SOURCE_PRIORITY, assessed_units, available_datasets, system_for_year, unit_results
from metrics.profile import self_vs_appraised, unit_info
from metrics.rounding import difference
from metrics.uncertainty import sentence_values
from metrics.units import list_units
from ui.briefing import briefing_download
from ui.decision_views import (change_sentence, components_view, field_labels, fields_view, lost_view,
                               provenance_view, rank_delta_text, rank_text, satisfaction_view, tasks_view)
from ui.export import chart_config, download_buttons
from ui.figures import fields_chart, history_chart
from ui.i18n import fmt_number, fmt_pct, fmt_signed, region_name, t
from ui.provenance import mark_sources, source_label
from ui.tables import show_table
from ui.state import filters, own_unit, url_selectbox
from ui.store import fetch
from ui.text import md_escape

f = filters()
lang = f.lang
name_col = "name_vi" if lang == "vi" else "name_en"
datasets = fetch(available_datasets, f.level)
present = [s for s in SOURCE_PRIORITY if s in set(datasets.loc[datasets["year"] == f.year, "source"])]
order = ([f.source] if f.source in present else []) if f.source else present


def unit_key(frame: pd.DataFrame) -> pd.Series:
    return frame["code_system"] + ":" + frame["code"]


def unit_label(name: str, key: str) -> str:
    """'Quảng Ninh · Quang Ninh (vn34:22)': the picker filters on this text, so names typed without accents match."""
    plain = strip_diacritics(name)
    return f"{name} · {plain} ({key})" if plain != name else f"{name} ({key})"


def follow_lineage(key: str | None, keys: list[str], everything: pd.DataFrame) -> str | None:
    """`key` itself when listed, else the listed unit it became (or came from) across the reorganisation."""
    if not key or key in keys:
        return key
    row = everything[unit_key(everything) == key]
    if row.empty:
        return None
    for links in (row["successors"].iloc[0], row["predecessors"].iloc[0]):
        for linked in (links or "").split("; "):
            if linked in keys:
                return linked
    return None


def top_ranked(keys: list[str]) -> str | None:
    """The best-ranked unit with an index for the year, from the source the page will show."""
    for candidate in order:
        results = fetch(unit_results, f.level, f.year, candidate)
        scored = results[results["index"].notna() & unit_key(results).isin(keys)]
        if len(scored):
            best = scored.sort_values(["rank", "index"], ascending=[True, False], na_position="last").iloc[0]
            return f"{best['code_system']}:{best['code']}"
    return None


# The picker lists the units of the year's code system (vn63 up to 2024, vn34 from 2025): those are the units
# with figures that year. A link to a unit of the other system still opens it (its history follows the lineage).
everything = pd.concat([fetch(list_units, system, lang) for system in LEVEL_SYSTEMS[f.level]], ignore_index=True)
year_system = system_for_year(f.level, f.year) if f.year else LEVEL_SYSTEMS[f.level][1]
units = everything[everything["code_system"] == year_system]
keys = unit_key(units).tolist()
asked = st.session_state.get("_chosen_unit") or st.query_params.get("unit")
if asked and asked not in keys:
    mapped = follow_lineage(asked, keys, everything)
    if mapped and "_chosen_unit" in st.session_state:      # a choice made this session follows the year's system
        st.session_state["_chosen_unit"] = mapped
    elif asked in set(unit_key(everything)):               # a link names it: keep it, listed after the others
        keys.append(asked)
labels = dict(zip(unit_key(everything), [unit_label(n, k) for n, k in zip(everything["name"], unit_key(everything))]))
default = follow_lineage(own_unit(), keys, everything) or top_ranked(keys) or (keys[0] if keys else None)
key = url_selectbox(st, t("profile.pick", lang), keys, labels.get, "unit", default=default)
code_system, code = key.split(":", 1)
info = fetch(unit_info, code_system, code)
name = info[name_col]
st.title(t("profile.title", lang, name=md_escape(name)))
region = region_name(info["region"], lang) or "—"
st.caption(t("profile.identity", lang, ref=key, kind=t(f"kind.{info['kind']}", lang), region=region))
if len(info["predecessors"]) and not (len(info["predecessors"]) == 1 and info["predecessors"]["relation"].iloc[0] == "continued"):
    p = info["predecessors"]
    st.caption(t("profile.predecessors", lang, units=md_escape(", ".join(p[name_col] + " (" + p["from_system"] + ":" + p["from_code"] + ")")),
                 date=pd.Timestamp(p["effective_date"].iloc[0]).strftime("%d/%m/%Y"), act=md_escape(p["legal_act"].iloc[0])))
if len(info["successors"]):
    s = info["successors"]
    st.caption(t("profile.successor", lang, units=md_escape(", ".join(s[name_col] + " (" + s["to_system"] + ":" + s["to_code"] + ")")),
                 date=pd.Timestamp(s["effective_date"].iloc[0]).strftime("%d/%m/%Y"), act=md_escape(s["legal_act"].iloc[0])))

# Every figure below comes from one dict (metrics.decision), the same one the briefing documents print.
rules_table = fetch(rule_sets)
rule_titles = dict(zip(rules_table["name"], rules_table["title_vi" if lang == "vi" else "title_en"]))
rules = (url_selectbox(st.sidebar, t("decision.rules", lang), rules_table["name"].tolist(),
                       lambda n: str(rule_titles.get(n) or n), "rules", default="default")
         if len(rules_table) else None)
decision = fetch(unit_decision, code_system, code, f.year, f.source, rules)
source, history = decision["source"], decision["history"]
mark_sources(set(history["source"]) | {p["source"] for p in decision["provenance"]}, lang)

if source is not None:    # the briefing prints this same dict: one to two A4 pages, PDF, DOCX or Markdown
    briefing_download(st, key, f.year, lang, source=f.source, rules=rules, decision=decision, key="profile_briefing")

st.subheader(t("decision.q1", lang))
if source is None:
    st.info(t("profile.no_year", lang, year=f.year, source=", ".join(source_label(s, lang) for s in order) or "—"))
else:
    change, national = decision["change"], decision["national"]
    cols = st.columns(4)
    cols[0].metric(t("decision.index", lang, year=f.year), fmt_pct(decision["index"], lang),
                   delta=None if change["index"] is None else fmt_signed(change["index"], lang))
    cols[1].metric(t("decision.rank", lang), rank_text(decision, lang), delta=rank_delta_text(change["rank"], lang),
                   delta_color="normal" if change["rank"] else "off")
    cols[1].caption(t(f"rank_basis.{decision['rank_basis']}", lang))
    if decision["uncertainty"]:
        sentence_key, values = sentence_values(decision["uncertainty"])
        cols[1].caption(t(sentence_key, lang, **values))
    cols[2].metric(t("col.group", lang), decision["group"] or "—")
    if national["average"] is not None:
        cols[3].metric(t("decision.national", lang), fmt_pct(national["average"], lang), delta_color="off",
                       delta=t("decision.gap", lang, gap=fmt_signed(difference(decision["index"], national["average"]),
                                                                    lang)))
        cols[3].caption(t("decision.national_basis.published", lang) if national["basis"] == "published" else
                        t("decision.national_basis.computed", lang, n=decision["units_total"],
                          source=source_label(national["source"], lang)))
    else:
        cols[3].metric(t("decision.national", lang), "—")
        cols[3].caption(t("decision.no_national", lang))
    if len(decision["components"]):
        show_table(st, components_view(decision["components"], lang), lang)
    elif decision["appraisal"] is not None:
        st.caption(f"{t('col.appraisal', lang)} {fmt_number(decision['appraisal'], lang)} + "
                   f"{t('col.survey', lang)} {fmt_number(decision['survey'], lang)}")
    st.caption(t("overview.source_line", lang, source=source_label(source, lang), batches=decision["batch_id"],
                 method=t("overview.method_scores" if decision["rank_basis"] == "computed"
                          else "overview.method_totals", lang)))

    st.subheader(t("decision.q2", lang))
    st.write(change_sentence(decision, lang, name, fetch(assessed_units, LEVEL_SYSTEMS[f.level][0])))
    if change.get("framework_changed"):
        st.caption(t("decision.framework_changed", lang, year=f.year))
    fields = decision["fields"]
    labels = field_labels(fields, lang)
    if fields.empty:
        st.caption(t("profile.needs_criteria", lang))
    else:
        field_table = fields_view(fields, lang)
        show_table(st, field_table, lang)
        download_buttons(st, field_table, f"profile-{key}-fields-{f.year}", lang)
        if fields["average"].isna().all():
            st.caption(t("decision.partial_fields", lang))
        with st.expander(t("profile.fields", lang)):
            st.plotly_chart(fields_chart(fields, lang, name), width="stretch",
                            config=chart_config(f"profile-{key}-fields-{f.year}"))

    st.subheader(t("decision.q3", lang))
    lost = decision["lost"]
    if lost.empty:
        st.caption(t("profile.needs_criteria", lang))
    else:
        st.caption(t("decision.lost_intro", lang, total=fmt_number(float(lost["lost"].sum()), lang)))
        if (lost["kind"] != "criterion").all():
            st.caption(t(f"decision.lost_{lost['kind'].iloc[0]}s", lang))
        chosen = "*" if not labels else st.selectbox(
            t("profile.drill", lang), ["*"] + list(labels), key=f"drill.{lang}",
            format_func=lambda c: t("profile.all_fields", lang) if c == "*" else labels[c])
        lost_table = lost_view(lost if chosen == "*" else lost[lost["field_code"] == chosen], lang)
        show_table(st, lost_table.head(10) if chosen == "*" else lost_table, lang)
        download_buttons(st, lost_view(lost, lang), f"profile-{key}-lost-points-{f.year}", lang)  # every row
    st.markdown(f"**{t('decision.tasks', lang, year=f.year)}**")
    if decision["tasks"].empty:
        st.caption(t("decision.no_tasks", lang, year=f.year))
    else:
        show_table(st, tasks_view(decision["tasks"], labels, lang), lang)

    st.subheader(t("decision.q4", lang))
    st.markdown(f"**{t('decision.satisfaction', lang)}**")
    if decision["satisfaction"].empty:
        st.caption(t("decision.no_satisfaction", lang, year=f.year))
    else:
        show_table(st, satisfaction_view(decision["satisfaction"], lang), lang)
    leader = decision["leader"]
    if leader is None:
        st.caption(t("decision.leader_none", lang))
    else:
        st.markdown(t("decision.leader", lang, rules=md_escape(str(rule_titles.get(leader["rule_set"])
                                                                   or leader["rule_set"])),
                      level=f"**{t('level_rating.' + (leader['level'] or 'none'), lang)}**"))
        for reason in leader[f"reasons_{lang}"]:
            st.markdown(f"- {md_escape(reason)}")
        if leader["provisional"]:
            st.caption(t("decision.leader_provisional", lang,
                         missing=md_escape("; ".join(leader[f"missing_{lang}"]))))

st.subheader(t("profile.history", lang))
if len(history):
    st.plotly_chart(history_chart(history, lang), width="stretch", config=chart_config(f"profile-{key}-history"))
    download_buttons(st, history, f"profile-{key}-history", lang)
    st.caption(t("profile.history_note", lang))

gap = fetch(self_vs_appraised, code_system, code, f.year, source) if source else pd.DataFrame()
if not gap.empty:
    st.subheader(t("profile.self", lang))
    gap_table = pd.DataFrame({t("col.field_code", lang): gap["field_code"] + ". " + gap[name_col],
                              t("col.self_points", lang): gap["self_points"],
                              t("col.appraised_points", lang): gap["appraised_points"],
                              t("col.gap", lang): gap["gap"]})
    show_table(st, gap_table, lang)
    download_buttons(st, gap_table, f"profile-{key}-self-vs-appraised-{f.year}", lang)

with st.expander(t("decision.provenance", lang)):
    show_table(st, provenance_view(decision["provenance"], lang), lang)
