"""Helpers for CLI tests that run on SQLite and on PostgreSQL (``both_engines``).

A CLI test names its database by URL (``--db database.url``), so the same test
drives a file or a server. Some need a second database of the same engine (a
source to export from, a second demo to compare with), and a way to say "nothing
was stored" that holds on a server, where there is no file to hash.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import acctmap_tui.data.models  # noqa: F401  (registers every table in the metadata)
from acctmap_tui.data.db import Database

TableDump = list[tuple[str, list[tuple[Any, ...]]]]


def other_database(request: pytest.FixtureRequest, label: str) -> str:
    """A second, empty database on the test's engine: ``--db`` text for the CLI.

    SQLite: a file named after ``label`` in the test's folder (not yet created).
    PostgreSQL: a scratch database of its own on the test server (no schema yet;
    the first command migrates it), dropped when the test ends.
    """
    if request.getfixturevalue("engine") == "postgresql":
        server = request.getfixturevalue("pg_server")
        scratch = server.scratch_database(migrated=False)
        url: str = scratch.__enter__()
        request.addfinalizer(lambda: scratch.__exit__(None, None, None))
        return url
    return str(request.getfixturevalue("tmp_path") / f"{label}.db")


def table_dump(database: Database) -> TableDump:
    """Every acctmap table's rows in primary-key order, history included.

    Engine-neutral, so "the import changed nothing" and "the same seed gives the
    same data" are checked the same way on a file and on a server.
    """
    dump: TableDump = []
    with database.engine.connect() as connection:
        for table in sorted(SQLModel.metadata.sorted_tables, key=lambda table: table.name):
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(sa.select(table).order_by(*order)).all()
            dump.append((table.name, [tuple(row) for row in rows]))
    return dump
