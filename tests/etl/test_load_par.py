"""Loading PAR INDEX score sheets and result tables as analysts do, with hand-computed expectations."""
import io
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from etl.load import load_file
from etl.loaders import OptionError
from etl.problems import LoadRejected
from metrics.overview import build_overview
from metrics.par_index import unit_results
from metrics.ranking import ranking_table
from tests.conftest import PROJECT, table_fingerprint

PUBLISHED = pd.read_csv(PROJECT / "data/reference/par_index_ministries_2023.csv", dtype=str)


def published_shape(tmp_path: Path, suffix: str = ".csv") -> Path:
    """The 2023 ministries table as it was published: name, appraisal, survey, total (decimal commas)."""
    table = pd.DataFrame({
        "Bộ, cơ quan ngang bộ": PUBLISHED["ministry"],
        "Điểm thẩm định": PUBLISHED["diem_tham_dinh"].str.replace(".", ",", regex=False),
        "Điểm điều tra XHH": PUBLISHED["diem_dieu_tra_xhh"].str.replace(".", ",", regex=False),
        "Tổng điểm đạt được": PUBLISHED["tong_diem"].str.replace(".", ",", regex=False),
    })
    path = tmp_path / f"par_index_bo_2023{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False, sep=";", encoding="utf-8-sig")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC BỘ, CƠ QUAN NGANG BỘ"])
        sheet.append([])
        sheet.append(list(table.columns))
        for row in PUBLISHED.itertuples():
            sheet.append([row.ministry, float(row.diem_tham_dinh), float(row.diem_dieu_tra_xhh), float(row.tong_diem)])
        book.save(path)
    return path


def load(db: Path, kind: str, path: Path, **options):
    return load_file(db, kind, path, options=options)


# The 2023 ministries' ranks as MoHA published them, worked by hand from the totals (89.95 > 89.89 > ... > 78.03,
# no two equal at 2 decimals), by unit code: what the product must report, never recomputed by this test.
RANKS_MINISTRIES_2023 = {"BTP": 1, "NHNN": 2, "BTC": 3, "BNV": 4, "BTNMT": 5, "BNNPTNT": 6, "BXD": 7, "BGTVT": 8,
                         "BTTTT": 9, "BLDTBXH": 10, "BVHTTDL": 11, "BGDDT": 12, "BKHCN": 13, "BKHDT": 14, "BYT": 15,
                         "BNG": 16, "BCT": 17}


def product_ranks(frame: pd.DataFrame) -> dict[str, int | None]:
    """{code: rank} as the product reported it (None where it gave no rank)."""
    return {code: (None if pd.isna(rank) else int(rank)) for code, rank in zip(frame["code"], frame["rank"])}


def cli_ranking(db: Path, level: str, year: int, source: str = "upload") -> pd.DataFrame:
    """The rankings table as `python -m metrics ranking` prints it (CSV), read back."""
    result = subprocess.run([sys.executable, "-m", "metrics", "ranking", "--level", level, "--year", str(year),
                             "--source", source, "--db", str(db), "--format", "csv"],
                            cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout), dtype={"code": str}, keep_default_na=True)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_published_ministries_2023_loaded_as_a_user_reproduces_totals_ranks_and_average(demo_db, tmp_path, suffix):
    result = load(demo_db, "par-totals", published_shape(tmp_path, suffix), year=2023, level="ministry")
    assert result.rows == 17 and not [w for w in result.warnings if "not used" not in w.message_en]
    con = duckdb.connect(str(demo_db), read_only=True)
    results = unit_results(con, "ministry", 2023, "upload")
    table = ranking_table(con, "ministry", 2023, "upload")
    view = build_overview(con, "ministry", 2023)
    con.close()
    # The file has no rank column: the ranks are the product's, read from what it reports.
    assert product_ranks(results) == RANKS_MINISTRIES_2023
    assert product_ranks(table) == RANKS_MINISTRIES_2023
    assert product_ranks(cli_ranking(demo_db, "ministry", 2023)) == RANKS_MINISTRIES_2023
    assert [round(t * 100) for t in results["total"]] == [round(float(t) * 100) for t in PUBLISHED["tong_diem"]]
    assert view.source == "upload" and view.average == 84.38


