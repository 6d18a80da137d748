"""Figure builders: data in, go.Figure out, no Streamlit calls."""
from __future__ import annotations

import functools
import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.chart_style import axis_start, axis_title, group_colours, unique_labels
from ui.format import number
from ui.i18n import STRINGS, fmt_pct, t
from ui.text import plotly_escape


_TEXT_FIELDS = ("name", "text", "hovertext", "x", "y", "customdata", "labels", "ids")


def _escape_array(values):
    if isinstance(values, str):
        return plotly_escape(values)
    if values is None or not hasattr(values, "__iter__"):
        return values
    items = list(values)
    if not any(isinstance(v, str) or hasattr(v, "__iter__") and not isinstance(v, (bytes, dict)) for v in items):
        return values
    return [_escape_array(v) if not isinstance(v, str) else plotly_escape(v) for v in items]


def escaped_text(builder):
    """Every trace's data-derived strings (names, labels, categories, hover text) go out as text, not Plotly HTML:
    a unit named '<a href=...>' shows as written and links nowhere."""
    @functools.wraps(builder)
    def build(*args, **kwargs) -> go.Figure:
        figure = builder(*args, **kwargs)
        for trace in figure.data:
            for field in _TEXT_FIELDS:
                if field in trace and trace[field] is not None:
                    trace[field] = _escape_array(trace[field])
        return figure
    return build


def heading(figure: go.Figure, text: str) -> None:
    """The chart's own title, flush left at the top (Plotly reads the title as HTML: data in it goes out as text)."""
    figure.update_layout(title=dict(text=plotly_escape(text), x=0.01, xref="container", xanchor="left", y=0.995,
                                    yref="container", yanchor="top", font=dict(size=15)))


def _discrete_scale(colours: list[str]) -> list[list]:
    """A stepped colour scale: code i (0..n-1) gets colours[i] exactly, with zmin=-0.5 and zmax=n-0.5."""
    n = len(colours)
    scale = []
    for i, colour in enumerate(colours):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


@escaped_text
def index_bar(results: pd.DataFrame, lang: str, average: float | None = None, title: str | None = None) -> go.Figure:
    """Every unit's index, best first, coloured by group, with the average as a line."""
    data = results[results["index"].notna()].sort_values("index", ascending=True)
    names = data["name_vi" if lang == "vi" else "name_en"]
    figure = go.Figure(go.Bar(
        x=data["index"], y=names, orientation="h",
        marker_color=group_colours(data["group"]),
        text=[fmt_pct(v, lang) for v in data["index"]], textposition="outside", cliponaxis=False,
        customdata=list(zip(data["rank"].astype("object").where(data["rank"].notna(), "—"), data["group"].fillna("—"))),
        hovertemplate="%{y}<br>" + t("col.index", lang) + ": %{text}<br>" + t("col.rank", lang)
        + ": %{customdata[0]}<br>" + t("col.group", lang) + ": %{customdata[1]}<extra></extra>",
    ))
    if average is not None:
        figure.add_vline(x=average, line_dash="dash", line_color="#57606a",
                         annotation_text=f"{t('overview.average', lang)} {fmt_pct(average, lang)}",
                         annotation_position="top")
    low = axis_start(float(data["index"].min())) if len(data) else 0.0
    heading(figure, title or t("fig.index_bar", lang))
    figure.update_layout(
        height=max(300, 22 * len(data) + 110), margin=dict(l=10, r=60, t=70, b=10),
        xaxis=dict(range=[low, 100], title=axis_title(t("col.index", lang), low, lang), separatethousands=True),
        yaxis=dict(title=None), showlegend=False, separators=",." if lang == "vi" else ".,",
    )
    return figure


# plotly.js fetches a world topojson from its CDN for every geo chart, even with the base map hidden;
# with no internet nothing is drawn. An empty inline topology stops the fetch: pass this with the chart.
OFFLINE_GEO_CONFIG = {"topojsonURL": 'data:application/json,{"type":"Topology","objects":{},"arcs":[]}#/'}


