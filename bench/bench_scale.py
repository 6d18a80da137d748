"""Benchmark: 10,000,000 SIPAS respondents (330,000,000 answers) loaded in batches, and the page at that size.

Targets (issue #16): the load time per respondent flat from 1,000,000 to 10,000,000 respondents (the last batch
within 1.25x of the first), and the satisfaction page's figures for 10,000,000 respondents under 1 s cold.

Ten files of 1,000,000 respondents each (--batches, --rows), written as offices write them (province names, a
year column; bench_survey_load.generate, each file with its own respondent ids), are loaded one after the other
with `python -m etl load sipas FILE --db DB` into one store, as ten offices' uploads of one year: each load
checks its ids against every respondent already loaded, writes its respondents with their compact answers and the
batch's sufficient statistics, and publishes the readers' snapshot. Printed per batch: wall time, respondents
already in the store, microseconds per respondent, the store's size. Then, on the full store, the SIPAS page's
figures cold (bench_satisfaction.page_calls on a new read-only connection) against the plainest aggregation of the
same answers (one GROUP BY province over every respondent's 33 answers) in the same run.

Prints figures only; it asserts nothing. About 3 minutes on 2 cores and 2 GB of disk in a temp folder.
Run from the project root:  python bench/bench_scale.py
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import duckdb  # noqa: E402

from bench_satisfaction import BASELINE_SQL, Memo, page_calls  # noqa: E402
from bench_survey_load import generate, measured, province_names, usable_cpus  # noqa: E402
from etl.build import build  # noqa: E402
from etl.db import open_for_reading  # noqa: E402

FLAT_TARGET = 1.25      # the last batch's time per respondent over the first's
PAGE_TARGET_S = 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1_000_000, help="respondents per file")
    args = parser.parse_args()
    print(f"bench_scale: {args.batches} x {args.rows:,} SIPAS respondents loaded in batches, then the page; "
          f"{usable_cpus()} usable core(s), duckdb {duckdb.__version__}")
    work = Path(tempfile.mkdtemp(prefix="par-bench-scale-"))
    try:
        db = work / "par.duckdb"
        build(db, demo=False)
        names = province_names(db)
        seconds, sizes = [], []
        for b in range(args.batches):
            path = work / f"sipas_{b + 1}.csv"
            generate(path, args.rows, names, seed=b + 1, first_id=10_000_000 + b * args.rows)
            figures, output = measured([sys.executable, "-m", "etl", "load", "sipas", str(path), "--db", str(db),
                                        "--lang", "en"])
            path.unlink()
            seconds.append(figures["seconds"])
            sizes.append(db.stat().st_size / 2**20)
            print(f"  batch {b + 1:2}: {figures['seconds']:6.2f} s, {b * args.rows:>11,} respondents before, "
                  f"{figures['seconds'] / args.rows * 1e6:5.2f} us per respondent, peak "
                  f"{figures['max_rss_kb'] / 1024:.0f} MB, store {sizes[-1]:.0f} MB", flush=True)
        total = args.batches * args.rows
        with open_for_reading(db) as con:
            respondents = con.execute("SELECT count(*) FROM survey_respondent").fetchall()[0][0]
            stat_rows = con.execute("SELECT count(*) FROM survey_stat_set").fetchall()[0][0]
        if respondents != total:
            print(f"ERROR: the store holds {respondents:,} respondents, expected {total:,}", file=sys.stderr)
            return 1
        cold, base = [], []
        for _ in range(3):
            with open_for_reading(db) as con:
                times = page_calls(con, Memo())
                cold.append(sum(times[k] for k in ("units", "national", "items")))
            with open_for_reading(db) as con:
                start = time.perf_counter()
                con.execute(BASELINE_SQL).df()
                base.append(time.perf_counter() - start)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first, last = seconds[0], seconds[-1]
    flat = last / first
    page, baseline = min(cold), min(base)
    print()
    print(f"  store: {total:,} respondents, {total * 33:,} answers, {sizes[-1]:.0f} MB; statistics rows "
          f"(item sets x finest groups): {stat_rows:,}")
    print(f"  load per respondent: first batch {first / args.rows * 1e6:.2f} us, last {last / args.rows * 1e6:.2f} us, "
          f"ratio {flat:.2f}x (target <= {FLAT_TARGET}x: {'met' if flat <= FLAT_TARGET else 'not met'})")
    print(f"  page cold at {total:,}: best {page:.3f} s of {', '.join(f'{c:.3f}' for c in cold)} "
          f"(target < {PAGE_TARGET_S:.0f} s: {'met' if page < PAGE_TARGET_S else 'not met'}); baseline GROUP BY "
          f"province over the answers {baseline:.3f} s, ratio {page / baseline:.2f}x")
    print(f"SUMMARY bench_scale: {total:,} respondents in {args.batches} batches, per-respondent load last/first "
          f"{flat:.2f}x {'met' if flat <= FLAT_TARGET else 'NOT met'}, page {page:.3f} s "
          f"{'met' if page < PAGE_TARGET_S else 'NOT met'}, baseline {baseline:.3f} s, store {sizes[-1]:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