def test_a_results_table_without_ranks_is_ranked_with_ties(demo_db, tmp_path):
    """The published 2023 ministries table without ranks, but Tài chính given 62.23 + 27.66 = 89.89, equal to the
    State Bank: ranks 1, 2, 2, 4, 5, ... (the next rank skips)."""
    table = PUBLISHED[["ministry", "diem_tham_dinh", "diem_dieu_tra_xhh", "tong_diem"]].copy()
    table.loc[table["ministry"] == "Bộ Tài chính", ["diem_tham_dinh", "tong_diem"]] = ["62.23", "89.89"]
    path = tmp_path / "ket_qua.csv"
    table.set_axis(["Bộ, cơ quan ngang bộ", "Điểm thẩm định", "Điểm điều tra XHH", "Tổng điểm đạt được"],
                   axis=1).to_csv(path, index=False)
    load(demo_db, "par-totals", path, year=2023, level="ministry")
    expected = dict(RANKS_MINISTRIES_2023, BTC=2)
    con = duckdb.connect(str(demo_db), read_only=True)
    assert product_ranks(unit_results(con, "ministry", 2023, "upload")) == expected
    assert product_ranks(ranking_table(con, "ministry", 2023, "upload")) == expected
    con.close()
    assert product_ranks(cli_ranking(demo_db, "ministry", 2023)) == expected


def test_total_that_is_not_the_sum_of_its_parts_is_reported(demo_db, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Đơn vị,Điểm thẩm định,Điểm điều tra XHH,Tổng điểm đạt được,Xếp hạng\n"
                    "Bộ Tư pháp,61.86,28.10,89.96,1\n"      # 61.86 + 28.10 = 89.96: fine
                    "Bộ Y Tế,55.81,23.99,80.80,2\n", "utf-8")  # 79.80 expected
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "par-totals", path, year=2023, level="ministry")
    errors = [p for p in caught.value.problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].row == 3 and errors[0].column == "Tổng điểm đạt được"
    assert "79.80" in errors[0].message_en
    assert table_fingerprint(demo_db) == before


