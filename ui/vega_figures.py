"""The overview's two charts as Vega-Lite specs (st.vega_lite_chart): data in, (rows, spec) out, no Streamlit calls.

Why not Plotly, like every other chart (ui.figures): the browser loads a chart library's JavaScript the first time a
page draws one of its charts, and nothing of that page shows until it has. Plotly's is 4.7 MB; on 2 cores a new
browser then showed the overview's metrics 1.4-2.0 s after the page's script had finished in about half the loads,
0.2-0.4 s in the others. Vega-Lite's is 0.8 MB: 0.23-0.53 s every time (bench/bench_page.py). The first page a
leader opens draws these two; the pages behind it keep Plotly. (Server-side nothing changes much: Streamlit imports
Plotly itself; this module builds no Plotly figure.)

Vega-Lite draws labels as SVG text (no HTML, no Markdown) and its tooltips escape HTML (vega-tooltip's sanitize), so
names from data go out as written. Colours, axes and wording are the other charts' (ui.chart_style, ui.i18n).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ui.chart_style import axis_start, axis_title, group_colours, unique_labels
from ui.i18n import fmt_pct, t

GREY = "#57606a"
ROW_HEIGHT = 22   # pixels per unit in the index bar (a band each), as the Plotly chart had
MIN_ROWS = 8      # below this many units the index bar keeps the height of 8
PAD_LEFT = 10     # Vega's default 5 px cut the first letter of a title in Chromium ("Units" drawn as "Jnits")


@dataclass(frozen=True)
class VegaChart:
    """What st.vega_lite_chart draws: the rows (named columns only, built here) and the spec that reads them."""

    rows: pd.DataFrame
    spec: dict
    alt: str   # the chart in words, for screen readers: its title


def _title(text: str) -> dict:
    return {"text": text, "anchor": "start", "fontSize": 15}


def index_bar_spec(results: pd.DataFrame, lang: str, average: float | None = None,
                   title: str | None = None) -> VegaChart:
    """Every unit's index, best first, coloured by group, with the average as a dashed line."""
    data = results[results["index"].notna()].sort_values("index", ascending=False)
    names = data["name_vi" if lang == "vi" else "name_en"].fillna(data["code"]).astype(str).tolist()
    systems = data["code_system"].astype(str).tolist() if "code_system" in data else [""] * len(data)
    rows = pd.DataFrame({
        "unit": unique_labels(names, systems, data["code"].astype(str).tolist()),  # one bar per unit, never merged
        "index": data["index"].astype(float).to_numpy(),
        "label": [fmt_pct(v, lang) for v in data["index"]],
        "rank": ["—" if pd.isna(r) else str(int(r)) for r in data["rank"]],
        "group": data["group"].fillna("—").astype(str).to_numpy(),
        "colour": group_colours(data["group"]),
    })
    low = axis_start(float(rows["index"].min())) if len(rows) else 0.0
    y = {"field": "unit", "type": "nominal", "sort": None, "title": None,
         "axis": {"labelLimit": 360, "labelOverlap": False, "ticks": False, "domain": False}}
    x = {"field": "index", "type": "quantitative", "scale": {"domain": [low, 100], "zero": False, "clamp": True},
         "title": axis_title(t("col.index", lang), low, lang), "axis": {"format": "d", "tickMinStep": 1}}
    tooltip = [{"field": "unit", "title": t("col.unit", lang)}, {"field": "label", "title": t("col.index", lang)},
               {"field": "rank", "title": t("col.rank", lang)}, {"field": "group", "title": t("col.group", lang)}]
    layers = [
        {"mark": {"type": "bar"}, "encoding": {"y": y, "x": x, "color": {"field": "colour", "scale": None},
                                                "tooltip": tooltip}},
        {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 11},
         "encoding": {"y": y, "x": x, "text": {"field": "label"}, "tooltip": tooltip}},
    ]
    if average is not None:
        line = {"datum": float(average), "type": "quantitative", "scale": x["scale"]}
        once = {"values": [{}]}   # drawn once, not once per unit
        layers += [
            {"data": once, "mark": {"type": "rule", "strokeDash": [4, 4], "color": GREY}, "encoding": {"x": line}},
            {"data": once, "mark": {"type": "text", "align": "center", "baseline": "bottom", "dy": -4, "color": GREY,
                                    "fontSize": 11},
             "encoding": {"x": line, "y": {"value": 0},
                          "text": {"value": f"{t('overview.average', lang)} {fmt_pct(average, lang)}"}}},
        ]
    heading = title or t("fig.index_bar", lang)
    # a band per unit; a chart of a few units keeps some height (wider bands), as the Plotly chart's 300 px
    # minimum did. A fixed height instead squeezed the bands of a layered chart into a few pixels.
    step = ROW_HEIGHT if len(rows) >= MIN_ROWS else ROW_HEIGHT * MIN_ROWS / max(len(rows), 1)
    spec = {"title": _title(heading), "width": "container", "height": {"step": step}, "layer": layers,
            "padding": {"top": 16, "right": 56, "bottom": 5, "left": PAD_LEFT}}
    return VegaChart(rows, spec, heading)


def groups_bar_spec(groups: pd.DataFrame, lang: str, title: str | None = None) -> VegaChart:
    """Units per group, in the framework's band order."""
    rows = pd.DataFrame({
        "group": groups["label_vi" if lang == "vi" else "label_en"].astype(str).to_numpy(),
        "units": groups["units"].astype(int).to_numpy(),
        "colour": group_colours(groups["group_code"]),
    })
    x = {"field": "group", "type": "nominal", "sort": None, "title": None,
         "axis": {"labelAngle": -30, "labelLimit": 160, "labelOverlap": False}}
    y = {"field": "units", "type": "quantitative", "title": t("col.units", lang),
         "axis": {"format": "d", "tickMinStep": 1}}
    tooltip = [{"field": "group", "title": t("col.group", lang)}, {"field": "units", "title": t("col.units", lang)}]
    heading = title or t("fig.groups_bar", lang)
    spec = {"title": _title(heading), "width": "container", "height": 260,
            "padding": {"top": 5, "right": 5, "bottom": 5, "left": PAD_LEFT}, "layer": [
        {"mark": {"type": "bar"}, "encoding": {"x": x, "y": y, "color": {"field": "colour", "scale": None},
                                                "tooltip": tooltip}},
        {"mark": {"type": "text", "baseline": "bottom", "dy": -3, "fontSize": 11},
         "encoding": {"x": x, "y": y, "text": {"field": "units"}, "tooltip": tooltip}},
    ]}
    return VegaChart(rows, spec, heading)
