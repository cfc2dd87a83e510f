"""The change watcher: cheap when nothing changed, precise about what did.

"Another user" is a second connection opened on the same database, on SQLite (a
second connection to the file) and PostgreSQL (a second client) alike.
"""

from __future__ import annotations

import time

import pytest

from acctmap_tui.data.account_store import create_account, update_account
from acctmap_tui.data.change_watch import Changes, ChangeWatcher
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Presence
from acctmap_tui.data.repo import put_setting

pytestmark = pytest.mark.both_engines


def _new_account(database: Database, name: str) -> int:
    with database.session() as session:
        account = create_account({"name": name}, session=session, user="ana")
        session.commit()
        assert account.id is not None
        return account.id


def test_nothing_committed_means_no_change(database: Database) -> None:
    watcher = ChangeWatcher(database)
    try:
        assert watcher.poll() is False
        assert watcher.poll() is False
        assert watcher.changes() is None
    finally:
        watcher.close()


def test_another_connection_commit_is_seen_with_its_account(
    database: Database,
) -> None:
    first = _new_account(database, "Acme Logistics")
    watcher = ChangeWatcher(database)
    other = open_database(database.url)  # another user's connection to the same file
    try:
        with other.session() as session:
            update_account(
                first, {"industry": "Freight"}, expected_version=1, session=session, user="raj"
            )
            session.commit()
        assert _poll_until_seen(watcher)
        assert watcher.changes() == Changes(frozenset({first}))
        # Seen once: the next look finds nothing new.
        assert watcher.poll() is False
        assert watcher.changes() is None
    finally:
        watcher.close()
        other.close()


def test_a_commit_that_touches_no_record_changes_nothing(database: Database) -> None:
    """A presence heartbeat commits, but no view should re-read for it.

    SQLite's data_version says "maybe" (any commit counts) and the change log then
    says no; PostgreSQL's trigger does not even notify.
    """
    watcher = ChangeWatcher(database)
    other = open_database(database.url)
    try:
        with other.session() as session:
            session.add(Presence(user="raj", host="h", pid=1))
            session.commit()
        assert _poll_until_seen(watcher) is (database.engine.url.get_backend_name() == "sqlite")
        assert watcher.changes() is None
    finally:
        watcher.close()
        other.close()


def test_a_team_setting_change_means_anything_may_have_changed(
    database: Database,
) -> None:
    watcher = ChangeWatcher(database)
    other = open_database(database.url)
    try:
        with other.session() as session:
            put_setting("stakeholder.half_life_days", 30, session=session)
            session.commit()
        assert _poll_until_seen(watcher)
        assert watcher.changes() == Changes(None)
    finally:
        watcher.close()
        other.close()


def test_changes_accumulate_between_looks(database: Database) -> None:
    watcher = ChangeWatcher(database)
    other = open_database(database.url)
    try:
        first = _new_account(other, "Acme Logistics")
        second = _new_account(other, "Borealis Health")
        assert _poll_until_seen(watcher)
        assert watcher.changes() == Changes(frozenset({first, second}))
    finally:
        watcher.close()
        other.close()


def _poll_until_seen(watcher: ChangeWatcher) -> bool:
    """PostgreSQL delivers a notification a moment after the commit: look a few times."""
    for _ in range(100):
        if watcher.poll():
            return True
        time.sleep(0.01)
    return False