def test_a_rank_that_disagrees_is_a_warning(demo_db, tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("\"Tỉnh, thành phố\",Chỉ số,Xếp hạng\nQuảng Ninh,92.18,2\nHải Phòng,91.87,1\n", "utf-8")
    result = load(demo_db, "par-totals", path, year=2023, level="province")
    assert [(w.row, w.value) for w in result.warnings] == [(2, "2"), (3, "1")]


def write_scores(tmp_path: Path, rows: list[tuple], name="scores.csv") -> Path:
    path = tmp_path / name
    pd.DataFrame(rows, columns=["Đơn vị", "Tiêu chí", "Điểm"]).to_csv(path, index=False)
    return path


def full_sheet(con, framework: str, units: list[str], fraction: float = 0.9) -> list[tuple]:
    criteria = con.execute("SELECT criterion_code, max_points FROM framework_criterion WHERE framework_id = ? "
                           "ORDER BY position", [framework]).fetchall()
    return [(unit, code, round(maximum * fraction, 2)) for unit in units for code, maximum in criteria]


def test_ties_share_a_rank_in_a_loaded_sheet(demo_db, tmp_path):
    """Criterion points for all 17 ministries (a rank is only given among the whole field): Tài chính at 95 % of
    every maximum, Tư pháp and Y tế at 90 %, Nội vụ at 80 %, the other 13 at 78 %, 77 %, ..., 66 % in the
    published order."""
    names = dict(zip(RANKS_MINISTRIES_2023, PUBLISHED["ministry"]))
    fractions = {"BTC": 0.95, "BTP": 0.9, "BYT": 0.9, "BNV": 0.8}
    others = [code for code in RANKS_MINISTRIES_2023 if code not in fractions]
    fractions.update({code: round(0.78 - 0.01 * i, 2) for i, code in enumerate(others)})
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = [row for code, fraction in fractions.items()
            for row in full_sheet(con, "par-ministry-2022", [names[code]], fraction)]
    con.close()
    load(demo_db, "par-scores", write_scores(tmp_path, rows), year=2023, level="ministry")
    con = duckdb.connect(str(demo_db), read_only=True)
    results = unit_results(con, "ministry", 2023, "upload")
    table = ranking_table(con, "ministry", 2023, "upload")
    con.close()
    # Worked by hand: Tài chính 95 % > Tư pháp = Y tế 90 % > Nội vụ 80 % > 78 % > ... > 66 %.
    expected = {"BTC": 1, "BTP": 2, "BYT": 2, "BNV": 4, "NHNN": 5, "BTNMT": 6, "BNNPTNT": 7, "BXD": 8, "BGTVT": 9,
                "BTTTT": 10, "BLDTBXH": 11, "BVHTTDL": 12, "BGDDT": 13, "BKHCN": 14, "BKHDT": 15, "BNG": 16, "BCT": 17}
    assert product_ranks(results) == expected
    assert product_ranks(table) == expected
    assert product_ranks(cli_ranking(demo_db, "ministry", 2023)) == expected
    assert results.set_index("code").loc["BTP", "index"] == pytest.approx(90.0, abs=0.1)  # 90 % of each maximum, rounded per criterion


def test_a_missing_criterion_refuses_unless_allowed(demo_db, tmp_path):
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = full_sheet(con, "par-province-2022", ["Quảng Ninh", "Hà Nội"])
    con.close()
    rows = [r for r in rows if not (r[0] == "Hà Nội" and r[1] == "3.2")]
    path = write_scores(tmp_path, rows)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "par-scores", path, year=2022, level="province")
    [problem] = [p for p in caught.value.problems if p.severity == "error"]
    assert "lacks 1 of 37 criteria: 3.2" in problem.message_en and problem.value == "01"
    result = load(demo_db, "par-scores", path, year=2022, level="province", allow_incomplete=True)
    assert any("marked incomplete" in w.message_en for w in result.warnings)
    con = duckdb.connect(str(demo_db), read_only=True)
    results = unit_results(con, "province", 2022, "upload").set_index("code")
    con.close()
    assert not results.loc["01", "complete"] and results.loc["22", "complete"]


def test_points_above_the_maximum_are_refused_with_the_cell(demo_db, tmp_path):
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = full_sheet(con, "par-province-2022", ["Quảng Ninh"])
    maximum = con.execute("SELECT max_points FROM framework_criterion WHERE framework_id = 'par-province-2022' "
                          "AND criterion_code = '1.1'").fetchall()[0][0]
    con.close()
    rows[0] = ("Quảng Ninh", "1.1", maximum + 0.5)
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "par-scores", write_scores(tmp_path, rows), year=2022, level="province")
    [problem] = caught.value.problems
    assert (problem.row, problem.column) == (2, "Điểm") and f"between 0 and {maximum:g}" in problem.message_en


def test_a_2025_file_naming_long_an_is_refused(demo_db, tmp_path):
    con = duckdb.connect(str(demo_db), read_only=True)
    rows = full_sheet(con, "par-province-2024", ["Long An", "Tây Ninh"])
    con.close()
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "par-scores", write_scores(tmp_path, rows), year=2025, level="province")
    [problem] = [p for p in caught.value.problems if p.severity == "error"]
    assert problem.value == "Long An" and "vn63:80" in problem.message_en and "vn34" in problem.message_en