@escaped_text
def province_map(results: pd.DataFrame, geojson: dict, lang: str, title: str | None = None) -> go.Figure:
    """Choropleth of the index on local province boundaries (no map tiles: works offline).

    Provinces without a value are drawn grey so the whole country always shows. Draw it with
    `config=OFFLINE_GEO_CONFIG` (merged into the chart's config).
    """
    codes = [f["properties"]["code"] for f in geojson["features"]]
    data = pd.DataFrame({"code": codes}).merge(results, on="code", how="left")
    names = data["name_vi" if lang == "vi" else "name_en"].fillna("")
    valued = data["index"].notna()
    hover = [f"{n}<br>{t('col.index', lang)}: {fmt_pct(v, lang)}<br>{t('col.rank', lang)}: "
             f"{'—' if pd.isna(r) else int(r)}<br>{t('col.group', lang)}: {g if isinstance(g, str) else '—'}"
             for n, v, r, g in zip(names, data["index"], data["rank"], data["group"])]
    figure = go.Figure()
    figure.add_trace(go.Choropleth(
        geojson=geojson, featureidkey="properties.code", locations=data.loc[~valued, "code"],
        z=[0] * int((~valued).sum()), colorscale=[[0, "#d0d7de"], [1, "#d0d7de"]], showscale=False,
        text=[h for h, v in zip(hover, valued) if not v], hoverinfo="text", marker_line_color="white",
        marker_line_width=0.5, name=""))
    figure.add_trace(go.Choropleth(
        geojson=geojson, featureidkey="properties.code", locations=data.loc[valued, "code"],
        z=data.loc[valued, "index"], colorscale="Blues", zmin=max(0.0, float(data["index"].min() or 0) - 2) if valued.any() else 0,
        zmax=100 if not valued.any() else float(data["index"].max()),
        text=[h for h, v in zip(hover, valued) if v], hoverinfo="text", marker_line_color="white",
        marker_line_width=0.5, colorbar=dict(title=t("col.index", lang), thickness=12, len=0.6), name=""))
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    heading(figure, title or t("fig.province_map", lang))
    # A fixed height: the country's shape, not the number of rows, sets it (a tall map looked stretched).
    figure.update_layout(height=680, margin=dict(l=0, r=0, t=40, b=0), separators=",." if lang == "vi" else ".,")
    return figure


# Each point's source in its marker, so a line that joins published and demo years shows the seam.
SOURCE_SYMBOLS = {"published": "circle", "upload": "square", "demo": "diamond-open", None: "x-thin-open"}


def source_symbols(sources: pd.Series) -> list[str]:
    return [SOURCE_SYMBOLS.get(None if pd.isna(s) else s, SOURCE_SYMBOLS[None]) for s in sources]


def add_source_legend(figure: go.Figure, sources, lang: str) -> None:
    """Legend entries (no data) naming the marker of each source the chart shows."""
    for source in [s for s in ("published", "upload", "demo") if s in set(sources)]:
        figure.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=t(f"source.{source}", lang),
                                    marker=dict(symbol=SOURCE_SYMBOLS[source], size=9, color="#57606a"),
                                    legendgroup="sources", showlegend=True, hoverinfo="skip"))


