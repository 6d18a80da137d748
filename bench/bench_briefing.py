"""Benchmark: writing a briefing (metrics/briefing) for a province, a ministry and the nation, in each format.

Target (from the issue): a briefing written in under 5 s.

The store is a demo database built the production way in a temp dir (`etl.build.build`, not timed), or --db PATH.
Measured, best of --repeat runs each, for each case (province vn34:22 2025, ministry ministry-2021:BTP 2023,
national provinces 2025):
  * briefing, in-process: build_briefing(con, unit, year, fmt, "vi") for fmt in pdf, docx, md: everything from
    the figures to the file's bytes. The target is judged on this figure.
  * of which rendering: the document model rendered to pdf / docx / md (figures gathered beforehand).
Baseline, measured in the same run: the figures the page itself computes for the same view, which a briefing
cannot avoid: metrics.decision.unit_decision for a unit (the profile), metrics.overview.build_overview for the
nation (the overview). The ratio briefing / baseline is what the document adds on top of the page.
Also timed once: the command line in a subprocess (`python -m metrics brief ... --format pdf`), what a user types.

Prints figures only and asserts nothing on time. Run from the project root:  python bench/bench_briefing.py
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from etl.build import build  # noqa: E402
from metrics.briefing.build import FORMATS, build_briefing, document_for, render  # noqa: E402
from metrics.decision import unit_decision  # noqa: E402
from metrics.overview import build_overview  # noqa: E402

TARGET_S = 5.0
CASES = (("province", "vn34:22", 2025, "province"), ("ministry", "ministry-2021:BTP", 2023, "ministry"),
         ("national", "national", 2025, "province"))


def best(func, repeat: int) -> tuple[float, list[float]]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        runs.append(time.perf_counter() - start)
    return min(runs), runs


def baseline(con, unit: str, year: int, level: str):
    if unit == "national":
        return lambda: build_overview(con, level, year)
    system, code = unit.split(":")
    return lambda: unit_decision(con, system, code, year)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--db", help="an existing database (default: build a demo one in a temp dir)")
    args = parser.parse_args()
    print(f"cores usable: {len(os.sched_getaffinity(0))}")
    folder = Path(tempfile.mkdtemp(prefix="bench-briefing-"))
    try:
        db = Path(args.db) if args.db else folder / "par.duckdb"
        if not args.db:
            print("building a demo database (not timed)…", flush=True)
            build(db, demo=True)
        worst = 0.0
        with duckdb.connect(str(db), read_only=True) as con:
            build_briefing(con, "national", 2025, "pdf", "vi")      # fonts registered, modules imported
            for name, unit, year, level in CASES:
                base, _ = best(baseline(con, unit, year, level), args.repeat)
                document = document_for(con, unit, year, "vi", level=level)
                print(f"\n{name} ({unit} {year}); baseline (the page's own figures): {base:.2f} s")
                for fmt in FORMATS:
                    total, runs = best(lambda: build_briefing(con, unit, year, fmt, "vi", level=level), args.repeat)
                    drawn, _ = best(lambda: render(document, fmt), args.repeat)
                    worst = max(worst, total)
                    print(f"  {fmt:5s} briefing {total:5.2f} s (runs {', '.join(f'{r:.2f}' for r in runs)}), "
                          f"of which rendering {drawn:5.3f} s; ratio to baseline {total / base:4.2f}; "
                          f"target < {TARGET_S:.0f} s {'met' if total < TARGET_S else 'not met'}")
        out = folder / "cli.pdf"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "metrics", "brief", "--unit", "vn34:22", "--year", "2025", "--format",
                        "pdf", "--db", str(db), "--out", str(out)], cwd=ROOT, check=True, capture_output=True)
        cli = time.perf_counter() - start
        print(f"\ncommand line (interpreter start and imports included), vn34:22 2025 pdf: {cli:.2f} s")
        print(f"SUMMARY briefing worst case {worst:.2f} s in-process, {cli:.2f} s command line; "
              f"target < {TARGET_S:.0f} s {'met' if worst < TARGET_S else 'not met'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
