"""Keys that arrive together, as one SSH packet brings them, are handled in order.

A priority binding (ctrl+s in a form, Enter in a dialog) is run by the app as soon
as it reads the key, while the keys read just before it are still queued on the
focused widget. These tests queue every key before any is handled and check that
the action still sees what those keys did.
"""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import Input, SelectionList, TextArea

from acctmap_tui.app import AcctmapApp
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, Contact
from acctmap_tui.screens.contact_form import ContactFormScreen
from acctmap_tui.screens.pickers import TickScreen
from acctmap_tui.widgets.account_table import AccountTable
from acctmap_tui.widgets.plan_list import PlanItemScreen
from tests.ui.helpers import SIZE, burst, settle
from tests.ui.test_account_form import open_form
from tests.ui.test_conflicts import (
    ACME,
    stored_account,
    type_into,
)
from tests.ui.test_plan_tab import focus_list, open_plan, panel


async def test_letters_then_ctrl_s_in_one_burst_save_every_letter(
    app: AcctmapApp, database: Database
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form, results = await open_form(app, pilot)
        assert form.focused is not None and form.focused.id == "field-name"
        await burst(pilot, *"Zeta Freight", "ctrl+s")
        assert app.screen is not form, "saved and closed"
    with database.session() as session:
        names = set(session.exec(select(Account.name)))
    assert "Zeta Freight" in names
    assert results and results[0] is not None


async def test_an_edit_and_ctrl_s_in_one_burst_keep_the_last_letters(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with app.run_test(size=SIZE) as pilot:
        form, results = await open_form(app, pilot, acme)
        await type_into(pilot, "industry", "")
        await burst(pilot, *"Mining", "ctrl+s")
        assert results == [acme]
    assert stored_account(database, acme).industry == "Mining"


async def test_a_contact_typed_and_saved_in_one_burst_keeps_its_name(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results: list[int | None] = []
        form = ContactFormScreen(app.database, app.settings, acme, None)
        app.push_screen(form, results.append)
        await settle(pilot)
        assert form.focused is not None and form.focused.id == "field-name"
        await burst(pilot, *"Ines Duarte", "ctrl+s")
        assert app.screen is not form
    with database.session() as session:
        contact = session.exec(select(Contact).where(Contact.name == "Ines Duarte")).one()
    assert contact.account_id == acme and results == [contact.id]


async def test_a_tick_and_enter_in_one_burst_apply_the_tick(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await burst(pilot, "f")
        assert isinstance(app.screen, TickScreen)
        options = app.screen.query_one(SelectionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        index = prompts.index("Stage: Negotiation")
        await burst(pilot, *(["down"] * index), "space", "enter")
        assert not isinstance(app.screen, TickScreen)
        assert [row.name for row in app.query_one(AccountTable).rows] == ["Cobalt Mining"]


async def test_a_plan_item_typed_and_kept_in_one_burst_keeps_its_text(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, account_ids["Borealis Health"])
        await focus_list(app, pilot, "questions", "problem")
        before = panel(app, "questions").table.row_count
        await burst(pilot, "n")
        screen = app.screen
        assert isinstance(screen, PlanItemScreen)
        assert screen.focused is not None and screen.focused.id == "item-question"
        await burst(pilot, *"Who signs?", "ctrl+s")
        assert app.screen is not screen
        table = panel(app, "questions").table
        assert table.row_count == before + 1
        cells = [str(cell) for cell in table.get_row_at(table.row_count - 1)]
        assert any("Who signs?" in cell for cell in cells), cells


async def test_letters_either_side_of_enter_in_one_burst_land_in_their_own_fields(
    app: AcctmapApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form, _ = await open_form(app, pilot)
        first = form.query_one("#field-revenue-potential", Input)
        first.focus()
        await pilot.pause()
        await burst(pilot, *"1.2M", "enter", *"70%")
        second = form.focused
        assert isinstance(second, Input) and second.id == "field-win-probability"
        assert (first.value, second.value) == ("1.2M", "70%")


async def test_editing_keys_and_letters_in_one_burst_apply_in_typed_order(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    """ctrl+u, backspace and end are bindings; they must not wait behind later letters."""
    acme = account_ids[ACME]
    async with app.run_test(size=SIZE) as pilot:
        form, results = await open_form(app, pilot, acme)
        name = form.query_one("#field-name", Input)
        assert form.focused is name and name.value == ACME
        await burst(pilot, "end", "ctrl+u", *"Acme Freightt", "backspace", "ctrl+s")
        assert results == [acme]
    assert stored_account(database, acme).name == "Acme Freight"


async def test_a_long_text_field_takes_a_burst_with_backspaces_in_order(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with app.run_test(size=SIZE) as pilot:
        form, results = await open_form(app, pilot, acme)
        area = form.query_one("#field-strategy", TextArea)
        area.focus()
        area.select_all()
        await pilot.pause()
        await burst(pilot, "backspace", *"Land and expandd", "backspace", "ctrl+s")
        assert results == [acme]
    assert stored_account(database, acme).strategy == "Land and expand"