@escaped_text
def history_chart(history: pd.DataFrame, lang: str, title: str | None = None) -> go.Figure:
    """Index per year, one line per unit shown (the unit itself, its predecessors or successor)."""
    figure = go.Figure()
    name_col = "name_vi" if lang == "vi" else "name_en"
    for (code_system, code), rows in history.groupby(["code_system", "code"], sort=False):
        role = rows["role"].iloc[0]
        figure.add_trace(go.Scatter(
            x=rows["year"], y=rows["index"], mode="lines+markers",
            name=f"{rows[name_col].iloc[0]} ({code_system}:{code})",
            line=dict(dash="solid" if role == "own" else "dot"),
            marker=dict(symbol=source_symbols(rows["source"]), size=9),
            text=[f"{t('col.rank', lang)} {r}/{n} · {t('source.' + s, lang)}"
                  for r, n, s in zip(rows["rank"].astype("object").fillna("—"), rows["units_ranked"], rows["source"])],
            hovertemplate="%{x}: %{y:.2f} %<br>%{text}<extra>%{fullData.name}</extra>"))
    if "national" in history and history["national"].notna().any():
        # One national point per year, from the source of that year's unit point (its own marker says which).
        national = history.dropna(subset=["national"]).drop_duplicates("year").sort_values("year")
        figure.add_trace(go.Scatter(
            x=national["year"], y=national["national"], mode="lines+markers", name=t("decision.national_line", lang),
            line=dict(color="#8c959f", dash="dash"), marker=dict(symbol=source_symbols(national["source"]), size=7,
                                                                 color="#8c959f"),
            text=[t("source." + s, lang) for s in national["source"]],
            hovertemplate="%{x}: %{y:.2f} %<br>%{text}<extra>%{fullData.name}</extra>"))
    add_source_legend(figure, history["source"], lang)
    heading(figure, title or t("fig.history", lang))
    figure.update_layout(height=360, margin=dict(l=10, r=10, t=50, b=10), yaxis_title=t("col.index", lang),
                         xaxis=dict(dtick=1), legend=dict(orientation="h", y=-0.2),
                         separators=",." if lang == "vi" else ".,")
    return figure


@escaped_text
def fields_chart(fields: pd.DataFrame, lang: str, unit_name: str, title: str | None = None) -> go.Figure:
    """The unit's field indices beside the national average and the best unit, per field."""
    labels = [f"{c}. {n}" for c, n in zip(fields["field_code"], fields["name_vi" if lang == "vi" else "name_en"])]
    figure = go.Figure()
    for column, label, colour in (("index", unit_name, "#0969da"), ("average", t("overview.average", lang), "#8c959f"),
                                  ("best", t("profile.best", lang), "#1a7f37")):
        figure.add_trace(go.Bar(y=labels, x=fields[column], name=label, orientation="h", marker_color=colour,
                                hovertemplate="%{y}: %{x:.2f} %<extra>" + label + "</extra>"))
    lowest = fields[["index", "average", "best"]].min().min()
    low = axis_start(None if pd.isna(lowest) else float(lowest) - 5)
    heading(figure, title or t("fig.fields", lang, unit=unit_name))
    figure.update_layout(barmode="group", height=150 + 60 * len(fields), margin=dict(l=10, r=10, t=80, b=10),
                         xaxis=dict(title=axis_title(t("col.index", lang), low, lang), range=[low, 100]),
                         yaxis=dict(autorange="reversed"), legend=dict(orientation="h", y=1.0, yanchor="bottom"),
                         separators=",." if lang == "vi" else ".,")
    return figure


STATUS_COLOURS = {"done": "#1a7f37", "on_track": "#0969da", "at_risk": "#bf8700", "overdue": "#cf222e",
                  "roadmap": "#8250df"}


def _wrapped(text: str, width: int = 56) -> str:
    """A long name on several lines (<br>), whole: nothing cut."""
    return "<br>".join(textwrap.wrap(str(text), width=width, break_long_words=False)) or str(text)


