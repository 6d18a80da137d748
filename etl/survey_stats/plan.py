"""What the sufficient statistics of one survey are computed over: answer slots, forms, dimensions, item sets.

A plan is made from the survey's instruments (the store's instrument tables, as every figure reads them) and a
batch's slot layout (which item each answer column a01..a64 holds). It carries only numbers and the store's own
instrument ids: the SQL built from it (etl.survey_stats.sql) holds no code a file supplied.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from metrics.satisfaction.instrument import instrument_items, item_sets
from metrics.satisfaction.queries import DEFAULT_CLUSTER

MAX_SLOTS = 64
SLOT_COLUMNS = tuple(f"a{i:02d}" for i in range(1, MAX_SLOTS + 1))
# Instrument ids come from data/instruments (shipped, not uploaded); checked again before they reach SQL text.
_FORM_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
# Surveys whose headline is also shown as the plain mean of its dimensions (metrics.satisfaction.tables): they
# need the cross sums of every pair of headline dimensions.
PAIRED_SURVEYS = ("sipas",)


class PlanError(ValueError):
    """An instrument the compact layout cannot hold (more than MAX_SLOTS items, an item of two kinds)."""


@dataclass(frozen=True)
class SlotItem:
    """One item of one form: where its answer is, its dimension (index into StatsPlan.dims), valid range and
    satisfied threshold (None: a percent item, not Likert)."""

    form: int        # 1-based index into StatsPlan.forms
    slot: int        # 1-based answer column
    dim: int         # 0-based index into StatsPlan.dims
    lo: int
    hi: int
    sat: int | None


@dataclass(frozen=True)
class StatsPlan:
    survey: str
    forms: tuple[str, ...]                          # instrument ids
    dims: tuple[str, ...]                           # dimension codes, in the order of item_sets
    sets: tuple[tuple[str, str, tuple[int, ...]], ...]  # (set_kind, set_code, dimension indices)
    items: tuple[SlotItem, ...]
    slots: tuple[str, ...]                          # item code of slot 1, 2, ...
    pairs: tuple[int, ...]                          # headline dimension indices whose pair sums are kept
    cluster_default: str | None                     # respondent column that is the PSU when psu is blank

    def reliability_groups(self) -> list[tuple[int, int, list[int]]]:
        """(form, dimension index, likert slots) for every form and dimension with 2+ Likert items."""
        out = []
        for f in range(1, len(self.forms) + 1):
            for k in range(len(self.dims)):
                slots = [i.slot for i in self.items if i.form == f and i.dim == k and i.sat is not None]
                if len(slots) >= 2:
                    out.append((f, k, slots))
        return out


def survey_slots(items: pd.DataFrame) -> list[str]:
    """The slot layout of a survey: every item code of its instruments once, in instrument order."""
    codes = list(dict.fromkeys(items.sort_values(["form", "position"])["item_code"]))
    if len(codes) > MAX_SLOTS:
        raise PlanError(f"{len(codes)} items: the compact answer layout holds at most {MAX_SLOTS} per survey")
    return codes


def make_plan(con: duckdb.DuckDBPyConnection, survey: str, slots: list[str]) -> StatsPlan:
    """The plan for a batch of `survey` whose answer column i holds item `slots[i - 1]`."""
    items = instrument_items(con, survey)
    if items.empty:
        raise PlanError(f"the store has no {survey} instrument")
    sets = item_sets(items, survey)
    dims = list(sets.loc[sets["set_kind"] == "dimension", "set_code"])
    forms = sorted(items["form"].unique())
    for form in forms:
        if not _FORM_ID.match(form):
            raise PlanError(f"instrument id {form!r} is not a plain identifier")
    slot_of = {code: i for i, code in enumerate(slots, 1)}
    plan_items = []
    for row in items.itertuples():
        if row.item_code not in slot_of:
            continue                     # an item the file had no column for: never answered in this batch
        sat = int(row.satisfied_min) if row.item_kind == "likert" else None
        plan_items.append(SlotItem(forms.index(row.form) + 1, slot_of[row.item_code], dims.index(row.dimension_code),
                                   int(row.value_min), int(row.value_max), sat))
    set_rows = tuple((s.set_kind, s.set_code, tuple(dims.index(d) for d in s.dims)) for s in sets.itertuples())
    pairs = set_rows[0][2] if survey in PAIRED_SURVEYS else ()
    return StatsPlan(survey, tuple(forms), tuple(dims), set_rows, tuple(plan_items), tuple(slots), pairs,
                     DEFAULT_CLUSTER.get(survey))
