"""Method notes: how the index is computed, the criteria sets, groups, survey instruments, glossary."""
import pandas as pd
import streamlit as st

from etl.paths import DATA_DIR
from metrics.provenance import framework_bands, framework_facts, framework_fields, frameworks, instruments
from ui.format import code_label, display_frame
from ui.i18n import fmt_number, t
from ui.state import filters, url_selectbox
from ui.store import fetch
from ui.text import md_escape

lang = filters().lang
vi = lang == "vi"
st.title(t("method.title", lang))
st.subheader(t("method.par", lang))
st.write(t("method.par_text", lang))

st.subheader(t("method.frameworks", lang))
sets = fetch(frameworks)
titles = sets.set_index("framework_id")["title_vi" if vi else "title_en"]
chosen = url_selectbox(st, t("method.framework_pick", lang), sets["framework_id"].tolist(), titles.get, "framework")
info = sets.set_index("framework_id").loc[chosen]
last = "…" if pd.isna(info["last_year"]) else int(info["last_year"])
st.caption(f"{md_escape(info['decision'])} · " + t("method.years", lang, first=int(info["first_year"]), last=last) + " · "
           + t("method.appraisal_survey", lang, a=fmt_number(info["appraisal_max"], lang, 1),
               s=fmt_number(info["survey_max"], lang, 1)))
if info["points_illustrative"]:
    st.warning(t("method.illustrative", lang))
if info["known_facts"]:
    st.caption(md_escape(info["known_facts"]))
# The set's stated figures (the appraisal/survey split, counts of fields, criteria and sub-criteria), each marked
# official with the source that printed it, or illustrative with the reason (metrics.provenance.framework_facts).
facts = fetch(framework_facts, chosen)
if len(facts):
    st.markdown(f"**{t('content.facts', lang)}**")
    st.caption(t("content.facts_intro", lang))
    st.dataframe(display_frame(pd.DataFrame({
        t("col.fact", lang): [code_label("content.fact.", fact, lang) for fact in facts["fact"]],
        t("col.value", lang): [fmt_number(v, lang, 0 if float(v).is_integer() else 1) for v in facts["value"]],
        t("col.mark", lang): [t("content.official" if official else "content.illustrative", lang)
                              for official in facts["official"]],
        t("col.source", lang): facts["source"]}), lang), hide_index=True, width="stretch")
fields = fetch(framework_fields, chosen).drop(columns=["name_en" if vi else "name_vi"])
fields = fields.rename(columns={"name_vi": t("col.name", lang), "name_en": t("col.name", lang),
                                **{c: t(f"col.{c}", lang) for c in ("field_code", "max_points", "appraisal_max",
                                                                    "survey_max", "criteria", "max_official",
                                                                    "max_source")}})
st.dataframe(display_frame(fields, lang, {t('col.max_points', lang): 2, t('col.appraisal_max', lang): 2, t('col.survey_max', lang): 2}), hide_index=True, width="stretch")
st.markdown(f"**{t('method.bands', lang)}**")
bands = fetch(framework_bands, chosen)
bands = bands[["group_code", "min_index", "label_vi" if vi else "label_en"]]
st.dataframe(display_frame(bands.set_axis([t("col.group", lang), t("col.min_index", lang), t("col.label", lang)],
                                           axis=1), lang, {t("col.min_index", lang): 2}),
             hide_index=True)

st.subheader(t("method.instruments", lang))
for row in fetch(instruments).itertuples():
    title = row.title_vi if vi else row.title_en
    line = t("method.instrument_items", lang, n=row.items, min=row.scale_min, max=row.scale_max)
    if not pd.isna(row.na_code):
        line += "; " + t("method.na_code", lang, code=int(row.na_code))
    method = row.method if vi else row.method.replace(t("method.decision", "vi"), t("method.decision", lang))
    with st.expander(f"{title} — {method}"):
        st.write(line)
        st.write(row.dimensions_vi if vi else row.dimensions_en)

st.subheader(t("method.glossary", lang))
glossary = pd.read_csv(DATA_DIR / "reference" / "glossary.csv", dtype=str, keep_default_na=False)
# The notes are written in English only: shown on the English page; the Vietnamese page lists the terms.
glossary = glossary.drop(columns=["note"]) if vi else glossary
st.dataframe(glossary.rename(columns={c: t(f"col.{c}", lang) for c in glossary.columns}), hide_index=True,
             width="stretch")
