"""A unit's briefing, written from metrics.decision.unit_decision (the profile's own figures): where it stands,
how it moved, where it lost points and what its plan says, satisfaction, and its head's proposed level."""
from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.briefing.model import BarChart, Data, Document, HistoryChart, Rich, Section, Series, Table, join, rich
from metrics.briefing.text_common import (HISTORY_COLOURS, NATIONAL_COLOUR, UNIT_COLOUR, change_clause, day,
                                          delta_words, num, pct, people, provenance_line, rank_words, say,
                                          sentences, size, source_name, template)
from ui.format import code_label, is_missing, localise_numbers, ordinal, signed
from ui.i18n import STRINGS, t

LOST_ROWS = 8          # rows of the lost-points table (the rest summed in its note)
TASKS_NAMED = 3        # plan tasks named in the text


def _present(value) -> bool:
    return not is_missing(value)


def _name(d: dict, lang: str) -> Data:
    return Data(str(d["unit"]["name_vi" if lang == "vi" else "name_en"]))


def _label(row, lang: str) -> Data:
    return Data(str(row["name_vi" if lang == "vi" else "name_en"]))


def headline(d: dict, lang: str) -> Rich:
    if d["index"] is None:
        return say("brief.u.none", lang, year=str(d["year"]), name=_name(d, lang))
    rank = (say("brief.u.rank", lang, rank=size(d["rank"], lang), total=size(d["units_total"], lang))
            if d["rank"] is not None and d["units_total"] else say("brief.u.rank_none", lang))
    group = say("brief.u.group", lang, group=Data(d["group"])) if d["group"] else []
    change, previous = d["change"], d["previous"] or {}
    prev_value = (pct(previous["index"], lang) if _present(previous.get("index"))
                  else t("basis.published", lang))
    clause = change_clause(change["index"], d["year"] - 1, prev_value, lang) if change["index"] is not None else []
    return say("brief.u.headline", lang, year=str(d["year"]), name=_name(d, lang), index=pct(d["index"], lang),
               rank=rank, group=group, change=clause)


def _change_sentence(d: dict, lang: str) -> Rich:
    change, previous, prev_year = d["change"], d["previous"], d["year"] - 1
    if change["index"] is None:
        return say("brief.u.change_none", lang, prev=str(prev_year))
    basis_key = change.get("basis") or (previous or {}).get("basis")
    if basis_key == "published" and not _present((previous or {}).get("index")):
        return say("brief.u.change_published", lang, prev=str(prev_year), delta=delta_words(change["index"], lang))
    # The mean of merged predecessors has no rank of its own: a rank is shown for the same unit only.
    own_rank = basis_key in ("same", "continued") and previous and _present(previous.get("rank"))
    prev_rank = say("brief.u.prev_rank", lang, rank=size(previous["rank"], lang)) if own_rank else []
    if change["rank"] is not None:
        moved = rich("; ", rank_words(change["rank"], lang))
    elif own_rank and d["rank"] is not None:
        moved = say("brief.u.rank_across", lang)
    else:
        moved = []
    if basis_key == "continued":
        basis = say("brief.u.change.continued", lang)
    elif basis_key in ("reconstructed", "predecessors"):
        members = [rich(Data(m[0] if lang == "vi" else m[1]), f" ({pct(m[2], lang)})")
                   for m in (previous or {}).get("members", [])]
        basis = say("brief.u.change.reconstructed", lang, members=join(members))
    elif basis_key == "published":
        basis = rich(" (", t("change.published", lang), ")")
    else:
        basis = []
    return say("brief.u.change", lang, prev=str(prev_year), prev_value=pct(previous["index"], lang),
               prev_rank=prev_rank, delta=delta_words(change["index"], lang), moved=moved, basis=basis)


def _uncertainty_sentence(d: dict, lang: str) -> Rich:
    u = d.get("uncertainty")
    if not u or not all(_present(u.get(k)) for k in ("rank_low", "rank_high")):
        return []
    key = "brief.u.uncertainty_same" if int(u["rank_low"]) == int(u["rank_high"]) else "brief.u.uncertainty"
    return say(key, lang, low=ordinal(int(u["rank_low"]), lang),
               high=ordinal(int(u["rank_high"]), lang), coverage=pct(100 * float(u.get("coverage", 0.9)), lang, 0),
               draws=size(u.get("draws"), lang),
               median=ordinal(int(round(float(u["rank_median"]))), lang) if _present(u.get("rank_median")) else "—")


