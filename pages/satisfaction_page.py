"""Satisfaction: SIPAS, patients and schools, ranked with intervals, by item, over time, compared."""
import pandas as pd
import streamlit as st

import metrics.satisfaction as sat
from metrics.units import list_units
from ui.figures import OFFLINE_GEO_CONFIG, likert_bars, satisfaction_bars, scatter_with_fit, trend_band, value_map
from ui.geo import boundaries
from ui.i18n import fmt_number, fmt_pct, t
from ui.provenance import mark_sources, source_label
from ui.state import filters, url_selectbox
from ui.store import fetch

lang = filters().lang
vi = lang == "vi"
name_col, set_col = ("name_vi", "set_vi") if vi else ("name_en", "set_en")
datasets = fetch(sat.survey_datasets)
surveys = [s for s in sat.SURVEYS if s in set(datasets["survey"])]
if not surveys:
    st.title(t("page.satisfaction", lang))
    st.info(t("sat.no_data", lang))
    st.stop()
left, right = st.columns(2)
survey = url_selectbox(left, t("sat.survey", lang), surveys, lambda s: t(f"sat.survey.{s}", lang), "survey")
years = sorted({int(y) for y in datasets.loc[datasets["survey"] == survey, "year"]}, reverse=True)
year = int(url_selectbox(right, t("sat.year", lang), [str(y) for y in years], str, "sat_year"))
table = fetch(sat.satisfaction_table, survey, year, level="province")
mark_sources(set(table["source"]), lang)
st.title(t("sat.title", lang, year=year, survey=t(f"sat.survey.{survey}", lang)))
national = table[(table["row_level"] == "national") & (table["set_code"] == sat.OVERALL)].iloc[0]
complete = bool(national["coverage_complete"])
if not complete:
    st.warning(t("sat.coverage_warning", lang, k=int(national["units_covered"]), n=int(national["units_total"])))
design_note = t("sat.design_note", lang, design=t(f"sat.design.{national['design']}", lang),
                df=fmt_number(national["df"], lang, 0))


def headline(row, label: str) -> None:
    """A headline figure with its interval, respondents and the design the interval rests on."""
    text = t("sat.headline", lang, pct=fmt_pct(row["pct_satisfied"], lang), low=fmt_pct(row["pct_ci_low"], lang),
             high=fmt_pct(row["pct_ci_high"], lang), n=f"{int(row['n_respondents']):,}".replace(",", "." if vi else ","))
    st.metric(label, fmt_pct(row["pct_satisfied"], lang), help=text)
    st.caption(text + " · " + t("sat.design_note", lang, design=t(f"sat.design.{row['design']}", lang),
                                df=fmt_number(row["df"], lang, 0))
               + f" · {t('filter.source', lang)}: {source_label(row['source'], lang)}")


prefix = "" if complete else f"{national[name_col]} · "
if survey == "health":
    per_form = fetch(sat.health_indicators, year, level="national")
    columns = st.columns(max(len(per_form), 1))
    for column, form_row in zip(columns, per_form.itertuples()):
        with column:
            headline({"pct_satisfied": form_row.satisfaction_rate, "pct_ci_low": form_row.rate_ci_low,
                      "pct_ci_high": form_row.rate_ci_high, "n_respondents": form_row.n_respondents,
                      "design": form_row.design, "df": form_row.df, "source": form_row.source},
                     prefix + (form_row.form_vi if vi else form_row.form_en))
    st.caption(t("sat.health_per_form", lang))
else:
    headline(national, prefix + national[set_col])

sets = table[table["row_level"] == "national"][["set_code", set_col]].drop_duplicates()
tabs = st.tabs([t(f"sat.tab.{k}", lang) for k in ("rank", "items", "trend", "compare", "drill", "special", "method")])

