"""Who else has the database open, and where they are: the ``presence`` table.

Each running app keeps one row and refreshes its ``heartbeat_at`` every few
seconds. A process that ends without saying goodbye (SIGKILL, a dropped SSH link)
simply stops refreshing, and its row stops being listed :data:`PRESENCE_TTL`
after its last heartbeat; any live app deletes such rows when it next writes.

These writes are bookkeeping, not user edits, so nothing here records history in
``change_log``. Like the other stores, functions take a keyword-only ``session``,
flush but never commit; ``now`` is injectable so tests need no sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from acctmap_tui.data.models import Account, Presence
from acctmap_tui.data.text_order import by_code_point
from acctmap_tui.data.types import utc_now

PRESENCE_TTL = timedelta(seconds=30)
"""A row whose last heartbeat is older than this belongs to a process that is gone."""


@dataclass(frozen=True)
class PresenceEntry:
    """One other open app: who, on which machine and process, and where they are."""

    id: int
    user: str
    host: str
    pid: int
    account_id: int | None
    """The account they have selected (``None``: none yet, or an empty list)."""
    account_name: str | None
    """That account's name, read in the same query so the header needs no lookup."""
    tab: str | None
    """The main-screen tab they are on (``accounts``, ``plan``, ...)."""
    heartbeat_at: datetime

    @property
    def process_key(self) -> tuple[str, str, int]:
        """Identifies the app across re-joins (its row id can change, its process not)."""
        return (self.user, self.host, self.pid)


def join(
    *,
    session: Session,
    user: str,
    host: str,
    pid: int,
    account_id: int | None = None,
    tab: str | None = None,
    now: datetime | None = None,
) -> int:
    """Add this app's row; returns its id, which later heartbeats and :func:`leave` take."""
    moment = now or utc_now()
    row = Presence(
        user=user,
        host=host,
        pid=pid,
        account_id=account_id,
        tab=tab,
        started_at=moment,
        heartbeat_at=moment,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def heartbeat(
    presence_id: int,
    *,
    session: Session,
    user: str,
    host: str,
    pid: int,
    account_id: int | None,
    tab: str | None,
    now: datetime | None = None,
) -> int:
    """Say we are still here and where; returns the row id to use from now on.

    If the row is gone (another app pruned it while this one was suspended, or a
    restore replaced the file) a new row is added, so presence heals itself; its
    id may differ from ``presence_id``. Expired rows of other apps are deleted.
    """
    moment = now or utc_now()
    updated = session.execute(
        sa.update(Presence)
        .where(col(Presence.id) == presence_id)
        .values(account_id=account_id, tab=tab, heartbeat_at=moment)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        presence_id = join(
            session=session,
            user=user,
            host=host,
            pid=pid,
            account_id=account_id,
            tab=tab,
            now=moment,
        )
    prune(session=session, now=moment)
    return presence_id


def leave(presence_id: int, *, session: Session) -> None:
    """Remove this app's row (on a normal exit; a crash leaves it to expire)."""
    session.execute(sa.delete(Presence).where(col(Presence.id) == presence_id))


def prune(*, session: Session, now: datetime | None = None) -> int:
    """Delete rows whose heartbeat is older than :data:`PRESENCE_TTL`; returns how many."""
    cutoff = (now or utc_now()) - PRESENCE_TTL
    result = session.execute(sa.delete(Presence).where(col(Presence.heartbeat_at) < cutoff))
    return result.rowcount  # type: ignore[attr-defined,no-any-return]


def others(
    presence_id: int | None,
    *,
    session: Session,
    now: datetime | None = None,
    prune_expired: bool = True,
) -> list[PresenceEntry]:
    """Every other live app (heartbeat within :data:`PRESENCE_TTL`), by user then id.

    ``prune_expired`` also deletes the expired rows; pass False on a database this
    process cannot write, so that it can still see who is there.
    """
    moment = now or utc_now()
    if prune_expired:
        prune(session=session, now=moment)
    statement = (
        select(
            Presence.id,
            Presence.user,
            Presence.host,
            Presence.pid,
            Presence.account_id,
            Account.name,
            Presence.tab,
            Presence.heartbeat_at,
        )
        .join(Account, col(Account.id) == col(Presence.account_id), isouter=True)
        .where(col(Presence.heartbeat_at) >= moment - PRESENCE_TTL)
        .order_by(by_code_point(col(Presence.user)), col(Presence.id))
    )
    if presence_id is not None:
        statement = statement.where(col(Presence.id) != presence_id)
    return [PresenceEntry(*row) for row in session.exec(statement)]