def result_section(d: dict, lang: str) -> Section:
    if d["index"] is None:
        return Section(t("brief.h.result", lang), [])
    parts = [say("brief.u.basis", lang, basis=t(f"rank_basis.{d['rank_basis']}", lang),
                 source=source_name(d["source"], lang))]
    if _present(d.get("appraisal")) and _present(d.get("survey")):
        parts.append(say("brief.u.components", lang, appraisal=num(d["appraisal"], lang),
                         survey=num(d["survey"], lang)))
    national = d["national"]
    if _present(national.get("average")):
        gap = round(d["index"] - national["average"], 2)
        relation = (say("brief.u.above", lang, gap=num(gap, lang)) if gap > 0 else
                    say("brief.u.below", lang, gap=num(-gap, lang)) if gap < 0 else say("brief.u.equal", lang))
        basis = say("brief.basis.published", lang) if national.get("basis") == "published" else []
        parts.append(say("brief.u.national", lang, basis=basis, average=pct(national["average"], lang),
                         name=_name(d, lang), relation=relation))
    first = sentences(*parts)
    second = sentences(_change_sentence(d, lang), _uncertainty_sentence(d, lang))
    return Section(t("brief.h.result", lang), [first, second])


def fields_section(d: dict, lang: str) -> Section:
    fields = d["fields"]
    known = fields[fields["index"].notna()] if len(fields) else fields
    if known.empty:
        return Section(t("brief.h.fields", lang), [say("brief.u.fields_none", lang, year=str(d["year"]))])
    parts = []
    averaged = known[known["average"].notna()]
    if len(averaged) == len(known):
        gaps = (averaged["index"] - averaged["average"]).round(2)
        best, worst = averaged.loc[gaps.idxmax()], averaged.loc[gaps.idxmin()]

        def rank_of(row) -> Rich:
            return say("brief.u.field_rank", lang, rank=size(row["field_rank"], lang)) if _present(
                row["field_rank"]) else []

        parts.append(say("brief.u.fields", lang, above=size(int((gaps > 0).sum()), lang), n=size(len(known), lang),
                         best=_field(best, lang), best_value=pct(best["index"], lang),
                         best_gap=_signed(gaps[best.name], lang), best_rank=rank_of(best), worst=_field(worst, lang),
                         worst_value=pct(worst["index"], lang), worst_gap=_signed(gaps[worst.name], lang),
                         worst_rank=rank_of(worst)))
    else:
        ordered = known.sort_values("index", ascending=False, kind="stable")
        best, worst = ordered.iloc[0], ordered.iloc[-1]
        parts.append(say("brief.u.fields_plain", lang, best=_field(best, lang), best_value=pct(best["index"], lang),
                         worst=_field(worst, lang), worst_value=pct(worst["index"], lang)))
    changed = known[known["change"].notna()] if "change" in known else known.iloc[0:0]
    if len(changed) and changed["change"].min() < 0:
        fall = changed.loc[changed["change"].idxmin()]
        parts.append(say("brief.u.field_fall", lang, prev=str(d["year"] - 1), name=_field(fall, lang),
                         delta=num(abs(fall["change"]), lang)))
    return Section(t("brief.h.fields", lang), [sentences(*parts)])


def _signed(value: float, lang: str) -> str:
    return signed(value, lang)


def _field(row, lang: str) -> Rich:
    return rich(f"{row['field_code']}. ", _label(row, lang))


