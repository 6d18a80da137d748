"""A unit's profile: lineage, index and rank over the years, fields against the country, lost points."""
import pandas as pd
import streamlit as st

from etl.names import strip_diacritics
from metrics.par_index import (LEVEL_SYSTEMS, SOURCE_PRIORITY, assessed_units, available_datasets, system_for_year,
                               unit_results)
from metrics.profile import (fields_against_country, lost_points, self_vs_appraised, sipas_summary, unit_history,
                             unit_info)
from metrics.units import list_units
from ui.export import chart_config, download_buttons
from ui.figures import fields_chart, history_chart
from ui.i18n import fmt_number, fmt_pct, region_name, t
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

# The year's figures come from one dataset: the chosen source (never another in its place), or automatically the
# first of upload, published, demo that has the unit.
row, source, results = None, None, None
for candidate in order:
    results = fetch(unit_results, f.level, f.year, candidate)
    match = results[(results["code_system"] == code_system) & (results["code"] == code)]
    if len(match) and pd.notna(match["index"].iloc[0]):
        row, source = match.iloc[0], candidate
        break
history = fetch(unit_history, code_system, code)
mark_sources(set(history["source"]) | ({source} if source else set()), lang)

if row is None:
    st.info(t("profile.no_year", lang, year=f.year, source=", ".join(source_label(s, lang) for s in order) or "—"))
else:
    n_units = int(info_total) if (info_total := fetch(assessed_units, code_system)) else None
    cols = st.columns(4)
    cols[0].metric(t("col.index", lang), fmt_pct(row["index"], lang))
    rank_text = (t("rank.not_published", lang) if pd.isna(row["rank"])
                 else (t("profile.rank_of", lang, rank=int(row["rank"]), n=n_units) if n_units else str(int(row["rank"]))))
    cols[1].metric(t("col.rank", lang), rank_text)
    cols[1].caption(t(f"rank_basis.{row['rank_basis']}", lang))
    cols[2].metric(t("col.group", lang), row["group"] or "—")
    cols[3].metric(t("col.appraisal", lang) + " + " + t("col.survey", lang),
                   f"{fmt_number(row['appraisal'], lang)} + {fmt_number(row['survey'], lang)}"
                   if pd.notna(row["appraisal"]) else t("common.not_available", lang))
    st.caption(t("overview.source_line", lang, source=source_label(source, lang), batches=int(row["batch_id"]),
                 method=t("overview.method_scores" if row["rank_basis"] == "computed" else "overview.method_totals", lang)))

st.subheader(t("profile.history", lang))
if len(history):
    st.plotly_chart(history_chart(history, lang), width="stretch", config=chart_config(f"profile-{key}-history"))
    download_buttons(st, history, f"profile-{key}-history", lang)
    st.caption(t("profile.history_note", lang))

st.subheader(t("profile.fields", lang))
fields = fetch(fields_against_country, code_system, code, f.year, source) if source else pd.DataFrame()
if fields.empty or fields["index"].isna().all():
    st.caption(t("profile.needs_criteria", lang))
else:
    st.plotly_chart(fields_chart(fields, lang, name), width="stretch",
                    config=chart_config(f"profile-{key}-fields-{f.year}"))
    download_buttons(st, fields, f"profile-{key}-fields-{f.year}", lang)
    ranked = fields.dropna(subset=["index"]).sort_values("index")
    left, right = st.columns(2)
    best, worst = ranked.iloc[-1], ranked.iloc[0]
    left.metric(f"{t('profile.strongest', lang)}: {best['field_code']}. {md_escape(best[name_col])}", fmt_pct(best["index"], lang))
    right.metric(f"{t('profile.weakest', lang)}: {worst['field_code']}. {md_escape(worst[name_col])}", fmt_pct(worst["index"], lang))

st.subheader(t("profile.lost", lang))
lost = fetch(lost_points, code_system, code, f.year, source) if source else pd.DataFrame()
if lost.empty:
    st.caption(t("profile.needs_criteria", lang))
else:
    field_labels = {c: f"{c}. {n}" for c, n in zip(lost["field_code"], lost["field_vi" if lang == "vi" else "field_en"])}
    chosen = st.selectbox(t("profile.drill", lang), ["*"] + sorted(field_labels, key=lambda c: int(c) if c.isdigit() else 0),
                          format_func=lambda c: t("profile.all_fields", lang) if c == "*" else field_labels[c],
                          key=f"drill.{lang}")
    subset = lost if chosen == "*" else lost[lost["field_code"] == chosen]
    lost_table = pd.DataFrame({
        t("col.criterion", lang): subset["criterion_code"] + " " + subset[name_col],
        t("col.component", lang): subset["component"].map(lambda c: t(f"component.{c}", lang)),
        t("col.max_points", lang): subset["max_points"], t("col.points", lang): subset["points"],
        t("col.lost", lang): subset["lost"]})
    show_table(st, lost_table.head(10 if chosen == "*" else len(subset)), lang)
    download_buttons(st, lost_table, f"profile-{key}-lost-points-{f.year}", lang)   # every criterion, not the 10

gap = fetch(self_vs_appraised, code_system, code, f.year, source) if source else pd.DataFrame()
if not gap.empty:
    st.subheader(t("profile.self", lang))
    gap_table = pd.DataFrame({t("col.field_code", lang): gap["field_code"] + ". " + gap[name_col],
                              t("col.self_points", lang): gap["self_points"],
                              t("col.appraised_points", lang): gap["appraised_points"],
                              t("col.gap", lang): gap["gap"]})
    show_table(st, gap_table, lang)
    download_buttons(st, gap_table, f"profile-{key}-self-vs-appraised-{f.year}", lang)

if f.level == "province":
    st.subheader(t("profile.satisfaction", lang))
    sipas = fetch(sipas_summary, code_system, code, f.year)
    if sipas is None:
        st.caption(t("profile.no_sipas", lang, year=f.year))
    else:
        if sipas["survey"]:
            if sipas["survey"]["source"] == "demo" and "demo" not in set(history["source"]) | {source}:
                mark_sources({"demo"}, lang)  # the only demo figure on the page still gets its marker
            st.write(t("profile.sipas_survey", lang, pct=fmt_pct(sipas["survey"]["pct_satisfied"], lang),
                       n=int(sipas["survey"]["respondents"]), source=source_label(sipas["survey"]["source"], lang)))
        if sipas["published"]:
            p = sipas["published"]
            st.write(t("profile.sipas_published", lang, pct=fmt_pct(p["sipas_pct"], lang),
                       rank="—" if pd.isna(p["rank"]) else int(p["rank"])))
            st.caption(f"{source_label('published', lang)}: {md_escape(p['source_ref'])}")
