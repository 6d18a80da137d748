"""Entry points: a briefing for a unit or the nation, as PDF, DOCX or Markdown bytes, and its file name."""
from __future__ import annotations

import re
from datetime import date

import duckdb

from metrics.briefing.facts_national import national_facts
from metrics.briefing.model import Document
from metrics.briefing.text_national import compose_national

FORMATS = ("pdf", "docx", "md")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "md": "text/markdown"}
NATIONAL = "national"
_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


class NoBriefing(LookupError):
    """Nothing to write: no dataset has figures for that level (or unit) and year."""


def parse_unit(unit: str | tuple[str, str]) -> tuple[str, str] | None:
    """'vn34:22' or ('vn34', '22') -> ('vn34', '22'); 'national' -> None."""
    if isinstance(unit, tuple):
        return unit
    if unit.strip().lower() == NATIONAL:
        return None
    system, sep, code = unit.strip().partition(":")
    if not sep or not system or not code:
        raise ValueError(f"unit must be SYSTEM:CODE (e.g. vn34:22) or 'national', not {unit!r}")
    return system, code


def national_document(con: duckdb.DuckDBPyConnection, level: str, year: int, lang: str, source: str | None = None,
                      as_of: date | None = None, today: date | None = None) -> Document:
    facts = national_facts(con, level, year, source, as_of)
    if facts is None:
        raise NoBriefing(f"no PAR INDEX data for {level} {year}")
    return compose_national(facts, lang, today or date.today())


def unit_document(con: duckdb.DuckDBPyConnection, code_system: str, code: str, year: int, lang: str,
                  rules: str | None = None, source: str | None = None, decision: dict | None = None,
                  today: date | None = None) -> Document:
    """The unit briefing, rendered from `unit_decision` (the profile's own figures, its rank interval included),
    computed here unless the caller passes it."""
    from metrics.briefing.text_unit import compose_unit
    from metrics.decision import unit_decision

    if decision is None:
        decision = unit_decision(con, code_system, code, year, source=source, rules=rules)
    if decision["source"] is None:
        wanted = f" from {source}" if source else ""
        raise NoBriefing(f"no PAR INDEX for {code_system}:{code} in {year}{wanted}")
    return compose_unit(decision, lang, today or date.today())


def document_for(con: duckdb.DuckDBPyConnection, unit: str | tuple[str, str], year: int, lang: str,
                 rules: str | None = None, source: str | None = None, *, level: str = "province",
                 as_of: date | None = None, decision: dict | None = None) -> Document:
    key = parse_unit(unit)
    if key is None:
        return national_document(con, level, year, lang, source, as_of)
    return unit_document(con, key[0], key[1], year, lang, rules, source, decision)


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
