"""Shared fixtures: stores built the production way, in memory or in a temporary file."""
from __future__ import annotations

import collections
import contextlib
import fcntl
import importlib
import io
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from etl.build import build
from etl.migrations import migrate
from etl.published import load_published
from etl.reference import load_reference

PROJECT = Path(__file__).resolve().parent.parent


def run_command(package: str, *args: str) -> subprocess.CompletedProcess:
    """`python -m <package> args` (package: etl or metrics) run in this process: the same `main(argv)` that the
    module's __main__ calls, its exit code and its standard output and error as text, without starting a new
    interpreter (1-2 s of imports each). Tests that need a process of their own (environment variables, another
    process holding the database) still start one."""
    main = importlib.import_module(f"{package}.cli").main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:      # argparse's usage errors and --help
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess([package, *args], code or 0, out.getvalue(), err.getvalue())


@pytest.fixture
def empty_store() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the production schema and nothing else."""
    con = duckdb.connect(":memory:")
    migrate(con)
    yield con
    con.close()


def _reference_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    migrate(con)
    load_reference(con)
    load_published(con)
    return con


@pytest.fixture(scope="session")
def reference_store() -> duckdb.DuckDBPyConnection:
    """Schema plus reference data and published results, as `etl build --no-demo` loads them.

    Shared by the whole session: tests must only read it (use `writable_store` to write).
    """
    con = _reference_connection()
    yield con
    con.close()


@pytest.fixture
def writable_store() -> duckdb.DuckDBPyConnection:
    """A private in-memory store with reference data and published results, free to write."""
    con = _reference_connection()
    yield con
    con.close()


def _built(tmp_path_factory, name: str, demo: bool) -> Path:
    """A database built once per test run: the first xdist worker to ask builds it under a lock, the others wait
    for it and share it (a build is many seconds of a worker; masters are only read or copied)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent          # the run's folder, above each worker's own
    folder = root / f"master-{name}"
    folder.mkdir(exist_ok=True)
    path = folder / "par.duckdb"
    with open(root / f"master-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "built").exists():
            build(path, demo=demo)
            (folder / "built").touch()
    return path


def _copy(master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "par.duckdb"
    shutil.copy(master, path)
    return path


@pytest.fixture(scope="session")
def plain_db_master(tmp_path_factory) -> Path:
    """One database file with reference data and published results but no demo data (`etl build --no-demo`),
    per test session; copy before writing (`plain_db`)."""
    return _built(tmp_path_factory, "plain", demo=False)


@pytest.fixture
def plain_db(plain_db_master, tmp_path) -> Path:
    """A private, writable copy of the no-demo database."""
    return _copy(plain_db_master, tmp_path)


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory) -> Path:
    """One demo database per test session (built as `python -m etl build` does); copy before writing."""
    return _built(tmp_path_factory, "demo", demo=True)


@pytest.fixture(scope="module")
def demo_reader(demo_db_master) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the demo database, per test module (closed with it, so a later module may open
    the file another way)."""
    con = duckdb.connect(str(demo_db_master), read_only=True)
    yield con
    con.close()


@pytest.fixture
def demo_db(demo_db_master, tmp_path) -> Path:
    """A private, writable copy of the demo database."""
    return _copy(demo_db_master, tmp_path)


def table_fingerprint(path: Path) -> dict[str, tuple]:
    """Row count and an order-independent checksum of every table, to prove a refused load changed nothing. Views
    are left out: they show the tables' rows again (survey_answer, the answers one row each, took 80% of the time)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT count(*), coalesce(sum(hash(x)), 0) FROM "{t}" x').fetchall()[0]
                for t in tables}
    finally:
        con.close()


# Files whose tests take longest in all (a Spark session, demo builds, a served app with a browser), started first so
# that no worker begins one near the end of the run while the other sits idle (pytest.ini: --dist loadfile with
# --no-loadscope-reorder, so files are handed out in this order, then the rest by number of tests).
LONGEST_FIRST = ("tests/etl/test_survey_parquet_spark.py", "tests/browser/test_browser.py", "tests/etl/test_demo.py",
                 "tests/app/test_pages.py", "tests/metrics/test_briefing.py")


def pytest_collection_modifyitems(config, items) -> None:
    counts = collections.Counter(item.nodeid.split("::")[0] for item in items)

    def weight(item) -> tuple[int, int]:
        path = item.nodeid.split("::")[0]
        first = LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)
        return first, -counts[path]

    items.sort(key=weight)      # stable: a file's tests keep their order