with tabs[0]:
    chosen_set = st.selectbox(t("sat.set", lang), sets["set_code"].tolist(),
                              format_func=dict(zip(sets["set_code"], sets[set_col])).get, key=f"set.{survey}.{lang}")
    ranked = sat.rank_units(table, chosen_set)
    targets = sat.distance_to_target(table)
    target_rows = targets[(targets["row_level"] == "national")] if len(targets) else targets
    target = float(target_rows["target"].iloc[0]) if len(target_rows) else None
    chart, map_col = st.columns([3, 2])
    chart.plotly_chart(satisfaction_bars(ranked, lang, target), width="stretch", config={"displaylogo": False})
    chart.caption(t("sat.rank_note", lang) + " " + design_note)
    system = ranked["code_system"].mode().iloc[0] if len(ranked) else None
    geojson = boundaries(system) if system else None
    if geojson:
        frame = pd.DataFrame({"code": ranked["code"],
                              "value": ranked["pct_satisfied"].where(ranked["flag"] != "suppressed"),
                              "label": [f"{n}: {fmt_pct(v, lang, 1)} (n = {k})" for n, v, k in
                                        zip(ranked[name_col], ranked["pct_satisfied"], ranked["n_respondents"])]})
        map_col.plotly_chart(value_map(frame, geojson, lang, t("sat.pct", lang)), width="stretch",
                             config={"displaylogo": False, "scrollZoom": False, **OFFLINE_GEO_CONFIG})
    if len(targets):
        st.markdown(f"**{t('sat.targets', lang)}**")
        st.dataframe(targets[[name_col, "target", "deadline_year", "pct_satisfied", "distance", "status",
                              "target_source"]].round(2), hide_index=True, width="stretch")

with tabs[1]:
    units = fetch(list_units, "vn34" if year >= 2025 else "vn63", lang)
    scope = st.selectbox(t("sat.scope", lang), [""] + (units["code_system"] + ":" + units["code"]).tolist(),
                         format_func=lambda k: t("sat.national", lang) if not k else
                         units.set_index(units["code_system"] + ":" + units["code"]).loc[k, "name"],
                         key=f"scope.{survey}.{lang}")
    items = fetch(sat.item_table, survey, year, level="national" if not scope else "province", unit=scope or None)
    by_dimension = sat.likert_distribution(items, by="dimension")
    if len(by_dimension):
        labels = dict(zip(sets["set_code"], sets[set_col]))
        by_dimension["label"] = by_dimension["dimension"].map(lambda d: labels.get(d, d))
        st.markdown(f"**{t('sat.by_dimension', lang)}**")
        st.plotly_chart(likert_bars(by_dimension, "label", lang), width="stretch", config={"displaylogo": False})
        by_item = sat.likert_distribution(items, by="item")
        wording = dict(zip(items["item_code"], items["wording_vi" if vi else "wording_en"]))
        by_item["label"] = by_item["item"].map(lambda c: f"{c} · {wording.get(c, '')}"[:70])
        with st.expander(t("sat.by_item", lang)):
            st.plotly_chart(likert_bars(by_item, "label", lang), width="stretch", config={"displaylogo": False})
        extremes = sat.extreme_items(items)
        weak, strong = st.columns(2)
        for column, key, part in ((weak, "sat.weakest", extremes.head(5)), (strong, "sat.strongest", extremes.tail(5))):
            column.markdown(f"**{t(key, lang)}**")
            column.dataframe(pd.DataFrame({"item": part["item_code"], t("sat.pct", lang): part["pct_satisfied"].round(1),
                                           "n": part["n_respondents"]}), hide_index=True, width="stretch")

with tabs[2]:
    trend = fetch(sat.satisfaction_trend, survey, unit=scope or None)
    if len(trend):
        st.plotly_chart(trend_band(trend, lang), width="stretch", config={"displaylogo": False})
        st.dataframe(trend[["year", "n_respondents", "pct_satisfied", "pct_ci_low", "pct_ci_high", "change",
                            "change_p", "change_significant", "source"]].round(3), hide_index=True, width="stretch")

