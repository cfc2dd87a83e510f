"""One unit of work as one transaction, run again when the server says "try again".

Isolation: acctmap keeps each engine's default, READ COMMITTED on PostgreSQL (and
SQLite's serialised writers). That is enough because every write that depends on
what it read is guarded twice: the row is re-read under a row lock
(``SELECT … FOR UPDATE``, see ``_locked`` in the stores) and its ``version`` must
still be the one the user started from, else the store raises a stale-record
error and the user merges, never overwriting a colleague's edit. SERIALIZABLE
would protect nothing more and abort more often.

Two transactions can still lock rows in opposite orders (two people saving plans
that touch the same two accounts): PostgreSQL then breaks the deadlock by rolling
one back with SQLSTATE 40P01, and a serialization failure (40001) means the same
thing, "nothing was written, run it again". :func:`run_in_transaction` does that a
few times with a short, jittered backoff. SQLite's "database is locked" is not
retried here: its busy timeout already waited, and the user is told who holds it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

from acctmap_tui.data.db_errors import RETRYABLE_SQLSTATES, sqlstate

T = TypeVar("T")

DEFAULT_ATTEMPTS = 3
"""A deadlock between two saves clears on the first retry; three covers a third editor."""

BACKOFF_S = 0.05
"""The first wait before a retry; it doubles each time, with jitter so the two do not
collide again in step."""


class SessionSource(Protocol):
    """Anything that hands out sessions: a Database or a DeferredDatabase."""

    def session(self) -> AbstractContextManager[Session]: ...


def is_retryable(error: BaseException) -> bool:
    """Whether the server rolled the transaction back and asks for it to be run again."""
    return isinstance(error, sa.exc.DBAPIError) and sqlstate(error) in RETRYABLE_SQLSTATES


def _backoff_s(attempt: int) -> float:
    return BACKOFF_S * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5)


def run_in_transaction(
    database: SessionSource,
    work: Callable[[Session], T],
    *,
    attempts: int = DEFAULT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``work(session)`` in a new session, commit, and return what it returned.

    ``work`` must do all its reading and writing through the session it is given, so
    a retry starts from the database's current state; any other exception (a stale
    version, a duplicate name, a lost connection) is raised at once, with nothing
    written.

    Raises:
        sqlalchemy.exc.DBAPIError: the last deadlock or serialization failure, when
            every attempt hit one; any other database error, at once.
    """
    for attempt in range(1, attempts + 1):
        try:
            # Leaving the block on an exception closes the session: a rollback.
            with database.session() as session:
                result = work(session)
                session.commit()
                return result
        except sa.exc.DBAPIError as error:
            if attempt == attempts or not is_retryable(error):
                raise
        sleep(_backoff_s(attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover
