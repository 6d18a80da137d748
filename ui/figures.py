"""Figure builders: data in, go.Figure out, no Streamlit calls."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import fmt_pct, t

GROUP_COLOURS = {"A": "#1a7f37", "B": "#0969da", "C": "#bf8700", "D": "#cf222e", None: "#8c959f"}


def index_bar(results: pd.DataFrame, lang: str, average: float | None = None) -> go.Figure:
    """Every unit's index, best first, coloured by group, with the average as a line."""
    data = results[results["index"].notna()].sort_values("index", ascending=True)
    names = data["name_vi" if lang == "vi" else "name_en"]
    figure = go.Figure(go.Bar(
        x=data["index"], y=names, orientation="h",
        marker_color=[GROUP_COLOURS.get(g, GROUP_COLOURS[None]) for g in data["group"]],
        text=[fmt_pct(v, lang) for v in data["index"]], textposition="outside", cliponaxis=False,
        customdata=list(zip(data["rank"].astype("object").where(data["rank"].notna(), "—"), data["group"].fillna("—"))),
        hovertemplate="%{y}<br>" + t("col.index", lang) + ": %{text}<br>" + t("col.rank", lang)
        + ": %{customdata[0]}<br>" + t("col.group", lang) + ": %{customdata[1]}<extra></extra>",
    ))
    if average is not None:
        figure.add_vline(x=average, line_dash="dash", line_color="#57606a",
                         annotation_text=f"{t('overview.average', lang)} {fmt_pct(average, lang)}",
                         annotation_position="top")
    low = max(0.0, float(data["index"].min()) - 5) if len(data) else 0.0
    figure.update_layout(
        height=max(300, 22 * len(data) + 80), margin=dict(l=10, r=60, t=30, b=10),
        xaxis=dict(range=[low, 100], title=t("col.index", lang), separatethousands=True),
        yaxis=dict(title=None), showlegend=False, separators=",." if lang == "vi" else ".,",
    )
    return figure


def groups_bar(groups: pd.DataFrame, lang: str) -> go.Figure:
    """Units per group, in the framework's band order."""
    labels = groups["label_vi" if lang == "vi" else "label_en"]
    figure = go.Figure(go.Bar(
        x=labels, y=groups["units"], text=groups["units"], textposition="outside", cliponaxis=False,
        marker_color=[GROUP_COLOURS.get(g, GROUP_COLOURS[None]) for g in groups["group_code"]],
        hovertemplate="%{x}: %{y}<extra></extra>",
    ))
    figure.update_layout(height=300, margin=dict(l=10, r=10, t=30, b=10), yaxis=dict(title=None),
                         xaxis=dict(title=None), showlegend=False)
    return figure