@escaped_text
def project_timeline(status: pd.DataFrame, as_of, lang: str, start: str = "2021-01-01",
                     title: str | None = None) -> go.Figure:
    """One bar per project from the programme's start to its deadline (2030 for roadmap projects),
    coloured by computed status, with the reference date as a vertical line. Names are wrapped, never cut."""
    figure = go.Figure()
    ordered = status.sort_values("no")
    label_of = {no: _wrapped(f"{no}. {name}") for no, name in zip(ordered["no"], ordered["name"])}
    for state, rows in status.groupby("status", sort=False):
        ends = [f"{d}-12-31" if d != "roadmap" else "2030-12-31" for d in rows["deadline"]]
        starts = pd.to_datetime([start] * len(rows))
        figure.add_trace(go.Bar(
            y=[label_of[n] for n in rows["no"]],
            x=(pd.to_datetime(ends) - starts).total_seconds() * 1000, base=starts, orientation="h",
            name=t(f"status.{state}", lang), marker_color=STATUS_COLOURS.get(state, "#8c959f"),
            marker_pattern_shape="/" if state == "roadmap" else "",
            customdata=list(zip(rows["percent_complete"].fillna(0), rows["deadline"].astype(str))),
            hovertemplate="%{y}<br>" + t("col.deadline", lang) + ": %{customdata[1]}<br>" + t("col.percent", lang)
            + ": %{customdata[0]:.0f} %<extra>%{fullData.name}</extra>"))
    # The reference date is named in the legend, not beside its line, where a narrow screen would cut it.
    figure.add_vline(x=pd.Timestamp(as_of).timestamp() * 1000, line_dash="dash", line_color="#57606a")
    figure.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=dict(dash="dash", color="#57606a"),
                                name=f"{t('projects.today', lang)} {pd.Timestamp(as_of):%d/%m/%Y}", hoverinfo="skip"))
    lines = max([label.count("<br>") + 1 for label in label_of.values()] or [1])
    heading(figure, title or t("fig.timeline", lang, date=f"{pd.Timestamp(as_of):%d/%m/%Y}"))
    figure.update_layout(barmode="overlay", height=140 + max(34, 13 * lines + 12) * len(status),
                         margin=dict(l=10, r=10, t=90, b=30),
                         xaxis=dict(type="date"),
                         yaxis=dict(autorange="reversed", automargin=True, tickfont=dict(size=11),
                                    categoryorder="array", categoryarray=[plotly_escape(v) for v in label_of.values()]),
                         legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0))
    return figure


TIMELINESS_CODES = {"on_time": 0, "not_due": 1, "late": 2, "missing": 3, "n/a": 4}
TIMELINESS_COLOURS = ["#1a7f37", "#afb8c1", "#bf8700", "#cf222e", "#f0f3f6"]


@escaped_text
def compliance_heatmap(table: pd.DataFrame, requirements: list[str], lang: str, title: str | None = None) -> go.Figure:
    """Unit x requirement: on time (green), not due (grey), late (amber), missing (red), not applicable (pale),
    with a legend of the statuses. Rows are keyed by system:code, so old and new units that share a name
    (Hà Nội vn63 and vn34 in 2025) are separate rows. Requirements are 'plan' (column plan_status) and report
    periods (columns report_<period>)."""
    columns = [table["plan_status" if r == "plan" else f"report_{r}"] for r in requirements]
    z = [[TIMELINESS_CODES.get(v, TIMELINESS_CODES["n/a"]) for v in column] for column in columns]
    text = [[t(f"timeliness.{v}", lang) if f"timeliness.{v}" in STRINGS else str(v) for v in column]
            for column in columns]
    systems, codes = table["code_system"].astype(str).tolist(), table["code"].astype(str).tolist()
    labels = unique_labels(table["name"].astype(str).tolist(), systems, codes)
    keys = [f"{s}:{c}" for s, c in zip(systems, codes)]
    statuses = list(TIMELINESS_CODES)
    figure = go.Figure(go.Heatmap(
        z=list(map(list, zip(*z))), x=[t(f"req.{r}", lang) for r in requirements], y=labels,
        text=list(map(list, zip(*text))), customdata=[[k] * len(requirements) for k in keys],
        hovertemplate="%{y} (%{customdata}) · %{x}: %{text}<extra></extra>",
        zmin=-0.5, zmax=len(statuses) - 0.5, colorscale=_discrete_scale(TIMELINESS_COLOURS), xgap=2, ygap=1,
        showscale=True,
        colorbar=dict(tickvals=list(range(len(statuses))), ticktext=[t(f"timeliness.{s}", lang) for s in statuses],
                      thickness=14, lenmode="pixels", len=26 * len(statuses), y=1, yanchor="top",
                      outlinewidth=1, outlinecolor="#d0d7de")))
    heading(figure, title or t("compliance.heatmap", lang))
    figure.update_layout(height=120 + 16 * len(table), margin=dict(l=10, r=10, t=90, b=10),
                         yaxis=dict(autorange="reversed", tickfont=dict(size=10), automargin=True),
                         xaxis=dict(side="top"))
    return figure


