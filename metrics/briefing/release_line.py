"""The briefing's release line: which release its figures come from, or that they are a draft, not released.

A briefing is written on the connection as the page (or `metrics brief --release`) shows the store
(metrics.releases.release_view), so its figures are the release's; this line, added to the meta line under the
title, says which release that is, as the pages' status line does. The release's title and decision number are
the analyst's words: marked as data, so every renderer shows them as typed.
"""
from __future__ import annotations

from dataclasses import replace

import duckdb

from metrics.briefing.model import Data, Document, Rich
from metrics.briefing.text_common import day, say
from metrics.par_index import LEVEL_SYSTEMS
from metrics.releases import release_info, shown_release


def briefing_level(unit_key: tuple[str, str] | None, level: str) -> str | None:
    """The PAR INDEX level a briefing is of: `level` for the national one, else its unit's code system's level;
    None for a province's own units (departments, districts, communes), which are never released."""
    if unit_key is None:
        return level
    return next((lv for lv, systems in LEVEL_SYSTEMS.items() if unit_key[0] in systems), None)


def release_line(con: duckdb.DuckDBPyConnection, level: str, year: int, lang: str) -> Rich:
    """'Bản công bố số 2: … (Quyết định 2/QĐ-BNV, ngày 02/05/2024)' (with its status when superseded or being
    corrected) or 'Bản nháp, chưa công bố', for the PAR INDEX of `level` and `year` as the connection shows it."""
    release_id = shown_release(con, "par", level, year)
    if release_id is None:
        return say("rel.draft", lang)
    info = release_info(con, release_id)
    line = say("rel.shown", lang, id=str(release_id), title=Data(str(info["title"])),
               decision=Data(str(info["decision"])), date=day(info["decision_date"], lang))
    if info["status"] == "superseded":
        line += [(" · ", False)] + say("rel.shown_superseded", lang, by=str(int(info["superseded_by"])))
    elif info["status"] == "correcting":
        line += [(" · ", False)] + say("rel.shown_correcting", lang)
    return line


def with_release_line(con: duckdb.DuckDBPyConnection, document: Document, level: str | None, year: int) -> Document:
    """`document` with the release line after its meta line (unchanged for units that are never released)."""
    if level is None:
        return document
    return replace(document, meta=document.meta + [(" · ", False)] + release_line(con, level, year, document.lang))
