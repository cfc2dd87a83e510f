"""Presence: joining, heart-beating, leaving and expiry, on a real file with a fixed clock."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select

from acctmap_tui.data import presence_store
from acctmap_tui.data.backup import open_sessions
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry, Presence, name_key

pytestmark = pytest.mark.both_engines

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _join(database: Database, user: str, pid: int, now: datetime = T0, **where: object) -> int:
    with database.session() as session:
        presence_id = presence_store.join(
            session=session, user=user, host="box", pid=pid, now=now, **where
        )
        session.commit()
    return presence_id


def _others(
    database: Database, presence_id: int | None, now: datetime
) -> list[presence_store.PresenceEntry]:
    with database.session() as session:
        entries = presence_store.others(presence_id, session=session, now=now)
        session.commit()
    return entries


def _beat(
    database: Database, presence_id: int, user: str, pid: int, now: datetime, **where: object
) -> int:
    values: dict[str, object] = {"account_id": None, "tab": None} | where
    with database.session() as session:
        new_id = presence_store.heartbeat(
            presence_id, session=session, user=user, host="box", pid=pid, now=now, **values
        )
        session.commit()
    return new_id


def _account(database: Database, name: str) -> int:
    with database.session() as session:
        account = Account(name=name, name_key=name_key(name))
        session.add(account)
        session.commit()
        assert account.id is not None
        return account.id


def test_others_lists_everyone_but_me_with_their_account_and_tab(database: Database) -> None:
    acme = _account(database, "Acme Logistics")
    me = _join(database, "susan", 100)
    ana = _join(database, "ana", 200, account_id=acme, tab="plan")
    raj = _join(database, "raj", 300)

    entries = _others(database, me, T0 + timedelta(seconds=1))

    assert [(e.id, e.user, e.account_id, e.account_name, e.tab) for e in entries] == [
        (ana, "ana", acme, "Acme Logistics", "plan"),
        (raj, "raj", None, None, None),
    ]
    assert entries[0].process_key == ("ana", "box", 200)


def test_heartbeat_moves_me_and_keeps_me_listed(database: Database) -> None:
    acme = _account(database, "Acme Logistics")
    me = _join(database, "susan", 100)
    ana = _join(database, "ana", 200)

    later = T0 + timedelta(seconds=25)
    assert _beat(database, ana, "ana", 200, later, account_id=acme, tab="people") == ana

    # 50 s after joining, but 25 s after the heartbeat: still here, now on Acme.
    entries = _others(database, me, T0 + timedelta(seconds=50))
    assert [(e.user, e.account_name, e.tab) for e in entries] == [
        ("ana", "Acme Logistics", "people")
    ]
    assert entries[0].heartbeat_at == later


def test_a_killed_process_expires_after_the_ttl(database: Database) -> None:
    """SIGKILL means no leave(): the row just stops beating and drops out at 30 s."""
    me = _join(database, "susan", 100)
    _join(database, "ana", 200)

    assert [e.user for e in _others(database, me, T0 + timedelta(seconds=30))] == ["ana"]
    _beat(database, me, "susan", 100, T0 + timedelta(seconds=30))  # I am still running

    assert _others(database, me, T0 + timedelta(seconds=31)) == []
    with database.session() as session:  # and the expired row was deleted on the way
        assert [p.user for p in session.exec(select(Presence))] == ["susan"]


def test_listing_without_pruning_deletes_nothing(database: Database) -> None:
    """A read-only app can still see who is there without writing."""
    _join(database, "ana", 200)
    with database.session() as session:
        assert (
            presence_store.others(
                None, session=session, now=T0 + timedelta(minutes=5), prune_expired=False
            )
            == []
        )
    with database.session() as session:
        assert len(session.exec(select(Presence)).all()) == 1


def test_heartbeat_rejoins_when_my_row_was_removed(database: Database) -> None:
    """An app suspended past the TTL is pruned by others, then heals on its next beat."""
    me = _join(database, "susan", 100)
    other = _join(database, "ana", 200)
    _beat(database, other, "ana", 200, T0 + timedelta(seconds=35))
    assert _others(database, other, T0 + timedelta(seconds=40)) == []  # prunes susan

    rejoined = _beat(database, me, "susan", 100, T0 + timedelta(seconds=41), tab="plan")

    assert rejoined != me
    entries = _others(database, other, T0 + timedelta(seconds=42))
    assert [(e.id, e.user, e.pid, e.tab) for e in entries] == [(rejoined, "susan", 100, "plan")]


def test_leave_removes_only_my_row(database: Database) -> None:
    me = _join(database, "susan", 100)
    ana = _join(database, "ana", 200)
    with database.session() as session:
        presence_store.leave(me, session=session)
        session.commit()

    assert [e.user for e in _others(database, ana, T0)] == []
    assert [e.user for e in _others(database, None, T0)] == ["ana"]


def test_presence_is_not_history(database: Database) -> None:
    """Heartbeats are bookkeeping: the change log holds user edits only."""
    me = _join(database, "susan", 100)
    _beat(database, me, "susan", 100, T0 + timedelta(seconds=5), tab="plan")
    _others(database, me, T0 + timedelta(seconds=60))
    with database.session() as session:
        presence_store.leave(me, session=session)
        session.commit()
        assert session.exec(select(sa.func.count()).select_from(ChangeLogEntry)).one() == 0


def test_restore_guard_sees_a_joined_app(database: Database, db_path: Path) -> None:
    """``acctmap restore`` refuses while someone is present; it reads the same rows.

    SQLite only: restore replaces a database file, which a server database is not.
    """
    now = datetime.now(UTC)
    _join(database, "ana", 4242, now=now)

    assert open_sessions(db_path, now=now + timedelta(seconds=5)) == ["ana@box (pid 4242)"]


def test_two_databases_on_one_database_see_each_other(database: Database) -> None:
    """Two processes' engines on the same database: each lists the other, not itself."""
    second = open_database(database.url)
    try:
        mine = _join(database, "susan", 100)
        theirs = _join(second, "ana", 200)
        assert [e.user for e in _others(database, mine, T0)] == ["ana"]
        assert [e.user for e in _others(second, theirs, T0)] == ["susan"]
    finally:
        second.close()


KILLED_APP = """
import sys, time
from acctmap_tui.data import presence_store
from acctmap_tui.data.db import open_database

database = open_database(sys.argv[1])
with database.session() as session:
    presence_store.join(session=session, user="ana", host="box", pid=4242)
    session.commit()
print("joined", flush=True)
time.sleep(60)
"""


def test_a_sigkilled_process_leaves_a_row_that_expires(database: Database) -> None:
    """A real process killed with SIGKILL never leaves; 30 s on, nobody lists it."""
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_APP, database.url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "joined"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    now = datetime.now(UTC)

    assert [e.user for e in _others(database, None, now)] == ["ana"]
    assert _others(database, None, now + timedelta(seconds=31)) == []