TREND_DASH = {"observed": "solid", "reconstructed": "dash", "successor": "dot"}


@escaped_text
def trend_lines(series: pd.DataFrame, lang: str, measure: str, markers: list[tuple[int, str]],
                extra: pd.DataFrame | None = None, title: str | None = None) -> go.Figure:
    """One line per unit; dashes show how each stretch was obtained (observed, reconstructed, successor).
    `markers` are (year, label) vertical lines (criteria changes, the reorganisation); `extra` adds
    predecessors' own lines, dotted grey."""
    figure = go.Figure()
    for code, rows in series.groupby("code", sort=False):
        name = rows["name"].iloc[0]
        for status, part in rows.groupby("status", sort=False):
            # Satisfaction values carry a 95 % interval; PAR values have none.
            interval = None
            if "ci_low" in part and part["ci_low"].notna().any():
                interval = dict(type="data", symmetric=False, array=part["ci_high"] - part["value"],
                                arrayminus=part["value"] - part["ci_low"], thickness=1)
            figure.add_trace(go.Scatter(
                x=part["year"], y=part["value"], mode="lines+markers", name=f"{name} · {t('trend_status.' + status, lang)}",
                line=dict(dash=TREND_DASH.get(status, "solid")), legendgroup=code, error_y=interval,
                marker=dict(symbol=source_symbols(part["source"]), size=9),
                text=part["from_units"].fillna("—") + " · " + part["source"].map(
                    lambda s: t(f"source.{s}", lang) if isinstance(s, str) else "—"),
                hovertemplate="%{x}: %{y:.2f}<br>%{text}<extra>%{fullData.name}</extra>"))
    if extra is not None and len(extra):
        for code, rows in extra.groupby("code", sort=False):
            figure.add_trace(go.Scatter(x=rows["year"], y=rows["value"], mode="lines", line=dict(color="#8c959f", width=1),
                                        name=f"{rows['name'].iloc[0]} ({rows['code_system'].iloc[0]}:{code})"))
    add_source_legend(figure, series["source"], lang)
    for year, label in markers:
        figure.add_vline(x=year - 0.5, line_dash="dot", line_color="#cf222e", annotation_text=label,
                         annotation_position="top left")
    heading(figure, title or t("fig.trend_lines", lang, measure=t(f"measure.{measure}", lang)))
    figure.update_layout(height=440, margin=dict(l=10, r=10, t=60, b=10), xaxis=dict(dtick=1),
                         yaxis=dict(title=t(f"measure.{measure}", lang), autorange="reversed" if measure == "rank" else True),
                         legend=dict(orientation="h", y=-0.25), separators=",." if lang == "vi" else ".,")
    return figure


@escaped_text
def unit_year_heatmap(series: pd.DataFrame, lang: str, measure: str, title: str | None = None) -> go.Figure:
    """Units x years, the value in each cell, with a colour scale; reconstructed and successor cells are marked
    in the hover. Rows are keyed by system:code (names are for display only)."""
    data = series.copy()
    if "code_system" not in data:
        data["code_system"] = ""
    data["key"] = data["code_system"].astype(str) + ":" + data["code"].astype(str)
    order = data.drop_duplicates("key")
    table = data.pivot(index="key", columns="year", values="value").reindex(order["key"])
    status = data.pivot(index="key", columns="year", values="status").reindex(order["key"])
    labels = unique_labels(order["name"].astype(str).tolist(), order["code_system"].astype(str).tolist(),
                            order["code"].astype(str).tolist())
    text = [[f"{t('trend_status.' + s, lang)}" if isinstance(s, str) else "" for s in row] for row in status.to_numpy()]
    figure = go.Figure(go.Heatmap(z=table.to_numpy(dtype=float), x=[str(c) for c in table.columns], y=labels,
                                  text=text, colorscale="Blues_r" if measure == "rank" else "Blues",
                                  hovertemplate="%{y} · %{x}: %{z:.2f} (%{text})<extra></extra>",
                                  texttemplate="%{z:.1f}", showscale=True,
                                  colorbar=dict(title=dict(text=t(f"measure.{measure}", lang), side="right"),
                                                thickness=12)))
    heading(figure, title or t("fig.unit_year_heatmap", lang, measure=t(f"measure.{measure}", lang)))
    figure.update_layout(height=110 + 26 * len(table), margin=dict(l=10, r=10, t=50, b=10),
                         yaxis=dict(autorange="reversed", automargin=True), separators=",." if lang == "vi" else ".,")
    return figure


