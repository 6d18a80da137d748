"""Where things live: the project's data folder and the default database."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = DATA_DIR / "par.duckdb"


def resolve_db_path(cli_value: str | None = None) -> Path:
    """The database file: `--db` first, then the PAR_DB environment variable, then data/par.duckdb."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("PAR_DB")
    return Path(env) if env else DEFAULT_DB
