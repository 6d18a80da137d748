"""Compare units over years, in one code system, with the 2025 reorganisation bridged and labelled."""
import pandas as pd
import streamlit as st

from etl.codesystems import SYSTEMS
from etl.names import strip_diacritics
from metrics.par_index import LEVEL_SYSTEMS, available_datasets
from metrics.trend import MEASURES, SURVEY_DESIGN_CHANGES, WEIGHTINGS, change_table, framework_changes, trend
from metrics.units import list_units
from ui.export import chart_config, download_buttons
from ui.figures import trend_lines, unit_year_heatmap
from ui.i18n import fmt_number, t
from ui.provenance import mark_sources
from ui.state import filters, set_url_choices, set_url_range, url_choices, url_range, url_selectbox
from ui.store import fetch

DEFAULT_COUNT = 3


def units_with_values(series: pd.DataFrame, measure: str, count: int = DEFAULT_COUNT) -> list[str]:
    """The units a first look should show: those with a value in the most years, then the most recent value, then
    the best of it (lowest rank, else highest value). Never a unit without any value."""
    valued = series[series["value"].notna()].sort_values("year")
    if valued.empty:
        return []
    per_unit = valued.groupby("code").agg(years=("year", "nunique"), latest=("year", "max"), value=("value", "last"))
    per_unit["score"] = -per_unit["value"].astype("float64") if measure == "rank" else per_unit["value"]
    best = per_unit.sort_values(["years", "latest", "score"], ascending=False, kind="stable")
    return best.index[:count].tolist()


def years_with_values(shown: pd.DataFrame, years: list) -> tuple[int, int]:
    """Positions of the two years the change table opens on: the pair in which the most shown units have a value
    in both, the widest such pair; the first and last year when no pair has any."""
    valued = shown[shown["value"].notna()]
    having = {y: set(valued.loc[valued["year"] == y, "code"]) for y in years}
    pairs = [(len(having[a] & having[b]), b - a, i, j) for i, a in enumerate(years) for j, b in enumerate(years)
             if i < j]
    best = max(pairs, default=None)
    return (best[2], best[3]) if best and best[0] > 0 else (0, max(len(years) - 1, 0))


f = filters()
lang = f.lang
st.title(t("compare.title", lang))
st.caption(t("compare.intro", lang))
systems = list(LEVEL_SYSTEMS[f.level])
left, middle, right = st.columns(3)
system = url_selectbox(left, t("compare.system", lang), systems,
                       lambda s: f"{s} — {SYSTEMS[s][3 if lang == 'vi' else 4]}", "system", default=systems[1])
measures = list(MEASURES) if f.level == "province" else ["index", "rank"]
measure = url_selectbox(middle, t("compare.measure", lang), measures, lambda m: t(f"measure.{m}", lang), "measure")
weighting = url_selectbox(right, t("compare.weighting", lang), list(WEIGHTINGS), lambda w: t(f"weighting.{w}", lang),
                          "weighting")
units = fetch(list_units, system, lang)
labels = {c: f"{n} ({strip_diacritics(n)})" if strip_diacritics(n) != n else n
          for c, n in zip(units["code"], units["name"])}
# Years: those the store holds for the level (the range in the URL as ?years=2021-2025).
held = sorted({int(y) for y in fetch(available_datasets, f.level)["year"]}) or [2021, 2025]
low, high = held[0], max(held[-1], held[0] + 1)
first, last = url_range("years", low, high, (low, held[-1]))
# The units (in the URL as ?units=01,79): on a first look, ones with values for the chosen source and years.


def in_language(frame, code_system: str):
    """The series with unit names in the reader's language (metrics give the Vietnamese name)."""
    names = dict(zip(*fetch(list_units, code_system, lang)[["code", "name"]].T.values))
    return frame.assign(name=frame["code"].map(names).fillna(frame["name"]))


series = in_language(fetch(trend, system, first, last, measure, weighting, f.source), system)
default_units = units_with_values(series, measure) or units["code"].head(DEFAULT_COUNT).tolist()
picked = st.multiselect(t("compare.units", lang), units["code"].tolist(),
                        default=url_choices("units", units["code"].tolist(), default_units),
                        format_func=labels.get, key=f"units.{system}.{lang}", placeholder=t("common.all", lang))
