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


def audit_details(db: Path, action: str) -> list[str]:
    with open_for_reading(db) as con:
        return [r[0] for r in con.execute("SELECT detail FROM audit WHERE action = ? ORDER BY audit_id",
                                          [action]).fetchall()]


def test_a_rebuild_refuses_a_store_holding_releases_unless_forced(history, before, capsys):
    fingerprint = table_fingerprint(before)
    assert etl_main(["build", "--no-demo", "--db", str(before)]) == 1
    refusal = capsys.readouterr().err
    assert f"Không tạo lại {before}" in refusal
    assert f"{history.first} (Chỉ số CCHC cấp bộ 2023, 1/QĐ-BNV: Kết quả" in refusal
    assert "--force" in refusal and "--db TỆP_MỚI" in refusal
    assert table_fingerprint(before) == fingerprint
    assert etl_main(["build", "--no-demo", "--db", str(before), "--lang", "en"]) == 1
    assert "Refused to rebuild" in capsys.readouterr().err
    assert etl_main(["build", "--no-demo", "--db", str(before), "--force"]) == 0
    with open_for_reading(before) as con:
        assert list_releases(con).empty
    [dropped] = audit_details(before, "releases_dropped")
    assert dropped.startswith("build with --force dropped 1 release(s)") and "1/QĐ-BNV" in dropped


def test_a_restore_refuses_a_backup_lacking_the_releases_of_the_store_it_replaces(history, before, plain_db_master,
                                                                                  tmp_path, monkeypatch, capsys):
    from etl.backup import backup
    from etl.release_guard import RestoreGuard

    plain = tmp_path / "plain.duckdb"
    shutil.copy(plain_db_master, plain)
    older = backup(plain, tmp_path / "older")             # taken before any release
    newer = backup(before, tmp_path / "newer")            # holds release A
    target = tmp_path / "restored.duckdb"
    monkeypatch.setenv("PAR_DB", str(before))             # the live store the restored file would replace
    assert etl_main(["restore", str(older), "--db", str(target)]) == 1
    refusal = capsys.readouterr().err
    assert f"bản sao thiếu 1 bản công bố mà {before} đang có: {history.first} (Chỉ số CCHC cấp bộ 2023" in refusal
    assert "--force" in refusal and not target.exists()
    guard = RestoreGuard(before)
    guard(newer)                                          # a backup holding release A passes, dropping nothing
    assert guard.dropped.releases == [] and not target.exists()
    monkeypatch.setenv("PAR_DB", str(plain))                # --replacing names the store, whatever PAR_DB says
    assert etl_main(["restore", str(older), "--db", str(target), "--replacing", str(before), "--force"]) == 0
    [dropped] = audit_details(target, "releases_dropped")
    assert dropped.startswith(f"restore from {older} with --force dropped 1 release(s): {history.first} ")


def test_a_briefing_shows_and_names_the_release_it_is_asked_for(history, monkeypatch, capsys):
    from metrics.briefing.build import build_briefing
    from ui.briefing import _write

    def brief(selection, lang="vi") -> str:
        with open_for_reading(history.db) as con, release_view(con, selection):
            return build_briefing(con, "ministry-2021:BTP", 2023, "md", lang).decode("utf-8")

    old, latest, draft = brief(history.first), brief("latest"), brief("draft", "en")
    assert "89,95" in old and f"Bản công bố số {history.first}: Kết quả Chỉ số CCHC 2023 của các bộ" in old
    assert f"đã được thay thế bởi bản số {history.second}" in old
    assert "88,95" in latest and f"Bản công bố số {history.second}:" in latest
    assert "Draft, not released" in draft and "Release no." not in draft
    # The page's download writes on the store as the page's release filter shows it.
    monkeypatch.setenv("PAR_DB", str(history.db))
    page = _write("national", 2023, "md", "vi", None, "ministry", None, None, str(history.first)).decode("utf-8")
    assert f"Bản công bố số {history.first}:" in page
    # `metrics brief` takes the shared --release, says which release on stderr, and refuses one of another scope.
    args = ["brief", "--unit", "national", "--level", "ministry", "--year", "2023", "--format", "md", "--out", "-",
            "--db", str(history.db)]
    assert metrics_main(args + ["--release", str(history.first)]) == 0
    out = capsys.readouterr()
    assert f"Bản công bố số {history.first}:" in out.out and f"release {history.first}" in out.err
    assert metrics_main(args[:6] + ["2024"] + args[7:] + ["--release", str(history.first)]) == 2
    assert "does not fit" in capsys.readouterr().err


def test_the_package_readme_shows_the_analysts_words_as_typed(history, tmp_path):
    from markdown_it import MarkdownIt

    from etl.export_release import _write_texts
    from metrics.releases import release_info

    with open_for_reading(history.db) as con:
        info = dict(release_info(con, history.first))
    info.update(title="# Tiêu đề [bấm](http://x.example) ![ảnh](http://x.example/a.png)",
                decision="1/QĐ-BNV <script>alert(1)</script> *nhấn*", errata="`mã` [liên kết](http://x.example)")
    _write_texts(tmp_path, info, [])
    for name in ("README.md", "LICENCE.md"):
        html = MarkdownIt("commonmark").render((tmp_path / name).read_text("utf-8"))
        assert "<a " not in html and "<img" not in html and "<script" not in html and "<em>" not in html, name
    readme = MarkdownIt("commonmark").render((tmp_path / "README.md").read_text("utf-8"))
    assert readme.count("<h1>") == 2 and "# Tiêu đề [bấm](http://x.example)" in readme   # shown as typed
    assert "`mã` [liên kết](http://x.example)" in readme and "<code>mã</code>" not in readme


def test_leader_proposals_from_a_release_say_their_rules_are_the_current_ones(history, before, capsys):
    from etl.rules import save_rule_set
    from metrics.leaders import rule_sets
    from metrics.release_figures import release_rules

    args = ["leaders", "--level", "ministry", "--year", "2023", "--rules", "default", "--format", "csv"]
    assert metrics_main(args + ["--db", str(before)]) == 0
    note = capsys.readouterr().err
    assert "follow the current rule set 'default'" in note and "changed after" not in note
    with open_store(before, read_only=False) as con:
        saved = save_rule_set(con, rule_sets(con).set_index("name").loc["default", "yaml"], file_name="default.yaml")
        with release_view(con, "latest"):
            rules = release_rules(con, "ministry", 2023, "default")
        with release_view(con, "draft"):
            assert release_rules(con, "ministry", 2023, "default") is None      # a draft: nothing to say
    assert rules == {**rules, "release_id": history.first, "batch_id": saved, "changed_since": True}
    assert metrics_main(args + ["--db", str(before)]) == 0
    assert f"this rule set changed after release {history.first} was made" in capsys.readouterr().err