def lost_section(d: dict, lang: str) -> Section:
    lost = d["lost"]
    parts = []
    if lost.empty:
        parts.append(say("brief.u.lost_none", lang))
    else:
        top = lost[lost["lost"] > 0].head(3)
        items = [say("brief.u.lost_item", lang, name=_label(r, lang), lost=num(r["lost"], lang),
                     max=num(r["max_points"], lang)) for _, r in top.iterrows()]
        parts.append(say("brief.u.lost", lang, total=num(lost["lost"].sum(), lang),
                         max=num(lost["max_points"].sum(), lang), items=join(items)))
        kind = lost_kind(lost)
        if kind != "criterion":          # say what the points are counted from when criteria are not known
            parts.append(say(f"brief.u.lost_basis.{kind}", lang))
    tasks = d["tasks"]
    if len(tasks):
        items = [say("brief.u.task_item", lang, task=Data(str(r["task"])), deadline=day(r["deadline"], lang),
                     status=_task_status(r["status"], lang)) for _, r in tasks.head(TASKS_NAMED).iterrows()]
        more = say("brief.u.tasks_more", lang, n=size(len(tasks) - TASKS_NAMED, lang)) if len(tasks) > TASKS_NAMED \
            else []
        parts.append(say("brief.u.tasks", lang, year=str(d["year"]), items=join(items), more=more))
    elif not lost.empty:
        parts.append(say("brief.u.tasks_none", lang, year=str(d["year"])))
    return Section(t("brief.h.lost", lang), [sentences(*parts)])


def _task_status(status, lang: str) -> str:
    key = f"brief.task.{status}"
    return t(key, lang) if isinstance(status, str) and key in STRINGS else "—"


def satisfaction_section(d: dict, lang: str) -> Section | None:
    if d["level"] != "province":
        return None
    rows = d["satisfaction"]
    parts = []
    for _, r in rows.iterrows():
        label = _label_of(r, lang)
        if r["survey"] == "sipas_published" or (not _present(r["low"]) and _present(r["estimate"])):
            parts.append(say("brief.sat.published_unit", lang, label=label, value=pct(r["estimate"], lang))
                         + [(".", False)])
        elif not _present(r["estimate"]):
            parts.append(say("brief.sat.suppressed", lang, label=label, n=people(r["respondents"], lang))
                         + [(".", False)])
        else:
            parts.append(rich(label, ": ", pct(r["estimate"], lang), " (", pct(r["low"], lang), " – ",
                              pct(r["high"], lang), "; ", say("brief.prov.respondents", lang,
                                                              n=people(r["respondents"], lang)), ")."))
    if not parts:
        parts.append(say("brief.u.sat_none", lang, year=str(d["year"])))
    return Section(t("brief.h.satisfaction", lang), [sentences(*parts)])


def _label_of(row, lang: str) -> Data:
    return Data(str(row["label_vi" if lang == "vi" else "label_en"]))


def leader_section(d: dict, lang: str) -> Section:
    leader = d.get("leader")
    if not leader:
        return Section(t("brief.h.leader", lang), [say("brief.u.leader_none", lang)])
    code = leader.get("level")
    level = (leader.get(f"level_{lang}") or (t(f"level_rating.{code}", lang) if code else t("level_rating.none", lang)))
    reasons = [_outcome(r, lang) for r in leader.get(f"reasons_{lang}", [])]
    # The rule set by its title in the store (build.with_rule_titles), its internal name only when it has none.
    rules = leader.get(f"title_{lang}") or leader["rule_set"]
    parts = [say("brief.u.leader", lang, rules=Data(str(rules)), level=Data(level),
                 provisional=say("brief.u.provisional", lang) if leader.get("provisional") else [],
                 reasons=join(reasons) or "—")]
    missing = [_outcome(m, lang) for m in leader.get(f"missing_{lang}", [])]
    if missing:
        parts.append(say("brief.u.leader_missing", lang, missing=join(missing)))
    return Section(t("brief.h.leader", lang), [sentences(*parts)])


def _outcome(line: str, lang: str) -> Rich:
    """'bands: chỉ số 88.84 >= 80' as the leaders page writes it: the rule's name in the reader's language, numbers
    with a decimal comma in Vietnamese."""
    rule, sep, reason = str(line).partition(": ")
    if not sep:
        return rich(Data(localise_numbers(str(line), lang)))
    return rich(Data(code_label("leaders.rule.", rule, lang)), ": ", Data(localise_numbers(reason, lang)))


