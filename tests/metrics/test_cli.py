import json
import subprocess
import sys

from tests.conftest import PROJECT


def metrics(*args):
    return subprocess.run([sys.executable, "-m", "metrics", *args], cwd=PROJECT, capture_output=True, text=True,
                          timeout=120)


def test_units_lists_every_system_with_lineage(demo_db_master):
    rows = json.loads(metrics("units", "--db", str(demo_db_master), "--format", "json").stdout)
    assert set(rows[0]) == {"code_system", "code", "name", "kind", "region", "successors", "predecessors"}
    by_key = {f"{r['code_system']}:{r['code']}": r for r in rows}
    assert len([k for k in by_key if k.startswith("vn63:")]) == 63
    assert by_key["vn63:80"]["name"] == "Long An" and by_key["vn63:80"]["successors"] == "vn34:80"
    assert by_key["vn34:80"]["name"] == "Tây Ninh" and by_key["vn34:80"]["predecessors"] == "vn63:72; vn63:80"
    assert by_key["ministry-2021:BKHDT"]["successors"] == "ministry-2025:BTC"


def test_units_filtered_by_system_as_csv(demo_db_master):
    out = metrics("units", "--db", str(demo_db_master), "--system", "vn34", "--format", "csv").stdout.splitlines()
    assert out[0] == "code_system,code,name,kind,region,successors,predecessors"
    assert len(out) == 1 + 34 and all(line.startswith("vn34,") for line in out[1:])


def test_overview_prints_the_page_figures(demo_db_master):
    rows = json.loads(metrics("overview", "--db", str(demo_db_master), "--level", "ministry", "--year", "2023",
                              "--format", "json").stdout)
    figures = {r["figure"]: r["value"] for r in rows}
    assert figures["source"] == "published" and figures["average_index"] == "84.38"


def test_missing_database_is_a_clear_error(tmp_path):
    result = metrics("units", "--db", str(tmp_path / "none.duckdb"))
    assert result.returncode == 1 and "python -m etl build" in result.stderr


def test_ranking_columns_and_published_values(demo_db_master):
    rows = json.loads(metrics("ranking", "--db", str(demo_db_master), "--level", "ministry", "--year", "2023",
                              "--format", "json").stdout)
    assert list(rows[0])[:10] == ["rank", "code_system", "code", "name", "index", "group", "appraisal", "survey",
                                  "delta_index", "delta_rank"]
    first = rows[0]
    assert (first["rank"], first["code"], first["index"], first["group"]) == (1, "BTP", 89.95, "B")
    assert first["delta_index"] == -0.68 and first["delta_rank"] == 1     # 2022: 90.63, rank 2 (published)
    assert {r["source"] for r in rows} == {"published"}


def test_ranking_from_demo_scores_has_field_indices(demo_db_master):
    out = metrics("ranking", "--db", str(demo_db_master), "--level", "province", "--year", "2025", "--format", "csv")
    header = out.stdout.splitlines()[0].split(",")
    assert [c for c in header if c.startswith("field_")] == [f"field_{n}" for n in range(1, 9)]
    assert len(out.stdout.splitlines()) == 1 + 34
