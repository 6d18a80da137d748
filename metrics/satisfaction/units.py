"""Scopes (the country, a province, a hospital or school, or the country less one of them) and unit names."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from etl.codesystems import split_unit_ref
from metrics.satisfaction.sources import CURRENT

FACILITY_TYPE = {"health": "hospital", "education": "school"}
NATIONAL = {"name_vi": "Toàn quốc", "name_en": "National"}


@dataclass(frozen=True)
class Scope:
    """Which respondents count: the country, one province (`system:code`) or one hospital or school;
    `exclude` leaves a nested scope out (the rest of the country, for a test of a province against it)."""

    kind: str = "national"          # national | province | facility
    system: str | None = None       # code system (vn63, vn34) or facility type (hospital, school)
    code: str | None = None
    exclude: "Scope | None" = None


def parse_unit(text: str | None, survey: str) -> Scope:
    """'vn63:22' -> a province, 'hospital:ID' / 'school:ID' -> a facility of the matching survey, None -> country."""
    if not text:
        return Scope()
    parts = split_unit_ref(text)
    if parts is None:
        raise ValueError(f"unit {text!r}: expected system:code, e.g. vn63:22, hospital:ID or school:ID")
    system, code = parts
    if system in ("hospital", "school"):
        if FACILITY_TYPE.get(survey) != system:
            raise ValueError(f"unit {text!r}: {survey} has no {system}s")
        return Scope("facility", system, code)
    return Scope("province", system, code)


def _condition(scope: Scope) -> tuple[str, list]:
    if scope.kind == "province":
        return "(unit_system = ? AND unit_code = ?)", [scope.system, scope.code]
    if scope.kind == "facility":
        return "(facility_id IS NOT DISTINCT FROM ?)", [scope.code]
    return "", []


def scope_sql(scope: Scope) -> tuple[str, list]:
    """SQL to append to a WHERE on survey_respondent (' AND ...'), with its parameters."""
    sql, params = _condition(scope)
    out = f" AND {sql}" if sql else ""
    if scope.exclude is not None:
        inner, inner_params = _condition(scope.exclude)
        if inner:
            out += f" AND NOT {inner}"
            params = params + inner_params
    return out, params


def unit_names(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Names of provinces and of hospitals and schools, with each facility's province as parent."""
    return con.execute(
        f"""
        SELECT code_system, code, name_vi, name_en, NULL AS parent_system, NULL AS parent_code FROM unit
        UNION ALL
        SELECT facility_type, facility_id, any_value(name), any_value(name), any_value(unit_system),
               any_value(unit_code)
        FROM facility WHERE batch_id IN ({CURRENT}) GROUP BY facility_type, facility_id
        """).df()