def history_chart(d: dict, lang: str) -> HistoryChart:
    """The unit's index per year up to the briefing's year (one line, across the 2025 codes when the unit was
    left whole), its predecessors or successor dotted, and the national average dashed."""
    history = shown_history(d)
    name_col = "name_vi" if lang == "vi" else "name_en"
    years = list(range(int(history["year"].min()), int(history["year"].max()) + 1)) if len(history) else []

    def line(rows: pd.DataFrame, name: str, colour: str, dashed: bool, labelled: bool) -> Series:
        by_year = {int(r.year): r for r in rows.itertuples()}
        return Series(name, [float(by_year[y].index) if y in by_year else None for y in years],
                      [by_year[y].source if y in by_year else None for y in years], colour, dashed, labelled)

    series = []
    own = history[history["role"] == "own"] if len(history) else history
    if len(own):
        series.append(line(own, str(d["unit"][name_col]), UNIT_COLOUR, False, True))
    others = history[history["role"] != "own"] if len(history) else history
    for n, ((system, code), rows) in enumerate(others.groupby(["code_system", "code"], sort=True)):
        series.append(line(rows, f"{rows[name_col].iloc[0]} ({system}:{code})",
                           HISTORY_COLOURS[1 + n % (len(HISTORY_COLOURS) - 1)], True, False))
    if len(history) and "national" in history and history["national"].notna().any():
        national = history.dropna(subset=["national"]).drop_duplicates("year").set_index("year")
        series.append(Series(t("brief.chart.national", lang),
                             [float(national.loc[y, "national"]) if y in national.index else None for y in years],
                             [national.loc[y, "source"] if y in national.index else None for y in years],
                             NATIONAL_COLOUR, dashed=True))
    return HistoryChart(t("brief.chart.history_unit", lang), years, series,
                        {s: t(f"source.{s}", lang) for s in ("published", "upload", "demo")},
                        t("brief.chart.empty", lang), lang)


def fields_chart(d: dict, lang: str) -> BarChart:
    fields = d["fields"]
    known = fields[fields["index"].notna()] if len(fields) else fields
    labels = [f"{c}. {n}" for c, n in zip(known["field_code"], known["name_vi" if lang == "vi" else "name_en"])]
    series = []
    if len(known):
        series.append((str(d["unit"]["name_vi" if lang == "vi" else "name_en"]), [float(v) for v in known["index"]],
                       UNIT_COLOUR))
        if known["average"].notna().any():
            series.append((t("brief.chart.national", lang),
                           [None if pd.isna(v) else float(v) for v in known["average"]], NATIONAL_COLOUR))
    return BarChart(t("brief.chart.fields_unit", lang, year=d["year"]), labels, series, t("brief.chart.empty", lang),
                    lang)


# Per kind of lost-points row (metrics.decision._lost gives one kind): the table's title, its first column, the
# note on the rows not shown and the note on illustrative maxima.
LOST_KEYS = {
    "criterion": ("brief.table.lost_criteria", "brief.col.criterion", "brief.table.more",
                  "brief.u.lost_illustrative"),
    "field": ("brief.table.lost_fields", "brief.col.field", "brief.table.more.field",
              "brief.u.lost_illustrative.field"),
    "component": ("brief.table.lost_parts", "brief.col.part", "brief.table.more.component",
                  "brief.u.lost_illustrative.component"),
}


def lost_kind(lost: pd.DataFrame) -> str:
    """What the lost-points rows count: 'criterion', 'field' or 'component' (the four published parts)."""
    kinds = set(lost["kind"])
    return kinds.pop() if len(kinds) == 1 and kinds <= set(LOST_KEYS) else "field"


def lost_table(d: dict, lang: str) -> Table | None:
    lost = d["lost"]
    if lost.empty:
        return None
    kind = lost_kind(lost)
    title, first, more, illustrative = LOST_KEYS[kind]
    criteria = kind == "criterion"          # a criterion row also names its field
    shown = lost.head(LOST_ROWS)
    rows = []
    for _, r in shown.iterrows():
        cells = [rich(_label(r, lang))] + ([rich(Data(str(r["field_code"])))] if criteria else [])
        cells += [rich(num(r["max_points"], lang)), rich(num(r["points"], lang)), rich(num(r["lost"], lang))]
        rows.append(cells)
    header = [t(first, lang)] + ([t("brief.col.field", lang)] if criteria else [])
    header += [t("brief.col.max", lang), t("brief.col.points", lang), t("brief.col.lost", lang)]
    rest = lost.iloc[LOST_ROWS:]
    notes = []
    if len(rest):
        notes.append(say(more, lang, n=size(len(rest), lang), lost=num(rest["lost"].sum(), lang)))
    if not lost["max_official"].astype(bool).all():
        notes.append(say(illustrative, lang))
    widths = [0.52, 0.12, 0.12, 0.12, 0.12] if criteria else [0.64, 0.12, 0.12, 0.12]
    return Table(t(title, lang), header, rows, [False] + ([False] if criteria else []) + [True, True, True], widths,
                 sentences(*notes))


