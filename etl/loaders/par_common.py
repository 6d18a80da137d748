"""What the two PAR INDEX loaders share: options, the framework of a year and level, unit resolution."""
from __future__ import annotations

import re
from datetime import date

import duckdb
import pandas as pd

from etl.codesystems import UnitResolver, split_unit_ref, system_for
from etl.loaders import OptionError
from etl.names import name_key

PROVINCIAL_LEVELS = ("province", "ministry")
LOCAL_LEVELS = ("department", "district", "commune")
STAGES = ("appraised", "self")


def check_par_options(options: dict, levels: tuple[str, ...]) -> dict:
    """Year, level, stage (default appraised) and, for a province's or ministry's own units, the parent."""
    if options.get("year") is None:
        raise OptionError("--year is required")
    try:
        options["year"] = int(options["year"])
    except (TypeError, ValueError) as exc:
        raise OptionError(f"--year must be a year, not {options['year']!r}") from exc
    if options.get("level") not in levels:
        raise OptionError(f"--level must be one of: {', '.join(levels)}")
    options["stage"] = options.get("stage") or "appraised"
    if options["stage"] not in STAGES:
        raise OptionError(f"--stage must be one of: {', '.join(STAGES)}")
    if options["level"] in LOCAL_LEVELS:
        ref = split_unit_ref(options.get("parent") or "")
        if ref is None:
            raise OptionError(f"--parent SYSTEM:CODE (e.g. vn34:22) is required for --level {options['level']}")
        options["parent"] = f"{ref[0]}:{ref[1]}"
    elif options.get("parent"):
        raise OptionError("--parent is only for --level department, district or commune")
    return options


def local_system(parent: str, level: str) -> str:
    """The code system of a province's (or ministry's) own departments, districts or communes."""
    system, code = parent.split(":", 1)
    return f"{system}-{code}-{level}"


def par_dataset_key(options: dict) -> str:
    """One current dataset per year, level (and parent), stage and source."""
    level = options["level"]
    if level in LOCAL_LEVELS:
        level = f"{local_system(options['parent'], level)}"
    return f"par:{options['year']}:{level}:{options['stage']}:{options['source']}"


def framework_for_load(con: duckdb.DuckDBPyConnection, options: dict) -> dict:
    """The framework named by --framework, else the one in force for the year and level."""
    if "_framework" in options:
        return options["_framework"]
    level = "local" if options["level"] in LOCAL_LEVELS else options["level"]
    if options.get("framework"):
        rows = con.execute("SELECT * FROM framework WHERE framework_id = ?", [options["framework"]]).df()
        if rows.empty:
            known = ", ".join(r[0] for r in con.execute("SELECT framework_id FROM framework ORDER BY 1").fetchall())
            raise OptionError(f"unknown framework {options['framework']!r}; known: {known}")
    else:
        rows = con.execute(
            "SELECT * FROM framework WHERE level = ? AND first_year <= ? AND (last_year IS NULL OR last_year >= ?)",
            [level, options["year"], options["year"]]).df()
        if rows.empty:
            raise OptionError(f"no criteria framework for {level} in {options['year']}; name one with --framework")
    framework = rows.iloc[0].to_dict()
    framework["criteria"] = con.execute(
        "SELECT criterion_code, field_code, component, max_points FROM framework_criterion WHERE framework_id = ? "
        "ORDER BY position", [framework["framework_id"]]).df()
    framework["fields"] = con.execute(
        "SELECT field_code, max_points FROM framework_field WHERE framework_id = ? ORDER BY position",
        [framework["framework_id"]]).df()
    options["_framework"] = framework
    return framework


CODE_LIKE = re.compile(r"^\d+(?:_\d+)*$")


def code_key(code: str) -> str:
    """Criterion codes compared as headers are: '1.1' and '1_1' are the same code."""
    return re.sub(r"[^0-9a-z]+", "_", str(code).strip().lower()).strip("_")


class UnitLookup:
    """Resolves the units a PAR file names: provinces and ministries by the code system of the year,
    a province's own units within its local system (created from the file with --create-units)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, options: dict):
        self.level = options["level"]
        self.local = self.level in LOCAL_LEVELS
        if self.local:
            self.system = local_system(options["parent"], self.level)
            rows = con.execute("SELECT code, name_vi FROM unit WHERE code_system = ?", [self.system]).fetchall()
            self.codes = {code for code, _n in rows}
            self.by_name = {name_key(n): c for c, n in rows}
            self.parent = options["parent"]
        else:
            self.system = system_for(self.level, year=options["year"])
            self.resolver = UnitResolver(con, self.system, date(options["year"], 12, 31))
        self.create = bool(options.get("create_units"))
        self.created: dict[str, str] = {}

    def resolve(self, name: str | None, code: str | None) -> tuple[str | None, str | None, str | None]:
        """(code, problem_en, problem_vi) for a row's unit name and/or code."""
        if not self.local:
            result = self.resolver.resolve(code or name)
            if result.code and code and name:
                by_name = self.resolver.resolve(name)
                if by_name.code and by_name.code != result.code:
                    return None, (f"code {code} and name '{name}' are different units in {self.system}"), (
                        f"mã {code} và tên '{name}' là hai đơn vị khác nhau trong {self.system}")
            return result.code, result.problem, result.problem_vi
        if code and code in self.codes | set(self.created):
            return code, None, None
        if name and name_key(name) in self.by_name:
            return self.by_name[name_key(name)], None, None
        if self.create and code and name:
            self.created[code] = name
            return code, None, None
        hint = ("add a code column and a name column and load with --create-units to register it"
                if not self.create else "both a code and a name are needed to create it")
        hint_vi = ("thêm cột mã và cột tên rồi nạp với --create-units để đăng ký đơn vị"
                   if not self.create else "cần cả mã và tên để tạo đơn vị")
        return None, f"unknown unit in {self.system}: {code or name}; {hint}", \
            f"không có đơn vị trong {self.system}: {code or name}; {hint_vi}"

    def created_frames(self, batch_note: str) -> dict[str, pd.DataFrame]:
        if not self.created:
            return {}
        parent_system, parent_code = self.parent.split(":", 1)
        units = pd.DataFrame([{"code_system": self.system, "code": c, "name_vi": n, "name_en": n, "kind": self.level,
                               "region": None, "parent_system": parent_system, "parent_code": parent_code,
                               "assessed": True, "valid_from": None, "valid_to": None}
                              for c, n in self.created.items()])
        names = pd.DataFrame([{"code_system": self.system, "code": c, "name": n, "name_key": name_key(n),
                               "valid_from": None, "valid_to": None, "is_official": True, "note": batch_note}
                              for c, n in self.created.items()])
        return {"unit": units, "unit_name": names}


UNIT_COLUMN_ALIASES = ("unit", "don_vi", "ten_don_vi", "tinh_thanh_pho", "tinh", "bo_co_quan_ngang_bo", "bo",
                       "ten", "name", "unit_name", "province", "ministry", "co_quan_don_vi")
CODE_COLUMN_ALIASES = ("code", "ma", "ma_don_vi", "unit_code", "ma_tinh", "ma_bo")
