"""What the rankings page says about which points the survey sampling error moves (metrics.uncertainty)."""
from __future__ import annotations

from metrics.uncertainty import SampledPart
from ui.format import number
from ui.i18n import t


def sampled_part_text(part: SampledPart, lang: str) -> str:
    """One sentence: the SIPAS points that move (their criteria or the table's part, their maximum), that a
    ministry's survey points move only by a stated error, or why nothing moves."""
    if part.kind == "none":
        return t(f"uncertainty.sampled.none.{part.reason}", lang)
    if part.kind == "survey":
        return t("uncertainty.sampled.survey", lang)
    items = (t("uncertainty.items.criteria", lang, codes=", ".join(part.items)) if part.basis == "criteria"
             else t("uncertainty.items.component", lang))
    return t("uncertainty.sampled.sipas", lang, items=items, points=_points(part.max_points, lang),
             survey=_points(part.survey_max, lang))


def _points(value: float, lang: str) -> str:
    """A maximum as the frameworks print it, no trailing zeros: 10, 31,5 and 2,25 (vi) / 31.5 and 2.25 (en)."""
    value = float(value)
    digits = 0 if value.is_integer() else 1 if (value * 10).is_integer() else 2
    return number(value, lang, digits)
