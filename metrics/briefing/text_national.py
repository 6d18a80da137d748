"""The national briefing, in the manner of MoHA's release: the average and its change, groups, leaders, movers,
regions, fields, satisfaction, projects and plans, each sentence a template filled from NationalFacts."""
from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.briefing.facts_national import PROJECT_STATES, NationalFacts
from metrics.briefing.model import BarChart, Data, Document, HistoryChart, Rich, Section, Series, Table, join, rich
from metrics.briefing.text_common import (BEST_COLOUR, NATIONAL_COLOUR, UNIT_COLOUR, batches_text, change_clause, day,
                                          num, pct, people, provenance_line, rank_words, say, sentences, size,
                                          source_name, template)
from metrics.par_index import system_for_year
from ui.i18n import region_name, t


def _name(row, lang: str) -> Data:
    return Data(str(row["name_vi" if lang == "vi" else "name_en"]))


def headline(f: NationalFacts, lang: str) -> Rich:
    view = f.view
    if f.average is None:
        return say("brief.n.headline_none", lang, year=str(f.year), source=source_name(f.source, lang).lower(),
                   k=size(view.units_with_value, lang), n=size(view.units_total, lang))
    prev = f.previous
    change = change_clause(f.change, f.year - 1, pct(prev["average"], lang), lang) if prev else []
    basis = say("brief.basis.published", lang) if f.average["basis"] == "published" else []
    return say("brief.n.headline", lang, year=str(f.year), n=size(f.average["units_total"], lang),
               units=t(f"brief.units.{f.level}", lang), average=pct(f.average["average"], lang), basis=basis,
               change=change)


def result_section(f: NationalFacts, lang: str) -> Section:
    view, prev_year = f.view, f.year - 1
    parts = []
    if not view.complete:
        parts.append(say("brief.n.listed", lang, year=str(f.year), source=source_name(f.source, lang).lower(),
                         k=size(view.units_with_value, lang), n=size(view.units_total, lang)))
    if f.average and f.previous and f.previous["units_total"] != f.average["units_total"]:
        parts.append(say("brief.n.across", lang, prev=str(prev_year), prev_n=size(f.previous["units_total"], lang),
                         year=str(f.year), n=size(f.average["units_total"], lang)))
    if f.average and not f.previous:
        parts.append(say("brief.n.no_previous", lang, prev=str(prev_year)))
    paragraphs = [sentences(*parts)] if parts else []
    if f.moves:
        basis = say("brief.basis.published", lang) if f.moves["basis"] == "published" else []
        up, down = f.moves["up"], f.moves["down"]
        key = "brief.n.moves" if up is not None and down is not None else (
            "brief.n.moves_up" if up is not None else "brief.n.moves_down")
        paragraphs.append(say(key, lang, prev=str(prev_year), up=size(up, lang), down=size(down, lang), basis=basis))
    movers = []
    basis = say("brief.basis.published", lang) if view.movers_basis == "published" else []
    for key, mover in (("brief.n.riser", view.riser), ("brief.n.faller", view.faller)):
        if mover:
            moved = mover.get("delta_rank")
            ranks = [] if moved is None or pd.isna(moved) else say("brief.n.ranks_moved", lang,
                                                                   moved=rank_words(int(moved), lang))
            movers.append(say(key, lang, name=_name(mover, lang), delta=num(abs(mover["delta_index"]), lang),
                              ranks=ranks, basis=basis))
    if not movers and view.movers_basis is None:
        movers.append(say("brief.n.movers_none", lang))
    if movers:
        paragraphs.append(sentences(*movers))
    return Section(t("brief.h.result", lang), paragraphs)


