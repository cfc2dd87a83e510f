"""Two people editing one database file: conflicts are shown, chosen and never lost.

The app runs on one ``Database``; "theirs" is written through the store with a
second ``Database`` on the same file (another process's connection) while the
form or the confirmation is open.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.account_store import update_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry, Contact, Partner, Seat
from acctmap_tui.data.people_store import (
    create_partner,
    create_seat,
    update_contact,
    update_partner,
    update_seat,
)
from acctmap_tui.screens.account_form import AccountFormScreen
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.conflict import ConflictScreen
from acctmap_tui.screens.contact_form import ContactFormScreen
from acctmap_tui.screens.form_widgets import field_id
from acctmap_tui.screens.partner_form import PartnersScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_map_view import AccountMapView
from acctmap_tui.widgets.account_table import AccountTable
from acctmap_tui.widgets.people_view import PeopleTable, PeopleView
from tests.ui.helpers import SIZE, burst, screen_text, settle

ACME = "Acme Logistics"


@pytest.fixture
def susan_app(database: Database, account_ids: dict[str, int]) -> AcctmapApp:
    return make_app(database, Settings(user="susan"))


@pytest.fixture
def raj(db_path: Path, database: Database) -> Iterator[Database]:
    """Raj's process: its own engine and connections on the same file."""
    other = open_database(db_path)
    yield other
    other.close()


def shown(app: AcctmapApp) -> str:
    """The screen's words with borders and line breaks removed, so wrapped text matches."""
    return " ".join(screen_text(app).replace("│", " ").split())


async def open_account_form(
    app: AcctmapApp, pilot: Pilot[object], account_id: int
) -> tuple[AccountFormScreen, list[int | None]]:
    await settle(pilot)
    results: list[int | None] = []
    form = AccountFormScreen(app.database, app.settings, account_id)
    app.push_screen(form, results.append)
    await settle(pilot)
    assert app.screen is form
    return form, results


async def type_into(pilot: Pilot[object], key: str, text: str) -> None:
    """Replace a one-line field's text (as typing would, without a key per letter)."""
    widget = pilot.app.screen.query_one(f"#{field_id(key)}", Input)
    widget.focus()
    widget.value = text
    await pilot.pause()


