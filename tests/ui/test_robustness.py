"""The app under trouble: a locked, read-only or vanished database, resizes, plain terminals.

Each failure must be explained in one line while the app keeps running and what the
user typed stays on screen to retry.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account
from acctmap_tui.screens.account_form import AccountFormScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.helpers import SIZE, screen_text, settle
from tests.ui.test_account_form import field_value, open_form, type_into


def form_message(app: AcctmapApp) -> str:
    """The open form's message line, whole: a long path must not wrap the match away."""
    return " ".join(str(app.screen.query_one("#form-message", Static).render()).split())


def _account_names(database: Database) -> list[str]:
    with database.session() as session:
        return list(session.exec(select(Account.name).order_by(Account.name)))


@pytest.fixture
def impatient(db_path: Path, database: Database) -> Iterator[Database]:
    """A second handle on the test's file that gives up on a lock after 200 ms."""
    handle = open_database(db_path, busy_timeout_ms=200)
    yield handle
    handle.close()


async def test_a_locked_database_says_so_keeps_the_form_and_saves_once_released(
    impatient: Database, database: Database, db_path: Path
) -> None:
    app = make_app(impatient, Settings(user="tester"))
    async with app.run_test(size=SIZE) as pilot:
        screen, results = await open_form(app, pilot)
        await type_into(pilot, "name", "Nimbus")
        await type_into(pilot, "revenue_potential", "2k")
        blocker = sqlite3.connect(db_path, isolation_level=None)
        try:
            blocker.execute("BEGIN EXCLUSIVE")  # in WAL mode: holds the write lock
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen and results == []
            assert (
                f"Not saved: {db_path} is locked by another process (it has been busy for "
                "0.2 s). Your values are still here; press ctrl+s to try again."
            ) in form_message(app)
            assert field_value(screen, "name") == "Nimbus"
            assert field_value(screen, "revenue_potential") == "2k"
        finally:
            blocker.rollback()
            blocker.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert len(results) == 1
    assert _account_names(database) == ["Nimbus"]


async def test_a_database_deleted_under_the_app_is_explained_and_nothing_looks_saved(
    database: Database, db_path: Path
) -> None:
    app = make_app(database, Settings(user="tester"))
    async with app.run_test(size=SIZE) as pilot:
        screen, results = await open_form(app, pilot)
        await type_into(pilot, "name", "Nimbus")
        db_path.unlink()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.is_running and app.screen is screen and results == []
        assert f"Not saved: {db_path} was deleted or moved while acctmap had it open" in (
            form_message(app)
        )
        assert field_value(screen, "name") == "Nimbus"
        await pilot.press("ctrl+s")  # trying again says the same, still without crashing
        await settle(pilot)
        assert app.is_running and results == []
    assert not db_path.exists()  # no new, empty database was made in its place


async def test_a_read_only_database_is_marked_and_a_save_explains_why(
    database: Database, db_path: Path, account_ids: dict[str, int]
) -> None:
    read_only = open_database(db_path, read_only=True)
    app = make_app(read_only, Settings(user="tester"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.sub_title.endswith("read-only")
            notice = f"Read-only: {db_path} was opened read-only; nothing can be saved"
            assert [n.message for n in app._notifications] == [notice]
            assert "Acme Logistics" in screen_text(app)  # reading works as usual
            screen, results = await open_form(app, pilot)
            await type_into(pilot, "name", "Nimbus")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen and results == []
            assert f"Not saved: {notice}" in form_message(app)
            assert field_value(screen, "name") == "Nimbus"
    finally:
        read_only.close()
    assert "Nimbus" not in _account_names(database)


SIZES = [(60, 20), (200, 50), (80, 24)]
"""From the 80x24 start: down to the smallest supported, up to a big one, and back."""


async def test_resizing_down_to_60x20_and_back_keeps_cursor_tabs_and_typed_text(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(AccountTable)
        await pilot.press("down", "down")
        await settle(pilot)
        chosen = table.cursor_account_id
        assert chosen is not None and chosen != table.rows[0].id
        for key, tab in (("1", "accounts"), ("2", "plan"), ("3", "people"), ("4", "pipeline")):
            await pilot.press(key)
            await settle(pilot)
            for size in SIZES:
                await pilot.resize_terminal(*size)
                await pilot.pause()
                assert app.size == size
                assert app.main_screen.query_one("TabbedContent").active == tab
                assert app.main_screen.selected_account_id == chosen
        await pilot.press("1")
        await settle(pilot)
        assert table.cursor_account_id == chosen

        screen = AccountFormScreen(app.database, app.settings, chosen)
        app.push_screen(screen)
        await settle(pilot)
        await type_into(pilot, "strategy", "Pilot")
        for size in SIZES:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert app.screen is screen
            assert field_value(screen, "strategy") == "Pilot"
        assert screen.is_dirty


@pytest.mark.parametrize(
    "environment",
    [{"TERM": "xterm"}, {"TERM": "xterm-256color"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}],
    ids=["xterm", "xterm-256color", "no-color"],
)
async def test_plain_terminals_show_the_account_rows(
    database: Database,
    account_ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    environment: dict[str, str],
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    app = make_app(database, Settings(user="tester"))  # built after the environment is set
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Acme Logistics" in text and "Cobalt Mining" in text
        assert app.query_one(AccountTable).row_count >= 6
        if "NO_COLOR" in environment:
            assert app.no_color
