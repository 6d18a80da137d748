"""Population by unit and year (`python -m etl load population FILE`), for population-weighted series.

The product ships no population figure: this table holds only what a user loads, with its batch.
"""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from etl.codesystems import UnitResolver, system_for
from etl.loaders import LoaderSpec
from etl.loaders.par_common import CODE_COLUMN_ALIASES, UNIT_COLUMN_ALIASES
from etl.problems import Problem
from etl.tabular import ColumnSpec, Sheet
from etl.values import parse_decimal

COLUMNS = (
    ColumnSpec("unit", UNIT_COLUMN_ALIASES),
    ColumnSpec("unit_code", CODE_COLUMN_ALIASES),
    ColumnSpec("year", ("year", "nam"), required=True),
    ColumnSpec("population", ("population", "dan_so", "dan_so_trung_binh", "so_dan"), required=True),
)
TEMPLATE_CSV = "Mã,Tỉnh, thành phố,Năm,Dân số\n"


def validate(con: duckdb.DuckDBPyConnection, sheet: Sheet, options: dict) -> tuple[dict, list[Problem]]:
    problems: list[Problem] = []
    if not (sheet.has("unit") or sheet.has("unit_code")):
        return {}, [Problem(sheet.file_name, sheet.table.header_row, "unit", None,
                            "no unit column ('Tỉnh, thành phố' or 'Mã')", "không có cột đơn vị ('Tỉnh, thành phố' hoặc 'Mã')")]
    resolvers: dict[int, UnitResolver] = {}
    rows, seen = [], {}
    for record in sheet.records():
        try:
            year = int(parse_decimal(record.get("year")) or 0)
            # Whole people: dots, commas and spaces can only be thousands separators here.
            people = parse_decimal((record.get("population") or "").replace(".", "").replace(",", "").replace(" ", ""))
        except ValueError:
            problems.append(record.problem("population", record.get("population"),
                                           "year and population must be whole numbers", "năm và dân số phải là số nguyên"))
            continue
        if not 1900 <= year <= 2100:
            problems.append(record.problem("year", record.get("year"), "not a year", "không phải năm"))
            continue
        if people is None or people <= 0 or people != int(people):
            problems.append(record.problem("population", record.get("population"),
                                           "population must be a whole number above 0", "dân số phải là số nguyên dương"))
            continue
        system = system_for("province", year=year)
        resolver = resolvers.setdefault(year, UnitResolver(con, system, date(year, 12, 31)))
        found = resolver.resolve(record.get("unit_code") or record.get("unit"))
        if found.code is None:
            problems.append(record.problem("unit" if sheet.has("unit") else "unit_code",
                                           record.get("unit") or record.get("unit_code"), found.problem, found.problem_vi))
            continue
        if (system, found.code, year) in seen:
            problems.append(record.problem("year", str(year), f"already given in row {seen[(system, found.code, year)]}",
                                           f"đã có ở dòng {seen[(system, found.code, year)]}"))
            continue
        seen[(system, found.code, year)] = record.row
        rows.append({"unit_system": system, "unit_code": found.code, "year": year, "population": int(people)})
    return {"population": pd.DataFrame(rows)}, problems


SPEC = LoaderSpec(
    kind="population",
    description_vi="Dân số theo tỉnh và năm (để tính bình quân gia quyền)",
    description_en="Population by province and year (for population-weighted series)",
    columns=COLUMNS,
    validate=validate,
)
