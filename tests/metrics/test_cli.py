import json
import subprocess
import sys

from tests.conftest import PROJECT, run_command


def metrics(*args):
    return run_command("metrics", *args)


def test_python_m_metrics_is_the_same_command(demo_db_master):
    """The command as users run it, in its own process: the same output as the in-process runs below."""
    args = ("units", "--db", str(demo_db_master), "--format", "json")
    process = subprocess.run([sys.executable, "-m", "metrics", *args], cwd=PROJECT, capture_output=True, text=True,
                             timeout=120)
    assert process.returncode == 0, process.stderr
    assert process.stdout == metrics(*args).stdout


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


def test_projects_compliance_leaders_and_trend_commands(demo_db_master):
    db = str(demo_db_master)
    projects = json.loads(metrics("projects", "--db", db, "--as-of", "2023-06-30", "--format", "json").stdout)
    assert len(projects) == 16
    assert set(projects[0]) >= {"no", "name", "lead_agency", "lead_agency_now", "deadline", "status",
                                "percent_complete", "last_update"}
    assert {p["status"] for p in projects} <= {"done", "on_track", "at_risk", "overdue", "roadmap"}
    plans = metrics("compliance", "--db", db, "--year", "2024", "--as-of", "2024-12-31", "--format", "csv").stdout
    assert plans.splitlines()[0].startswith("code_system,code,name,year,plan_status")
    assert len(plans.splitlines()) == 1 + 63
    leaders = json.loads(metrics("leaders", "--db", db, "--level", "ministry", "--year", "2023", "--rules",
                                 "quang-ngai-2018", "--format", "json").stdout)
    assert set(leaders[0]) >= {"code_system", "code", "name", "index", "rank", "group", "proposed_level", "reasons"}
    assert {r["code"]: r["proposed_level"] for r in leaders}["BTP"] == "excellent"
    unknown = metrics("leaders", "--db", db, "--level", "ministry", "--year", "2023", "--rules", "nope")
    assert unknown.returncode == 2 and "nope" in unknown.stderr
    series = json.loads(metrics("trend", "--db", db, "--level", "province", "--system", "vn34", "--from", "2024",
                                "--to", "2025", "--source", "demo", "--format", "json").stdout)
    assert set(series[0]) >= {"code_system", "code", "name", "year", "value", "status", "from_units"}
    statuses = {(r["code"], r["year"]): r["status"] for r in series}
    assert statuses[("22", 2024)] == "observed" and statuses[("37", 2024)] == "reconstructed"
    wrong = metrics("trend", "--db", db, "--level", "ministry", "--system", "vn34", "--from", "2024", "--to", "2025")
    assert wrong.returncode == 2
