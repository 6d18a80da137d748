"""Load kinds: each module reads one kind of file, validates it and writes it under one batch."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# Every kind the command line names. A kind whose loader is not yet written is refused with a clear
# message (exit 2), never accepted and ignored. Issue numbers say where each is specified.
PLANNED_KINDS = {
    "par-scores": "PAR INDEX criterion score sheets (issue #3)",
    "par-totals": "PAR INDEX result tables (issue #3)",
    "sipas": "SIPAS survey files (issue #4)",
    "health": "health satisfaction survey files (issue #4)",
    "education": "education satisfaction survey files (issue #4)",
    "plans": "annual PAR plans and report submissions (issue #6)",
}


@dataclass(frozen=True)
class LoaderSpec:
    """A kind that can be loaded: its columns, its validator and the CLI options it adds.

    `validate(con, sheet, options)` returns the frames to insert, by table, and every problem found;
    it never writes. The caller writes only when no problem is an error.
    """

    kind: str
    description_vi: str
    description_en: str
    columns: tuple
    validate: Callable
    add_arguments: Callable | None = None


def registry() -> dict[str, LoaderSpec]:
    from etl.loaders import projects

    specs = [projects.SPEC]
    return {spec.kind: spec for spec in specs}


ALL_KINDS = tuple(sorted(set(PLANNED_KINDS) | {"projects"}))