with tabs[3]:
    keys = [""] + (units["code_system"] + ":" + units["code"]).tolist()
    label = (lambda k: t("sat.national", lang) if not k else units.set_index(units["code_system"] + ":" + units["code"])
             .loc[k, "name"])
    a, b = st.columns(2)
    year_a = a.selectbox(t("sat.compare_a", lang) + " · " + t("sat.year", lang), years, index=min(1, len(years) - 1),
                         key=f"ya.{survey}")
    unit_a = a.selectbox(t("sat.compare_a", lang) + " · " + t("sat.scope", lang), keys, format_func=label,
                         key=f"ua.{survey}.{lang}")
    year_b = b.selectbox(t("sat.compare_b", lang) + " · " + t("sat.year", lang), years, index=0, key=f"yb.{survey}")
    unit_b = b.selectbox(t("sat.compare_b", lang) + " · " + t("sat.scope", lang), keys, format_func=label,
                         key=f"ub.{survey}.{lang}")
    try:
        result = fetch(sat.compare, survey, (int(year_a), unit_a or None), (int(year_b), unit_b or None))
    except ValueError as exc:   # the two sides have no source in common, or a scope that does not fit
        st.warning(str(exc))
    else:
        diff = result["difference"]
        a.metric(t("sat.pct", lang), fmt_pct(result["a"]["pct_satisfied"], lang))
        b.metric(t("sat.pct", lang), fmt_pct(result["b"]["pct_satisfied"], lang))
        st.info(t("sat.compare_result", lang, diff=fmt_number(diff["difference"], lang),
                  p=f"{diff['p_value']:.3g}", marker=t("sat.significant" if result["significant"] else
                                                       "sat.not_significant", lang)))
        st.caption(t("sat.mann_whitney", lang, p=f"{result['mann_whitney']['p_value']:.3g}")
                   + (" · " + t("sat.tested_rest", lang) if result["tested_against"] == "rest" else "")
                   + (" · " + result["note"] if result["tested_against"] != "rest" and result["note"] else ""))

with tabs[4]:
    if survey == "sipas":
        st.caption(t("sat.no_data", lang))
    else:
        province = st.selectbox(t("sat.unit", lang), keys[1:], format_func=label, key=f"drill.{survey}.{lang}")
        detail = fetch(sat.drill_down, survey, year, province)
        st.dataframe(pd.DataFrame({
            t("col.unit", lang): detail[name_col], t("sat.set", lang): detail[set_col],
            "n": detail["n_respondents"], t("sat.pct", lang): detail["pct_satisfied"].round(1),
            "CI": [f"{lo:.1f}–{hi:.1f}" if pd.notna(lo) else "" for lo, hi in zip(detail["pct_ci_low"], detail["pct_ci_high"])],
            t("sat.form", lang): detail["forms"].map(lambda f: t("sat.form_pooled", lang) if f == sat.POOLED else f),
            "design": [t(f"sat.design.{d}", lang) + f" (df {int(f)})" if pd.notna(f) else t(f"sat.design.{d}", lang)
                       for d, f in zip(detail["design"], detail["df"])],
            "flag": detail["flag"]}), hide_index=True, width="stretch")

with tabs[5]:
    if survey == "sipas":
        overview = fetch(sat.sipas_overview, year)
        overall = overview["overall"]
        st.dataframe(pd.DataFrame({t("sat.set", lang): overall[name_col], t("sat.pct", lang): overall["pct_satisfied"].round(2),
                                   "CI": [f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(overall["pct_ci_low"], overall["pct_ci_high"])],
                                   "n": overall["n_respondents"]}), hide_index=True, width="stretch")
        st.caption(t("sat.sipas_two_ways", lang))
        st.dataframe(overview["elements"], hide_index=True, width="stretch")
        if len(overview["published_national"]):
            st.markdown(f"**{t('sat.published', lang)}**")
            st.dataframe(overview["published_national"], hide_index=True, width="stretch")
        st.subheader(t("sat.vs_par", lang))
        versus = fetch(sat.sipas_vs_par, year)
        if versus["n"]:
            st.plotly_chart(scatter_with_fit(versus["points"], "par_index", "pct_satisfied", name_col, lang,
                                             t("col.index", lang), t("sat.pct", lang)), width="stretch")
            st.caption(t("sat.correlation", lang, r=f"{versus['pearson_r']:.2f}", p=f"{versus['pearson_p']:.2g}",
                         rho=f"{versus['spearman_rho']:.2f}", sp=f"{versus['spearman_p']:.2g}", n=versus["n"])
                       + f" · SIPAS: {source_label(versus['sipas_source'], lang)}, PAR: "
                         f"{source_label(versus['par_source'], lang)}")
    elif survey == "health":
        st.caption(t("sat.health_per_form", lang))
        st.dataframe(fetch(sat.health_indicators, year, level="province"), hide_index=True, width="stretch")
    else:
        st.dataframe(fetch(sat.education_breakdown, year), hide_index=True, width="stretch")

with tabs[6]:
    st.write(t("sat.method_text", lang))
    st.write(t("sat.design_method", lang))
    st.markdown(f"**{t('sat.reliability', lang)}**")
    st.dataframe(fetch(sat.reliability, survey, year), hide_index=True, width="stretch")
