"""run_in_transaction: deadlocks and serialization failures are run again, nothing else.

The deadlock is real: two threads on the PostgreSQL test server lock the same two
accounts in opposite orders; the server rolls one back and the retry saves it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from acctmap_tui.data.account_store import create_account, update_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.db_errors import explain_database_error
from acctmap_tui.data.models import Account, ChangeLogEntry, TeamMember
from acctmap_tui.data.retry import run_in_transaction
from acctmap_tui.domain.vocabulary import ChangeAction
from tests.pg import PgServer


def _server_error(code: str) -> sa.exc.OperationalError:
    original = psycopg.OperationalError(f"simulated {code}")
    original.sqlstate = code
    return sa.exc.OperationalError("UPDATE account", {}, original)


def _no_wait(_seconds: float) -> None:
    """Tests need not sleep between attempts."""


def _add_member(name: str) -> Callable[[Session], str]:
    def work(session: Session) -> str:
        session.add(TeamMember(name=name, username=name.lower()))
        return name

    return work


def _member_names(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.exec(select(TeamMember.name).order_by(TeamMember.name)))


def test_the_work_is_committed_and_its_result_returned(database: Database) -> None:
    assert run_in_transaction(database, _add_member("Ana")) == "Ana"
    assert _member_names(database) == ["Ana"]


@pytest.mark.parametrize("code", ["40001", "40P01"])
def test_a_serialization_failure_or_deadlock_is_run_again_from_scratch(
    database: Database, code: str
) -> None:
    calls: list[int] = []

    def work(session: Session) -> str:
        calls.append(1)
        session.add(TeamMember(name=f"Try {len(calls)}", username=f"try{len(calls)}"))
        session.flush()
        if len(calls) < 3:
            raise _server_error(code)
        return "saved"

    assert run_in_transaction(database, work, sleep=_no_wait) == "saved"
    assert len(calls) == 3
    assert _member_names(database) == ["Try 3"]  # the failed attempts left nothing


def test_the_last_failure_is_raised_when_every_attempt_fails(database: Database) -> None:
    calls: list[int] = []

    def work(_session: Session) -> None:
        calls.append(1)
        raise _server_error("40P01")

    with pytest.raises(sa.exc.OperationalError) as raised:
        run_in_transaction(database, work, attempts=2, sleep=_no_wait)
    assert len(calls) == 2
    assert "(deadlock) and retrying did not get through; nothing was saved" in (
        explain_database_error(raised.value)
    )


def test_other_server_errors_are_raised_at_once(database: Database) -> None:
    calls: list[int] = []

    def work(_session: Session) -> None:
        calls.append(1)
        raise _server_error("57P01")  # the server ended the connection

    with pytest.raises(sa.exc.OperationalError):
        run_in_transaction(database, work, sleep=_no_wait)
    assert calls == [1]


def test_a_locked_sqlite_file_is_not_retried_here(db_path: Path, database: Database) -> None:
    """The busy timeout already waited; the user is told who holds the lock instead."""
    impatient = open_database(db_path, busy_timeout_ms=100)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    calls: list[int] = []

    def work(session: Session) -> None:
        calls.append(1)
        _add_member("Ana")(session)

    try:
        blocker.execute("BEGIN IMMEDIATE")
        with pytest.raises(sa.exc.OperationalError) as raised:
            run_in_transaction(impatient, work, sleep=_no_wait)
    finally:
        blocker.rollback()
        blocker.close()
        impatient.close()
    assert calls == [1]
    assert "is locked by another process" in explain_database_error(raised.value)
    assert _member_names(database) == []


# --- a real deadlock on PostgreSQL ---------------------------------------------------


@pytest.fixture
def server_database(pg_server: PgServer) -> Iterator[Database]:
    with pg_server.scratch_database(migrated=True) as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.close()


def _two_accounts(database: Database) -> tuple[int, int]:
    with database.session() as session:
        ids = [
            create_account({"name": name, "strategy": ""}, session=session, user="setup").id
            for name in ("Acme Logistics", "Borealis Health")
        ]
        session.commit()
    first, second = ids
    assert first is not None and second is not None
    return first, second


def _append_to_both(
    database: Database, order: tuple[int, int], tag: str, barrier: threading.Barrier
) -> list[int]:
    """Lock and edit the two accounts in ``order``; meet the other thread in between.

    Only the first attempt waits at the barrier, so both hold one lock and ask for the
    other's: a deadlock. A retry reads each account afresh under its lock.
    """
    attempts: list[int] = []

    def work(session: Session) -> None:
        attempts.append(1)
        # Superuser-only setting, so the test need not wait the default second.
        session.exec(sa.text("SET LOCAL deadlock_timeout = '100ms'"))  # type: ignore[call-overload]
        for position, account_id in enumerate(order):
            account = session.exec(
                select(Account)
                .where(Account.id == account_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            ).one()
            update_account(
                account_id,
                {"strategy": f"{account.strategy}[{tag}]"},
                expected_version=account.version,
                session=session,
                user=tag,
            )
            if position == 0 and len(attempts) == 1:
                barrier.wait(timeout=10)

    run_in_transaction(database, work)
    return attempts


def test_a_real_deadlock_is_retried_and_both_edits_are_kept(server_database: Database) -> None:
    acme, borealis = _two_accounts(server_database)
    barrier = threading.Barrier(2)
    attempts: dict[str, list[int]] = {}
    failures: list[BaseException] = []

    def edit(order: tuple[int, int], tag: str) -> None:
        try:
            attempts[tag] = _append_to_both(server_database, order, tag, barrier)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [
        threading.Thread(target=edit, args=((acme, borealis), "ana")),
        threading.Thread(target=edit, args=((borealis, acme), "raj")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    # One of the two was chosen as the deadlock's victim and ran a second time.
    assert sorted(len(tries) for tries in attempts.values()) == [1, 2]
    with server_database.session() as session:
        stored = {
            account.id: account for account in session.exec(select(Account).order_by(Account.id))
        }
        updates = session.exec(
            select(ChangeLogEntry.user, ChangeLogEntry.entity_id)
            .where(ChangeLogEntry.entity == "account", ChangeLogEntry.action == ChangeAction.UPDATE)
            .order_by(col(ChangeLogEntry.id))
        ).all()
    for account_id in (acme, borealis):
        assert sorted(stored[account_id].strategy.strip("[]").split("][")) == ["ana", "raj"]
        assert stored[account_id].version == 3
    assert sorted(updates) == sorted(
        (user, str(account_id)) for user in ("ana", "raj") for account_id in (acme, borealis)
    )
