"""Fixtures shared by every test: an isolated home and a real SQLite file per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from acctmap_tui.data.db import Database, open_database
from tests.pg import PgServer


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs and every ACCTMAP_* variable at the test's own folder.

    No test may read or write a real user's database.
    """
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("ACCTMAP_DB", raising=False)
    monkeypatch.setenv("ACCTMAP_USER", "tester")
    return home


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "acctmap.db"


PG_URL_VARIABLE = "ACCTMAP_TEST_PG_URL"
"""Names a PostgreSQL server the tests may create scratch databases on (.ci/run sets it)."""

ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_engines: run each test taking `database` on SQLite and on PostgreSQL "
        f"(PostgreSQL ones skip unless {PG_URL_VARIABLE} is set); tests that also take "
        "`db_path` stay on SQLite, as they are about the file",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run ``both_engines`` tests on each engine, unless they work on the SQLite file."""
    if metafunc.definition.get_closest_marker("both_engines") is None:
        return
    arguments = set(metafunc.definition._fixtureinfo.argnames)
    if "database" in metafunc.fixturenames and "db_path" not in arguments:
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    """The engine the ``database`` fixture opens: SQLite unless parametrised."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The PostgreSQL server named by ACCTMAP_TEST_PG_URL, with a migrated template."""
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {PG_URL_VARIABLE}, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        )
    server = PgServer(url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own (no schema), dropped afterwards."""
    with pg_server.scratch_database(migrated=False) as url:
        yield url


@pytest.fixture
def database(request: pytest.FixtureRequest, engine: str) -> Iterator[Database]:
    """A fresh, migrated database: a real SQLite file, or a PostgreSQL database of its own."""
    if engine == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        with server.scratch_database(migrated=True) as url:
            db = open_database(url)
            try:
                yield db
            finally:
                db.close()
        return
    db = open_database(request.getfixturevalue("db_path"))
    yield db
    db.close()