def groups_section(f: NationalFacts, lang: str) -> Section:
    view = f.view
    label = "label_vi" if lang == "vi" else "label_en"
    stated = view.groups[view.groups["units"].notna()]
    if stated.empty:
        groups = say("brief.n.groups_none", lang)
    else:
        basis = say("brief.basis.published", lang) if view.groups_basis == "published" else []
        items = [say("brief.n.group_item", lang, label=Data(str(g[label])), n=size(int(g["units"]), lang))
                 for _, g in stated.iterrows()]
        groups = say("brief.n.groups", lang, basis=basis, items=join(items))
    paragraphs = [groups]
    if view.ranks_basis is None:
        paragraphs.append(say("brief.n.ranks_none", lang))
    else:
        basis = say("brief.basis.published", lang) if view.ranks_basis == "published" else []
        for key, table in (("brief.n.top", view.top), ("brief.n.bottom", view.bottom)):
            if len(table):
                items = [say("brief.n.rank_item", lang, rank=size(int(r["rank"]), lang), name=_name(r, lang),
                             index=pct(r["index"], lang)) for _, r in table.iterrows()]
                paragraphs.append(say(key, lang, basis=basis, items=join(items)))
    return Section(t("brief.h.groups", lang), [sentences(*paragraphs)])


def regions_fields_section(f: NationalFacts, lang: str) -> Section:
    parts = []
    if f.level == "province":
        regions = f.regions
        if len(regions):
            best, worst = regions.iloc[0], regions.iloc[-1]
            parts.append(say("brief.n.regions", lang, best=Data(region_name(best["region"], lang)),
                             best_value=pct(best["average"], lang), worst=Data(region_name(worst["region"], lang)),
                             worst_value=pct(worst["average"], lang), k=size(int(regions["units"].sum()), lang)))
        else:
            parts.append(say("brief.n.regions_none", lang))
    fields = f.fields
    if len(fields):
        ordered = fields.sort_values("average", ascending=False, kind="stable")
        best, worst = ordered.iloc[0], ordered.iloc[-1]
        most = fields.sort_values("lost", ascending=False, kind="stable").iloc[0]
        parts.append(say("brief.n.fields", lang, best=_field(best, lang), best_value=pct(best["average"], lang),
                         worst=_field(worst, lang), worst_value=pct(worst["average"], lang), most=_field(most, lang),
                         lost=num(most["lost"], lang), max=num(most["max_points"], lang)))
    else:
        parts.append(say("brief.n.fields_none", lang))
    heading = "brief.h.regions_fields" if f.level == "province" else "brief.h.fields"
    return Section(t(heading, lang), [sentences(*parts)])


def _field(row, lang: str) -> Rich:
    return rich(f"{row['field_code']}. ", _name(row, lang))


def satisfaction_section(f: NationalFacts, lang: str) -> Section:
    parts = []
    for _, r in f.satisfaction.iterrows():
        label = rich(Data(r["label_vi" if lang == "vi" else "label_en"]), " — ", Data(r["set_vi" if lang == "vi"
                                                                                      else "set_en"]))
        if r["estimate"] is None or pd.isna(r["estimate"]):
            parts.append(say("brief.sat.suppressed", lang, label=label, n=people(r["respondents"], lang)))
            continue
        coverage = (say("brief.sat.coverage_all", lang) if r["units_covered"] >= r["units_total"] else
                    say("brief.sat.coverage_part", lang, k=size(r["units_covered"], lang),
                        n=size(r["units_total"], lang)))
        parts.append(say("brief.sat.item", lang, label=label, value=pct(r["estimate"], lang),
                         low=pct(r["low"], lang), high=pct(r["high"], lang), n=people(r["respondents"], lang),
                         coverage=coverage) + [(".", False)])
    if f.published_sipas:
        parts.append(say("brief.sat.published", lang, year=str(f.year), value=pct(f.published_sipas["value"], lang)))
    if "satisfaction" in f.withheld:
        parts.append(say("brief.withheld", lang, what=t("brief.what.satisfaction", lang)))
    if not parts:
        parts.append(say("brief.sat.none", lang, year=str(f.year)))
    return Section(t("brief.h.satisfaction", lang), [sentences(*parts)])


