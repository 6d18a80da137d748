"""Reading the audit log and the role assignments (admins only; the page checks the role)."""
from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd


def audit_log(con: duckdb.DuckDBPyConnection, since: date | None = None, action: str | None = None,
              user: str | None = None) -> pd.DataFrame:
    """Audit rows, newest first, optionally filtered by date, action and user."""
    return con.execute(
        """
        SELECT audit_id, logged_at, user_name, role, action, batch_id, kind, file_name, sha256, detail FROM audit
        WHERE (? IS NULL OR logged_at >= ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR user_name = ?)
        ORDER BY audit_id DESC
        """, [since, since, action, action, user, user]).df()


def role_assignments(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("SELECT * FROM role_assignment ORDER BY subject").df()
