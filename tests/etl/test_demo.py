"""The demo generator: reproducible, realistic in shape, and always marked as demo."""
import duckdb

from etl.batches import DATA_TABLES
from etl.demo import DEFAULT_SEED, load_demo
from tests.conftest import table_fingerprint


def data_fingerprint(con) -> dict:
    # Batch ids and load times differ between builds by design; the data must not.
    out = {}
    for table in DATA_TABLES:
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] != "batch_id"]
        out[table] = con.execute(
            f"SELECT count(*), coalesce(sum(hash({', '.join(columns)})), 0) FROM {table}").fetchall()[0]
    return out


def test_same_seed_same_data(demo_db_master, tmp_path):
    # The session's demo database was built with the default seed; building again gives the same data.
    from etl.build import build
    again = tmp_path / "b.duckdb"
    build(again, demo=True, seed=DEFAULT_SEED)
    a, b = duckdb.connect(str(demo_db_master), read_only=True), duckdb.connect(str(again), read_only=True)
    assert data_fingerprint(a) == data_fingerprint(b)
    a.close(), b.close()


def test_another_seed_other_data(demo_db_master, writable_store):
    load_demo(writable_store, seed=DEFAULT_SEED + 1)
    a = duckdb.connect(str(demo_db_master), read_only=True)
    assert data_fingerprint(a)["par_score"] != data_fingerprint(writable_store)["par_score"]
    a.close()


def test_demo_covers_what_the_pages_show(demo_db_master):
    con = duckdb.connect(str(demo_db_master), read_only=True)
    units = dict(((l, y), n) for l, y, n in con.execute(
        "SELECT level, year, count(DISTINCT unit_code) FROM par_score WHERE stage = 'appraised' GROUP BY 1, 2").fetchall())
    assert all(units[("province", y)] == 63 for y in range(2021, 2025)) and units[("province", 2025)] == 34
    assert all(units[("ministry", y)] == 17 for y in range(2021, 2025)) and units[("ministry", 2025)] == 12
    per_province = con.execute(
        "SELECT min(n), max(n) FROM (SELECT count(*) n FROM survey_respondent WHERE survey = 'sipas' "
        "GROUP BY year, unit_code)").fetchall()[0]
    assert per_province == (600, 600)
    surveys = {r[0] for r in con.execute("SELECT DISTINCT survey FROM survey_respondent").fetchall()}
    assert surveys == {"sipas", "health", "education"}
    assert con.execute("SELECT count(DISTINCT project_no) FROM project_update").fetchall()[0][0] == 16
    assert con.execute("SELECT count(*) FROM plan_report").fetchall()[0][0] > 0
    # Answers on the health forms include "did not use" (0); none elsewhere.
    zero = dict(con.execute("SELECT r.survey, count(*) FILTER (WHERE a.value = 0) FROM survey_answer a "
                            "JOIN survey_respondent r USING (respondent_key) GROUP BY 1").fetchall())
    assert zero["health"] > 0 and zero["sipas"] == 0 and zero["education"] == 0
    sources = {r[0] for r in con.execute(
        "SELECT DISTINCT b.source FROM survey_respondent s JOIN batch b USING (batch_id)").fetchall()}
    assert sources == {"demo"}
    con.close()


def test_no_demo_build_has_none(tmp_path):
    from etl.build import build
    path = tmp_path / "x.duckdb"
    build(path, demo=False)
    prints = table_fingerprint(path)
    assert prints["par_score"][0] == 0 and prints["survey_respondent"][0] == 0
    assert prints["par_total"][0] > 0 and prints["unit"][0] == 63 + 34 + 22 + 17
