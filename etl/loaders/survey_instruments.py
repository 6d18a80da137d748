"""Survey instruments as the survey loader and the templates use them: items, scales, dimensions and the
allowed values of a form's own columns (school levels, respondent groups).

The store's instrument tables (loaded from data/instruments/*.yaml by `etl build`) are what metrics read, so
the loader validates against them; lists the tables do not hold (scale labels, school levels, respondent
groups) come from the same YAML file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import duckdb

from etl.data_yaml import read_yaml
from etl.marks import wording_source
from etl.paths import DATA_DIR

INSTRUMENT_DIR = DATA_DIR / "instruments"
# Item codes become SQL identifiers (one staging column per item), so they must be plain names.
ITEM_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
RESERVED_CODES = {"rec", "row_no"}  # column names of the staging tables


@dataclass(frozen=True)
class Item:
    code: str
    dimension: str
    kind: str  # likert | percent
    value_min: int
    value_max: int
    wording_vi: str | None
    wording_en: str | None
    wording_source: str | None
    position: int


@dataclass(frozen=True)
class Dimension:
    code: str
    part: str
    name_vi: str
    name_en: str
    position: int


@dataclass(frozen=True)
class Instrument:
    """One questionnaire form: SIPAS, health inpatient or outpatient, education."""

    instrument_id: str
    survey: str
    form: str
    title_vi: str
    title_en: str
    method: str | None
    scale_min: int
    scale_max: int
    satisfied_min: int
    na_code: int | None
    items: tuple[Item, ...]
    dimensions: tuple[Dimension, ...]
    labels_vi: tuple[str, ...] = ()
    labels_en: tuple[str, ...] = ()
    school_levels: tuple[str, ...] = ()
    respondent_groups: tuple[str, ...] = ()

    def item_codes(self) -> list[str]:
        return [item.code for item in self.items]

    def dimension(self, code: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.code == code), None)

    def accepts_na(self, item: Item) -> bool:
        """0 ("did not use / no opinion") is accepted on the Likert items of forms that define it."""
        return self.na_code is not None and item.kind == "likert"


class InstrumentError(Exception):
    """The instrument definition cannot be used (missing, or item codes that are not plain names)."""


def _check(instrument: Instrument) -> Instrument:
    for item in instrument.items:
        if not ITEM_CODE.match(item.code) or item.code.lower() in RESERVED_CODES:
            raise InstrumentError(f"instrument {instrument.instrument_id}: item code {item.code!r} must match "
                                  f"{ITEM_CODE.pattern} and not be one of {sorted(RESERVED_CODES)}")
    return instrument


def _from_doc(doc: dict) -> Instrument:
    scale = doc["scale"]
    items = tuple(
        Item(str(it["code"]), it["dimension"], it.get("kind", "likert"), int(it.get("min", scale["min"])),
             int(it.get("max", scale["max"])), it.get("wording_vi"), it.get("wording_en"),
             wording_source(it, doc.get("sources") or {}), i)
        for i, it in enumerate(doc["items"], 1))
    dimensions = tuple(Dimension(d["code"], d["part"], d["name_vi"], d["name_en"], i)
                       for i, d in enumerate(doc["dimensions"], 1))
    return _check(Instrument(
        doc["id"], doc["survey"], doc["form"], doc["title_vi"], doc["title_en"], doc.get("method"),
        int(scale["min"]), int(scale["max"]), int(scale["satisfied_min"]),
        None if doc.get("na_code") is None else int(doc["na_code"]), items, dimensions,
        tuple(scale.get("labels_vi") or ()), tuple(scale.get("labels_en") or ()),
        tuple(doc.get("school_levels") or ()), tuple(doc.get("respondent_groups") or ())))


@lru_cache(maxsize=8)
def _yaml_documents(folder: Path) -> tuple[dict, ...]:
    return tuple(read_yaml(p) for p in sorted(folder.glob("*.yaml")))


def instruments_from_yaml(survey: str | None = None, folder: Path = INSTRUMENT_DIR) -> list[Instrument]:
    """The instruments defined in data/instruments, optionally of one survey, in file order."""
    return [_from_doc(doc) for doc in _yaml_documents(folder) if survey is None or doc["survey"] == survey]


def instruments_from_store(con: duckdb.DuckDBPyConnection, survey: str) -> list[Instrument]:
    """The instruments of `survey` in the store (current batches), with the YAML-only lists added."""
    heads = con.execute(
        "SELECT i.instrument_id, i.survey, i.form, i.title_vi, i.title_en, i.method, i.scale_min, i.scale_max, "
        "i.satisfied_min, i.na_code FROM instrument i JOIN batch b USING (batch_id) "
        "WHERE b.status = 'current' AND i.survey = ? ORDER BY i.instrument_id", [survey]).fetchall()
    yaml_by_id = {i.instrument_id: i for i in instruments_from_yaml(survey)}
    found = []
    for head in heads:
        instrument_id = head[0]
        items = tuple(Item(*row) for row in con.execute(
            "SELECT item_code, dimension_code, item_kind, value_min, value_max, wording_vi, wording_en, "
            "wording_source, position FROM instrument_item WHERE instrument_id = ? ORDER BY position",
            [instrument_id]).fetchall())
        dimensions = tuple(Dimension(*row) for row in con.execute(
            "SELECT dimension_code, part, name_vi, name_en, position FROM instrument_dimension "
            "WHERE instrument_id = ? ORDER BY position", [instrument_id]).fetchall())
        stored = Instrument(*head[:9], None if head[9] is None else int(head[9]), items, dimensions)
        extra = yaml_by_id.get(instrument_id)
        if extra is not None:
            stored = replace(stored, labels_vi=extra.labels_vi, labels_en=extra.labels_en,
                             school_levels=extra.school_levels, respondent_groups=extra.respondent_groups)
        found.append(_check(stored))
    if not found:
        raise InstrumentError(f"no {survey} instrument in the database; rebuild it with: python -m etl build")
    return found
