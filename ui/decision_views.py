"""The profile's tables and sentences, built from the decision dict (metrics.decision) in the reader's language.

Plain DataFrames and strings, so the page only lays them out; user or file text in a sentence is escaped here.
"""
from __future__ import annotations

import pandas as pd

from ui.i18n import fmt_number, fmt_signed, t
from ui.provenance import row_origins, source_label
from ui.text import md_escape


def _name(lang: str) -> str:
    return "name_vi" if lang == "vi" else "name_en"


def max_mark(official: object, lang: str) -> str:
    """Whether a maximum rests on an official text or is the product's illustration."""
    return t("decision.max.official" if bool(official) else "decision.max.illustrative", lang)


def rank_text(decision: dict, lang: str) -> str:
    """'Rank 11 of 63', or 'rank not published' where the data gives no rank."""
    if decision["rank"] is None:
        return t("rank.not_published", lang)
    total = decision["units_total"]
    return t("profile.rank_of", lang, rank=decision["rank"], n=total) if total else str(decision["rank"])


def rank_delta_text(delta: int | None, lang: str) -> str | None:
    """'+4 places' (rose), '−2 places' (fell), 'unchanged', or None when ranks do not compare."""
    if delta is None:
        return None
    if delta == 0:
        return t("decision.rank_same", lang)
    return t("decision.rank_change", lang, sign="+" if delta > 0 else "−", n=abs(delta))


def change_sentence(decision: dict, lang: str, unit_name: str, old_field_size: int | None) -> str:
    """How this year compares with last year, and on what basis (same unit, a unit the 2025 reorganisation
    left whole, the mean of merged predecessors, or the release's own statement)."""
    previous, change = decision["previous"], decision["change"]
    basis = change.get("basis") or "none"
    source = source_label(decision["source"], lang)
    if previous is None or basis == "none":
        return t("decision.change.none", lang, year=decision["year"] - 1, source=source)
    if basis == "reconstructed":
        members = ", ".join(f"{md_escape(m[0] if lang == 'vi' else m[1])} {fmt_number(m[2], lang)}"
                            for m in previous["members"])
        return t("decision.change.reconstructed", lang, year=previous["year"], members=members,
                 prev=fmt_number(previous["index"], lang))
    if basis == "continued":
        return t("decision.change.continued", lang, year=previous["year"], name=md_escape(unit_name), source=source,
                 prev=fmt_number(previous["index"], lang), old_n=old_field_size, new_n=decision["units_total"])
    if previous["index"] is None:      # the release states the change; last year's value is not listed here
        return t("decision.change.published_only", lang, change=fmt_signed(change["index"], lang),
                 year=previous["year"])
    return t(f"decision.change.{basis}", lang, year=previous["year"], source=source,
             prev=fmt_number(previous["index"], lang), rank="—" if previous["rank"] is None else previous["rank"])


def components_view(components: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The four published parts (since 2023) against their maxima, each maximum marked."""
    return pd.DataFrame({
        t("decision.col.part", lang): components[_name(lang)],
        t("decision.col.points", lang): components["points"], t("decision.col.max", lang): components["max_points"],
        t("decision.col.max_mark", lang): components["official"].map(lambda o: max_mark(o, lang)),
        t("decision.col.detail", lang): row_origins(components, lang)})


def field_labels(fields: pd.DataFrame, lang: str) -> dict[str, str]:
    """'3. Administrative procedure reform' per field code."""
    return dict(zip(fields["field_code"], fields["field_code"] + ". " + fields[_name(lang)]))


def fields_view(fields: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Field indices with their change, field rank and its change, the national average and the best unit."""
    return pd.DataFrame({
        t("decision.col.field", lang): fields["field_code"] + ". " + fields[_name(lang)],
        t("decision.col.index", lang): fields["index"], t("decision.col.change", lang): fields["change"],
        t("decision.col.field_rank", lang): fields["field_rank"],
        t("decision.col.rank_change", lang): fields["rank_change"],
        t("decision.col.average", lang): fields["average"], t("decision.col.best", lang): fields["best"],
        t("decision.col.best_unit", lang): fields["best_vi" if lang == "vi" else "best_en"]})


def lost_view(lost: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Recoverable points per criterion (or field, or published part), most first, each maximum marked."""
    items = lost[_name(lang)] if (lost["kind"] == "component").all() else lost["code"] + " " + lost[_name(lang)]
    return pd.DataFrame({
        t("decision.col.item", lang): items, t("decision.col.max", lang): lost["max_points"],
        t("decision.col.points", lang): lost["points"], t("decision.col.lost", lang): lost["lost"],
        t("decision.col.max_mark", lang): lost["max_official"].map(lambda o: max_mark(o, lang))})


def tasks_view(tasks: pd.DataFrame, labels: dict[str, str], lang: str) -> pd.DataFrame:
    """The plan tasks of the fields that lost points, with deadline and status."""
    return pd.DataFrame({
        t("decision.col.field", lang): tasks["field_code"].map(labels),
        t("decision.col.task_no", lang): tasks["task_no"], t("decision.col.task", lang): tasks["task"],
        t("decision.col.deadline", lang): tasks["deadline"],
        t("decision.col.status", lang): tasks["status"].map(
            lambda s: t(f"decision.status.{s}", lang) if isinstance(s, str) else "—")})


def satisfaction_view(satisfaction: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Overall % satisfied per survey with its 95 % interval, respondents and source."""
    return pd.DataFrame({
        t("decision.col.survey", lang): satisfaction["label_vi" if lang == "vi" else "label_en"],
        t("decision.col.estimate", lang): satisfaction["estimate"],
        t("decision.col.interval", lang): ["—" if pd.isna(lo) else f"{fmt_number(lo, lang)} – {fmt_number(hi, lang)}"
                                           for lo, hi in zip(satisfaction["low"], satisfaction["high"])],
        t("decision.col.respondents", lang): satisfaction["respondents"],
        t("decision.col.source", lang): satisfaction["source"].map(lambda s: source_label(s, lang))})


def provenance_view(provenance: list[dict], lang: str) -> pd.DataFrame:
    """Where each figure comes from: the figure, its source, the batch or published reference."""
    return pd.DataFrame({
        t("decision.col.figure", lang): [p["figure_vi" if lang == "vi" else "figure_en"] for p in provenance],
        t("decision.col.source", lang): [source_label(p["source"], lang) for p in provenance],
        t("decision.col.detail", lang): [p[f"detail_{lang}"] for p in provenance]})
