"""What every chart of the app shares, Plotly (ui.figures) or Vega-Lite (ui.vega_figures): the groups' colours,
where a value axis starts and how its title says so, labels that keep units apart. No chart library imported."""
from __future__ import annotations

import math

from ui.i18n import fmt_pct, t

GROUP_COLOURS = {"A": "#1a7f37", "B": "#0969da", "C": "#bf8700", "D": "#cf222e", None: "#8c959f"}


def group_colours(groups) -> list[str]:
    """The colour of each group code; grey for no group (None or NaN) or one without a colour of its own."""
    return [GROUP_COLOURS.get(g if isinstance(g, str) else None, GROUP_COLOURS[None]) for g in groups]


def axis_start(lowest: float | None, step: float = 5.0, near_zero: float = 30.0) -> float:
    """Where a value axis starts: 0 unless every value is far above it, then a round step below the lowest
    value (so differences between 80 and 95 show instead of bars that all look full)."""
    if lowest is None or (isinstance(lowest, float) and math.isnan(lowest)) or lowest < near_zero:
        return 0.0
    return max(0.0, math.floor((float(lowest) - step / 2) / step) * step)


def axis_title(title: str, start: float, lang: str) -> str:
    """The axis title, saying where the axis starts when that is not 0."""
    return t("fig.axis_from", lang, title=title, start=fmt_pct(start, lang, 0)) if start > 0 else title


def unique_labels(names: list[str], systems: list[str], codes: list[str]) -> list[str]:
    """Display names for rows keyed by system:code: the name alone when it is unique, else 'Name (system)'
    (old and new units that share a name), else 'Name (system:code)'."""
    labels = list(names)
    if len(set(systems)) > 1:
        labels = [f"{n} ({s})" for n, s in zip(names, systems)]
    if len(set(labels)) < len(labels):
        labels = [f"{n} ({s}:{c})" for n, s, c in zip(names, systems, codes)]
    return labels
