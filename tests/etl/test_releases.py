"""Releases: freezing a year, refusing changes to released figures, corrections, the release view, the open data
package (validated with frictionless, compared with the pages' figures). One release history per module."""
from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.access import AccessDenied, Actor
from etl.batches import remove_batch
from etl.cli import main as etl_main
from etl.db import open_for_reading, open_store
from etl.export_release import export_release, package_zip
from etl.load import load_file
from etl.problems import LoadRejected
from etl.releases import ReleasedBatch, ReleaseRefused, Scope, create_release, open_correction
from metrics.cli import main as metrics_main
from metrics.cli import satisfaction_frame
from metrics.ranking import ranking_table
from metrics.release_figures import release_diff
from metrics.releases import list_releases, release_view, shown_release
from tests.conftest import table_fingerprint
from tests.etl.release_history import ERRATA, build_history, results_table


@pytest.fixture(scope="module")
def history(plain_db_master, tmp_path_factory):
    return build_history(plain_db_master, tmp_path_factory.mktemp("releases"))


@pytest.fixture
def before(history, tmp_path) -> Path:
    """A private copy of the store while release A was in force (before its correction)."""
    path = tmp_path / "par.duckdb"
    shutil.copy(history.before, path)
    return path


def ministries(db: Path, selection) -> pd.DataFrame:
    """The rankings table as the page computes it, on the store as `selection` shows it."""
    with open_for_reading(db) as con, release_view(con, selection):
        return ranking_table(con, "ministry", 2023, "upload", "vi").set_index("code")


def test_a_release_freezes_the_current_batches_and_is_audited(history):
    with open_for_reading(history.db) as con:
        releases = list_releases(con).set_index("release_id")
        audit = con.execute("SELECT action, detail FROM audit WHERE action IN ('release', 'correction', 'supersede') "
                            "ORDER BY audit_id").fetchall()
        published = con.execute("SELECT batch_id FROM batch WHERE kind = 'par-totals' AND source = 'published' "
                                "AND dataset_key LIKE 'par:2023:ministry:%'").fetchall()[0][0]
    first, second = releases.loc[history.first], releases.loc[history.second]
    assert first["batches"] == f"{published}, {history.first_batch}"       # the published table and the upload
    assert second["batches"] == f"{published}, {history.second_batch}"
    assert (first["status"], first["superseded_by"], first["errata"]) == ("superseded", history.second, ERRATA)
    assert (second["status"], second["supersedes"]) == ("in_force", history.first)
    assert (first["decision"], first["release_date"]) == ("1/QĐ-BNV", "2024-04-06")
    assert [a for a, _d in audit] == ["release", "correction", "release", "supersede"]
    assert audit[3][1] == f"release {history.first} superseded by release {history.second}"


def test_the_old_release_stays_viewable_and_the_default_is_the_latest(history):
    old, latest, draft = (ministries(history.db, s) for s in (history.first, "latest", "draft"))
    assert (old.loc["BTP", "index"], old.loc["BTP", "rank"], old.loc["NHNN", "rank"]) == (89.95, 1, 2)
    assert (latest.loc["BTP", "index"], latest.loc["BTP", "rank"], latest.loc["NHNN", "rank"]) == (88.95, 3, 1)
    assert draft.loc["BTP", "index"] == 88.95
    with open_for_reading(history.db) as con:
        with release_view(con, history.first):
            assert shown_release(con, "par", "ministry", 2023) == history.first
            assert shown_release(con, "par", "province", 2023) is None      # not released: a draft
        assert shown_release(con, "par", "ministry", 2023) is None          # no view: working data
        assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0] == 0


def test_a_store_without_releases_reads_exactly_as_before(reference_store):
    plain = ranking_table(reference_store, "ministry", 2023, "published", "en")
    with release_view(reference_store, "latest"):
        temp = reference_store.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchall()[0][0]
        viewed = ranking_table(reference_store, "ministry", 2023, "published", "en")
    assert temp == 0
    pd.testing.assert_frame_equal(plain, viewed)


