"""Loading annual PAR plans, report submissions and plan tasks."""
from datetime import date

import duckdb
import pytest

from etl.load import load_file
from etl.problems import LoadRejected
from tests.conftest import table_fingerprint

PLANS = ("\"Tỉnh, thành phố\",Năm,Số kế hoạch,Ngày ban hành,Thể chế,TTHC,Bộ máy,Công vụ,Tài chính công,Chính phủ số\n"
         "Quảng Ninh,2026,12/KH-UBND,20/12/2025,x,x,x,x,x,x\n"
         "TP. Hồ Chí Minh,2026,30/KH-UBND,27/12/2025,x,,x,,x,x\n"
         "Bộ Tư pháp,2026,5/KH-BTP,2025-12-25,có,có,có,có,có,có\n")
REPORTS = ("Đơn vị,Năm,Kỳ báo cáo,Ngày nộp\nQuảng Ninh,2026,Quý I,14/03/2026\nQuảng Ninh,2026,6 tháng,20/06/2026\n")
TASKS = ("Đơn vị,Năm,STT,Nội dung,Nhiệm vụ,Sản phẩm,Đơn vị chủ trì,Thời hạn hoàn thành,Tình trạng,Ngày hoàn thành\n"
         "Quảng Ninh,2026,1,Thể chế,Rà soát văn bản,Báo cáo,Sở Tư pháp,30/06/2026,Hoàn thành,25/06/2026\n"
         "Quảng Ninh,2026,2,Chính phủ số,Số hóa hồ sơ,,Sở KH&CN,,Đang thực hiện,\n")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_plans_reports_and_tasks_load_into_their_tables(demo_db, tmp_path):
    for name, text, expected in (("ke_hoach.csv", PLANS, 3), ("bao_cao.csv", REPORTS, 2), ("nhiem_vu.csv", TASKS, 2)):
        assert load_file(demo_db, "plans", write(tmp_path, name, text)).rows == expected
    con = duckdb.connect(str(demo_db), read_only=True)
    plans = con.execute("SELECT unit_system, unit_code, issued_date, covers_procedures FROM par_plan p "
                        "JOIN batch b USING (batch_id) WHERE b.source = 'upload' ORDER BY 1, 2").fetchall()
    # A 2026 plan is due on 25/12/2025: after the reorganisation, so the 34-province system applies.
    assert plans == [("ministry-2025", "BTP", date(2025, 12, 25), True), ("vn34", "22", date(2025, 12, 20), True),
                     ("vn34", "79", date(2025, 12, 27), False)]
    reports = con.execute("SELECT period, due_date, submitted_date FROM plan_report r JOIN batch b USING (batch_id) "
                          "WHERE b.source = 'upload' ORDER BY 2").fetchall()
    assert reports == [("Q1", date(2026, 3, 15), date(2026, 3, 14)), ("H1", date(2026, 6, 15), date(2026, 6, 20))]
    tasks = con.execute("SELECT task_no, content_area, t.status, deadline FROM plan_task t JOIN batch b USING (batch_id) "
                        "WHERE b.source = 'upload' ORDER BY 1").fetchall()
    assert tasks == [("1", "institutional", "completed", date(2026, 6, 30)), ("2", "digital", "in_progress", None)]
    con.close()


def test_bad_rows_are_reported_and_nothing_is_written(demo_db, tmp_path):
    bad = ("Đơn vị,Năm,Kỳ báo cáo,Ngày nộp\nQuảng Ninh,2026,Quý II,14/03/2026\nLong An,2026,Quý I,31/02/2026\n"
           "Quảng Ninh,năm nay,Quý I,\n")
    before = table_fingerprint(demo_db)
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "plans", write(tmp_path, "sai.csv", bad))
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "Kỳ báo cáo"), (3, "Ngày nộp"), (4, "Năm")}
    assert table_fingerprint(demo_db) == before


def test_a_province_that_no_longer_exists_is_named(demo_db, tmp_path):
    text = "Đơn vị,Năm,Kỳ báo cáo,Ngày nộp\nLong An,2026,Quý I,14/03/2026\n"
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "plans", write(tmp_path, "a.csv", text))
    [problem] = caught.value.problems
    assert problem.row == 2 and "vn63:80" in problem.message_en


def test_a_table_of_another_shape_is_refused_clearly(demo_db, tmp_path):
    with pytest.raises(LoadRejected) as caught:
        load_file(demo_db, "plans", write(tmp_path, "x.csv", "Đơn vị,Năm,Điểm\nQuảng Ninh,2026,5\n"))
    assert any("not a plans, reports or tasks table" in p.message_en for p in caught.value.problems)