def projects_section(f: NationalFacts, lang: str) -> Section:
    parts = []
    if f.projects is not None and len(f.projects):
        counts = f.projects["status"].value_counts()
        items = [say("brief.n.project_item", lang, n=size(int(counts[s]), lang), label=t(f"status.{s}", lang).lower())
                 for s in PROJECT_STATES if counts.get(s, 0)]
        parts.append(say("brief.n.projects", lang, date=day(f.as_of, lang), total=size(len(f.projects), lang),
                         items=join(items, ", ")))
    elif "projects" in f.withheld:
        parts.append(say("brief.withheld", lang, what=t("brief.what.projects", lang)))
    else:
        parts.append(say("brief.n.projects_none", lang))
    plans = f.plans
    if plans and plans["expected"] and (plans["plan_source"] or plans["report_source"]):
        reports = pct(plans["reports_on_time_pct"], lang, 1) if plans["reports_on_time_pct"] is not None else "—"
        parts.append(say("brief.n.plans", lang, year=str(f.year), prev=str(f.year - 1),
                         on_time=size(plans["on_time"], lang), expected=size(plans["expected"], lang),
                         late=size(plans["late"], lang), missing=size(plans["missing"], lang), reports=reports,
                         due=size(plans["reports_due"], lang)))
    elif "plans" in f.withheld:
        parts.append(say("brief.withheld", lang, what=t("brief.what.plans", lang)))
    else:
        parts.append(say("brief.n.plans_none", lang, year=str(f.year)))
    return Section(t("brief.h.projects", lang), [sentences(*parts)])


def history_chart(f: NationalFacts, lang: str) -> HistoryChart:
    """The national average per year (a year without one is a gap, not a shortcut between its neighbours)."""
    history = f.history
    years = list(range(int(history["year"].min()), int(history["year"].max()) + 1)) if len(history) else []
    by_year = {int(r.year): r for r in history.itertuples()}
    series = [Series(t("brief.chart.national", lang),
                     [float(by_year[y].average) if y in by_year else None for y in years],
                     [by_year[y].source if y in by_year else None for y in years], UNIT_COLOUR)] if years else []
    return HistoryChart(t("brief.chart.history_national", lang), years, series,
                        {s: t(f"source.{s}", lang) for s in ("published", "upload", "demo")},
                        t("brief.chart.empty", lang), lang)


def fields_chart(f: NationalFacts, lang: str) -> BarChart:
    fields = f.fields
    labels = [f"{c}. {n}" for c, n in zip(fields["field_code"], fields["name_vi" if lang == "vi" else "name_en"])]
    series = [(t("brief.chart.national", lang), [float(v) for v in fields["average"]], NATIONAL_COLOUR),
              (t("brief.chart.best", lang), [float(v) for v in fields["best"]], BEST_COLOUR)] if len(fields) else []
    return BarChart(t("brief.chart.fields_national", lang, year=f.year), labels, series, t("brief.chart.empty", lang),
                    lang)


def lost_table(f: NationalFacts, lang: str) -> Table | None:
    fields = f.fields
    if fields.empty:
        return None
    ordered = fields.sort_values("lost", ascending=False, kind="stable")
    rows = [[_field(r, lang), rich(num(r["max_points"], lang)), rich(num(r["average"], lang)),
             rich(num(r["lost"], lang))] for _, r in ordered.iterrows()]
    framework = f.view.framework or {}
    note = say("brief.u.lost_illustrative", lang) if framework.get("points_illustrative") and \
        f.view.shape == "scores" else []
    return Table(t("brief.table.lost_national", lang),
                 [t("brief.col.field", lang), t("brief.col.max", lang), t("brief.col.average", lang),
                  t("brief.col.lost", lang)], rows, [False, True, True, True], [0.64, 0.12, 0.12, 0.12], note)


