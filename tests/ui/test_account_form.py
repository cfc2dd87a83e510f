"""The account form, driven with the keyboard at 80x24 (and 160x48) on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.account_store import create_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry, TeamMember
from acctmap_tui.domain.account_form import ACCOUNT_FIELDS
from acctmap_tui.domain.vocabulary import ChangeAction, Stage
from acctmap_tui.screens.account_form import AccountFormScreen, field_id
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.conflict import ConflictScreen
from acctmap_tui.settings import Settings
from tests.ui.helpers import SIZE, screen_text, settle

SIZES = [pytest.param(SIZE, id="80x24"), pytest.param((160, 48), id="160x48")]


@pytest.fixture
def form_app(database: Database) -> AcctmapApp:
    return make_app(database, Settings(user="tester"))


async def open_form(
    app: AcctmapApp, pilot: Pilot[object], account_id: int | None = None
) -> tuple[AccountFormScreen, list[int | None]]:
    """Push the form and wait for it to load; returns it and where its result lands."""
    await settle(pilot)
    results: list[int | None] = []
    screen = AccountFormScreen(app.database, app.settings, account_id)
    app.push_screen(screen, results.append)
    await settle(pilot)
    assert app.screen is screen
    return screen, results


async def type_into(pilot: Pilot[object], key: str, text: str) -> None:
    """Focus a field, clear it with the keyboard and type ``text``."""
    widget = pilot.app.screen.query_one(f"#{field_id(key)}")
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Input):
        await pilot.press("end", "ctrl+u")
    elif isinstance(widget, TextArea):
        widget.select_all()
        await pilot.press("backspace")
    await pilot.press(*text)
    await pilot.pause()


def shown(app: AcctmapApp) -> str:
    """The screen's words with borders and line breaks removed, so wrapped messages match."""
    return " ".join(screen_text(app).replace("│", " ").split())


def field_value(screen: AccountFormScreen, key: str) -> str:
    widget = screen.query_one(f"#{field_id(key)}")
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    assert isinstance(widget, Select)
    return "" if widget.is_blank() else str(widget.value)


def accounts(database: Database) -> list[Account]:
    with database.session() as session:
        return list(session.exec(select(Account).order_by(Account.id)))


def store(database: Database, **values: object) -> Account:
    with database.session() as session:
        account = create_account(values, session=session, user="raj")
        session.commit()
        return account


@pytest.mark.parametrize("size", SIZES)
async def test_a_new_account_typed_through_the_form_is_stored_exactly(
    form_app: AcctmapApp, database: Database, size: tuple[int, int]
) -> None:
    async with form_app.run_test(size=size) as pilot:
        screen, results = await open_form(form_app, pilot)
        assert form_app.focused is screen.query_one("#field-name")
        await pilot.press(*"Acme Logistics")
        # Target type, stage, owner, then revenue potential and win probability.
        await pilot.press("tab", "tab", "tab", "tab")
        assert form_app.focused is screen.query_one("#field-revenue-potential")
        await pilot.press(*"1.2M", "tab", *"70%")
        assert form_app.focused is screen.query_one("#field-win-probability")
        assert "need" not in screen.query_one("#form-errors").render().plain  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        [account] = accounts(database)
        assert results == [account.id]
        assert form_app.screen is not screen
    assert account.name == "Acme Logistics"
    assert account.revenue_potential == Decimal("1200000.00")
    assert account.win_probability == 0.7
    assert account.stage is Stage.PROSPECTING
    assert account.currency == "USD"
    assert account.industry is None


