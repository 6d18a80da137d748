"""Benchmark: the rank uncertainty and sensitivity analysis of the PAR INDEX (63 units x 1,000 draws).

Target (from the issue): 63 units x 1,000 draws in under 2 s.

The store is the demo database built the production way (etl.build.build, demo data, not timed), or an existing
one given with --db. The dataset is the demo provinces of 2024: 63 units, 8 fields of appraisal and survey
criteria, 37,800 SIPAS respondents giving each province's sampling error, which moves its SIPAS points only
(criteria 8.3 and 8.4, 10 of the 32 survey points).

Measures, best of --repeat runs each:
  * analysis, end to end: metrics.uncertainty.analyse(con, "province", 2024, "demo") on a new read-only
    connection: unit_results, the field points, the SIPAS design-based standard errors from the respondents,
    1,000 draws (median and 90 % interval of every rank) and the sensitivity analysis (Saltelli design, 5 x 1,000
    evaluations). The target is judged on this one.
  * simulation: metrics.uncertainty.simulate on the loaded pillars (draws and sensitivity, no queries).
  * intervals only: the 1,000 draws and their rank quantiles, without the sensitivity analysis.
  * loop (information): the same 1,000 draws evaluated one draw at a time in a Python loop, to show what the
    vectorised evaluation saves.
Baseline, measured in the same run: ranking a 1,000 x 63 matrix of random indices with numpy (argsort of
argsort per row), the floor of ranking 1,000 draws of 63 units. The ratios code / baseline are printed.

Prints figures only; it asserts nothing on time. It checks (untimed) that the analysis gives 63 units with
intervals around their medians and sampling errors from the respondents, and exits 1 otherwise.
Run from the project root:  python bench/bench_uncertainty.py [--db PATH] [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from etl.db import open_for_reading  # noqa: E402
from metrics import uncertainty as unc  # noqa: E402

TARGET_S = 2.0
LEVEL, YEAR, SOURCE = "province", 2024, "demo"


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def intervals_only(p: unc.Pillars, settings: unc.Settings):
    rng = np.random.default_rng(settings.seed)
    inputs = unc.draw_inputs(rng, settings.draws, *p.shape)
    return unc.rank_quantiles(unc.simulated_ranks(p, inputs, settings), settings.coverage)


def loop_draws(p: unc.Pillars, settings: unc.Settings):
    """The same draws, one at a time: what a per-draw Python loop costs."""
    rng = np.random.default_rng(settings.seed)
    inputs = unc.draw_inputs(rng, settings.draws, *p.shape)
    ranks = np.empty((settings.draws, p.shape[0]), dtype=np.int32)
    for d in range(settings.draws):
        one = {k: v[d:d + 1] for k, v in inputs.items()}
        ranks[d] = unc.simulated_ranks(p, one, settings)[0]
    return unc.rank_quantiles(ranks, settings.coverage)


def baseline(units: int, draws: int):
    matrix = np.random.default_rng(1).random((draws, units)) * 100
    return np.argsort(np.argsort(-matrix, axis=1), axis=1) + 1


def check(result: unc.RankUncertainty) -> str | None:
    table = result.table
    if not result.ok or len(table) != 63:
        return f"analysis status {result.status} with {len(table)} units, expected ok with 63"
    if not ((table["rank_low"] <= table["rank_median"]) & (table["rank_median"] <= table["rank_high"])).all():
        return "an interval does not hold its median"
    if set(table["sampling"]) != {"respondents"}:
        return f"sampling bases {set(table['sampling'])}, expected every unit from SIPAS respondents"
    if result.sampled is None or result.sampled.kind != "sipas" or result.sampled.max_points != 10:
        return f"sampled part {result.sampled}, expected the 10 SIPAS points"
    if not ((table["sampling_points"] > 0) & (table["sampling_points"] <= 10)).all():
        return "a unit's sampled points are not within its 10 SIPAS points"
    return None


def ms(values: list[float]) -> str:
    return ", ".join(f"{v * 1000:.1f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing demo database (default: build one in a temp dir, not timed)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best is reported")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    cpus = usable_cpus()
    settings = unc.Settings()
    print("bench_uncertainty: rank intervals and variance shares of the PAR INDEX")
    print(f"target: < {TARGET_S:.0f} s for 63 units x {settings.draws:,} draws; this machine: {cpus} usable core(s), "
          f"numpy {np.__version__}, python {sys.version.split()[0]}; best of {repeat} run(s)")

    with tempfile.TemporaryDirectory(prefix="bench-uncertainty-") as tmp:
        if args.db:
            db = Path(args.db)
        else:
            from etl.build import build
            db = Path(tmp) / "par.duckdb"
            built, _ = timed(lambda: build(db, demo=True))
            print(f"store: demo database built in {built:.1f} s (not timed)")
        with open_for_reading(db) as con:
            result = unc.analyse(con, LEVEL, YEAR, SOURCE)
            data = unc.load_dataset(con, LEVEL, YEAR, SOURCE)
        problem = check(result)
        if problem:
            print(f"ERROR: {problem}", file=sys.stderr)
            return 1
        units, pillars = data.pillars.shape
        part = data.part
        print(f"dataset: {SOURCE} {LEVEL} {YEAR}, {units} units x {pillars} fields, sampling errors from SIPAS "
              f"respondents moving criteria {', '.join(part.items)} ({part.max_points:g} of {part.survey_max:g} "
              f"survey points); check (intervals hold their medians, 63 units, SIPAS points only): ok")
        print()
        full, simulation, intervals, loop, base = [], [], [], [], []
        for run in range(repeat):
            def end_to_end():
                with open_for_reading(db) as con:
                    return unc.analyse(con, LEVEL, YEAR, SOURCE)
            full.append(timed(end_to_end)[0])
            simulation.append(timed(lambda: unc.simulate(data.pillars, settings))[0])
            intervals.append(timed(lambda: intervals_only(data.pillars, settings))[0])
            loop.append(timed(lambda: loop_draws(data.pillars, settings))[0])
            base.append(timed(lambda: baseline(units, settings.draws))[0])
            print(f"  run {run + 1}: analysis {full[-1] * 1000:7.1f} ms, simulation {simulation[-1] * 1000:6.1f} ms, "
                  f"intervals only {intervals[-1] * 1000:5.1f} ms, loop {loop[-1] * 1000:7.1f} ms, "
                  f"baseline {base[-1] * 1000:5.2f} ms", flush=True)
        same = loop_draws(data.pillars, settings)
        if not all((a == b).all() for a, b in zip(same, intervals_only(data.pillars, settings))):
            print("ERROR: the loop and the vectorised draws disagree", file=sys.stderr)
            return 1

    b_full, b_sim, b_int, b_loop, b_base = (min(v) for v in (full, simulation, intervals, loop, base))
    print()
    print(f"{'(63 units x 1,000 draws)':48}{'best':>10}   runs (ms)")
    print(f"{'analysis, end to end (analyse)':48}{b_full * 1000:>7.1f} ms   {ms(full)}")
    print(f"{'simulation + sensitivity (simulate)':48}{b_sim * 1000:>7.1f} ms   {ms(simulation)}")
    print(f"{'intervals only (1,000 draws, quantiles)':48}{b_int * 1000:>7.1f} ms   {ms(intervals)}")
    print(f"{'loop: the same draws one at a time':48}{b_loop * 1000:>7.1f} ms   {ms(loop)}")
    print(f"{'baseline: numpy argsort ranks of 1000 x 63':48}{b_base * 1000:>7.2f} ms   {ms(base)}")
    print(f"{'ratio analysis / baseline':48}{b_full / b_base:>7.0f} x")
    print(f"{'ratio intervals only / baseline':48}{b_int / b_base:>7.1f} x")
    print(f"{'ratio loop / intervals only':48}{b_loop / b_int:>7.1f} x")
    met = b_full < TARGET_S
    note = "" if cpus == 2 else f" (measured on {cpus} cores)"
    print(f"target: < {TARGET_S:.0f} s for 63 units x 1,000 draws: {'met' if met else 'not met'} "
          f"(analysis best {b_full:.3f} s){note}")
    print(f"SUMMARY bench_uncertainty: analysis {b_full * 1000:.0f} ms (simulation {b_sim * 1000:.0f} ms, intervals "
          f"only {b_int * 1000:.1f} ms), baseline {b_base * 1000:.2f} ms, ratio {b_full / b_base:.0f}x / "
          f"{b_int / b_base:.1f}x, loop {b_loop / b_int:.0f}x slower than vectorised, target < {TARGET_S:.0f} s "
          f"{'met' if met else 'NOT met'}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