set_url_choices("units", picked)
span = st.slider(t("compare.years", lang), low, high, (first, last), key=f"span.{low}.{high}")
set_url_range("years", span)
if tuple(span) != (first, last):    # the slider moved: the series follows in this run
    first, last = span
    series = in_language(fetch(trend, system, first, last, measure, weighting, f.source), system)
mark_sources(set(series["source"].dropna()), lang)
shown = series[series["code"].isin(picked)] if picked else series

markers = []
if measure in ("index", "rank"):
    for change in fetch(framework_changes, f.level, first, last).itertuples():
        markers.append((change.year, str(change.year)))
        st.warning(t("compare.framework_change", lang, year=change.year, before=change.before, after=change.after))
for year, en, vi in SURVEY_DESIGN_CHANGES.get(measure, []):
    if first < year <= last:
        markers.append((year, str(year)))
        st.warning(vi if lang == "vi" else en)
switch = 2025
if first < switch <= last:
    markers.append((switch, t("compare.merger_line", lang)))

extra = None
if system == LEVEL_SYSTEMS[f.level][1] and st.toggle(t("compare.predecessors", lang), key="preds",
                                                    bind="query-params"):
    old = in_language(fetch(trend, LEVEL_SYSTEMS[f.level][0], first, min(last, switch - 1), measure, weighting,
                            f.source), LEVEL_SYSTEMS[f.level][0])
    wanted = {u.split(":", 1)[1] for u in shown[shown["status"] == "reconstructed"]["from_units"].str.split("; ").explode()}
    extra = old[old["code"].isin(wanted)]

st.subheader(t("compare.lines", lang))
st.plotly_chart(trend_lines(shown, lang, measure, markers, extra), width="stretch",
                config=chart_config(f"trend-{system}-{measure}-{first}-{last}"))
st.subheader(t("compare.heatmap", lang))
st.plotly_chart(unit_year_heatmap(shown, lang, measure), width="stretch",
                config=chart_config(f"heatmap-{system}-{measure}-{first}-{last}"))
download_buttons(st, shown, f"trend-{system}-{measure}-{first}-{last}", lang, key="series")

st.subheader(t("compare.changes", lang))
years = [int(y) for y in sorted(series["year"].unique())]
a, b = st.columns(2)
index_a, index_b = years_with_values(shown, years)
year_a = a.selectbox(t("compare.from_year", lang), years, index=index_a, key="from_year", bind="query-params")
year_b = b.selectbox(t("compare.to_year", lang), years, index=index_b, key="to_year", bind="query-params")
changes = change_table(shown, int(year_a), int(year_b))
table = pd.DataFrame({
    t("col.unit", lang): changes["name"],
    t("col.value_of", lang, year=year_a): [fmt_number(v, lang) for v in changes[f"value_{year_a}"]],
    t("col.status_of", lang, year=year_a): changes[f"status_{year_a}"].map(lambda s: t(f"trend_status.{s}", lang)),
    t("col.value_of", lang, year=year_b): [fmt_number(v, lang) for v in changes[f"value_{year_b}"]],
    t("col.status_of", lang, year=year_b): changes[f"status_{year_b}"].map(lambda s: t(f"trend_status.{s}", lang)),
    t("col.change", lang): [fmt_number(v, lang) + ("*" if sig else "") for v, sig in
                            zip(changes["change"], changes["significant"])],
})
st.dataframe(table, hide_index=True, width="stretch")
if changes["p_value"].notna().any():
    st.caption(t("compare.significance", lang))
download_buttons(st, table, f"change-{system}-{measure}-{year_a}-{year_b}", lang, key="changes")
notes = shown[shown["note"].notna() & shown["value"].isna()]
if len(notes):
    with st.expander(t("compare.notes", lang)):
        st.dataframe(notes[["name", "year", "note"]], hide_index=True, width="stretch")
        download_buttons(st, notes[["code", "name", "year", "note"]], f"trend-notes-{system}-{measure}", lang,
                         key="notes")
