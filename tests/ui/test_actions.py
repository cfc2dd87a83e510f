"""The next-actions screen, driven with Pilot at 80x24 on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.action_store import (
    ActionRow,
    add_action,
    delete_action,
    list_actions,
    update_action,
)
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.map_queries import load_account_map_rows
from acctmap_tui.data.models import ChangeLogEntry, NextAction, TeamMember
from acctmap_tui.domain.vocabulary import ChangeAction
from acctmap_tui.screens.actions import ActionsScreen, ActionsTable
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.settings import Settings
from tests.ui.helpers import SIZE, screen_text, settle

ACME = "Acme Logistics"
TODAY = date.today()


@pytest.fixture
def tester_app(database: Database, account_ids: dict[str, int]) -> AcctmapApp:
    return make_app(database, Settings(user="tester"))


async def open_actions(
    app: AcctmapApp, pilot: Pilot[None], account_id: int, name: str = ACME
) -> list[bool | None]:
    """Push the actions screen for an account; returns the list its result lands in."""
    results: list[bool | None] = []
    await settle(pilot)
    app.push_screen(ActionsScreen(app.database, app.settings, account_id, name), results.append)
    await settle(pilot)
    assert isinstance(app.screen, ActionsScreen)
    return results


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)


async def clear_input(pilot: Pilot[None]) -> None:
    await pilot.press("home", "ctrl+k")


async def fill_editor(pilot: Pilot[None], app: AcctmapApp, what: str, owner: str, due: str) -> None:
    """Open the editor on a new action, fill it in without typing key by key, and save."""
    await pilot.press("n")
    for field, value in (("what", what), ("owner", owner), ("due", due)):
        app.screen.query_one(f"#action-{field}", Input).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


def stored_actions(database: Database, account_id: int) -> list[ActionRow]:
    with database.session() as session:
        return list_actions(account_id, session=session)


def member_id(database: Database, name: str) -> int:
    with database.session() as session:
        member = session.exec(select(TeamMember).where(TeamMember.name == name)).one()
        assert member.id is not None
        return member.id


def seed_action(database: Database, account_id: int, description: str, **fields: object) -> int:
    fields.setdefault("owner_id", None)
    fields.setdefault("due_on", None)
    with database.session() as session:
        action = add_action(account_id, description, session=session, user="seed", **fields)  # type: ignore[arg-type]
        assert action.id is not None
        return action.id


def table_cells(app: AcctmapApp) -> list[list[str]]:
    table = app.screen.query_one("#actions-table", ActionsTable)
    return [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]


def message_text(app: AcctmapApp) -> str:
    return str(app.screen.query_one("#actions-message").render())


async def test_adding_an_action_with_owner_and_due_date_lists_and_stores_it(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with tester_app.run_test(size=SIZE) as pilot:
        results = await open_actions(tester_app, pilot, acme)
        assert "No actions yet" in screen_text(tester_app)

        await pilot.press("n")
        assert tester_app.focused is tester_app.screen.query_one("#action-what")
        await type_text(pilot, "Book the QBR")
        await pilot.press("tab")
        await type_text(pilot, "chen")  # part of a name is enough
        await pilot.press("tab")
        await type_text(pilot, "2031-02-03")
        await pilot.press("enter")
        await settle(pilot)

        assert table_cells(tester_app) == [["[ ]", "Book the QBR", "Mia Chen", "2031-02-03"]]
        text = screen_text(tester_app)
        assert "Book the QBR" in text and "Mia Chen" in text and "2031-02-03" in text
        assert "Added: Book the QBR" in message_text(tester_app)
        assert not tester_app.screen.query_one("#action-editor").display
        assert isinstance(tester_app.focused, ActionsTable)

        await pilot.press("escape")
        await settle(pilot)
        assert results == [True]

    [row] = stored_actions(database, acme)
    assert (row.description, row.owner_id, row.due_on, row.done) == (
        "Book the QBR",
        member_id(database, "Mia Chen"),
        date(2031, 2, 3),
        False,
    )
    with database.session() as session:
        entry = session.exec(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "next_action")
        ).one()
    assert (entry.action, entry.user, entry.account_id) == (ChangeAction.CREATE, "tester", acme)


async def test_the_owner_suggestion_completes_a_typed_prefix(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, account_ids[ACME])
        await pilot.press("n", *"Demo", "tab", *"ra")
        await settle(pilot)  # the suggestion comes from a worker
        await pilot.press("right")  # at the end of the text, accepts the suggestion
        assert tester_app.screen.query_one("#action-owner", Input).value == "Raj Patel"
        await pilot.press("ctrl+s")
        await settle(pilot)

    [row] = stored_actions(database, account_ids[ACME])
    assert row.owner == "Raj Patel"


async def test_a_bad_date_is_explained_inline_and_nothing_is_stored(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, acme)
        await pilot.press("n", *"Call the CFO", "tab", "tab", *"2031-02-30", "enter")
        await settle(pilot)

        message = message_text(tester_app)
        assert "Not saved" in message
        assert "Due" in message and "'2031-02-30'" in message and "YYYY-MM-DD" in message
        assert "2031-02-30" in screen_text(tester_app)
        # The typed text stays, and the focus is on the field to fix.
        assert tester_app.screen.query_one("#action-what", Input).value == "Call the CFO"
        assert tester_app.focused is tester_app.screen.query_one("#action-due")

        await clear_input(pilot)
        await type_text(pilot, "next week")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "'next week' is not a date as YYYY-MM-DD" in message_text(tester_app)
        assert table_cells(tester_app) == []

    assert stored_actions(database, acme) == []


async def test_a_blank_description_or_an_unknown_owner_is_explained(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, acme)
        await pilot.press("n", "space", "enter")
        await settle(pilot)
        assert "What:" in message_text(tester_app) and "required" in message_text(tester_app)
        assert tester_app.focused is tester_app.screen.query_one("#action-what")

        await pilot.press(*"Call", "tab", *"Zed", "enter")
        await settle(pilot)
        assert "Owner: 'Zed' is not a team member's name" in message_text(tester_app)
        assert tester_app.focused is tester_app.screen.query_one("#action-owner")

    assert stored_actions(database, acme) == []


async def test_editing_the_highlighted_action_saves_the_changes(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    seed_action(database, acme, "Later", due_on=date(2031, 9, 1))
    action_id = seed_action(
        database,
        acme,
        "Call CFO",
        due_on=date(2031, 1, 1),
        owner_id=member_id(database, "Raj Patel"),
    )
    async with tester_app.run_test(size=SIZE) as pilot:
        results = await open_actions(tester_app, pilot, acme)
        await pilot.press("enter")  # the first row: the earliest due
        screen = tester_app.screen
        assert screen.query_one("#action-what", Input).value == "Call CFO"
        assert screen.query_one("#action-owner", Input).value == "Raj Patel"
        assert screen.query_one("#action-due", Input).value == "2031-01-01"
        assert "Edit action" in screen_text(tester_app)

        await clear_input(pilot)
        await type_text(pilot, "Call the CFO about budget")
        await pilot.press("tab")
        await clear_input(pilot)
        await pilot.press("tab")
        await clear_input(pilot)
        await type_text(pilot, "2031-10-01")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert table_cells(tester_app) == [
            ["[ ]", "Later", "—", "2031-09-01"],
            ["[ ]", "Call the CFO about budget", "—", "2031-10-01"],
        ]
        # The cursor follows the edited action to its new place.
        assert screen.query_one(ActionsTable).cursor_record_id == action_id
        await pilot.press("escape")
        await settle(pilot)
        assert results == [True]

    with database.session() as session:
        stored = session.get(NextAction, action_id)
    assert stored is not None
    assert (stored.description, stored.owner_id, stored.due_on, stored.version) == (
        "Call the CFO about budget",
        None,
        date(2031, 10, 1),
        2,
    )


async def test_space_and_x_toggle_done(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    first = seed_action(database, acme, "First", due_on=date(2031, 1, 1))
    second = seed_action(database, acme, "Second", due_on=date(2031, 2, 1))
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, acme)
        await pilot.press("space")
        await settle(pilot)
        # Done ones move to the bottom; the cursor stays on the row, now the next open one.
        assert [row[:2] for row in table_cells(tester_app)] == [["[ ]", "Second"], ["[x]", "First"]]
        assert tester_app.screen.query_one(ActionsTable).cursor_record_id == second
        assert "Done: First" in message_text(tester_app)

        await pilot.press("down", "x")  # and back again
        await settle(pilot)
        assert [row[:2] for row in table_cells(tester_app)] == [["[ ]", "First"], ["[ ]", "Second"]]
        assert "Reopened: First" in message_text(tester_app)

        await pilot.press("up", "x")
        await settle(pilot)

    rows = {row.id: row for row in stored_actions(database, acme)}
    assert rows[first].done and not rows[second].done
    with database.session() as session:
        toggles = session.exec(
            select(ChangeLogEntry).where(
                ChangeLogEntry.entity_id == str(first), ChangeLogEntry.field == "done_at"
            )
        ).all()
    assert [entry.user for entry in toggles] == ["tester", "tester", "tester"]


async def test_delete_asks_first_and_removes_the_action(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    action_id = seed_action(database, acme, "Obsolete step")
    async with tester_app.run_test(size=SIZE) as pilot:
        results = await open_actions(tester_app, pilot, acme)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(tester_app.screen, ConfirmScreen)
        assert "Obsolete step" in screen_text(tester_app)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert isinstance(tester_app.screen, ActionsScreen)
        assert len(stored_actions(database, acme)) == 1

        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert table_cells(tester_app) == []
        assert "Deleted: Obsolete step" in message_text(tester_app)
        await pilot.press("escape")
        await settle(pilot)
        assert results == [True]

    assert stored_actions(database, acme) == []
    with database.session() as session:
        deleted = session.exec(
            select(ChangeLogEntry).where(
                ChangeLogEntry.entity_id == str(action_id),
                ChangeLogEntry.action == ChangeAction.DELETE,
            )
        ).one()
    assert deleted.user == "tester"


async def test_the_account_map_reports_the_earliest_open_action_and_the_overdue_count(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    """What the account table's Next action column shows, after work on this screen."""
    acme = account_ids[ACME]
    overdue = (TODAY - timedelta(days=2)).isoformat()
    earlier = (TODAY - timedelta(days=9)).isoformat()
    future = (TODAY + timedelta(days=7)).isoformat()
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, acme)
        for description, due in [
            ("Overdue follow-up", overdue),
            ("Next month", future),
            ("Earlier call", earlier),
        ]:
            await fill_editor(pilot, tester_app, description, "", due)

        cells = table_cells(tester_app)
        assert [row[1] for row in cells] == ["Earlier call", "Overdue follow-up", "Next month"]
        assert cells[0][3] == f"{earlier} ! overdue"  # in words, not colour alone
        assert cells[1][3] == f"{overdue} ! overdue"
        assert cells[2][3] == future

        with database.session() as session:
            row = next(
                r for r in load_account_map_rows(session=session, today=TODAY) if r.id == acme
            )
        assert (row.next_action, row.next_action_due, row.overdue_actions) == (
            "Earlier call",
            date.fromisoformat(earlier),
            2,
        )

        await pilot.press("home", "x")  # complete the earliest
        await settle(pilot)

    with database.session() as session:
        row = next(r for r in load_account_map_rows(session=session, today=TODAY) if r.id == acme)
    assert (row.next_action, row.next_action_due, row.overdue_actions) == (
        "Overdue follow-up",
        date.fromisoformat(overdue),
        1,
    )


