"""Benchmark: scoring and ranking the PAR INDEX from criterion points (63 units x 88 criteria x 10 years).

Targets (issue #16), against the bare SQL baseline measured in the same run: scoring and ranking within 3x the
baseline, the rankings table within 5x.

The store is built the production way, in memory: migrate(), load_reference() (units vn63, frameworks,
...), then the province frameworks are replaced by one synthetic framework "bench-88" (8 fields,
88 criteria, 100 points, bands A/B/C/D, years 2015-2024), and criterion points for the 63 vn63
provinces x 88 criteria x 10 years are loaded through etl.batches.batch_transaction, one batch per year
(source demo, stage appraised), random points in [0, max] with a fixed seed. Building is not timed.

Measures, best of --repeat runs each, every run covering all 10 years (nothing kept between calls):
  * scoring + ranking: metrics.par_index.results_by_year(con, "province", years, "demo"), the 10 years in one
    call, the same work as the baseline (index from criterion points, ranks with ties, groups; the frames
    unit_results gives year by year, tests/metrics/test_ranking_equivalence.py). Target: <= 3x the baseline.
  * rankings table: metrics.ranking.ranking_tables(con, "province", years, "demo"), the table the rankings page
    shows (pages/rankings_page.py) for each of the 10 years in one call; it adds the
    year-on-year change, which scores the year before the first too, and the field indices. Target: <= 5x.
Baseline, measured in the same run: the bare DuckDB aggregation the scoring needs, for all 10 years in
one query: sum of points per year and unit, index, rank() OVER (PARTITION BY year ORDER BY
round(total, 2) DESC), fetched into pandas. The ratio code/baseline is what the project's code path
costs on top of the aggregation.
Information, not a target: a page asks for one year at a time; unit_results and ranking_table called once per
year (10 calls) are printed beside the same baseline query run once per year (10 queries), the floor of any
code asking for one year at a time.

Prints figures only; it asserts nothing on time. It checks (untimed) that unit_results gives 63 rows,
ranks in 1..63 and indices in [0, 100], and exits 1 with an error otherwise.
Run from the project root:  python bench/bench_ranking.py
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from etl.batches import batch_transaction  # noqa: E402
from etl.migrations import migrate  # noqa: E402
from etl.reference import load_reference  # noqa: E402
from metrics.par_index import results_by_year, unit_results  # noqa: E402
from metrics.ranking import ranking_table, ranking_tables  # noqa: E402

TARGET_RANKING = 3.0   # results_by_year of the 10 years within 3x the baseline
TARGET_TABLE = 5.0     # ranking_tables of the 10 years within 5x the baseline
LEVEL = "province"
SOURCE = "demo"
SYSTEM = "vn63"
FRAMEWORK_ID = "bench-88"
YEARS = list(range(2015, 2025))
N_FIELDS = 8
N_CRITERIA = 88
SURVEY_PER_FIELD = 2  # the last 2 criteria of each field are survey criteria, the rest appraisal
SEED = 20240601

BASELINE_SQL = """
WITH totals AS (
    SELECT year, unit_code, sum(points) AS total
    FROM par_score
    GROUP BY ALL
)
SELECT year, unit_code, total,
       rank() OVER (PARTITION BY year ORDER BY round(total, 2) DESC) AS rank
FROM totals
ORDER BY year, rank
"""
# The same aggregation for one year: what a page asking for one year at a time cannot do with less.
BASELINE_YEAR_SQL = """
WITH totals AS (
    SELECT year, unit_code, sum(points) AS total
    FROM par_score WHERE year = ?
    GROUP BY ALL
)
SELECT year, unit_code, total,
       rank() OVER (PARTITION BY year ORDER BY round(total, 2) DESC) AS rank
