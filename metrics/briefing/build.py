"""Entry points: a briefing for a unit or the nation, as PDF, DOCX or Markdown bytes, and its file name."""
from __future__ import annotations

import re
from datetime import date

import duckdb

from metrics.briefing.facts_national import national_facts
from metrics.briefing.model import Document
from metrics.briefing.release_line import briefing_level, with_release_line
from metrics.briefing.text_national import compose_national
from metrics.leaders import rule_sets
from ui.format import is_missing
from ui.i18n import t

FORMATS = ("pdf", "docx", "md")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md": "text/markdown"}
NATIONAL = "national"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


class BriefingError(Exception):
    """A briefing refused, its message in both languages: `text(lang)` from ui/strings/briefing.py (`key` filled
    with `values`); str() is the English one."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(self.text("en"))

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.values)

    def __str__(self) -> str:          # KeyError would quote it
        return self.text("en")


class NoBriefing(BriefingError, LookupError):
    """Nothing to write: no dataset has figures for that level (or unit) and year."""


class BadUnit(BriefingError, ValueError):
    """A unit that is not SYSTEM:CODE, or not a province or a ministry."""


class UnknownName(BriefingError, KeyError):
    """A unit or rule set the store does not have."""


def parse_unit(unit: str | tuple[str, str]) -> tuple[str, str] | None:
    """'vn34:22' or ('vn34', '22') -> ('vn34', '22'); 'national' -> None."""
    if isinstance(unit, tuple):
        return unit
    if unit.strip().lower() == NATIONAL:
        return None
    system, sep, code = unit.strip().partition(":")
    if not sep or not system or not code:
        raise BadUnit("brief.err.unit_syntax", unit=repr(unit))
    return system, code


def with_rule_titles(con: duckdb.DuckDBPyConnection, decision: dict) -> dict:
    """The decision with its rule set's titles from the store (`title_vi`, `title_en` of metrics.leaders.rule_sets):
    the briefing names a rule set as the leaders page does, not by its internal name."""
    leader = decision.get("leader")
    found = rule_sets(con).set_index("name")
    if not leader or leader["rule_set"] not in found.index:
        return decision
    row = found.loc[leader["rule_set"]]
    titles = {key: str(row[key]).strip() for key in ("title_vi", "title_en") if not is_missing(row[key])}
    return {**decision, "leader": {**leader, **{key: title for key, title in titles.items() if title}}}


def national_document(con: duckdb.DuckDBPyConnection, level: str, year: int, lang: str, source: str | None = None,
                      as_of: date | None = None, today: date | None = None) -> Document:
    facts = national_facts(con, level, year, source, as_of)
    if facts is None:
        raise NoBriefing(f"brief.err.no_data.{level}", year=year)
    return compose_national(facts, lang, today or date.today())


def unit_document(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int, lang: str,
                  rules: str | None = None, source: str | None = None, decision: dict | None = None,
                  today: date | None = None) -> Document:
    """The unit briefing, rendered from `unit_decision` (the profile's own figures, its rank interval included),
    computed here unless the caller passes it, with the rule set named by its title. A unit that is not a province
    or ministry (BadUnit), is unknown (UnknownName) or has no index that year from `source` (NoBriefing) is
    refused before any figure is computed."""
    from metrics.briefing.text_unit import compose_unit
    from metrics.decision import pick_unit_source, unit_decision
    from metrics.profile import level_of_system, unit_info

    unit = f"{code_system}:{code}"
    if decision is None:
        if level_of_system(code_system) is None:
            raise BadUnit("brief.err.unit_kind", unit=unit)
        if unit_info(con, code_system, code) is None:
            raise UnknownName("brief.err.unknown_unit", unit=unit)
        # Refused before the profile's figures are computed: a year the unit has no index has no briefing.
        if pick_unit_source(con, code_system, code, year, source) is not None:
            decision = unit_decision(con, code_system, code, year, source=source, rules=rules)
    if decision is None or decision["source"] is None:
        if source:
            raise NoBriefing("brief.err.no_unit_data_from", unit=unit, year=year, source=source)
        raise NoBriefing("brief.err.no_unit_data", unit=unit, year=year)
    return compose_unit(with_rule_titles(con, decision), lang, today or date.today())


def document_for(con: duckdb.DuckDBPyConnection, unit: str | tuple[str, str], year: int, lang: str,
                 rules: str | None = None, source: str | None = None, *, level: str = "province",
                 as_of: date | None = None, decision: dict | None = None) -> Document:
    key = parse_unit(unit)
    if key is None:
        document = national_document(con, level, year, lang, source, as_of)
    else:
        document = unit_document(con, key[0], key[1], year, lang, rules, source, decision)
    return with_release_line(con, document, briefing_level(key, level), year)   # which release, or a draft


def render(document: Document, fmt: str) -> bytes:
    if fmt == "pdf":
        from metrics.briefing.render_pdf import render_pdf
        return render_pdf(document)
    if fmt == "docx":
        from metrics.briefing.render_docx import render_docx
        return render_docx(document)
    if fmt == "md":
        from metrics.briefing.render_md import render_md
        return render_md(document).encode("utf-8")
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")


def build_briefing(con: duckdb.DuckDBPyConnection, unit: str | tuple[str, str], year: int, fmt: str, lang: str,
                   rules: str | None = None, source: str | None = None, *, level: str = "province",
                   as_of: date | None = None, decision: dict | None = None) -> bytes:
    """The briefing of `unit` ('SYSTEM:CODE', or 'national' with `level`) for `year` as `fmt` (pdf, docx, md) in
    `lang` (vi, en). `source` is used alone (SourceUnavailable when the nation has none that year); `rules` names
    the leader rule set; `decision` is the unit_decision dict when the caller already has it (the profile page).
    Raises NoBriefing when there is nothing to write."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    return render(document_for(con, unit, year, lang, rules, source, level=level, as_of=as_of, decision=decision),
                  fmt)


def briefing_filename(unit: str | tuple[str, str], year: int, fmt: str, lang: str, level: str = "province") -> str:
    """'briefing-vn34-22-2025-vi.pdf', 'briefing-national-province-2025-en.docx': ASCII, safe as a path."""
    key = parse_unit(unit)
    stem = f"national-{level}" if key is None else f"{key[0]}-{key[1]}"
    return f"briefing-{_UNSAFE.sub('-', stem).strip('-').lower()}-{int(year)}-{lang}.{fmt}"