async def test_escape_with_unsaved_text_asks_before_discarding(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    async with tester_app.run_test(size=SIZE) as pilot:
        results = await open_actions(tester_app, pilot, account_ids[ACME])
        await pilot.press("n", "escape")  # nothing typed: closes without asking
        assert not tester_app.screen.query_one("#action-editor").display

        await pilot.press("n", *"Half a thought", "escape")
        await settle(pilot)
        assert isinstance(tester_app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert tester_app.screen.query_one("#action-what", Input).value == "Half a thought"

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(tester_app.screen, ActionsScreen)
        assert not tester_app.screen.query_one("#action-editor").display

        await pilot.press("escape")
        await settle(pilot)
        assert results == [False]  # nothing was written

    assert stored_actions(database, account_ids[ACME]) == []


async def test_an_edit_saved_by_someone_else_meanwhile_is_not_overwritten_silently(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    action_id = seed_action(database, acme, "Call CFO")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, acme)
        await pilot.press("e")
        await clear_input(pilot)
        await type_text(pilot, "Mine")
        with database.session() as session:  # the other person in the review saves first
            update_action(
                action_id,
                description="Theirs",
                owner_id=None,
                due_on=None,
                expected_version=1,
                session=session,
                user="raj",
            )

        await pilot.press("ctrl+s")
        await settle(pilot)
        message = message_text(tester_app)
        assert "Not saved" in message and "someone else changed" in message
        assert "'Theirs'" in message
        assert table_cells(tester_app)[0][1] == "Theirs"  # the list shows their version
        assert tester_app.screen.query_one("#action-what", Input).value == "Mine"  # ours is kept
        stored = stored_actions(database, acme)
        assert stored[0].description == "Theirs"

        await pilot.press("ctrl+s")  # having seen theirs, save ours over it
        await settle(pilot)

    [row] = stored_actions(database, acme)
    assert (row.description, row.version) == ("Mine", 3)


async def test_saving_an_action_deleted_meanwhile_offers_to_add_it_again(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    action_id = seed_action(database, acme, "Call CFO")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, acme)
        await pilot.press("e", *" today")
        with database.session() as session:
            delete_action(action_id, session=session, user="raj")

        await pilot.press("ctrl+s")
        await settle(pilot)
        message = message_text(tester_app)
        assert "someone else deleted" in message and "adds it as a new action" in message
        assert table_cells(tester_app) == []
        assert tester_app.screen.query_one("#action-what", Input).value == "Call CFO today"

        await pilot.press("ctrl+s")
        await settle(pilot)

    assert [row.description for row in stored_actions(database, acme)] == ["Call CFO today"]


async def test_a_locked_database_keeps_the_typed_text_and_says_why(
    db_path: Path, account_ids: dict[str, int]
) -> None:
    impatient = open_database(db_path, busy_timeout_ms=100)
    app = make_app(impatient, Settings(user="tester"))
    acme = account_ids[ACME]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_actions(app, pilot, acme)
            await pilot.press("n", *"Send the proposal")
            blocker = sqlite3.connect(db_path, timeout=0.1)
            try:
                blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
                await pilot.press("enter")
                await settle(pilot)
                message = message_text(app)
                assert "Not saved" in message and "busy" in message and "kept" in message
                assert app.screen.query_one("#action-what", Input).value == "Send the proposal"
            finally:
                blocker.rollback()
                blocker.close()
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "Added: Send the proposal" in message_text(app)
    finally:
        impatient.close()

    assert [row.description for row in stored_actions(impatient, acme)] == ["Send the proposal"]


async def test_fits_80x24_with_keys_in_the_footer_and_names_shown_as_typed(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    fjord = "Fjord [Nordic] Energy"
    seed_action(database, account_ids[fjord], "Intro via [partner]", due_on=date(2031, 1, 1))
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_actions(tester_app, pilot, account_ids[fjord], fjord)
        text = screen_text(tester_app)
        assert f"Next actions: {fjord}" in text
        assert "Intro via [partner]" in text
        footer = text.splitlines()[SIZE[1] - 1]
        for key in ("n New", "e Edit", "space Done/undo", "d Delete", "esc Back"):
            assert key in footer

        await pilot.press("n")
        text = screen_text(tester_app)
        for label in ("What", "Owner", "Due", "Save"):
            assert label in text
        assert "Intro via [partner]" in text  # the list stays visible while editing