@pytest.mark.parametrize("size", SIZES)
async def test_an_invalid_value_is_explained_inline_and_blocks_saving_until_fixed(
    form_app: AcctmapApp, database: Database, size: tuple[int, int]
) -> None:
    async with form_app.run_test(size=size) as pilot:
        screen, results = await open_form(form_app, pilot)
        await type_into(pilot, "name", "Acme")
        await type_into(pilot, "revenue_potential", "abc")
        text = shown(form_app)
        assert "Revenue potential: 'abc' is not an amount" in text
        assert "1 field needs fixing" in text
        assert screen.query_one("#error-revenue-potential").display

        await type_into(pilot, "win_probability", "150%")
        await type_into(pilot, "name", "Acme Logistics")  # focus away from the bad fields
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert accounts(database) == []
        assert results == []
        assert form_app.screen is screen
        assert form_app.focused is screen.query_one("#field-revenue-potential")
        text = shown(form_app)
        assert "2 fields need fixing" in text
        assert "Win probability: '150%' is not a probability" in text

        await type_into(pilot, "revenue_potential", "$100,000.50")
        await type_into(pilot, "win_probability", "0.7")
        assert not screen.query_one("#error-revenue-potential").display
        assert "fields need fixing" not in screen_text(form_app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    [account] = accounts(database)
    assert results == [account.id]
    assert (account.name, account.revenue_potential, account.win_probability) == (
        "Acme Logistics",
        Decimal("100000.50"),
        0.7,
    )


async def test_an_empty_name_is_flagged_only_once_touched_or_on_save(
    form_app: AcctmapApp, database: Database
) -> None:
    async with form_app.run_test(size=SIZE) as pilot:
        screen, _ = await open_form(form_app, pilot)
        assert not screen.query_one("#error-name").display
        assert "this field is required" not in shown(form_app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Account name: '' is not allowed: this field is required" in shown(form_app)
        assert form_app.focused is screen.query_one("#field-name")
        assert accounts(database) == []


@pytest.mark.parametrize("size", SIZES)
async def test_a_duplicate_name_is_refused_and_the_typed_values_kept(
    form_app: AcctmapApp, database: Database, size: tuple[int, int]
) -> None:
    store(database, name="Acme")
    async with form_app.run_test(size=size) as pilot:
        screen, results = await open_form(form_app, pilot)
        await type_into(pilot, "name", " acme ")
        await type_into(pilot, "industry", "Logistics")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == []
        assert form_app.screen is screen
        text = shown(form_app)
        assert "An account named 'Acme' already exists" in text
        assert "1 field needs fixing" in text
        assert form_app.focused is screen.query_one("#field-name")
        assert field_value(screen, "name") == " acme "
        assert field_value(screen, "industry") == "Logistics"
        assert len(accounts(database)) == 1

        await type_into(pilot, "name", "Acme West")  # a new name clears the message
        assert "already exists" not in screen_text(form_app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert [a.name for a in accounts(database)] == ["Acme", "Acme West"]


@pytest.mark.parametrize("size", SIZES)
async def test_editing_an_account_changes_only_that_field(
    form_app: AcctmapApp, database: Database, size: tuple[int, int]
) -> None:
    with database.session() as session:
        susan = TeamMember(name="Susan Park", username="susan")
        session.add(susan)
        session.commit()
        owner_id = susan.id
    before = store(
        database,
        name="Delta Retail",
        stage=Stage.WON,
        owner_id=owner_id,
        revenue_potential=Decimal("100000.00"),
        win_probability=0.333333,
        closed_amount=Decimal("95000.00"),
        industry="Retail",
        notes="Line one\nLine two",
    )
    async with form_app.run_test(size=size) as pilot:
        screen, results = await open_form(form_app, pilot, before.id)
        assert field_value(screen, "name") == "Delta Retail"
        assert field_value(screen, "stage") == "Won"
        assert field_value(screen, "owner") == "Susan Park"
        assert field_value(screen, "revenue_potential") == "100,000"
        assert field_value(screen, "win_probability") == "33.3333%"
        assert "Edit account: Delta Retail" in screen_text(form_app)
        await type_into(pilot, "industry", "Grocery")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [before.id]
    [after] = accounts(database)
    assert after.industry == "Grocery"
    assert after.version == before.version + 1
    unchanged = {"industry", "version", "updated_at"}
    assert {k: v for k, v in after.model_dump().items() if k not in unchanged} == {
        k: v for k, v in before.model_dump().items() if k not in unchanged
    }
    with database.session() as session:
        updates = session.exec(
            select(ChangeLogEntry).where(ChangeLogEntry.action == ChangeAction.UPDATE)
        ).all()
        assert [(e.field, e.user, e.old_value, e.new_value) for e in updates] == [
            ("industry", "tester", '"Retail"', '"Grocery"')
        ]


async def test_saving_an_unchanged_account_writes_nothing(
    form_app: AcctmapApp, database: Database
) -> None:
    account = store(database, name="Fjord [Nordic] Energy")
    async with form_app.run_test(size=SIZE) as pilot:
        _, results = await open_form(form_app, pilot, account.id)
        assert "Edit account: Fjord [Nordic] Energy" in screen_text(form_app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [account.id]
    assert accounts(database)[0].version == account.version


async def test_choosing_won_with_the_keyboard_allows_a_closed_amount(
    form_app: AcctmapApp, database: Database
) -> None:
    async with form_app.run_test(size=SIZE) as pilot:
        screen, results = await open_form(form_app, pilot)
        await type_into(pilot, "name", "Acme")
        await type_into(pilot, "closed_amount", "95k")
        assert "is not allowed while the stage is Prospecting" in shown(form_app)
        screen.query_one("#field-stage").focus()
        await pilot.press("enter", "down", "down", "down", "down", "enter")
        await pilot.pause()
        assert field_value(screen, "stage") == "Won"
        assert "not allowed" not in screen_text(form_app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    [account] = accounts(database)
    assert results == [account.id]
    assert (account.stage, account.closed_amount) == (Stage.WON, Decimal("95000.00"))


@pytest.mark.parametrize("size", SIZES)
async def test_escape_with_changes_asks_before_discarding(
    form_app: AcctmapApp, database: Database, size: tuple[int, int]
) -> None:
    async with form_app.run_test(size=size) as pilot:
        screen, results = await open_form(form_app, pilot)
        await type_into(pilot, "name", "Acme")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(form_app.screen, ConfirmScreen)
        assert "Discard changes?" in screen_text(form_app)
        await pilot.press("n")
        await pilot.pause()
        assert form_app.screen is screen
        assert field_value(screen, "name") == "Acme"
        assert results == []

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert results == [None]
        assert form_app.screen is not screen
    assert accounts(database) == []


async def test_escape_without_changes_closes_at_once(form_app: AcctmapApp) -> None:
    async with form_app.run_test(size=SIZE) as pilot:
        screen, results = await open_form(form_app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
        assert form_app.screen is not screen


async def test_tab_reaches_every_field_in_order_and_each_is_visible_at_80x24(
    form_app: AcctmapApp,
) -> None:
    async with form_app.run_test(size=SIZE) as pilot:
        screen, _ = await open_form(form_app, pilot)
        for index, form_field in enumerate(ACCOUNT_FIELDS):
            if index:
                await pilot.press("tab")
            await pilot.pause()
            focused = form_app.focused
            assert focused is not None and focused.id == field_id(form_field.key)
            region = focused.region
            assert region.width >= 20, form_field.key  # room to type beside the label
            assert region.y > 0 and region.bottom <= SIZE[1] - 2, form_field.key
            label_words = form_field.label.split()[0]
            assert label_words in screen_text(form_app), form_field.key
        await pilot.press("shift+tab")
        assert form_app.focused is screen.query_one(f"#{field_id(ACCOUNT_FIELDS[-2].key)}")


async def test_footer_shows_save_and_cancel(form_app: AcctmapApp) -> None:
    async with form_app.run_test(size=SIZE) as pilot:
        await open_form(form_app, pilot)
        footer = screen_text(form_app).splitlines()[-1]
        assert "Save" in footer and "Cancel" in footer


@pytest.fixture
def locking_database(db_path: Path, database: Database) -> Iterator[Database]:
    """A second handle on the test's file that gives up on a lock after 200 ms."""
    impatient = open_database(db_path, busy_timeout_ms=200)
    yield impatient
    impatient.close()


async def test_a_locked_database_shows_an_error_and_keeps_the_values(
    locking_database: Database, database: Database, db_path: Path
) -> None:
    app = make_app(locking_database, Settings(user="tester"))
    async with app.run_test(size=SIZE) as pilot:
        screen, results = await open_form(app, pilot)
        await type_into(pilot, "name", "Acme")
        await type_into(pilot, "revenue_potential", "1.2M")
        # In WAL mode every open connection holds a shared lock on the file, which
        # an exclusive lock waits for: close the pooled ones first.
        locking_database.engine.dispose()
        database.engine.dispose()
        blocker = sqlite3.connect(db_path, isolation_level=None)
        try:
            blocker.execute("BEGIN EXCLUSIVE")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert results == []
            assert app.screen is screen
            assert "is locked by another process (it has been busy for 0.2 s)" in shown(app)
            assert field_value(screen, "name") == "Acme"
            assert field_value(screen, "revenue_potential") == "1.2M"
        finally:
            blocker.rollback()
            blocker.close()
        await pilot.press("ctrl+s")  # the other program finished: try again
        await settle(pilot)
        assert len(results) == 1
    with locking_database.session() as session:
        count = session.exec(select(sa.func.count()).select_from(Account)).one()
        assert count == 1


async def test_a_concurrent_edit_of_the_same_field_is_not_overwritten_silently(
    form_app: AcctmapApp, database: Database
) -> None:
    from acctmap_tui.data.account_store import update_account

    account = store(database, name="Acme", industry="Logistics")
    async with form_app.run_test(size=SIZE) as pilot:
        screen, results = await open_form(form_app, pilot, account.id)
        await type_into(pilot, "industry", "Mining")
        await type_into(pilot, "hq_city", "Oslo")
        with database.session() as session:  # raj saves while we type
            update_account(
                account.id, {"industry": "Retail"}, expected_version=1, session=session, user="raj"
            )
            session.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == []
        assert isinstance(form_app.screen, ConflictScreen)
        text = shown(form_app)
        assert "Industry" in text and "Mining" in text and "Retail" in text
        assert field_value(screen, "industry") == "Mining"
        assert accounts(database)[0].industry == "Retail"
        await pilot.press("enter")  # knowingly keep ours (the default choice)
        await settle(pilot)
        assert results == [account.id]
    stored = accounts(database)[0]
    assert (stored.industry, stored.hq_city) == ("Mining", "Oslo")


async def test_a_concurrent_edit_of_other_fields_is_merged(
    form_app: AcctmapApp, database: Database
) -> None:
    from acctmap_tui.data.account_store import update_account

    account = store(database, name="Acme", industry="Logistics")
    async with form_app.run_test(size=SIZE) as pilot:
        _, results = await open_form(form_app, pilot, account.id)
        await type_into(pilot, "hq_city", "Oslo")
        with database.session() as session:
            update_account(
                account.id, {"industry": "Retail"}, expected_version=1, session=session, user="raj"
            )
            session.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert results == [account.id]
    stored = accounts(database)[0]
    assert (stored.industry, stored.hq_city, stored.version) == ("Retail", "Oslo", 3)
