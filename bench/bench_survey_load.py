"""Benchmark: validating and loading a 1,000,000-respondent SIPAS file (`python -m etl load sipas FILE`).

Target (issue #16): at most 2x the time DuckDB alone takes to read_csv the same file into a table, and peak
memory under 500 MB. The file is written as offices write it: province names (with diacritics, as the unit
list spells them) and a year column, 33 answers per respondent.

Measures, best of --repeat runs each, the two alternating so a busy moment hits both alike:
  * load (CLI):  `python -m etl load sipas FILE --year 2024 --db <copy> --lang en` in a subprocess, as an
                 analyst runs it: interpreter start, imports, detection, staging, every check, one transaction
                 writing 1,000,000 respondents with their answers (one row each, compact) and the batch's
                 sufficient statistics (etl.survey_stats), commit, publish the readers' snapshot, close.
  * baseline:    `python -c "duckdb.connect(db).execute('CREATE TABLE t AS SELECT * FROM read_csv(FILE)')"` in a
                 subprocess: interpreter start, import duckdb, DuckDB's own CSV sniffing and typed read into a
                 table of a new database file, close. The ratio CLI / baseline is judged against the target.
Each subprocess is started by a small wrapper process that waits for it and reads its peak memory with
resource.getrusage(RUSAGE_CHILDREN), so one measurement never includes another's.

Prints figures only; it asserts nothing. Run from the project root:  python bench/bench_survey_load.py
"""
from __future__ import annotations

import argparse
import json
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

TARGET_RATIO = 2.0
TARGET_RSS_MB = 500
ITEMS = 33
# Runs one command, then prints {"seconds": wall time, "max_rss_kb": its peak RSS} as the last stdout line.
WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(done.stderr[-4000:])
print(done.stdout.strip())
print(json.dumps({"seconds": elapsed, "max_rss_kb": peak, "code": done.returncode}))
"""
BASELINE = """
import json, sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET enable_progress_bar = false")  # a slow run would print a bar into the figures we parse
start = time.perf_counter()
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [sys.argv[2]])
ctas = time.perf_counter() - start
rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
con.close()
print(json.dumps({"ctas": ctas, "rows": rows}))
"""


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def generate(path: Path, rows: int, names: list[str], seed: int = 4, first_id: int = 1_000_000) -> None:
    """A SIPAS export as an office writes it: ma_phieu (respondent id), tinh (the province's name), nam (year),
    C1..C33 answers 1..5. Written by DuckDB (fast enough that generating is not what the benchmark waits for)."""
    con = duckdb.connect()
    try:
        con.execute("SELECT setseed(?)", [seed / 10])
        answers = ", ".join(f"(1 + floor(random() * 5))::INTEGER AS C{i}" for i in range(1, ITEMS + 1))
        con.execute(f"""COPY (SELECT 'P' || ({int(first_id)} + i)::VARCHAR AS ma_phieu,
                                     (?::VARCHAR[])[1 + (hash(i) % ?)::INTEGER] AS tinh, 2024 AS nam, {answers}
                              FROM range(?) t(i))
                        TO '{str(path).replace("'", "''")}' (HEADER, DELIMITER ',')""", [names, len(names), rows])
    finally:
        con.close()


def province_names(reference: Path) -> list[str]:
    """The 63 provinces of 2024 as the unit list names them."""
    con = duckdb.connect(str(reference), read_only=True)
    try:
        return [r[0] for r in con.execute("SELECT name_vi FROM unit WHERE code_system = 'vn63' ORDER BY code")
                .fetchall()]
    finally:
        con.close()


def measured(command: list[str]) -> tuple[dict, str]:
    """Run `command` under the wrapper; its measurements and its own output."""
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)
    lines = done.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    if figures["code"] != 0:
        raise SystemExit(f"`{' '.join(command)}` exited {figures['code']}:\n{done.stderr}")
    return figures, "\n".join(lines[:-1])


def time_load(work: Path, reference: Path, csv_path: Path, run: int) -> dict:
    db = work / f"load-{run}.duckdb"
    shutil.copy(reference, db)
    figures, output = measured([sys.executable, "-m", "etl", "load", "sipas", str(csv_path),
                                "--db", str(db), "--lang", "en"])
    figures["summary"] = output
    con = duckdb.connect(str(db), read_only=True)  # untimed: the load wrote what the file holds
    try:
        figures["respondents"], figures["answers"] = con.execute(
            "SELECT (SELECT count(*) FROM survey_respondent r JOIN batch b USING (batch_id) WHERE b.source = 'upload'),"
            " (SELECT count(*) FROM survey_answer a JOIN batch b USING (batch_id) WHERE b.source = 'upload')"
        ).fetchall()[0]
    finally:
        con.close()
    db.unlink()
    return figures