async def press(pilot: Pilot[object], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def raj_saves_account(raj: Database, account_id: int, **values: object) -> None:
    with raj.session() as session:
        version = session.get(Account, account_id).version  # type: ignore[union-attr]
        update_account(account_id, values, expected_version=version, session=session, user="raj")
        session.commit()


def stored_account(database: Database, account_id: int) -> Account:
    with database.session() as session:
        account = session.get(Account, account_id, populate_existing=True)
        assert account is not None
        return account


def question(app: AcctmapApp) -> str:
    """The confirmation's question as shown (its words, without the table behind it)."""
    return " ".join(str(app.screen.query_one("#confirm-question").render()).split())


def field_column(app: AcctmapApp) -> list[str]:
    table = app.screen.query_one("#conflict-table", DataTable)
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


def keep_column(app: AcctmapApp) -> list[str]:
    table = app.screen.query_one("#conflict-table", DataTable)
    return [str(table.get_row_at(row)[3]) for row in range(table.row_count)]


async def industry_conflict(
    app: AcctmapApp, pilot: Pilot[object], raj: Database, account_id: int
) -> list[int | None]:
    """Type "Mining" as Industry while raj saves "Retail", then ctrl+s: the dialog opens."""
    _, results = await open_account_form(app, pilot, account_id)
    await type_into(pilot, "industry", "Mining")
    raj_saves_account(raj, account_id, industry="Retail")
    await press(pilot, "ctrl+s")
    assert isinstance(app.screen, ConflictScreen)
    assert keep_column(app) == ["yours"]
    return results


async def test_same_field_shows_both_values_and_taking_theirs_keeps_my_other_change(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with susan_app.run_test(size=SIZE) as pilot:
        form, results = await open_account_form(susan_app, pilot, acme)
        await type_into(pilot, "industry", "Mining")
        await type_into(pilot, "hq_city", "Oslo")
        raj_saves_account(raj, acme, industry="Retail")

        await press(pilot, "ctrl+s")

        assert isinstance(susan_app.screen, ConflictScreen)
        text = shown(susan_app)
        assert "Industry" in text and "Mining" in text and "Retail (raj)" in text
        assert field_column(susan_app) == ["Industry"], "only the field both changed"
        assert keep_column(susan_app) == ["yours"]
        assert stored_account(database, acme).industry == "Retail", "nothing saved yet"

        await pilot.press("t")
        assert keep_column(susan_app) == ["theirs"]
        assert "● Retail" in shown(susan_app) and "○ Mining" in shown(susan_app)
        await press(pilot, "enter")

        assert results == [acme]
        assert susan_app.screen is not form
    account = stored_account(database, acme)
    assert (account.industry, account.hq_city) == ("Retail", "Oslo")


async def test_keeping_mine_stores_mine_and_both_values_stay_in_history(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with susan_app.run_test(size=SIZE) as pilot:
        results = await industry_conflict(susan_app, pilot, raj, acme)
        await press(pilot, "y", "ctrl+s")
        assert results == [acme]
    assert stored_account(database, acme).industry == "Mining"
    with database.session() as session:
        entries = session.exec(
            select(ChangeLogEntry)
            .where(
                ChangeLogEntry.entity == "account",
                ChangeLogEntry.entity_id == str(acme),
                ChangeLogEntry.field == "industry",
            )
            .order_by(col(ChangeLogEntry.id))
        ).all()
    assert [(e.user, json.loads(e.old_value), json.loads(e.new_value)) for e in entries] == [  # type: ignore[arg-type]
        ("raj", "Logistics", "Retail"),
        ("susan", "Retail", "Mining"),
    ]


async def test_a_choice_and_enter_arriving_together_are_taken_in_order(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    """Over SSH "t" and Enter can come in one packet: Enter must not save "yours" first."""
    acme = account_ids[ACME]
    async with susan_app.run_test(size=SIZE) as pilot:
        results = await industry_conflict(susan_app, pilot, raj, acme)
        await burst(pilot, "t", "enter")
        assert results == [acme]
    assert stored_account(database, acme).industry == "Retail", "theirs, as chosen"


async def test_choosing_per_field_stores_each_choice(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with susan_app.run_test(size=SIZE) as pilot:
        _, results = await open_account_form(susan_app, pilot, acme)
        await type_into(pilot, "industry", "Mining")
        await type_into(pilot, "hq_city", "Oslo")
        raj_saves_account(raj, acme, industry="Retail", hq_city="Denver")
        await press(pilot, "ctrl+s")
        assert isinstance(susan_app.screen, ConflictScreen)
        text = shown(susan_app)
        assert text.index("HQ city") < text.index("Industry"), "the form's field order"
        assert keep_column(susan_app) == ["yours", "yours"]

        await pilot.press("space")  # HQ city: theirs
        await pilot.press("down", "right", "left")  # industry: theirs, then back to yours
        assert keep_column(susan_app) == ["theirs", "yours"]
        await press(pilot, "enter")
        assert results == [acme]
    account = stored_account(database, acme)
    assert (account.hq_city, account.industry) == ("Denver", "Mining")


async def test_escape_goes_back_to_the_form_and_a_newer_save_asks_again(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with susan_app.run_test(size=SIZE) as pilot:
        form, results = await open_account_form(susan_app, pilot, acme)
        await type_into(pilot, "industry", "Mining")
        raj_saves_account(raj, acme, industry="Retail")
        await press(pilot, "ctrl+s")
        await press(pilot, "escape")

        assert susan_app.screen is form and results == []
        assert form.query_one(f"#{field_id('industry')}", Input).value == "Mining"
        assert "Not saved: raj changed the same fields" in shown(susan_app)
        assert stored_account(database, acme).industry == "Retail"

        await press(pilot, "ctrl+s")  # asks again
        assert isinstance(susan_app.screen, ConflictScreen)
        raj_saves_account(raj, acme, industry="Energy")  # and raj saves again meanwhile
        await press(pilot, "enter")

        assert isinstance(susan_app.screen, ConflictScreen), "the dialog comes back"
        assert "Energy" in shown(susan_app) and "Retail" not in shown(susan_app)
        await press(pilot, "enter")
        assert results == [acme]
    assert stored_account(database, acme).industry == "Mining"


async def test_ascii_marks_show_the_choice_without_colour(
    database: Database, raj: Database, account_ids: dict[str, int]
) -> None:
    app = make_app(database, Settings(user="susan", ascii_only=True))
    acme = account_ids[ACME]
    async with app.run_test(size=SIZE) as pilot:
        await open_account_form(app, pilot, acme)
        await type_into(pilot, "industry", "Mining")
        raj_saves_account(raj, acme, industry="Retail")
        await press(pilot, "ctrl+s")
        text = shown(app)
        assert "(*) Mining" in text and "( ) Retail" in text
        footer = screen_text(app).splitlines()[-1]
        assert "All yours" in footer and "All theirs" in footer


# --- contacts ---------------------------------------------------------------------------


async def open_contact_form(
    app: AcctmapApp, pilot: Pilot[object], account_id: int, contact_id: int
) -> list[int | None]:
    await settle(pilot)
    results: list[int | None] = []
    form = ContactFormScreen(app.database, app.settings, account_id, contact_id)
    app.push_screen(form, results.append)
    await settle(pilot)
    assert app.screen is form
    return results


def contact_named(database: Database, name: str) -> Contact:
    with database.session() as session:
        return session.exec(select(Contact).where(Contact.name == name)).one()


def raj_saves_contact(raj: Database, contact_id: int, **values: object) -> None:
    with raj.session() as session:
        version = session.get(Contact, contact_id).version  # type: ignore[union-attr]
        update_contact(contact_id, values, expected_version=version, session=session, user="raj")
        session.commit()


async def test_contact_edits_of_different_fields_merge_without_a_dialog(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    luis = contact_named(database, "Luis Ortega")
    assert luis.id is not None
    async with susan_app.run_test(size=SIZE) as pilot:
        results = await open_contact_form(susan_app, pilot, account_ids[ACME], luis.id)
        await type_into(pilot, "title", "SVP Operations")
        raj_saves_contact(raj, luis.id, email="luis@acme.com")
        await press(pilot, "ctrl+s")
        assert results == [luis.id]
        assert not isinstance(susan_app.screen, ConflictScreen)
    stored = contact_named(database, "Luis Ortega")
    assert (stored.title, stored.email) == ("SVP Operations", "luis@acme.com")


async def test_contact_same_field_conflict_can_take_theirs(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    luis = contact_named(database, "Luis Ortega")
    assert luis.id is not None
    async with susan_app.run_test(size=SIZE) as pilot:
        results = await open_contact_form(susan_app, pilot, account_ids[ACME], luis.id)
        await type_into(pilot, "title", "SVP Operations")
        await type_into(pilot, "department", "Ops")
        raj_saves_contact(raj, luis.id, title="COO")
        await press(pilot, "ctrl+s")
        assert isinstance(susan_app.screen, ConflictScreen)
        assert "SVP Operations" in shown(susan_app) and "COO (raj)" in shown(susan_app)
        await press(pilot, "t", "enter")
        assert results == [luis.id]
    stored = contact_named(database, "Luis Ortega")
    assert (stored.title, stored.department) == ("COO", "Ops")


# --- deleting what someone just changed ---------------------------------------------------


async def test_deleting_an_account_someone_just_changed_asks_again(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    borealis = account_ids["Borealis Health"]
    async with susan_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        susan_app.query_one(AccountMapView).select_account(borealis)
        await press(pilot, "d")
        assert isinstance(susan_app.screen, ConfirmScreen)
        raj_saves_account(raj, borealis, strategy="Land via the clinics", industry="Health")

        await press(pilot, "y")

        assert isinstance(susan_app.screen, ConfirmScreen)
        text = question(susan_app)
        assert "raj changed this account just now (Strategy, Industry)." in text
        assert "Delete Borealis Health anyway?" in text
        await press(pilot, "n")
        assert stored_account(database, borealis).deleted_at is None

        await press(pilot, "d")  # asked afresh: the question says who changed it
        assert question(susan_app).startswith("raj changed this account just now")
        await press(pilot, "y")
        ids = [row.id for row in susan_app.query_one(AccountTable).rows]
        assert borealis not in ids
    assert stored_account(database, borealis).deleted_at is not None


async def test_deleting_a_contact_someone_just_changed_asks_again(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    priya = contact_named(database, "Priya Nair")
    assert priya.id is not None
    async with susan_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        susan_app.main_screen.show_account(account_ids[ACME])
        await press(pilot, "3")
        table = susan_app.query_one(PeopleView).query_one(PeopleTable)
        table.focus()
        assert table.move_to_record(priya.id)
        await settle(pilot)
        await press(pilot, "d")
        assert isinstance(susan_app.screen, ConfirmScreen)
        raj_saves_contact(raj, priya.id, title="CIO")

        await press(pilot, "y")

        assert isinstance(susan_app.screen, ConfirmScreen)
        text = question(susan_app)
        assert "raj changed this contact just now (Title)." in text
        assert "Delete Priya Nair anyway?" in text
        await press(pilot, "y")
        assert not isinstance(susan_app.screen, ConfirmScreen)
    with database.session() as session:
        assert session.get(Contact, priya.id) is None


async def yes_after_raj_saves(
    pilot: Pilot[object], raj: Database, save: Callable[[Session], object]
) -> str:
    """Answer yes to a delete while raj has just saved the record: the second question."""
    assert isinstance(pilot.app.screen, ConfirmScreen)
    with raj.session() as session:
        save(session)
        session.commit()
    await press(pilot, "y")
    assert isinstance(pilot.app.screen, ConfirmScreen), "asked once more"
    return question(pilot.app)  # type: ignore[arg-type]


async def test_deleting_a_seat_someone_just_changed_asks_again(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    with database.session() as session:
        seat = create_seat(acme, {"role_title": "CISO"}, session=session, user="susan")
        session.commit()
        seat_id, version = seat.id, seat.version
    assert seat_id is not None
    async with susan_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        susan_app.main_screen.show_account(acme)
        await press(pilot, "3")
        table = susan_app.query_one(PeopleView).query_one(PeopleTable)
        table.focus()
        assert table.move_to_record(-seat_id)  # seats are listed under minus their id
        await settle(pilot)
        await press(pilot, "d")
        text = await yes_after_raj_saves(
            pilot,
            raj,
            lambda session: update_seat(
                seat_id,
                {"role_title": "CISO (new)"},
                expected_version=version,
                session=session,
                user="raj",
            ),
        )
        assert "raj changed the seat “CISO” since you looked." in text
        assert "Delete it anyway?" in text
        await press(pilot, "y")
        assert not isinstance(susan_app.screen, ConfirmScreen)
    with database.session() as session:
        assert session.get(Seat, seat_id) is None


async def test_deleting_a_partner_someone_just_changed_asks_again(
    susan_app: AcctmapApp, raj: Database, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    with database.session() as session:
        partner = create_partner(acme, {"name": "Globex SI"}, session=session, user="susan")
        session.commit()
        partner_id, version = partner.id, partner.version
    assert partner_id is not None
    async with susan_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        susan_app.main_screen.show_account(acme)
        await press(pilot, "3")
        await press(pilot, "p")
        assert isinstance(susan_app.screen, PartnersScreen)
        await press(pilot, "d")
        text = await yes_after_raj_saves(
            pilot,
            raj,
            lambda session: update_partner(
                partner_id,
                {"notes": "Leads the rollout"},
                expected_version=version,
                session=session,
                user="raj",
            ),
        )
        assert "raj changed this partner just now (Notes)." in text
        assert "Delete “Globex SI” anyway?" in text
        await press(pilot, "n")
        assert isinstance(susan_app.screen, PartnersScreen)
        assert "Not deleted: Globex SI." in shown(susan_app)
        with database.session() as session:
            assert session.get(Partner, partner_id) is not None, "no means kept"

        await press(pilot, "d", "y")  # asked again from the list: now it goes
        assert isinstance(susan_app.screen, PartnersScreen)
        assert "Deleted Globex SI." in shown(susan_app)
    with database.session() as session:
        assert session.get(Partner, partner_id) is None
