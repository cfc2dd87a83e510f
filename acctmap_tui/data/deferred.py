"""A database that opens on first use, so the first screen need not wait for it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from acctmap_tui.data.db_errors import read_only_reason
from acctmap_tui.data.location import display_name, sqlite_file

if TYPE_CHECKING:
    import sqlalchemy as sa
    from sqlmodel import Session

    from acctmap_tui.data.db import Database, SchemaState


class DeferredDatabase:
    """Stands in for :class:`~acctmap_tui.data.db.Database` until it is first used.

    The app can start on rows read quickly (see :mod:`acctmap_tui.data.quick_read`)
    while the first worker that needs a session opens the database, with all of
    :func:`~acctmap_tui.data.db.open_database`'s checks, off the UI thread.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = display_name(url)
        self._database: Database | None = None
        self._lock = threading.Lock()

    def open(self) -> Database:
        """The real database, opened once (raises DatabaseError like open_database)."""
        with self._lock:
            if self._database is None:
                from acctmap_tui.data.db import open_database

                self._database = open_database(self.url)
            return self._database

    @property
    def file_path(self) -> Path | None:
        return sqlite_file(self.url)

    @property
    def read_only(self) -> bool:
        """Whether this user cannot write the file (known without opening it)."""
        return self.read_only_reason is not None

    @property
    def read_only_reason(self) -> str | None:
        """As :attr:`Database.read_only_reason`, from the file's permissions until opened."""
        if self._database is not None:
            return self._database.read_only_reason
        path = self.file_path
        return read_only_reason(path) if path is not None else None

    @property
    def engine(self) -> sa.Engine:
        return self.open().engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.open().session() as session:
            yield session

    def schema_state(self) -> SchemaState:
        return self.open().schema_state()

    def clear(self) -> None:
        self.open().clear()

    def close(self) -> None:
        with self._lock:
            if self._database is not None:
                self._database.close()
