"""Benchmark: the figures of a SIPAS satisfaction page for 1,000,000 respondents, cold and cached.

Target (issue #16): the satisfaction page's figures for 1,000,000 respondents under 0.5 s cold.

The store is a temporary DuckDB file created with etl.migrations.migrate() and etl.reference.load_reference()
(units, instruments). One batch (source 'upload', status 'current') is inserted directly with SQL:
1,000,000 SIPAS respondents of 2024 spread over the 63 vn63 provinces, each with a latent satisfaction
(province effect + respondent noise) and its answers to the 33 Likert items in the compact columns a01..a33;
then the batch's sufficient statistics are computed as a load does (etl.survey_stats.store.refresh_batch; that
time is printed). Building is not timed.

Measures (--repeat runs, best reported; every run is printed):
  * cold: the page's calls on a new read-only connection (etl.db.open_for_reading, as the app opens the
    store per operation) with an empty cache, one after the other:
      1. units: metrics.satisfaction.satisfaction_table (each province and the country, overall, pooled parts
         and the 8 dimensions, with intervals and flags, from the statistics kept at load) and rank_units (ranks
         with rank intervals);
      2. national: sipas_overview on that table (the 5 elements, 3 policy groups, the overall two ways -
         pooled items and plain mean of the elements, both computed in the table's single pass - and the
         published figures, read from the store);
      3. items: item_table at national level and likert_distribution by item and by dimension.
    The target (< 0.5 s) is judged on the sum.
  * cached: the same calls through a memo keyed on the arguments that stores each result pickled and
    returns an unpickled copy (what st.cache_data does), printed beside it.
  * information: reliability (Cronbach's alpha per dimension, national), not part of the page's target.
Baseline, measured in the same run on the same connection kind: DuckDB alone, the plainest aggregation of
the same answers (one GROUP BY province over every respondent's 33 answer columns), fetched into pandas.

The respondents carry no stratum or psu, so every row rests on simple random sampling (design 'srs'); the
design-based path (sums per group x stratum x PSU, metrics.survey_design) runs all the same; respondents
without a cluster share one statistics row per group and stratum.

Prints figures only; it asserts nothing on time. It checks (untimed) that the tables have 64 units x 10 item
sets, 1,000,000 respondents in the national row, and 33 items, and exits 1 otherwise.
Run from the project root:  python bench/bench_satisfaction.py
"""
from __future__ import annotations

import argparse
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from etl.db import open_for_reading  # noqa: E402
from etl.migrations import migrate  # noqa: E402
from etl.reference import load_reference  # noqa: E402
from etl.survey_stats.plan import SLOT_COLUMNS  # noqa: E402
from etl.survey_stats.store import refresh_batch, write_slots  # noqa: E402
from metrics import satisfaction as sat  # noqa: E402

COLD_TARGET_S = 0.5     # issue #16: the satisfaction page for 1,000,000 respondents under 0.5 s cold
CACHED_TARGET_S = 0.5
RESPONDENTS = 1_000_000
YEAR = 2024
SOURCE = "upload"

BASELINE_SQL = ("SELECT unit_code, count(*) AS respondents, "
                + ", ".join(f"avg({c}) AS {c}" for c in SLOT_COLUMNS[:33])
                + " FROM survey_respondent GROUP BY unit_code")


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def build_store(path: Path, respondents: int) -> int:
    """A migrated store with reference data and one current 'upload' batch of SIPAS respondents and answers."""
    con = duckdb.connect(str(path))
    try:
        migrate(con)
        load_reference(con)
        items = [r[0] for r in con.execute(
            "SELECT item_code FROM instrument_item WHERE instrument_id = 'sipas' AND item_kind = 'likert' "
            "ORDER BY position").fetchall()]
        con.execute("BEGIN TRANSACTION")
        batch = con.execute(
            "INSERT INTO batch (batch_id, kind, source, file_name, rows, status, loaded_at, loaded_by, note) "
            "VALUES (nextval('batch_id_seq'), 'sipas', ?, 'bench_satisfaction (synthetic)', ?, 'current', now(), "
            "'bench', 'synthetic respondents for bench/bench_satisfaction.py') RETURNING batch_id",
            [SOURCE, respondents]).fetchall()[0][0]
        con.execute("CREATE TEMP TABLE bench_units AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, "
                    "0.5 * (random() - 0.5) AS effect FROM unit WHERE code_system = 'vn63'")
        # Answers in the compact columns a01..a33 (etl.survey_stats.plan), the slot layout naming their items;
        # each item gets a fixed offset in [-0.3, 0.3].
        answers = ", ".join(
            f"least(5, greatest(1, round(latent + {0.3 * ((j * 37) % 11 - 5) / 5:.2f} + 1.6 * (random() - 0.5))))"
            f"::SMALLINT AS {SLOT_COLUMNS[j]}" for j in range(len(items)))
        con.execute(
            "INSERT INTO survey_respondent BY NAME "
            f"SELECT i AS respondent_key, ? AS batch_id, 'sipas' AS survey, 'sipas' AS instrument_id, ? AS year, "
            f"'B' || i AS respondent_id, 'vn63' AS unit_system, code AS unit_code, NULL::DOUBLE AS weight, "
            f"'in_person' AS channel, {answers} "
            "FROM (SELECT i, u.code, 4.05 + u.effect + 1.2 * (random() - 0.5) AS latent "
            "      FROM range(1, ? + 1) t(i) JOIN bench_units u ON u.k = i % 63)", [batch, YEAR, respondents])
        write_slots(con, batch, items)
        start = time.perf_counter()
        refresh_batch(con, batch)     # what a load computes inside its transaction
        stats_seconds = time.perf_counter() - start
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        return len(items), stats_seconds
    finally:
        con.close()


