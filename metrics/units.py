"""Units of every code system with their lineage across the 2025 reorganisation."""
from __future__ import annotations

import duckdb
import pandas as pd

UNIT_COLUMNS = ["code_system", "code", "name", "kind", "region", "successors", "predecessors"]


def list_units(con: duckdb.DuckDBPyConnection, system: str | None = None, lang: str = "vi") -> pd.DataFrame:
    """One row per unit: `successors` and `predecessors` list `system:code` keys, separated by '; '."""
    name = "name_vi" if lang == "vi" else "name_en"
    frame = con.execute(
        f"""
        SELECT u.code_system, u.code, u.{name} AS name, u.kind, u.region,
               (SELECT string_agg(l.to_system || ':' || l.to_code, '; ' ORDER BY l.to_code)
                  FROM unit_lineage l WHERE l.from_system = u.code_system AND l.from_code = u.code) AS successors,
               (SELECT string_agg(l.from_system || ':' || l.from_code, '; ' ORDER BY l.from_code)
                  FROM unit_lineage l WHERE l.to_system = u.code_system AND l.to_code = u.code) AS predecessors
        FROM unit u
        WHERE ? IS NULL OR u.code_system = ?
        ORDER BY CASE u.code_system WHEN 'vn63' THEN 1 WHEN 'vn34' THEN 2 WHEN 'ministry-2021' THEN 3 ELSE 4 END,
                 u.code
        """,
        [system, system],
    ).df()
    return frame[UNIT_COLUMNS]


def lineage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every link old unit -> new unit, with the date, the legal act and the kind of link."""
    return con.execute(
        """
        SELECT l.from_system, l.from_code, f.name_vi AS from_name, l.to_system, l.to_code, t.name_vi AS to_name,
               l.relation, l.effective_date, l.legal_act, l.note
        FROM unit_lineage l
        JOIN unit f ON f.code_system = l.from_system AND f.code = l.from_code
        JOIN unit t ON t.code_system = l.to_system AND t.code = l.to_code
        ORDER BY l.from_system, l.to_code, l.from_code
        """
    ).df()


def code_systems(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT c.*, (SELECT count(*) FROM unit u WHERE u.code_system = c.code_system) AS units "
        "FROM code_system c ORDER BY c.unit_level DESC, c.valid_from NULLS FIRST"
    ).df()
