"""More databases for a test, on the same engine as the one its ``database`` fixture got.

A test that copies, compares or loads into a second database must stay on one engine:
on the PostgreSQL run the copy is a PostgreSQL database too, or the test would check
SQLite's behaviour twice and PostgreSQL's never.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from acctmap_tui.data.db import Database, open_database

NewDatabase = Callable[[str], Database]
"""Opens a fresh, migrated database; the name becomes the SQLite file's name."""


@contextmanager
def scratch_url(request: pytest.FixtureRequest, engine: str, name: str) -> Iterator[str]:
    """The URL of a fresh database on ``engine``; a PostgreSQL one is dropped afterwards."""
    if engine == "postgresql":
        with request.getfixturevalue("pg_server").scratch_database(migrated=True) as url:
            yield url
        return
    tmp_path: Path = request.getfixturevalue("tmp_path")
    yield f"sqlite:///{tmp_path / f'{name}.db'}"


@contextmanager
def new_databases(request: pytest.FixtureRequest, engine: str) -> Iterator[NewDatabase]:
    """A factory of fresh databases on ``engine``, all closed (and dropped) at the end."""
    with ExitStack() as stack:

        def new_database(name: str) -> Database:
            url = stack.enter_context(scratch_url(request, engine, name))
            database = open_database(url)
            stack.callback(database.close)
            return database

        yield new_database
