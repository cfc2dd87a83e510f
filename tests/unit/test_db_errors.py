"""Each way a write can fail is explained in one line naming the file and what to do."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.db_errors import explain_database_error
from acctmap_tui.data.models import TeamMember


def _add_member(database: Database, name: str, title: str | None = None) -> str:
    """Store one member; the explanation of the failure, or "saved"."""
    try:
        with database.session() as session:
            session.add(TeamMember(name=name, username=name.lower(), title=title))
            session.commit()
    except sa.exc.SQLAlchemyError as error:
        return explain_database_error(error)
    return "saved"


def _members(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM team_member ORDER BY id")]


def test_a_lock_held_past_the_busy_timeout_names_the_file_and_the_wait(db_path: Path) -> None:
    database = open_database(db_path, busy_timeout_ms=150)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        message = _add_member(database, "Ana")
    finally:
        blocker.rollback()
        blocker.close()
    try:
        assert message == f"{db_path} is locked by another process (it has been busy for 0.15 s)"
        assert _add_member(database, "Ana") == "saved"  # once released, the retry works
    finally:
        database.close()


def test_a_full_disk_is_named_as_such(db_path: Path) -> None:
    database = open_database(db_path)
    try:
        # A size cap makes SQLite fail exactly as a full disk does (SQLITE_FULL).
        sa.event.listen(
            database.engine,
            "connect",
            lambda connection, _record: connection.execute("PRAGMA max_page_count = 1"),
        )
        database.engine.dispose()
        message = _add_member(database, "Ana", title="x" * 20_000)
    finally:
        database.close()
    assert message == (
        f"the disk holding {db_path} is full; free some space (or ask for a bigger quota) "
        "and try again"
    )
    assert _members(db_path) == []


@pytest.mark.parametrize("how", ["deleted", "moved"])
def test_a_file_deleted_or_moved_under_an_open_database_refuses_to_commit(
    db_path: Path, how: str
) -> None:
    database = open_database(db_path)
    try:
        assert _add_member(database, "Ana") == "saved"
        moved_to = db_path.with_name("elsewhere.db")
        if how == "deleted":
            db_path.unlink()
        else:
            db_path.rename(moved_to)
        message = _add_member(database, "Raj")
    finally:
        database.close()
    assert message.startswith(f"{db_path} was deleted or moved while acctmap had it open")
    assert not db_path.exists()  # not recreated empty by a new connection


def test_other_refusals_quote_the_database(database: Database) -> None:
    assert _add_member(database, "Ana") == "saved"
    assert _add_member(database, "Ana") == (
        "the database refused it (UNIQUE constraint failed: team_member.username)"
    )
