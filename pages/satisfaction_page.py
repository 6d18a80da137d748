"""Satisfaction: SIPAS, patients and schools, ranked with intervals, by item, over time, compared."""
import pandas as pd
import streamlit as st

import metrics.satisfaction as sat
from metrics.units import list_units
from ui.export import chart_config, download_buttons
from ui.figures import OFFLINE_GEO_CONFIG, likert_bars, satisfaction_bars, scatter_with_fit, trend_band, value_map
from ui.geo import boundaries
from ui.i18n import fmt_number, fmt_pct, t
from ui.provenance import mark_sources, source_label
from ui.tables import show_table
from ui.state import filters, release_status, survey_release_filter, url_selectbox
from ui.store import fetch
from ui.text import md_escape

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
survey_release_filter(survey, year, lang)      # in the sidebar: this survey's releases of this year
table = fetch(sat.satisfaction_table, survey, year, level="province")
mark_sources(set(table["source"]), lang)
st.title(t("sat.title", lang, year=year, survey=t(f"sat.survey.{survey}", lang)))
release_status("survey", survey, year, lang)   # the release shown, or "draft, not released"
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
    chosen_set = url_selectbox(st, t("sat.set", lang), sets["set_code"].tolist(),
                               dict(zip(sets["set_code"], sets[set_col])).get, "sat_set", scope=survey)
    ranked = sat.rank_units(table, chosen_set)
    targets = sat.distance_to_target(table)
    target_rows = targets[(targets["row_level"] == "national")] if len(targets) else targets
    target = float(target_rows["target"].iloc[0]) if len(target_rows) else None
    chart, map_col = st.columns([3, 2])
    chart.plotly_chart(satisfaction_bars(ranked, lang, target), width="stretch",
                       config=chart_config(f"sat-{survey}-{year}-{chosen_set}-rank"))
    download_buttons(chart, ranked, f"sat-{survey}-{year}-{chosen_set}-rank", lang, key="rank")
    chart.caption(t("sat.rank_note", lang) + " " + design_note)
    system = ranked["code_system"].mode().iloc[0] if len(ranked) else None
    geojson = boundaries(system) if system else None
    if geojson:
        frame = pd.DataFrame({"code": ranked["code"],
                              "value": ranked["pct_satisfied"].where(ranked["flag"] != "suppressed"),
                              "label": [f"{n}: {fmt_pct(v, lang, 1)} (n = {k})" for n, v, k in
                                        zip(ranked[name_col], ranked["pct_satisfied"], ranked["n_respondents"])]})
        map_col.plotly_chart(value_map(frame, geojson, lang, t("sat.pct", lang)), width="stretch",
                             config=chart_config(f"sat-{survey}-{year}-{chosen_set}-map", scrollZoom=False,
                                                 **OFFLINE_GEO_CONFIG))
    if len(targets):
        st.markdown(f"**{t('sat.targets', lang)}**")
        target_table = targets[[name_col, "target", "deadline_year", "pct_satisfied", "distance", "status",
                                "target_source"]].round(2)
        show_table(st, target_table, lang)
        download_buttons(st, target_table, f"sat-{survey}-{year}-targets", lang, key="targets")

with tabs[1]:
    units = fetch(list_units, "vn34" if year >= 2025 else "vn63", lang)
    keys = [""] + (units["code_system"] + ":" + units["code"]).tolist()
    names = dict(zip(keys[1:], units["name"]))
    label = (lambda k: t("sat.national", lang) if not k else names[k])
    scope = url_selectbox(st, t("sat.scope", lang), keys, label, "sat_scope", scope=survey)
    items = fetch(sat.item_table, survey, year, level="national" if not scope else "province", unit=scope or None)
    by_dimension = sat.likert_distribution(items, by="dimension")
    if len(by_dimension):
        labels = dict(zip(sets["set_code"], sets[set_col]))
        by_dimension["label"] = by_dimension["dimension"].map(lambda d: labels.get(d, d))
        st.markdown(f"**{t('sat.by_dimension', lang)}**")
        st.plotly_chart(likert_bars(by_dimension, "label", lang), width="stretch",
                        config=chart_config(f"sat-{survey}-{year}-{scope or 'national'}-dimensions"))
        download_buttons(st, by_dimension, f"sat-{survey}-{year}-{scope or 'national'}-dimensions", lang,
                         key="dimensions")
        by_item = sat.likert_distribution(items, by="item")
        wording = dict(zip(items["item_code"], items["wording_vi" if vi else "wording_en"]))
        by_item["label"] = by_item["item"].map(lambda c: f"{c} · {wording.get(c, '')}"[:70])
        with st.expander(t("sat.by_item", lang)):
            st.plotly_chart(likert_bars(by_item, "label", lang), width="stretch",
                            config=chart_config(f"sat-{survey}-{year}-{scope or 'national'}-items"))
            download_buttons(st, by_item, f"sat-{survey}-{year}-{scope or 'national'}-items", lang, key="items")
        extremes = sat.extreme_items(items)
        weak, strong = st.columns(2)
        for column, key, part in ((weak, "sat.weakest", extremes.head(5)), (strong, "sat.strongest", extremes.tail(5))):
            column.markdown(f"**{t(key, lang)}**")
            part_table = pd.DataFrame({"item": part["item_code"], t("sat.pct", lang): part["pct_satisfied"].round(1),
                                       "n": part["n_respondents"]})
            show_table(column, part_table, lang)
            download_buttons(column, part_table, f"sat-{survey}-{year}-{scope or 'national'}-{key.split('.')[-1]}",
                             lang, key=key)