def test_wide_sheet_from_excel_with_criterion_columns(demo_db, tmp_path):
    con = duckdb.connect(str(demo_db), read_only=True)
    criteria = con.execute("SELECT criterion_code, max_points FROM framework_criterion "
                           "WHERE framework_id = 'par-province-2024' ORDER BY position").fetchall()
    con.close()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["BẢNG ĐIỂM CHỈ SỐ CCHC 2024"])
    sheet.append(["Mã", "Tỉnh, thành phố"] + [f"TC {code}" for code, _m in criteria])
    sheet.append(["22", "Quảng Ninh"] + [m for _c, m in criteria])
    sheet.append(["31", "TP. Hải Phòng"] + [m / 2 for _c, m in criteria])
    path = tmp_path / "wide.xlsx"
    book.save(path)
    result = load(demo_db, "par-scores", path, year=2024, level="province", stage="self")
    assert result.rows == 2 * len(criteria)
    con = duckdb.connect(str(demo_db), read_only=True)
    stages = con.execute("SELECT DISTINCT stage, unit_code FROM par_score WHERE batch_id = ? ORDER BY 2",
                         [result.batch_id]).fetchall()
    con.close()
    assert stages == [("self", "22"), ("self", "31")]


def test_replace_retires_and_remove_restores(demo_db, tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("Đơn vị,Chỉ số\nQuảng Ninh,92.18\n", "utf-8")
    second = tmp_path / "b.csv"
    second.write_text("Đơn vị,Chỉ số\nQuảng Ninh,93.00\n", "utf-8")
    a = load(demo_db, "par-totals", first, year=2023, level="province")
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "par-totals", second, year=2023, level="province")
    assert f"batch {a.batch_id}" in caught.value.problems[0].message_en
    b = load(demo_db, "par-totals", second, year=2023, level="province", replace=True)
    assert b.replaced_batch_id == a.batch_id
    from etl.batches import remove_batch
    from etl.db import open_store
    with open_store(demo_db, read_only=False) as con:
        assert remove_batch(con, b.batch_id) == a.batch_id
        assert unit_results(con, "province", 2023, "upload")["index"].tolist() == [92.18]


def test_a_province_s_own_departments_are_created_only_when_asked(demo_db, tmp_path):
    path = tmp_path / "so_nganh.csv"
    con = duckdb.connect(str(demo_db), read_only=True)
    criteria = con.execute("SELECT criterion_code, max_points FROM framework_criterion "
                           "WHERE framework_id = 'par-local-2021' ORDER BY position").fetchall()
    con.close()
    header = "Mã,Đơn vị," + ",".join(code for code, _m in criteria)
    lines = [header, "SNV,Sở Nội vụ," + ",".join(str(m) for _c, m in criteria),
             "STP,Sở Tư pháp," + ",".join(str(round(m * 0.8, 2)) for _c, m in criteria)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(LoadRejected) as caught:
        load(demo_db, "par-scores", path, year=2025, level="department", parent="vn34:22")
    assert "--create-units" in caught.value.problems[0].message_en
    result = load(demo_db, "par-scores", path, year=2025, level="department", parent="vn34:22", create_units=True)
    con = duckdb.connect(str(demo_db), read_only=True)
    units = con.execute("SELECT code, name_vi, parent_system, parent_code FROM unit WHERE batch_id = ? ORDER BY 1",
                        [result.batch_id]).fetchall()
    con.close()
    assert units == [("SNV", "Sở Nội vụ", "vn34", "22"), ("STP", "Sở Tư pháp", "vn34", "22")]
    with pytest.raises(OptionError):
        load(demo_db, "par-scores", path, year=2025, level="department")


def test_framework_change_between_two_years_is_flagged(demo_db):
    from metrics.par_index import year_change
    con = duckdb.connect(str(demo_db), read_only=True)
    assert year_change(con, "province", 2022, "demo")["framework_changed"].all()      # 2021 -> 2022: 1149 -> 876
    assert not year_change(con, "province", 2023, "demo")["framework_changed"].any()  # 876 both years
    assert year_change(con, "province", 2024, "demo")["framework_changed"].all()      # amended set from 2024
    con.close()
