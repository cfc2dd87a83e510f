"""Noticing, cheaply, that another process committed to the open database.

Two people in one account review each run acctmap on the same file; each must see
the other's saves within a second without reloading everything every second.

The check comes in two steps:

1. :meth:`ChangeWatcher.poll` asks SQLite for ``PRAGMA data_version`` on one
   connection kept for the purpose. The number changes only when *another*
   connection has committed, and reading it costs microseconds and takes no lock,
   so it can run a few times a second on the UI thread.
2. Only then, :meth:`ChangeWatcher.changes` reads the change log past the last
   entry seen: which accounts changed, if any. Commits that touch no record (a
   presence heartbeat) give ``None``, so views do not reload for them.

On PostgreSQL, where the other clients may be on other machines, a trigger sends a
NOTIFY on :data:`CHANNEL` whenever the change log or a team setting is written
(migration 0003); the watcher LISTENs on its own connection and :meth:`poll` only
reads what already arrived on that socket, without a round trip. If that
connection drops, :meth:`poll` says "maybe" and reconnects, so nothing is missed.
Other engines: :meth:`poll` always says "maybe".
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from acctmap_tui.data.models import AppSetting, ChangeLogEntry

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database

LOG = ChangeLogEntry.__table__  # type: ignore[attr-defined]
SETTINGS = AppSetting.__table__  # type: ignore[attr-defined]

CHANNEL = "acctmap_changes"
"""The PostgreSQL notification channel the change-log trigger sends on."""

MAX_ACCOUNTS_NAMED = 500
"""More changed accounts than this in one batch (an import) read as "anything changed"."""


@dataclass(frozen=True)
class Changes:
    """What other processes changed since the last look."""

    account_ids: frozenset[int] | None
    """The accounts whose records changed; ``None`` when that is not known (settings
    changed, a record outside any account, or too many to name)."""


class ChangeWatcher:
    """Tells whether the database changed since the last look, and what changed.

    Not thread-safe: call :meth:`poll` from one thread and :meth:`changes` from one
    thread (they share no connection: ``changes`` opens a short session).
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        url = database.engine.url
        self._sqlite = url.get_backend_name() == "sqlite"
        self._postgres = url.get_backend_name() == "postgresql"
        self._connection: sa.Connection | None = None
        self._listener: Any = None
        """PostgreSQL only: a psycopg connection, in autocommit, listening on CHANNEL."""
        self._data_version: int | None = None
        self._lock = threading.Lock()
        self._last_entry_id, self._settings_stamp = self._read_marks()
        if self._sqlite:
            self._connection = database.engine.connect()
            self._data_version = self._read_data_version()
        elif self._postgres:
            self._listen()

    def _listen(self) -> None:
        import psycopg

        url = self._database.engine.url.set(drivername="postgresql")
        try:
            listener = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)
            listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            self._listener = None  # polled as "maybe" until a connection works
            return
        self._listener = listener

    def _read_data_version(self) -> int:
        assert self._connection is not None
        value = self._connection.exec_driver_sql("PRAGMA data_version").scalar()
        # A read on a connection with no open transaction: end it, so the next
        # PRAGMA is not answered from inside an old snapshot.
        self._connection.rollback()
        return int(value or 0)

    def _read_marks(self) -> tuple[int, str | None]:
        with self._database.engine.connect() as connection:
            last = connection.execute(sa.select(sa.func.max(LOG.c.id))).scalar()
            settings = connection.execute(sa.select(sa.func.max(SETTINGS.c.updated_at))).scalar()
        return int(last or 0), None if settings is None else str(settings)

    def poll(self) -> bool:
        """Whether another connection may have committed since the last poll (cheap)."""
        if self._postgres:
            return self._poll_notifications()
        if not self._sqlite:
            return True
        try:
            version = self._read_data_version()
        except sa.exc.SQLAlchemyError:
            return False  # a busy or vanished file: the next poll tries again
        if version == self._data_version:
            return False
        self._data_version = version
        return True

    def _poll_notifications(self) -> bool:
        import psycopg

        if self._listener is None or self._listener.closed:
            self._listen()
            return True  # notifications may have been missed while disconnected
        try:
            # Only what has already arrived: a zero timeout never waits on the server.
            return any(True for _ in self._listener.notifies(timeout=0))
        except psycopg.Error:
            self._drop_listener()
            return True

    def _drop_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(Exception):  # already broken: nothing to keep
                listener.close()

    def changes(self) -> Changes | None:
        """What changed since the last call, or ``None`` when no record or setting did."""
        with self._lock, self._database.engine.connect() as connection:
            rows = connection.execute(
                sa.select(LOG.c.id, LOG.c.account_id)
                .where(LOG.c.id > self._last_entry_id)
                .order_by(LOG.c.id)
            ).all()
            settings = connection.execute(sa.select(sa.func.max(SETTINGS.c.updated_at))).scalar()
            stamp = None if settings is None else str(settings)
            settings_changed = stamp != self._settings_stamp
            self._settings_stamp = stamp
            if rows:
                self._last_entry_id = rows[-1].id
        if not rows and not settings_changed:
            return None
        account_ids = {row.account_id for row in rows}
        if settings_changed or None in account_ids or len(account_ids) > MAX_ACCOUNTS_NAMED:
            return Changes(None)
        return Changes(frozenset(account_ids))  # type: ignore[arg-type]

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._drop_listener()
