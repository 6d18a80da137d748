from pathlib import Path

import duckdb
import pytest

from etl import migrations
from etl.db import StoreError, connect


def test_fresh_database_gets_every_migration(tmp_path: Path):
    con = connect(tmp_path / "a.duckdb", read_only=False)
    assert migrations.current_version(con) == migrations.latest_version()
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions == [number for number, _d, _s in migrations.available()]
    con.close()


def test_reopening_applies_nothing_twice(tmp_path: Path):
    path = tmp_path / "a.duckdb"
    connect(path, read_only=False).close()
    con = connect(path, read_only=False)
    assert migrations.migrate(con) == []
    con.close()


def test_older_database_is_migrated_on_open(tmp_path: Path, monkeypatch):
    """A database at version 1 gets a later migration applied when a writer opens it."""
    path = tmp_path / "old.duckdb"
    connect(path, read_only=False).close()
    newer = migrations.available() + [(99, "add test column", "ALTER TABLE batch ADD COLUMN test_col INTEGER;")]
    monkeypatch.setattr(migrations, "available", lambda: newer)
    con = connect(path, read_only=False)
    assert migrations.current_version(con) == 99
    assert "test_col" in [r[0] for r in con.execute("DESCRIBE batch").fetchall()]
    con.close()


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch):
    path = tmp_path / "a.duckdb"
    connect(path, read_only=False).close()
    shipped = migrations.latest_version()
    broken = migrations.available() + [(50, "broken", "CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;")]
    monkeypatch.setattr(migrations, "available", lambda: broken)
    with pytest.raises(duckdb.Error):
        connect(path, read_only=False)
    con = duckdb.connect(str(path))
    assert migrations.current_version(con) == shipped
    assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'").fetchall()[0][0]
    con.close()


def test_newer_schema_is_refused_clearly(tmp_path: Path):
    path = tmp_path / "new.duckdb"
    con = connect(path, read_only=False)
    con.execute("INSERT INTO schema_version VALUES (999, 'from the future', now())")
    con.close()
    with pytest.raises(StoreError) as caught:
        connect(path, read_only=True)
    assert caught.value.code == "too_new"
    with pytest.raises(StoreError) as caught:
        connect(path, read_only=False)
    assert caught.value.code == "too_new"


def test_missing_and_empty_databases_are_named(tmp_path: Path):
    with pytest.raises(StoreError) as caught:
        connect(tmp_path / "none.duckdb", read_only=True)
    assert caught.value.code == "missing"
    duckdb.connect(str(tmp_path / "empty.duckdb")).close()
    with pytest.raises(StoreError) as caught:
        connect(tmp_path / "empty.duckdb", read_only=True)
    assert caught.value.code == "empty"


def test_a_migration_numbered_below_the_highest_applied_is_still_applied(tmp_path, monkeypatch):
    path = tmp_path / "gap.duckdb"
    shipped = migrations.available()
    without_first_extra = [m for m in shipped if m[0] != 3]
    monkeypatch.setattr(migrations, "available", lambda: without_first_extra)
    connect(path, read_only=False).close()
    monkeypatch.setattr(migrations, "available", lambda: shipped)
    with pytest.raises(StoreError) as caught:
        connect(path, read_only=True)
    assert caught.value.code == "old"
    con = connect(path, read_only=False)
    assert 3 in {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    con.close()