def detail_text(detail, lang: str) -> Rich | None:
    """A provenance detail of the decision dict (already in the reader's language), kept as data."""
    if is_missing(detail) or not str(detail).strip():
        return None
    return rich(Data(str(detail).strip()))


HISTORY_FIGURE = "History over the years"      # metrics.decision's provenance line for the history


def shown_history(d: dict) -> pd.DataFrame:
    """The history up to the briefing's year: a briefing of 2023 draws nothing from 2024 or 2025."""
    history = d["history"]
    return history[history["year"] <= d["year"]] if len(history) else history


def sources_shown(d: dict) -> list[tuple[dict, str | None]]:
    """(provenance entry, source) of every figure the briefing shows: the decision's entries, its history lines
    replaced by the years drawn, and the rank interval."""
    entries = [p for p in d["provenance"] if p.get("figure_en") != HISTORY_FIGURE]
    history = shown_history(d)
    for source in sorted(set(history["source"].dropna())) if len(history) else []:
        years = ", ".join(str(y) for y in history.loc[history["source"] == source, "year"].drop_duplicates())
        entries.append({"figure_vi": "Diễn biến qua các năm", "figure_en": HISTORY_FIGURE, "source": source,
                        "detail": years, "detail_vi": f"năm {years}", "detail_en": f"years {years}"})
    return [(p, p["source"]) for p in entries]


def provenance(d: dict, lang: str) -> list[Rich]:
    lines = []
    for p, source in sources_shown(d):
        figure = Data(str(p["figure_vi" if lang == "vi" else "figure_en"]))
        lines.append(provenance_line(figure, source, detail_text(p.get(f"detail_{lang}", p.get("detail")), lang), lang))
    u = d.get("uncertainty")
    if u and _present(u.get("rank_low")):
        lines.append(provenance_line(t("brief.prov.uncertainty", lang), u.get("source") or d["source"],
                                     say("brief.prov.uncertainty_detail", lang, draws=size(u.get("draws"), lang),
                                         seed=str(u.get("seed", "—"))), lang))
    return lines


def shows_demo(d: dict) -> bool:
    """Whether any figure the briefing shows is demo data (then every page is stamped)."""
    u = d.get("uncertainty") or {}
    return any(source == "demo" for _, source in sources_shown(d)) or d["source"] == "demo" or \
        u.get("source") == "demo"


def compose_unit(d: dict, lang: str, today: date) -> Document:
    """The unit's briefing document for `lang`."""
    unit = d["unit"]
    key = f"{unit['code_system']}:{unit['code']}"
    sections = [s for s in (result_section(d, lang), fields_section(d, lang), lost_section(d, lang),
                            satisfaction_section(d, lang), leader_section(d, lang)) if s and s.paragraphs]
    batches = say("brief.meta.batches", lang, batches=str(d["batch_id"])) if d.get("batch_id") is not None else []
    return Document(
        lang=lang, title=t("brief.title", lang, year=d["year"]),
        subtitle=say(f"brief.scope.unit.{d['level']}", lang, name=_name(d, lang), code=Data(key)),
        meta=say("brief.meta", lang, source=source_name(d["source"], lang), batches=batches, date=day(today, lang)),
        headline=headline(d, lang), sections=sections, charts=[history_chart(d, lang), fields_chart(d, lang)],
        table=lost_table(d, lang), provenance=provenance(d, lang), demo=shows_demo(d),
        stamp=t("brief.stamp", lang), footer=t("brief.footer", lang), page_label=template("brief.page", lang),
        provenance_title=t("brief.provenance", lang), keywords=f"PAR INDEX {d['year']} {key}")