with tabs[2]:
    trend = fetch(sat.satisfaction_trend, survey, unit=scope or None)
    if len(trend):
        st.plotly_chart(trend_band(trend, lang), width="stretch",
                        config=chart_config(f"sat-{survey}-{scope or 'national'}-trend"))
        trend_table = trend[["year", "n_respondents", "pct_satisfied", "pct_ci_low", "pct_ci_high", "change",
                             "change_p", "change_significant", "source"]].round(3)
        show_table(st, trend_table, lang)
        download_buttons(st, trend_table, f"sat-{survey}-{scope or 'national'}-trend", lang, key="trend")

with tabs[3]:
    a, b = st.columns(2)
    year_options = [str(y) for y in years]
    year_a = url_selectbox(a, t("sat.compare_a", lang) + " · " + t("sat.year", lang), year_options, str, "sat_ya",
                           default=year_options[min(1, len(years) - 1)], scope=survey)
    unit_a = url_selectbox(a, t("sat.compare_a", lang) + " · " + t("sat.scope", lang), keys, label, "sat_ua",
                           scope=survey)
    year_b = url_selectbox(b, t("sat.compare_b", lang) + " · " + t("sat.year", lang), year_options, str, "sat_yb",
                           scope=survey)
    unit_b = url_selectbox(b, t("sat.compare_b", lang) + " · " + t("sat.scope", lang), keys, label, "sat_ub",
                           scope=survey)
    try:
        result = fetch(sat.compare, survey, (int(year_a), unit_a or None), (int(year_b), unit_b or None))
    except ValueError as exc:   # the two sides have no source in common, or a scope that does not fit
        st.warning(md_escape(exc))
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
        province = url_selectbox(st, t("sat.unit", lang), keys[1:], label, "sat_unit", scope=survey)
        detail = fetch(sat.drill_down, survey, year, province)
        detail_table = pd.DataFrame({
            t("col.unit", lang): detail[name_col], t("sat.set", lang): detail[set_col],
            "n": detail["n_respondents"], t("sat.pct", lang): detail["pct_satisfied"].round(1),
            t("sat.ci", lang): [f"{fmt_number(lo, lang, 1)}–{fmt_number(hi, lang, 1)}" if pd.notna(lo) else "—"
                                for lo, hi in zip(detail["pct_ci_low"], detail["pct_ci_high"])],
            t("sat.form", lang): detail["forms"].map(lambda f: t("sat.form_pooled", lang) if f == sat.POOLED else f),
            t("col.design", lang): [t(f"sat.design.{d}", lang) + f" (df {int(f)})" if pd.notna(f) else t(f"sat.design.{d}", lang)
                       for d, f in zip(detail["design"], detail["df"])],
            "flag": detail["flag"]})
        show_table(st, detail_table, lang)
        download_buttons(st, detail_table, f"sat-{survey}-{year}-{province}-drill", lang, key="drill")

with tabs[5]:
    if survey == "sipas":
        overview = fetch(sat.sipas_overview, year)
        overall = overview["overall"]
        overall_table = pd.DataFrame({t("sat.set", lang): overall[name_col],
                                      t("sat.pct", lang): overall["pct_satisfied"].round(2),
                                      t("sat.ci", lang): [f"{fmt_number(lo, lang)}–{fmt_number(hi, lang)}"
                                                          for lo, hi in zip(overall["pct_ci_low"], overall["pct_ci_high"])],
                                      "n": overall["n_respondents"]})
        show_table(st, overall_table, lang)
        download_buttons(st, overall_table, f"sat-sipas-{year}-overall", lang, key="sipas_overall")
        st.caption(t("sat.sipas_two_ways", lang))
        show_table(st, overview["elements"], lang)
        download_buttons(st, overview["elements"], f"sat-sipas-{year}-elements", lang, key="sipas_elements")
        if len(overview["published_national"]):
            st.markdown(f"**{t('sat.published', lang)}**")
            show_table(st, overview["published_national"], lang)
            download_buttons(st, overview["published_national"], f"sat-sipas-{year}-published", lang,
                             key="sipas_published")
        st.subheader(t("sat.vs_par", lang))
        versus = fetch(sat.sipas_vs_par, year)
        if versus["n"]:
            st.plotly_chart(scatter_with_fit(versus["points"], "par_index", "pct_satisfied", name_col, lang,
                                             t("col.index", lang), t("sat.pct", lang)), width="stretch",
                            config=chart_config(f"sat-sipas-{year}-vs-par"))
            download_buttons(st, versus["points"], f"sat-sipas-{year}-vs-par", lang, key="sipas_vs_par")
            st.caption(t("sat.correlation", lang, r=f"{versus['pearson_r']:.2f}", p=f"{versus['pearson_p']:.2g}",
                         rho=f"{versus['spearman_rho']:.2f}", sp=f"{versus['spearman_p']:.2g}", n=versus["n"])
                       + f" · SIPAS: {source_label(versus['sipas_source'], lang)}, PAR: "
                         f"{source_label(versus['par_source'], lang)}")
    elif survey == "health":
        st.caption(t("sat.health_per_form", lang))
        special = fetch(sat.health_indicators, year, level="province")
        show_table(st, special, lang)
        download_buttons(st, special, f"sat-health-{year}-indicators", lang, key="special")
    else:
        special = fetch(sat.education_breakdown, year)
        show_table(st, special, lang)
        download_buttons(st, special, f"sat-{survey}-{year}-breakdown", lang, key="special")

with tabs[6]:
    st.write(t("sat.method_text", lang))
    st.write(t("sat.design_method", lang))
    st.markdown(f"**{t('sat.reliability', lang)}**")
    reliability = fetch(sat.reliability, survey, year)
    show_table(st, reliability, lang)
    download_buttons(st, reliability, f"sat-{survey}-{year}-reliability", lang, key="reliability")