def test_the_diff_lists_every_changed_figure(history):
    with open_for_reading(history.db) as con:
        diff = release_diff(con, history.first, history.second, "vi")
    got = {(r.code, r.measure): (r.old, r.new) for r in diff.itertuples()}
    assert got == {("BTP", "appraisal"): ("61.86", "60.86"), ("BTP", "index"): ("89.95", "88.95"),
                   ("BTP", "rank"): ("1", "3"), ("NHNN", "rank"): ("2", "1"), ("BTC", "rank"): ("3", "2")}
    assert set(diff["source"]) == {"upload"} and set(diff["unit"]) == {"Bộ Tư pháp", "Ngân hàng Nhà nước Việt Nam",
                                                                        "Bộ Tài chính"}


def test_a_replace_of_a_released_batch_is_refused_naming_the_release(history, before, tmp_path):
    fingerprint = table_fingerprint(before)
    corrected = results_table(tmp_path, "sua.csv", "60.86")
    with pytest.raises(LoadRejected) as refused:
        load_file(before, "par-totals", corrected, options={"year": 2023, "level": "ministry", "replace": True})
    problem = refused.value.problems[0]
    assert f"release {history.first}" in problem.message_en and "etl release supersede" in problem.message_en
    assert f"bản công bố {history.first}" in problem.message_vi
    assert table_fingerprint(before) == fingerprint
    code = etl_main(["load", "par-totals", str(corrected), "--year", "2023", "--level", "ministry", "--replace",
                     "--db", str(before)])
    assert code == 1 and table_fingerprint(before) == fingerprint


def test_a_released_batch_is_never_removed(history, before, capsys):
    with open_store(before, read_only=False) as con:
        with pytest.raises(ReleasedBatch, match=f"release {history.first}"):
            remove_batch(con, history.first_batch)
    assert etl_main(["remove", str(history.first_batch), "--db", str(before)]) == 1
    assert f"bản công bố {history.first}" in capsys.readouterr().err
    # After the correction the superseded release still holds the retired batch: still not removable.
    copy = before.with_name("after.duckdb")
    shutil.copy(history.db, copy)
    with open_store(copy, read_only=False) as con:
        for batch in (history.first_batch, history.second_batch):
            with pytest.raises(ReleasedBatch):
                remove_batch(con, batch)