SUPPRESSED_COLOUR = "#d0d7de"


@escaped_text
def satisfaction_bars(ranked: pd.DataFrame, lang: str, target: float | None = None,
                      title: str | None = None) -> go.Figure:
    """Units by % satisfied with 95 % intervals; suppressed units drawn as hatched grey stubs (not zeros),
    unreliable ones in amber. Each value is written just right of its interval's upper end, so no whisker
    crosses it; the axis starts a round step below the lowest interval when every value is far from 0."""
    data = ranked.iloc[::-1]
    names = data["name_vi" if lang == "vi" else "name_en"]
    suppressed = (data["flag"] == "suppressed").to_numpy()
    colours = [SUPPRESSED_COLOUR if s else ("#bf8700" if f == "unreliable" else "#0969da")
               for s, f in zip(suppressed, data["flag"])]
    pct = data["pct_satisfied"].astype(float)
    high = data["pct_ci_high"].astype(float).where(~suppressed)
    low_ci = data["pct_ci_low"].astype(float).where(~suppressed)
    shown = pct.where(~suppressed)
    lowest = pd.concat([low_ci, shown]).min()
    start = axis_start(None if pd.isna(lowest) else float(lowest))
    stub = start + 0.03 * (100 - start)
    values = shown.fillna(stub).where(~suppressed, stub)
    labels = [t("sat.suppressed_short", lang) if s else fmt_pct(v, lang, 1) for s, v in zip(suppressed, values)]
    label_x = high.fillna(values).where(~suppressed, stub) + 0.012 * (100 - start)
    figure = go.Figure(go.Bar(
        x=values, y=names, orientation="h", marker_color=colours,
        marker_pattern_shape=["/" if s else "" for s in suppressed],
        error_x=dict(type="data", symmetric=False, array=(high - pct).where(~suppressed),
                     arrayminus=(pct - low_ci).where(~suppressed), color="#57606a"),
        customdata=list(zip(data["n_respondents"], data["reason"].fillna(""), labels)),
        hovertemplate="%{y}: %{customdata[2]}<br>n = %{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    figure.add_trace(go.Scatter(
        x=label_x, y=names, mode="text", text=labels, textposition="middle right", cliponaxis=False,
        textfont=dict(size=11, color="#24292f"), hoverinfo="skip", showlegend=False))
    if target is not None:
        figure.add_vline(x=target, line_dash="dash", line_color="#cf222e",
                         annotation_text=f"{t('sat.target', lang)} {fmt_pct(target, lang, 0)}")
    heading(figure, title or t("fig.satisfaction_bars", lang))
    figure.update_layout(height=max(340, 20 * len(data) + 110), margin=dict(l=10, r=70, t=50 if target is None else 70, b=10),
                         xaxis=dict(range=[start, 100], title=axis_title(t("sat.pct", lang), start, lang)),
                         showlegend=False, separators=",." if lang == "vi" else ".,")
    return figure


LIKERT_COLOURS = {1: "#cf222e", 2: "#fa8c8c", 3: "#d0d7de", 4: "#79b8ff", 5: "#0969da"}


