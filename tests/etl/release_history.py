"""A store with a release history, built the way analysts do it, shared by the release tests (etl, app, browser).

Ministries' results table (the 2023 one MoHA published, 17 ministries, uploaded) released as release A; then a
correction: Bộ Tư pháp's appraisal points 61.86 -> 60.86 (total and index 89.95 -> 88.95), opened with errata,
loaded with --replace and released as release B, which supersedes A. Worked by hand from the published totals
(89.95 BTP > 89.89 NHNN > 89.18 BTC > 87.04 BNV ...): after the correction NHNN is 1st, BTC 2nd, BTP 3rd.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd

from etl.db import open_store
from etl.load import load_file
from etl.releases import Scope, create_release, open_correction
from tests.conftest import PROJECT

PUBLISHED = pd.read_csv(PROJECT / "data/reference/par_index_ministries_2023.csv", dtype=str)
ERRATA = "Sửa điểm thẩm định của Bộ Tư pháp: 60,86 (bản trước ghi nhầm 61,86)."


@dataclass(frozen=True)
class History:
    db: Path              # the store after the correction: A superseded by B
    before: Path          # a copy taken while A was in force, before the correction
    year: int
    first_batch: int      # the upload A holds
    second_batch: int     # the corrected upload B holds
    first: int            # release A
    second: int           # release B


def results_table(folder: Path, name: str, appraisal_btp: str = "61.86") -> Path:
    """The published 2023 ministries table as an agency would upload it, with BTP's appraisal points given."""
    table = pd.DataFrame({"Bộ, cơ quan ngang bộ": PUBLISHED["ministry"], "Điểm thẩm định": PUBLISHED["diem_tham_dinh"],
                          "Điểm điều tra XHH": PUBLISHED["diem_dieu_tra_xhh"], "Tổng điểm đạt được": PUBLISHED["tong_diem"]})
    btp = table["Bộ, cơ quan ngang bộ"] == "Bộ Tư pháp"
    moved = Decimal(appraisal_btp) - Decimal(table.loc[btp, "Điểm thẩm định"].iloc[0])
    table.loc[btp, "Điểm thẩm định"] = appraisal_btp
    table.loc[btp, "Tổng điểm đạt được"] = str(Decimal(table.loc[btp, "Tổng điểm đạt được"].iloc[0]) + moved)
    path = folder / name
    table.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def build_history(master: Path, folder: Path, year: int = 2023) -> History:
    """Copy `master` into `folder` and make the history there (about two seconds)."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "par.duckdb"
    shutil.copy(master, db)
    return make_history(db, folder, year, keep_before=True)


def make_history(db: Path, folder: Path, year: int = 2023, keep_before: bool = False) -> History:
    """Make the history in the store `db` itself (files written to `folder`); with `keep_before`, a copy of the
    store while A was in force is kept beside it."""
    first = load_file(db, "par-totals", results_table(folder, "ket_qua_bo.csv"),
                      options={"year": year, "level": "ministry"})
    scope = Scope("par", "ministry", year)
    with open_store(db, read_only=False) as con:
        release_a = create_release(con, scope, title=f"Kết quả Chỉ số CCHC {year} của các bộ",
                                   decision="1/QĐ-BNV", release_date=date(year + 1, 4, 6))
    before = folder / "before.duckdb"
    if keep_before:
        shutil.copy(db, before)
    with open_store(db, read_only=False) as con:
        open_correction(con, release_a, ERRATA)
    second = load_file(db, "par-totals", results_table(folder, "ket_qua_bo_sua.csv", "60.86"),
                       options={"year": year, "level": "ministry", "replace": True})
    with open_store(db, read_only=False) as con:
        release_b = create_release(con, scope, title=f"Kết quả Chỉ số CCHC {year} của các bộ (đính chính)",
                                   decision="2/QĐ-BNV", release_date=date(year + 1, 5, 2))
    return History(db, before, year, first.batch_id, second.batch_id, release_a, release_b)
