"""The TUI on a PostgreSQL team database: the list, an edit through the form, live refresh.

Each test gets a scratch database of its own on the server named by
ACCTMAP_TEST_PG_URL (skipped when unset), filled through the stores as the app
would fill it. The colleague is a second ``open_database`` on the same URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlmodel import col, select

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.account_store import create_account, update_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry
from acctmap_tui.domain.vocabulary import ChangeAction, Stage
from acctmap_tui.screens.account_form import AccountFormScreen, field_id
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_table import AccountTable
from tests.pg import PgServer
from tests.ui.helpers import SIZE, screen_text, settle
from tests.ui.test_live_refresh import wait_until

ACCOUNTS = {
    "Acme Logistics": {"stage": Stage.PROPOSAL, "revenue_potential": Decimal("120000.00")},
    "Borealis Health": {"stage": Stage.PROSPECTING, "revenue_potential": Decimal("80000.00")},
    "Cobalt Mining": {"stage": Stage.NEGOTIATION, "revenue_potential": Decimal("250000.00")},
}


@pytest.fixture
def server_database(pg_server: PgServer) -> Iterator[Database]:
    """A migrated PostgreSQL database of this test's own, dropped afterwards."""
    with pg_server.scratch_database(migrated=True) as url:
        database = open_database(url)
        try:
            yield database
        finally:
            database.close()


@pytest.fixture
def account_ids(server_database: Database) -> dict[str, int]:
    """Three accounts, created through the store (with their history), by name."""
    ids = {}
    with server_database.session() as session:
        for name, values in ACCOUNTS.items():
            account = create_account({"name": name, **values}, session=session, user="raj")
            assert account.id is not None
            ids[name] = account.id
        session.commit()
    return ids


@pytest.fixture
def app(server_database: Database, account_ids: dict[str, int]) -> AcctmapApp:
    return make_app(server_database, Settings(user="tester"))


def _stored(database: Database, account_id: int) -> Account:
    with database.session() as session:
        account = session.get(Account, account_id)
        assert account is not None
        return account


async def test_the_account_list_shows_the_server_accounts(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = screen_text(app)
        for name in ACCOUNTS:
            assert name in shown
        assert app.query_one(AccountTable).row_count == len(ACCOUNTS)


async def test_renaming_through_the_form_saves_it_on_the_server(
    app: AcctmapApp, server_database: Database, account_ids: dict[str, int]
) -> None:
    borealis = account_ids["Borealis Health"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(borealis)
        await settle(pilot)
        assert app.query_one(AccountTable).cursor_account_id == borealis
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, AccountFormScreen)
        name = app.screen.query_one(f"#{field_id('name')}")
        name.focus()
        await pilot.press("end", "ctrl+u", *"Borealis Health System", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, AccountFormScreen)
        assert "Borealis Health System" in screen_text(app)

    stored = _stored(server_database, borealis)
    assert (stored.name, stored.version) == ("Borealis Health System", 2)
    with server_database.session() as session:
        updates = session.exec(
            select(ChangeLogEntry)
            .where(ChangeLogEntry.action == ChangeAction.UPDATE)
            .order_by(col(ChangeLogEntry.id))
        ).all()
    assert [(e.entity_id, e.field, e.user, e.old_value, e.new_value) for e in updates] == [
        (str(borealis), "name", "tester", '"Borealis Health"', '"Borealis Health System"')
    ]


async def test_a_colleagues_rename_shows_without_a_key_press(
    app: AcctmapApp, server_database: Database, account_ids: dict[str, int]
) -> None:
    cobalt = account_ids["Cobalt Mining"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await wait_until(pilot, "the watcher started", lambda: app.live_refresh.watching)
        colleague = open_database(server_database.url)
        try:
            with colleague.session() as session:
                update_account(
                    cobalt,
                    {"name": "Cobalt Mining Group"},
                    expected_version=1,
                    session=session,
                    user="raj",
                )
                session.commit()
        finally:
            colleague.close()
        await wait_until(
            pilot, "the colleague's rename", lambda: "Cobalt Mining Group" in screen_text(app)
        )
        assert app.query_one(AccountTable).row_count == len(ACCOUNTS)
