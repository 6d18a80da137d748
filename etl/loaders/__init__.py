"""Load kinds: each module reads one kind of file, validates it and says what to write under one batch."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# Kinds the command line may name before their loader exists; such a kind is refused with a clear
# message (exit 2), never accepted and ignored. Every kind is implemented now.
PLANNED_KINDS: dict[str, str] = {}
SURVEY_KINDS = ("sipas", "health", "education")


class OptionError(ValueError):
    """The options given do not fit the kind (a usage error: exit 2)."""


@dataclass(frozen=True)
class LoaderSpec:
    """A kind that can be loaded.

    - `columns`: the canonical columns and their header aliases;
    - `validate(con, sheet, options)`: frames to insert by table, and every problem found; never writes;
    - `check_options(options)`: raise OptionError for a usage error; may fill defaults;
    - `dynamic(con, options)`: a header rule for columns that are data (criterion codes, field numbers);
    - `dataset_key(options)`: the key under which one batch is current (None: batches accumulate);
    - `stage(con, path, name, options, **context)`: for kinds read and checked inside the database rather than
      row by row in Python (surveys: a million rows): returns a StagedLoad, or raises LoadRejected; `columns`,
      `validate` and `dynamic` are then unused.
    """

    kind: str
    description_vi: str
    description_en: str
    columns: tuple
    validate: Callable
    check_options: Callable = field(default=lambda options: options)
    dynamic: Callable | None = None
    dataset_key: Callable = field(default=lambda options: None)
    stage: Callable | None = None


@dataclass
class StagedLoad:
    """A file checked inside the database and ready to write, for etl.load to finish in one batch transaction:
    `write(writer)` inserts under the batch, `finish(writer)` gives the LoadResult."""

    write: Callable
    finish: Callable
    note: str | None = None


def registry() -> dict[str, LoaderSpec]:
    from etl.loaders import par_scores, par_totals, plans, population, projects, survey

    specs = [projects.SPEC, par_scores.SPEC, par_totals.SPEC, plans.SPEC, population.SPEC, *survey.SPECS]
    return {spec.kind: spec for spec in specs}


ALL_KINDS = tuple(sorted(set(PLANNED_KINDS) | {"projects", "par-scores", "par-totals", "plans", "population",
                                                *SURVEY_KINDS}))