def test_cli_create_list_supersede_and_refusals(before, tmp_path, capsys):
    db = str(before)
    assert etl_main(["release", "create", "--db", db, "--year", "2024", "--level", "province", "--title",
                     "PAR INDEX 2024", "--decision", "3/QĐ-BNV", "--date", "2025-04-06", "--user", "ana"]) == 0
    created = int(capsys.readouterr().out.strip())
    assert etl_main(["release", "create", "--db", db, "--year", "2024", "--level", "province", "--title", "again",
                     "--decision", "4/QĐ-BNV"]) == 1
    assert "đã gồm đúng các bộ dữ liệu" in capsys.readouterr().err
    assert etl_main(["release", "create", "--db", db, "--year", "2019", "--level", "province", "--title", "x",
                     "--decision", "y", "--lang", "en"]) == 1
    assert "nothing to release" in capsys.readouterr().err
    assert etl_main(["release", "create", "--db", db, "--year", "2024", "--title", "x", "--decision", "y"]) == 2
    # A new dataset of the year (an upload beside the published table) makes a different release: it supersedes
    # the one in force, and only with errata.
    upload = tmp_path / "tinh_2024.csv"
    upload.write_text("\"Tỉnh, thành phố\",Chỉ số\nQuảng Ninh,92.18\nHải Phòng,91.87\n", "utf-8")
    assert load_file(before, "par-totals", upload, options={"year": 2024, "level": "province"}).rows == 2
    args = ["release", "create", "--db", db, "--year", "2024", "--level", "province", "--title", "PAR INDEX 2024 (2)",
            "--decision", "5/QĐ-BNV", "--lang", "en"]
    assert etl_main(args) == 1 and "--errata" in capsys.readouterr().err
    assert etl_main(args + ["--errata", "adds the uploaded table"]) == 0
    newer = int(capsys.readouterr().out.strip())
    assert etl_main(["release", "supersede", str(created), "--errata", "x", "--db", db]) == 1
    assert etl_main(["release", "list", "--db", db, "--format", "json"]) == 0
    listed = {r["release_id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed[created]["status"] == "superseded" and listed[created]["superseded_by"] == newer
    assert listed[created]["created_by"] == "ana"
    assert etl_main(["release", "supersede", str(newer), "--errata", "sửa số liệu", "--db", db]) == 0
    assert etl_main(["release", "list", "--db", db, "--format", "csv"]) == 0
    assert "correcting" in capsys.readouterr().out


def test_roles_apply_as_for_loads(before):
    with open_store(before, read_only=False) as con:
        with pytest.raises(AccessDenied):
            create_release(con, Scope("par", "province", 2024), title="t", decision="d",
                           actor=Actor("viewer@moha.gov.vn", "viewer"))
        with pytest.raises(AccessDenied):
            open_correction(con, 1, "x", actor=Actor("viewer@moha.gov.vn", "viewer"))
        made = create_release(con, Scope("par", "province", 2024), title="t", decision="d",
                              actor=Actor("analyst@moha.gov.vn", "analyst"))
        who = con.execute("SELECT user_name, role FROM audit WHERE action = 'release' ORDER BY audit_id DESC "
                          "LIMIT 1").fetchall()[0]
    assert made and who == ("analyst@moha.gov.vn", "analyst")


def test_metrics_take_release(history, capsys):
    base = ["ranking", "--level", "ministry", "--year", "2023", "--db", str(history.db), "--format", "csv"]
    assert metrics_main(base + ["--release", str(history.first)]) == 0
    old = capsys.readouterr()
    assert "89.95" in old.out.splitlines()[1] and f"release {history.first}" in old.err
    assert metrics_main(base) == 0
    assert "88.95" in capsys.readouterr().out
    assert metrics_main(base[:-2] + ["--release", "draft", "--format", "csv"]) == 0
    assert "88.95" in capsys.readouterr().out
    assert metrics_main(["ranking", "--level", "ministry", "--year", "2024", "--db", str(history.db),
                         "--release", str(history.first)]) == 2
    assert "does not fit" in capsys.readouterr().err
    assert metrics_main(base + ["--release", "99"]) == 2
    assert metrics_main(["leaders", "--level", "ministry", "--year", "2023", "--rules", "default", "--format", "json",
                         "--db", str(history.db), "--release", str(history.first)]) == 0
    proposals = json.loads(capsys.readouterr().out)
    assert {p["release_id"] for p in proposals} == {history.first}
    assert {p["code"]: p["index"] for p in proposals}["BTP"] == 89.95


@pytest.fixture(scope="module")
def packages(history, tmp_path_factory):
    root = tmp_path_factory.mktemp("packages")
    with open_for_reading(history.db) as con:
        return {rid: export_release(con, rid, root / str(rid), "vi") for rid in (history.first, history.second)}


def test_the_package_validates_with_frictionless(packages):
    from frictionless import validate

    for folder in packages.values():
        report = validate(folder / "datapackage.json")
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
        names = {p.name for p in folder.iterdir()}
        assert {"README.md", "METHOD.md", "LICENCE.md", "datapackage.json"} <= names
        for table in ("rankings", "series", "units", "lineage", "dictionary"):
            assert {f"{table}.csv", f"{table}.parquet"} <= names


def test_the_package_holds_the_pages_figures(history, packages):
    for release_id, folder in packages.items():
        csv = pd.read_csv(folder / "rankings.csv", dtype={"code": str}, encoding="utf-8-sig")
        page = ministries(history.db, release_id).reset_index()
        for source, rows in csv.groupby("source"):
            with open_for_reading(history.db) as con, release_view(con, release_id):
                shown = ranking_table(con, "ministry", 2023, source, "vi")
            merged = rows.merge(shown, on="code", suffixes=("_csv", "_page"))
            assert len(merged) == len(shown) == len(rows)
            for column in ("index", "rank", "appraisal", "survey", "delta_index"):
                assert merged[f"{column}_csv"].astype("Float64").equals(merged[f"{column}_page"].astype("Float64")), column
        upload = csv[csv["source"] == "upload"].set_index("code")
        assert upload.loc["BTP", "index"] == page.set_index("code").loc["BTP", "index"]
        assert set(csv["release_id"]) == {release_id}
        parquet = duckdb.sql(f"SELECT * FROM read_parquet('{folder / 'rankings.parquet'}')").df()
        assert parquet["index"].round(2).tolist() == csv["index"].round(2).tolist()
        series = pd.read_csv(folder / "series.csv", encoding="utf-8-sig")
        assert set(series.loc[series["year"] == 2023, "release_id"]) == {release_id}
    package = json.loads((packages[history.first] / "datapackage.json").read_text("utf-8"))
    assert package["release"]["status"] == "superseded" and package["release"]["superseded_by"] == history.second
    assert history.first_batch in package["release"]["batches"]


def test_the_dictionary_explains_every_column_in_both_languages(packages):
    folder = next(iter(packages.values()))
    dictionary = pd.read_csv(folder / "dictionary.csv", encoding="utf-8-sig")
    for table in ("rankings", "series", "units", "lineage"):
        columns = pd.read_csv(folder / f"{table}.csv", nrows=0, encoding="utf-8-sig").columns
        described = dictionary[dictionary["table"] == table]
        assert list(described["field"]) == list(columns)
        assert described["description_vi"].str.len().min() >= 3 and described["description_en"].str.len().min() >= 4


def test_a_survey_release_package_and_its_replace_refusal(demo_db, tmp_path):
    with open_store(demo_db, read_only=False) as con:
        release_id = create_release(con, Scope("survey", "education", 2023), title="Giáo dục 2023",
                                    decision="6/QĐ-BGDĐT")
        batch = con.execute("SELECT batch_id FROM release_batch WHERE release_id = ?", [release_id]).fetchall()[0][0]
    survey = tmp_path / "giao_duc.csv"
    survey.write_text("respondent_id,year,province,school_id\nx1,2023,Hà Nội,T1\n", "utf-8")
    with pytest.raises(LoadRejected) as refused:
        load_file(demo_db, "education", survey, options={"replace_batch": batch})
    assert f"release {release_id}" in refused.value.problems[0].message_en
    with open_for_reading(demo_db) as con:
        archive = zipfile.ZipFile(io.BytesIO(package_zip(con, release_id, "en")))
        with release_view(con, release_id):
            shown = satisfaction_frame(con, "education", 2023, "dimension", None, "demo", "en")
    names = set(archive.namelist())
    assert f"release-{release_id}/satisfaction.csv" in names and f"release-{release_id}/datapackage.json" in names
    table = pd.read_csv(archive.open(f"release-{release_id}/satisfaction.csv"), dtype={"code": str},
                        encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert len(table) == len(shown)
    assert table["pct_satisfied"].round(2).tolist() == shown["pct_satisfied"].round(2).tolist()
    assert table["pct_ci_low"].round(2).tolist() == shown["pct_ci_low"].round(2).tolist()
    folder = tmp_path / "pkg"
    archive.extractall(folder)
    from frictionless import validate

    assert validate(folder / f"release-{release_id}" / "datapackage.json").valid


def test_release_text_is_checked(before):
    with open_store(before, read_only=False) as con:
        with pytest.raises(ReleaseRefused, match="title"):
            create_release(con, Scope("par", "province", 2024), title="  ", decision="d")
        with pytest.raises(ReleaseRefused):
            create_release(con, Scope("par", "province", 2024), title="t" * 501, decision="d")
        with pytest.raises(ReleaseRefused):
            Scope("par", "district", 2024)


def test_store_state_readers_see_the_store_as_it_is():
    from metrics.audit import audit_log
    from metrics.provenance import batches
    from metrics.releases import reads_store_state

    assert reads_store_state(batches) and reads_store_state(audit_log) and reads_store_state(list_releases)
    assert not reads_store_state(ranking_table) and not reads_store_state(release_diff)