def time_baseline(work: Path, csv_path: Path, run: int) -> dict:
    db = work / f"baseline-{run}.duckdb"
    figures, output = measured([sys.executable, "-c", BASELINE, str(db), str(csv_path)])
    parsed = json.loads(output.strip().splitlines()[-1])
    figures["ctas"], figures["rows"] = float(parsed["ctas"]), int(parsed["rows"])
    db.unlink()
    return figures


def fmt_runs(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="respondents in the file (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each measurement; the best is reported")
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    cpus = usable_cpus()
    print("bench_survey_load: python -m etl load sipas FILE (validate + load) vs DuckDB read_csv into a table")
    print(f"target: load <= {TARGET_RATIO:.0f}x baseline and peak memory < {TARGET_RSS_MB} MB; this machine: {cpus} "
          f"usable core(s), duckdb {duckdb.__version__}, python {sys.version.split()[0]}; best of {repeat} run(s)")
    work = Path(tempfile.mkdtemp(prefix="par-bench-survey-"))
    try:
        csv_path = work / "sipas_2024.csv"
        reference = work / "reference.duckdb"
        build(reference, demo=False)
        start = time.perf_counter()
        generate(csv_path, args.rows, province_names(reference))
        size_mb = csv_path.stat().st_size / 1e6
        print(f"  file: {args.rows:,} respondents x {ITEMS} items, province names and a year column, "
              f"{size_mb:.1f} MB, generated in {time.perf_counter() - start:.1f} s", flush=True)
        loads, baselines = [], []
        for run in range(repeat):
            loads.append(time_load(work, reference, csv_path, run))
            print(f"  load (CLI) run {run + 1}: {loads[-1]['seconds']:.2f} s, peak {loads[-1]['max_rss_kb'] / 1024:.0f} MB",
                  flush=True)
            baselines.append(time_baseline(work, csv_path, run))
            print(f"  baseline   run {run + 1}: {baselines[-1]['seconds']:.2f} s (read_csv alone "
                  f"{baselines[-1]['ctas']:.2f} s), peak {baselines[-1]['max_rss_kb'] / 1024:.0f} MB", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    expected = (args.rows, args.rows * ITEMS)
    for figures in loads:
        if (figures["respondents"], figures["answers"]) != expected:
            raise SystemExit(f"the load wrote {figures['respondents']} respondents and {figures['answers']} answers, "
                             f"expected {expected}")
    load_times = [f["seconds"] for f in loads]
    base_times = [f["seconds"] for f in baselines]
    ctas_times = [f["ctas"] for f in baselines]
    best_load, best_base, best_ctas = min(load_times), min(base_times), min(ctas_times)
    peak_mb = max(f["max_rss_kb"] for f in loads) / 1024
    base_peak_mb = max(f["max_rss_kb"] for f in baselines) / 1024
    ratio = best_load / best_base
    print()
    print(f"  load summary line: {loads[0]['summary']}")
    print(f"  written: {loads[0]['respondents']:,} respondents, {loads[0]['answers']:,} answers (checked)")
    print()
    print(f"{'':40}{'best':>9}   runs (s)")
    print(f"{'load, CLI (python -m etl load sipas)':40}{best_load:>7.2f} s   {fmt_runs(load_times)}")
    print(f"{'baseline: DuckDB read_csv into a table':40}{best_base:>7.2f} s   {fmt_runs(base_times)}")
    print(f"{'  of which the CREATE TABLE itself':40}{best_ctas:>7.2f} s   {fmt_runs(ctas_times)}")
    print(f"{'ratio load / baseline':40}{ratio:>7.2f} x")
    print(f"{'ratio load / CREATE TABLE alone':40}{best_load / best_ctas:>7.2f} x   (information)")
    print(f"{'peak memory, load':40}{peak_mb:>7.0f} MB")
    print(f"{'peak memory, baseline':40}{base_peak_mb:>7.0f} MB")
    met_time, met_memory = ratio <= TARGET_RATIO, peak_mb < TARGET_RSS_MB
    note = "" if cpus == 2 else f" (measured on {cpus} cores)"
    print(f"target: load <= {TARGET_RATIO:.0f}x baseline: {'met' if met_time else 'not met'} ({ratio:.2f}x); "
          f"peak memory < {TARGET_RSS_MB} MB: {'met' if met_memory else 'not met'} ({peak_mb:.0f} MB){note}")
    print(f"SUMMARY bench_survey_load: load {best_load:.2f} s, baseline {best_base:.2f} s, ratio {ratio:.2f}x, "
          f"peak {peak_mb:.0f} MB, {args.rows:,} rows ({size_mb:.0f} MB), "
          f"target <= {TARGET_RATIO:.0f}x {'met' if met_time else 'NOT met'}, "
          f"< {TARGET_RSS_MB} MB {'met' if met_memory else 'NOT met'}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