@escaped_text
def likert_bars(distribution: pd.DataFrame, label_column: str, lang: str, title: str | None = None) -> go.Figure:
    """Diverging stacked bars: answers 1-2 to the left of zero, 3 split across it, 4-5 to the right."""
    figure = go.Figure()
    table = distribution.pivot_table(index=label_column, columns="value", values="share", aggfunc="sum",
                                     sort=False).fillna(0.0)
    labels = table.index.tolist()
    neutral = table.get(3, pd.Series(0.0, index=table.index)) / 2
    for value, base_side in ((2, -1), (1, -1), (3, 0), (4, 1), (5, 1)):
        shares = table.get(value, pd.Series(0.0, index=table.index))
        if value == 3:
            x, base = shares, -neutral
        elif value == 2:
            x, base = -shares, -neutral
        elif value == 1:
            x, base = -shares, -neutral - table.get(2, 0)
        elif value == 4:
            x, base = shares, neutral
        else:
            x, base = shares, neutral + table.get(4, 0)
        figure.add_trace(go.Bar(y=labels, x=x, base=base, orientation="h", name=t(f"sat.scale_{value}", lang),
                                marker_color=LIKERT_COLOURS[value], customdata=shares,
                                hovertemplate="%{y}: %{customdata:.1f} %<extra>" + t(f"sat.scale_{value}", lang)
                                + "</extra>"))
    figure.add_vline(x=0, line_color="#57606a", line_width=1)
    heading(figure, title or t("fig.likert", lang))
    figure.update_layout(barmode="overlay", height=140 + 26 * len(labels), margin=dict(l=10, r=10, t=80, b=10),
                         xaxis=dict(title=t("sat.share", lang), ticksuffix=" %"),
                         yaxis=dict(autorange="reversed", automargin=True),
                         legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0, traceorder="normal"))
    return figure


@escaped_text
def trend_band(trend: pd.DataFrame, lang: str, title: str | None = None) -> go.Figure:
    """% satisfied per year with its 95 % interval as a band; significant changes marked with a star."""
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=list(trend["year"]) + list(trend["year"])[::-1],
                                y=list(trend["pct_ci_high"]) + list(trend["pct_ci_low"])[::-1], fill="toself",
                                fillcolor="rgba(9,105,218,0.15)", line=dict(width=0), hoverinfo="skip",
                                name=t("sat.interval", lang)))
    stars = ["*" if s else "" for s in trend.get("change_significant", pd.Series(False, index=trend.index))]
    figure.add_trace(go.Scatter(x=trend["year"], y=trend["pct_satisfied"], mode="lines+markers+text", text=stars,
                                textposition="top center", name=t("sat.pct", lang), line=dict(color="#0969da"),
                                hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))
    heading(figure, title or t("fig.trend_band", lang))
    figure.update_layout(height=340, margin=dict(l=10, r=10, t=50, b=10), xaxis=dict(dtick=1),
                         yaxis=dict(title=t("sat.pct", lang)), separators=",." if lang == "vi" else ".,")
    return figure


@escaped_text
def value_map(frame: pd.DataFrame, geojson: dict, lang: str, title: str, heading_text: str | None = None) -> go.Figure:
    """Choropleth of `value` by province `code` (offline boundaries); no value or suppressed: grey."""
    codes = [f["properties"]["code"] for f in geojson["features"]]
    data = pd.DataFrame({"code": codes}).merge(frame, on="code", how="left")
    valued = data["value"].notna()
    figure = go.Figure()
    if (~valued).any():
        figure.add_trace(go.Choropleth(geojson=geojson, featureidkey="properties.code",
                                       locations=data.loc[~valued, "code"], z=[0] * int((~valued).sum()),
                                       colorscale=[[0, SUPPRESSED_COLOUR], [1, SUPPRESSED_COLOUR]], showscale=False,
                                       text=data.loc[~valued, "label"], hoverinfo="text", marker_line_color="white"))
    figure.add_trace(go.Choropleth(geojson=geojson, featureidkey="properties.code", locations=data.loc[valued, "code"],
                                   z=data.loc[valued, "value"], colorscale="Blues", text=data.loc[valued, "label"],
                                   hoverinfo="text", marker_line_color="white",
                                   colorbar=dict(title=title, thickness=12, len=0.6)))
    figure.update_geos(fitbounds="locations", visible=False, projection_type="mercator")
    heading(figure, heading_text or t("fig.map", lang, what=title))
    figure.update_layout(height=640, margin=dict(l=0, r=0, t=40, b=0))
    return figure


