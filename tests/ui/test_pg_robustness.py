"""The app on PostgreSQL when the server drops its connections in the middle of a save.

The save is caught mid-transaction the way a restart or a network cut would catch
it: a colleague's transaction holds the account's row lock, the form's save waits
for it, and then the server ends every connection of the app. The form must say so
in one line, keep what was typed, and save on the next ctrl+s (reconnecting).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from textual.pilot import Pilot

from acctmap_tui.app import make_app
from acctmap_tui.data.account_store import create_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account
from acctmap_tui.settings import Settings
from tests.pg import PgServer
from tests.ui.helpers import SIZE, settle
from tests.ui.test_account_form import field_value, open_form, shown, type_into

WAIT_S = 10.0


@pytest.fixture
def server_database(pg_server: PgServer) -> Iterator[Database]:
    with pg_server.scratch_database(migrated=True) as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.close()


def _plain_url(database: Database) -> str:
    """The libpq form of the database's URL, for a connection outside the app."""
    return database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _wait_for_lock_wait(pilot: Pilot[object], admin: psycopg.Connection, name: str) -> None:
    """Let the app run until one of its connections waits for a row lock."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        waiting = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (name,),
        ).fetchone()
        if waiting and waiting[0]:
            return
        await pilot.pause(0.05)
    raise AssertionError("the save never reached the row lock")


async def test_a_connection_lost_mid_save_keeps_the_form_and_the_next_save_reconnects(
    server_database: Database,
) -> None:
    with server_database.session() as session:
        account = create_account({"name": "Acme Logistics"}, session=session, user="raj")
        session.commit()
    assert account.id is not None
    name = server_database.engine.url.database
    admin = psycopg.connect(_plain_url(server_database), autocommit=True)
    colleague = psycopg.connect(_plain_url(server_database))  # a transaction left open
    app = make_app(server_database, Settings(user="tester"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen, results = await open_form(app, pilot, account.id)
            await type_into(pilot, "strategy", "Land and expand")
            colleague.execute("SELECT id FROM account WHERE id = %s FOR UPDATE", (account.id,))
            await pilot.press("ctrl+s")
            await _wait_for_lock_wait(pilot, admin, name or "")
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid NOT IN (pg_backend_pid(), %s)",
                (name, colleague.info.backend_pid),
            )
            colleague.rollback()
            await settle(pilot)
            where = f"{server_database.engine.url.host}:{server_database.engine.url.port or 5432}"
            assert app.screen is screen and results == []
            assert (
                f"Not saved: lost the connection to the PostgreSQL server at {where}; acctmap "
                "reconnects on the next try. Your values are still here; press ctrl+s to try "
                "again."
            ) in shown(app)
            assert field_value(screen, "strategy") == "Land and expand"

            await pilot.press("ctrl+s")
            await settle(pilot)
            assert results == [account.id]
    finally:
        colleague.close()
        admin.close()
    with server_database.session() as session:
        stored = session.get(Account, account.id)
        assert stored is not None
        assert stored.strategy == "Land and expand"
        assert stored.version == 2
