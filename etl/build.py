"""Building the store from data/: schema, reference data, published results and (optionally) demo data."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from etl.db import new_database_file
from etl.demo import DEFAULT_SEED, load_demo
from etl.published import load_published
from etl.reference import load_reference
from etl.release_guard import check_rebuild

Progress = Callable[[float, str], None]


def build(db_path: Path, *, demo: bool = True, seed: int = DEFAULT_SEED, progress: Progress | None = None,
          force: bool = False) -> dict:
    """Build a fresh database beside `db_path`, then move it into place in one step.

    Readers (the app) never see a half-built file: until the final rename they keep the old one. A store at
    `db_path` holding releases is not replaced (etl.release_guard.ReleasesWouldBeLost) unless `force`; the new
    store's audit log then names the releases dropped.
    """
    dropped = check_rebuild(Path(db_path), force)
    report = progress or (lambda _f, _m: None)
    steps: dict[str, dict] = {}
    with new_database_file(Path(db_path)) as con:
        dropped.record(con, "build")
        report(0.05, "schema")
        report(0.10, "reference")
        steps["reference"] = load_reference(con)
        report(0.20, "published")
        steps["published"] = load_published(con)
        if demo:
            done = [0]
            total_steps = 22  # messages load_demo sends: PAR 10, SIPAS 5, health 3, education 3, the rest 1

            def demo_progress(message: str) -> None:
                done[0] += 1
                report(0.25 + 0.7 * min(done[0], total_steps) / total_steps, message)

            steps["demo"] = load_demo(con, seed=seed, progress=demo_progress)
    report(1.0, "done")
    return steps