FROM totals
ORDER BY year, rank
"""


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def framework_frames(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """A synthetic 88-criterion province framework: 8 fields of 11 criteria, maxima summing to 100.

    Maxima are whole quarters of a point (exact in binary), so field and component sums add up exactly.
    """
    per_field = N_CRITERIA // N_FIELDS
    # 400 quarters over 88 criteria, each at least 1 quarter.
    quarters = 1 + rng.multinomial(400 - N_CRITERIA, np.full(N_CRITERIA, 1 / N_CRITERIA))
    criteria = []
    for i in range(N_CRITERIA):
        field = i // per_field + 1
        within = i % per_field + 1
        component = "survey" if within > per_field - SURVEY_PER_FIELD else "appraisal"
        criteria.append({
            "framework_id": FRAMEWORK_ID, "criterion_code": f"{field}.{within}", "field_code": str(field),
            "parent_code": None, "component": component, "name_vi": f"Tiêu chí {field}.{within}",
            "name_en": f"Criterion {field}.{within}", "max_points": quarters[i] / 4.0, "position": i + 1,
        })
    criterion = pd.DataFrame(criteria)
    field_max = criterion.groupby("field_code", sort=False)["max_points"].sum()
    field = pd.DataFrame([
        {"framework_id": FRAMEWORK_ID, "field_code": code, "name_vi": f"Lĩnh vực {code}",
         "name_en": f"Field {code}", "max_points": float(points), "position": pos}
        for pos, (code, points) in enumerate(field_max.items(), 1)
    ])
    component_max = criterion.groupby("component")["max_points"].sum()
    framework = pd.DataFrame([{
        "framework_id": FRAMEWORK_ID, "level": LEVEL, "first_year": YEARS[0], "last_year": YEARS[-1],
        "decision": None, "title_vi": "Bộ tiêu chí thử (88 tiêu chí)", "title_en": "Benchmark framework (88 criteria)",
        "appraisal_max": float(component_max["appraisal"]), "survey_max": float(component_max["survey"]),
        "points_illustrative": True, "known_facts": None, "note": "synthetic, bench/bench_ranking.py",
    }])
    band = pd.DataFrame([
        {"framework_id": FRAMEWORK_ID, "group_code": g, "min_index": m, "label_vi": lv, "label_en": le}
        for g, m, lv, le in [
            ("A", 90.0, "Nhóm A (từ 90 %)", "Group A (90 % and above)"),
            ("B", 80.0, "Nhóm B (80 % đến dưới 90 %)", "Group B (80 % to < 90 %)"),
            ("C", 70.0, "Nhóm C (70 % đến dưới 80 %)", "Group C (70 % to < 80 %)"),
            ("D", 0.0, "Dưới 70 %", "Below 70 %"),
        ]
    ])
    return {"framework": framework, "framework_band": band, "framework_field": field,
            "framework_criterion": criterion}


def build_store(rng: np.random.Generator) -> tuple[duckdb.DuckDBPyConnection, pd.DataFrame]:
    con = duckdb.connect(":memory:")
    migrate(con)
    load_reference(con)
    # Replace the province frameworks by the synthetic one, so that it is the one covering 2015-2024.
    con.execute("BEGIN TRANSACTION")
    for table in ("framework_band", "framework_field", "framework_criterion"):
        con.execute(f"DELETE FROM {table} WHERE framework_id IN "
                    "(SELECT framework_id FROM framework WHERE level = ?)", [LEVEL])
    con.execute("DELETE FROM framework WHERE level = ?", [LEVEL])
    con.execute("COMMIT")
    frames = framework_frames(rng)
    with batch_transaction(con, kind="bench", source=SOURCE, dataset_key=f"framework:{FRAMEWORK_ID}",
                           user="bench") as writer:
        for table, frame in frames.items():
            writer.insert(table, frame)

    units = [row[0] for row in con.execute(
        "SELECT code FROM unit WHERE code_system = ? ORDER BY code", [SYSTEM]).fetchall()]
    criterion = frames["framework_criterion"]
    codes = criterion["criterion_code"].to_numpy()
    maxima = criterion["max_points"].to_numpy()
    for year in YEARS:
        points = np.round(rng.uniform(0.0, 1.0, size=(len(units), len(codes))) * maxima, 2)
        points = np.minimum(points, maxima)
        frame = pd.DataFrame({
            "year": year, "level": LEVEL, "stage": "appraised", "framework_id": FRAMEWORK_ID,
            "unit_system": SYSTEM, "unit_code": np.repeat(units, len(codes)),
            "criterion_code": np.tile(codes, len(units)), "points": points.ravel(),
        })
        with batch_transaction(con, kind="bench", source=SOURCE,
                               dataset_key=f"par:{year}:{LEVEL}:appraised:{SOURCE}", user="bench") as writer:
            writer.insert("par_score", frame)
    return con, criterion


def check_results(con: duckdb.DuckDBPyConnection, units: int) -> str | None:
    """None when unit_results looks right for one year, else what is wrong."""
    year = YEARS[len(YEARS) // 2]
    frame = unit_results(con, LEVEL, year, SOURCE)
    if len(frame) != units:
        return f"unit_results({LEVEL!r}, {year}) gave {len(frame)} rows, expected {units}"
    if frame["rank"].isna().any():
        return f"unit_results({LEVEL!r}, {year}) left ranks empty"
    ranks = frame["rank"].astype(int)
    if ranks.min() != 1 or ranks.max() > units:
        return f"unit_results({LEVEL!r}, {year}) ranks span {ranks.min()}..{ranks.max()}, expected within 1..{units}"
    # With ties (1, 2, 2, 4): each rank is 1 + the number of units with a strictly higher rounded index.
    rounded = frame["index"].round(2)
    expected = rounded.map(lambda v: int((rounded > v).sum()) + 1)
    if not (expected.to_numpy() == ranks.to_numpy()).all():
        return f"unit_results({LEVEL!r}, {year}) ranks are not 1..{units} with ties"
    if frame["index"].isna().any() or frame["index"].min() < 0 or frame["index"].max() > 100:
        return (f"unit_results({LEVEL!r}, {year}) index outside [0, 100]: "
                f"{frame['index'].min()}..{frame['index'].max()}")
    if frame["framework_id"].ne(FRAMEWORK_ID).any():
        return f"unit_results({LEVEL!r}, {year}) scored with {set(frame['framework_id'])}, expected {FRAMEWORK_ID}"
    if not frame["complete"].all():
        return f"unit_results({LEVEL!r}, {year}) reports incomplete score sheets"
    if not frame.equals(results_by_year(con, LEVEL, YEARS, SOURCE)[year]):
        return f"results_by_year differs from unit_results({LEVEL!r}, {year})"
    table = ranking_table(con, LEVEL, year, SOURCE)
    if not table.equals(ranking_tables(con, LEVEL, YEARS, SOURCE)[year]):
        return f"ranking_tables differs from ranking_table({LEVEL!r}, {year})"
    fields = [c for c in table.columns if c.startswith("field_")]
    if len(table) != units or len(fields) != N_FIELDS or table["delta_index"].isna().any():
        return (f"ranking_table({LEVEL!r}, {year}) gave {len(table)} rows, {len(fields)} field columns, "
                f"{int(table['delta_index'].isna().sum())} missing changes; expected {units}, {N_FIELDS}, 0")
    return None


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def time_all_years(fn) -> float:
    start = time.perf_counter()
    for year in YEARS:
        fn(year)
    return time.perf_counter() - start


def fmt_runs(times: list[float]) -> str:
    return ", ".join(f"{t * 1000:.1f}" for t in times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the best is reported (default 5)")
    args = parser.parse_args()
    repeat = max(1, args.repeat)

    cpus = usable_cpus()
    print(f"bench_ranking: scoring and ranking {LEVEL} PAR INDEX from criterion points")
    print(f"targets: unit_results <= {TARGET_RANKING:g}x and ranking_table <= {TARGET_TABLE:g}x the bare SQL "
          f"baseline; this machine: {cpus} usable core(s), "
          f"duckdb {duckdb.__version__}, pandas {pd.__version__}, python {sys.version.split()[0]}; "
          f"best of {repeat} run(s)")

    start = time.perf_counter()
    con, criterion = build_store(np.random.default_rng(SEED))
    built_s = time.perf_counter() - start
    try:
        units = con.execute("SELECT count(DISTINCT unit_code) FROM par_score").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM par_score").fetchone()[0]
        years = con.execute("SELECT count(DISTINCT year) FROM par_score").fetchone()[0]
        n_crit = len(criterion)
        survey = int((criterion["component"] == "survey").sum())
        print(f"store (in memory, built in {built_s:.2f} s, not timed): {units} units x {n_crit} criteria "
              f"({n_crit - survey} appraisal, {survey} survey; max {criterion['max_points'].sum():g} points) "
              f"x {years} years ({YEARS[0]}-{YEARS[-1]}) = {rows:,} rows in par_score")
        expected_rows = 63 * N_CRITERIA * len(YEARS)
        if (units, n_crit, years, rows) != (63, N_CRITERIA, len(YEARS), expected_rows):
            print(f"ERROR: expected 63 x {N_CRITERIA} x {len(YEARS)} = {expected_rows:,} rows, got {rows:,}",
                  file=sys.stderr)
            return 1
        problem = check_results(con, units)
        if problem:
            print(f"ERROR: {problem}", file=sys.stderr)
            return 1
        print("check: unit_results gives 63 rows, ranks 1..63 with ties, index in [0, 100]; "
              "ranking_table gives 63 rows, 8 field indices and changes; the 10-year calls give the same frames (ok)")
        print()

        scoring, table, baseline = [], [], []
        each_scoring, each_table, per_year = [], [], []
        for run in range(repeat):
            scoring.append(timed(lambda: results_by_year(con, LEVEL, YEARS, SOURCE)))
            table.append(timed(lambda: ranking_tables(con, LEVEL, YEARS, SOURCE)))
            start = time.perf_counter()
            base = con.execute(BASELINE_SQL).df()
            baseline.append(time.perf_counter() - start)
            each_scoring.append(time_all_years(lambda y: unit_results(con, LEVEL, y, SOURCE)))
            each_table.append(time_all_years(lambda y: ranking_table(con, LEVEL, y, SOURCE)))
            per_year.append(time_all_years(lambda y: con.execute(BASELINE_YEAR_SQL, [y]).df()))
            print(f"  run {run + 1}: results_by_year {scoring[-1] * 1000:6.1f} ms, "
                  f"ranking_tables {table[-1] * 1000:6.1f} ms, baseline {baseline[-1] * 1000:5.1f} ms | "
                  f"per year x10: unit_results {each_scoring[-1] * 1000:6.1f} ms, ranking_table "
                  f"{each_table[-1] * 1000:6.1f} ms, baseline {per_year[-1] * 1000:5.1f} ms", flush=True)
        if len(base) != rows // n_crit:
            print(f"ERROR: baseline returned {len(base)} rows, expected {rows // n_crit}", file=sys.stderr)
            return 1
    finally:
        con.close()

    b_score, b_table, b_base = min(scoring), min(table), min(baseline)
    b_each_score, b_each_table, b_year = min(each_scoring), min(each_table), min(per_year)
    r_score, r_table = b_score / b_base, b_table / b_base
    score_met, table_met = r_score <= TARGET_RANKING, r_table <= TARGET_TABLE
    print()
    print(f"{'(all 10 years)':48}{'best':>10}   runs (ms)")
    print(f"{'scoring + ranking (results_by_year)':48}{b_score * 1000:>7.1f} ms   {fmt_runs(scoring)}")
    print(f"{'rankings tables (ranking_tables)':48}{b_table * 1000:>7.1f} ms   {fmt_runs(table)}")
    print(f"{'baseline: DuckDB sum + rank() to pandas':48}{b_base * 1000:>7.1f} ms   {fmt_runs(baseline)}")
    print(f"{'information, one call per year:':48}")
    print(f"{'  unit_results x10':48}{b_each_score * 1000:>7.1f} ms   {fmt_runs(each_scoring)}")
    print(f"{'  ranking_table x10':48}{b_each_table * 1000:>7.1f} ms   {fmt_runs(each_table)}")
    print(f"{'  baseline query once per year x10':48}{b_year * 1000:>7.1f} ms   {fmt_runs(per_year)}")
    print(f"{'ratio results_by_year / baseline':48}{r_score:>7.1f} x   target <= {TARGET_RANKING:g}x: "
          f"{'met' if score_met else 'not met'}")
    print(f"{'ratio ranking_tables / baseline':48}{r_table:>7.1f} x   target <= {TARGET_TABLE:g}x: "
          f"{'met' if table_met else 'not met'}")
    print(f"{'ratio per year: unit_results / baseline':48}{b_each_score / b_year:>7.1f} x   (10 calls against "
          f"10 queries, no target)")
    print(f"{'ratio per year: ranking_table / baseline':48}{b_each_table / b_year:>7.1f} x   (no target)")
    note = "" if cpus == 2 else f" (measured on {cpus} cores)"
    print(f"target: scoring and ranking <= {TARGET_RANKING:g}x baseline: {'met' if score_met else 'not met'} "
          f"({b_score * 1000:.1f} ms vs {b_base * 1000:.1f} ms){note}")
    print(f"target: rankings table <= {TARGET_TABLE:g}x baseline: {'met' if table_met else 'not met'} "
          f"({b_table * 1000:.1f} ms vs {b_base * 1000:.1f} ms){note}")
    print(f"SUMMARY bench_ranking: results_by_year {b_score * 1000:.1f} ms, ranking_tables {b_table * 1000:.1f} ms, "
          f"baseline {b_base * 1000:.1f} ms, ratio {r_score:.1f}x / {r_table:.1f}x; one call per year: unit_results "
          f"{b_each_score * 1000:.1f} ms, ranking_table {b_each_table * 1000:.1f} ms, baseline per year "
          f"{b_year * 1000:.1f} ms ({b_each_score / b_year:.1f}x / {b_each_table / b_year:.1f}x); {rows:,} rows "
          f"(63 x {n_crit} x {years}), targets <= {TARGET_RANKING:g}x {'met' if score_met else 'NOT met'}, "
          f"<= {TARGET_TABLE:g}x {'met' if table_met else 'NOT met'}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