class Memo:
    """Results keyed on the call's arguments, kept pickled and returned as a fresh copy, as st.cache_data."""

    def __init__(self):
        self.store: dict = {}

    def __call__(self, name: str, fn, *args, **kwargs):
        key = (name, args, tuple(sorted(kwargs.items())))
        if key not in self.store:
            self.store[key] = pickle.dumps(fn(*args, **kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        return pickle.loads(self.store[key])


def page_calls(con, memo: Memo) -> dict[str, float]:
    """What a SIPAS page computes, each call timed; the results are returned for the checks."""
    times, results = {}, {}

    def units():
        table = memo("table", lambda: sat.satisfaction_table(con, "sipas", YEAR))
        return table, memo("rank", lambda: sat.rank_units(table))

    def national():    # from the table the page already has: the country's row is a sum of the provinces'
        table = results["units"][0]
        return memo("overview", lambda: sat.sipas_overview(con, YEAR, table=table))

    def items():
        table = memo("items", lambda: sat.item_table(con, "sipas", YEAR, level="national"))
        return (table, memo("dist_item", lambda: sat.likert_distribution(table, "item")),
                memo("dist_dim", lambda: sat.likert_distribution(table, "dimension")))

    for name, fn in (("units", units), ("national", national), ("items", items)):
        start = time.perf_counter()
        results[name] = fn()
        times[name] = time.perf_counter() - start
    times["_results"] = results
    return times


def check(results: dict, n_items: int) -> str | None:
    table, ranked = results["units"]
    if len(table) != 64 * 10:
        return f"satisfaction_table gave {len(table)} rows, expected 64 units x 10 item sets"
    national = table[(table["row_level"] == "national") & (table["set_code"] == sat.OVERALL)]
    if len(national) != 1 or national["n_respondents"].iloc[0] != RESPONDENTS:
        return "the national row does not count every respondent"
    if national["design"].iloc[0] != "srs" or national["df"].iloc[0] != RESPONDENTS - 1:
        return "the national row does not rest on simple random sampling with n - 1 degrees of freedom"
    if not national["pct_ci_low"].iloc[0] <= national["pct_satisfied"].iloc[0] <= national["pct_ci_high"].iloc[0]:
        return "the national interval does not hold its estimate"
    if len(ranked) != 63 or set(table["source"]) != {SOURCE}:
        return "rank_units did not rank 63 provinces from the upload batch"
    overview = results["national"]
    if len(overview["elements"]) != 5 or len(overview["overall"]) != 2:
        return "sipas_overview lacks the 5 elements or the overall two ways"
    items, by_item, _ = results["items"]
    if len(items) != n_items or len(by_item) != n_items * 5:
        return f"item_table gave {len(items)} items, expected {n_items}"
    return None


def fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.3f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best is reported")
    parser.add_argument("--respondents", type=int, default=RESPONDENTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    repeat = max(1, args.repeat)
    cpus = usable_cpus()
    print("bench_satisfaction: the SIPAS satisfaction page's figures for 1,000,000 respondents")
    print(f"targets: cold < {COLD_TARGET_S:.1f} s, cached < {CACHED_TARGET_S:.1f} s; this machine: {cpus} usable "
          f"core(s), duckdb {duckdb.__version__}, pandas {pd.__version__}, python {sys.version.split()[0]}; "
          f"best of {repeat} run(s)")
    work = Path(tempfile.mkdtemp(prefix="bench_satisfaction-"))
    try:
        db = work / "par.duckdb"
        start = time.perf_counter()
        n_items, stats_seconds = build_store(db, args.respondents)
        built = time.perf_counter() - start
        with open_for_reading(db) as con:
            answers = con.execute("SELECT count(*) FROM survey_answer").fetchall()[0][0]
            print(f"store (temp file {db.stat().st_size / 2**20:.0f} MB, built in {built:.1f} s, not timed): "
                  f"{args.respondents:,} respondents x {n_items} items = {answers:,} answers, 63 provinces, "
                  f"one current '{SOURCE}' batch; its sufficient statistics computed in {stats_seconds:.2f} s "
                  "(what a load adds, inside its transaction)")
            problem = check(page_calls(con, Memo())["_results"], n_items)
        if problem:
            print(f"ERROR: {problem}", file=sys.stderr)
            return 1
        print("check: 64 units x 10 item sets, 1,000,000 respondents in the national row, 63 ranked, "
              "5 elements and the overall two ways, 33 items with distributions (ok)")
        print()
        cold, cached, baseline, reliability = [], [], [], []
        parts: dict[str, list[float]] = {"units": [], "national": [], "items": []}
        for run in range(repeat):
            memo = Memo()
            with open_for_reading(db) as con:            # new connection: DuckDB's buffers start empty
                times = page_calls(con, memo)
                cold.append(sum(times[k] for k in parts))
                for k in parts:
                    parts[k].append(times[k])
                warm = page_calls(con, memo)
                cached.append(sum(warm[k] for k in parts))
            with open_for_reading(db) as con:
                start = time.perf_counter()
                base = con.execute(BASELINE_SQL).df()
                baseline.append(time.perf_counter() - start)
            with open_for_reading(db) as con:
                start = time.perf_counter()
                sat.reliability(con, "sipas", YEAR)
                reliability.append(time.perf_counter() - start)
            print(f"  run {run + 1}: cold {cold[-1]:.3f} s (units {times['units']:.3f}, national "
                  f"{times['national']:.3f}, items {times['items']:.3f}), cached {cached[-1] * 1000:.2f} ms, "
                  f"baseline {baseline[-1]:.3f} s, reliability {reliability[-1]:.3f} s", flush=True)
        if len(base) != 63 or len(base.columns) != 2 + n_items:
            print(f"ERROR: baseline returned {base.shape}, expected 63 provinces x {2 + n_items} columns",
                  file=sys.stderr)
            return 1
    finally:
        shutil.rmtree(work, ignore_errors=True)

    b_cold, b_cached, b_base, b_rel = min(cold), min(cached), min(baseline), min(reliability)
    print()
    print(f"{'(1,000,000 respondents, 33,000,000 answers)':58}{'best':>10}   runs (s)")
    print(f"{'cold page: units + national + items':58}{b_cold:>8.3f} s   {fmt(cold)}")
    for name, label in (("units", "  units: table by province and dimension, ranks"),
                        ("national", "  national: SIPAS overview (overall two ways)"),
                        ("items", "  items: item table and Likert distributions")):
        print(f"{label:58}{min(parts[name]):>8.3f} s   {fmt(parts[name])}")
    print(f"{'cached page (memo, pickled copies)':58}{b_cached * 1000:>8.2f} ms  {fmt(cached)}")
    print(f"{'baseline: DuckDB GROUP BY unit, item to pandas':58}{b_base:>8.3f} s   {fmt(baseline)}")
    print(f"{'information: reliability (alpha per dimension, national)':58}{b_rel:>8.3f} s   {fmt(reliability)}")
    print(f"{'ratio cold page / baseline':58}{b_cold / b_base:>8.1f} x")
    print(f"{'ratio cached page / baseline':58}{b_cached / b_base:>8.4f} x")
    cold_met, cached_met = b_cold < COLD_TARGET_S, b_cached < CACHED_TARGET_S
    note = "" if cpus == 2 else f" (measured on {cpus} cores)"
    print(f"target: cold < {COLD_TARGET_S:.1f} s: {'met' if cold_met else 'not met'} (best {b_cold:.3f} s){note}")
    print(f"target: cached < {CACHED_TARGET_S:.1f} s: {'met' if cached_met else 'not met'} "
          f"(best {b_cached * 1000:.2f} ms){note}")
    print(f"SUMMARY bench_satisfaction: cold {b_cold:.2f} s, cached {b_cached * 1000:.1f} ms, baseline {b_base:.2f} s, "
          f"ratio {b_cold / b_base:.1f}x (cold) / {b_cached / b_base:.4f}x (cached), {args.respondents:,} respondents, "
          f"targets cold < {COLD_TARGET_S:.1f} s {'met' if cold_met else 'NOT met'}, cached < {CACHED_TARGET_S:.1f} s "
          f"{'met' if cached_met else 'NOT met'}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