def provenance(f: NationalFacts, lang: str) -> list[Rich]:
    view = f.view
    units = t(f"level.{f.level}", lang)
    coverage = say("brief.prov.coverage", lang, k=size(view.units_with_value, lang), n=size(view.units_total, lang))
    detail = join([coverage,
                   say("brief.prov.batches", lang, batches=batches_text(view.batch_ids))], "; ")
    lines = [provenance_line(t("brief.prov.par", lang, year=f.year, units=units), f.source, detail, lang)]
    for average in (f.average, f.previous):
        if average:
            how = (Data(average["ref"]) if average["basis"] == "published" else
                   join([say("brief.prov.mean_of", lang, n=size(average["units"], lang)),
                         say("brief.prov.batches", lang, batches=batches_text(average["batches"]))], "; "))
            lines.append(provenance_line(t("brief.prov.average", lang, year=average["year"]), average["source"], how,
                                         lang))
    bases = {view.groups_basis, view.ranks_basis, view.movers_basis} - {None}
    if bases:
        lines.append(provenance_line(t("brief.prov.whole", lang), f.source,
                                     "; ".join(t(f"basis.{b}", lang) for b in sorted(bases)), lang))
    if len(view.release_facts):
        refs = sorted({r for ref in view.release_facts["source_ref"].dropna() for r in str(ref).split(" ; ") if r})
        lines.append(provenance_line(t("brief.prov.release", lang, year=f.year), "published", Data(" ; ".join(refs)),
                                     lang))
    if view.framework:
        framework = view.framework
        title = Data(str(framework["title_vi" if lang == "vi" else "title_en"]))
        illustrative = framework["points_illustrative"] and view.shape == "scores"
        detail = rich(title, "; " + t("brief.prov.illustrative", lang)) if illustrative else title
        lines.append(rich(t("brief.prov.framework", lang), ": ", detail))
    for _, r in f.satisfaction.iterrows() if f.level == "province" else ():
        lines.append(provenance_line(Data(r["label_vi" if lang == "vi" else "label_en"]), r["source"],
                                     say("brief.prov.respondents", lang, n=people(r["respondents"], lang)), lang))
    if f.published_sipas and f.level == "province":
        lines.append(provenance_line(t("brief.prov.sipas_published", lang, year=f.year), "published",
                                     Data(f.published_sipas["source_ref"]), lang))
    if f.projects is not None and len(f.projects):
        sources = sorted(set(f.projects["source"].dropna()))
        lines.append(rich(t("brief.prov.projects", lang, date=day(f.as_of, lang)), ": ",
                          ", ".join(source_name(s, lang) for s in sources) or t("source.reference", lang)))
    if f.plans and (f.plans["plan_source"] or f.plans["report_source"]):
        sources = sorted({s for s in (f.plans["plan_source"], f.plans["report_source"]) if s})
        lines.append(rich(t("brief.prov.plans", lang, year=f.year, date=day(f.as_of, lang)), ": ",
                          ", ".join(source_name(s, lang) for s in sources)))
    return lines


def compose_national(f: NationalFacts, lang: str, today: date) -> Document:
    """The national briefing document for `lang`."""
    view = f.view
    # SIPAS and the other surveys are of provinces' services: a ministries' briefing leaves them out.
    sections = [result_section(f, lang), groups_section(f, lang), regions_fields_section(f, lang)]
    sections += [satisfaction_section(f, lang)] if f.level == "province" else []
    sections.append(projects_section(f, lang))
    meta = say("brief.meta", lang, source=source_name(f.source, lang),
               batches=say("brief.meta.batches", lang, batches=batches_text(view.batch_ids)) if view.batch_ids else [],
               date=day(today, lang))
    demo = f.demo or (f.level == "province" and any(s == "demo" for s in f.satisfaction["source"]))
    return Document(
        lang=lang, title=t("brief.title", lang, year=f.year), subtitle=rich(t(f"brief.scope.national.{f.level}", lang)),
        meta=meta, headline=headline(f, lang), sections=sections,
        charts=[history_chart(f, lang), fields_chart(f, lang)],
        table=lost_table(f, lang), provenance=provenance(f, lang), demo=demo, stamp=t("brief.stamp", lang),
        footer=t("brief.footer", lang), page_label=template("brief.page", lang),
        provenance_title=t("brief.provenance", lang),
        keywords=f"PAR INDEX {f.year} {system_for_year(f.level, f.year)}")