@escaped_text
def scatter_with_fit(points: pd.DataFrame, x: str, y: str, label: str, lang: str, x_title: str,
                     y_title: str, title: str | None = None) -> go.Figure:
    """A scatter of units with a least-squares line (for SIPAS against the PAR INDEX)."""
    figure = go.Figure(go.Scatter(x=points[x], y=points[y], mode="markers", text=points[label],
                                  hovertemplate="%{text}<br>%{x:.2f} · %{y:.2f}<extra></extra>",
                                  marker=dict(size=9, color="#0969da")))
    if len(points) > 2:
        slope, intercept = np.polyfit(points[x].astype(float), points[y].astype(float), 1)
        xs = np.linspace(points[x].min(), points[x].max(), 20)
        figure.add_trace(go.Scatter(x=xs, y=slope * xs + intercept, mode="lines", line=dict(dash="dash", color="#57606a"),
                                    hoverinfo="skip", showlegend=False))
    heading(figure, title or t("fig.scatter", lang, x=x_title, y=y_title))
    figure.update_layout(height=440, margin=dict(l=10, r=10, t=50, b=10), xaxis_title=x_title, yaxis_title=y_title,
                         showlegend=False, separators=",." if lang == "vi" else ".,")
    return figure


@escaped_text
def rank_interval_chart(table: pd.DataFrame, lang: str, coverage: float, draws: int,
                        title: str | None = None) -> go.Figure:
    """Each unit's rank interval from the uncertainty analysis (metrics.uncertainty) as a bar from its low to its
    high rank, with the official rank (diamond) and the median simulated rank (dot); best rank at the top.
    `table`: code_system, code, name_vi, name_en, rank, rank_median, rank_low, rank_high."""
    data = table[table["rank_low"].notna()].sort_values(["rank", "code"], ascending=[False, True])
    names = unique_labels(list(data["name_vi" if lang == "vi" else "name_en"].fillna(data["code"])),
                           list(data["code_system"]), list(data["code"]))
    pct = int(round(coverage * 100))
    low, high = data["rank_low"].astype(int), data["rank_high"].astype(int)
    rank, median = data["rank"].astype(int), data["rank_median"].astype(int)
    hover = [t("uncertainty.hover", lang, rank=r, coverage=pct, low=lo, high=hi, median=m)
             for r, lo, hi, m in zip(rank, low, high, median)]
    figure = go.Figure()
    figure.add_trace(go.Bar(
        y=names, x=(high - low + 0.8).to_numpy(), base=(low - 0.4).to_numpy(), orientation="h",
        marker_color="#9ecbff", name=t("uncertainty.legend.interval", lang, coverage=pct), hovertext=hover,
        hovertemplate="%{y}<br>%{hovertext}<extra></extra>"))
    figure.add_trace(go.Scatter(
        y=names, x=median, mode="markers", marker=dict(symbol="circle", size=6, color="#57606a"),
        name=t("uncertainty.legend.median", lang), hoverinfo="skip"))
    figure.add_trace(go.Scatter(
        y=names, x=rank, mode="markers", marker=dict(symbol="diamond", size=9, color="#0969da",
                                                     line=dict(color="white", width=1)),
        name=t("uncertainty.legend.official", lang), hovertext=hover,
        hovertemplate="%{y}<br>%{hovertext}<extra></extra>"))
    heading(figure, title or t("uncertainty.chart", lang, coverage=pct, draws=number(draws, lang, 0, grouped=True)))
    n = int(high.max()) if len(data) else 1
    # The rank axis sits on top (a long chart is read from its top); the legend shares the title's line, at the
    # right, so that it never covers the axis' tick labels.
    figure.update_layout(
        height=max(300, 18 * len(data) + 120), margin=dict(l=10, r=20, t=100, b=10), bargap=0.35,
        xaxis=dict(title=t("uncertainty.axis", lang), range=[0.3, n + 0.7], side="top", showgrid=True,
                   tickvals=[1, *range(5, n + 1, 5)] if n > 20 else list(range(1, n + 1))),
        yaxis=dict(title=None, automargin=True),
        legend=dict(orientation="h", yref="container", y=1, yanchor="top", x=1, xanchor="right"),
        separators=",." if lang == "vi" else ".,")
    return figure
