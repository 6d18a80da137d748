"""Load kinds: each module reads one kind of file, validates it and says what to write under one batch."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

# Every kind the command line names. A kind whose loader is not yet written is refused with a clear
# message (exit 2), never accepted and ignored. Issue numbers say where each is specified.
PLANNED_KINDS = {
    "plans": "annual PAR plans and report submissions (issue #6)",
}
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
    from etl.loaders import par_scores, par_totals, projects, survey

    specs = [projects.SPEC, par_scores.SPEC, par_totals.SPEC, *survey.SPECS]
    return {spec.kind: spec for spec in specs}


ALL_KINDS = tuple(sorted(set(PLANNED_KINDS) | {"projects", "par-scores", "par-totals", *SURVEY_KINDS}))
