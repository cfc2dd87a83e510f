"""Editing people in the People tab, with Pilot at 80x24 on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Contact, Partner, Relationship, Seat, TeamMember
from acctmap_tui.data.people_store import create_relationship, update_contact
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
)
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.conflict import ConflictScreen
from acctmap_tui.screens.contact_form import ContactFormScreen, PeopleFormScreen, field_id
from acctmap_tui.screens.delete_manager import DeleteManagerScreen
from acctmap_tui.screens.partner_form import PartnerFormScreen, PartnersScreen
from acctmap_tui.screens.person_picker import PersonPickerScreen
from acctmap_tui.screens.relationship_form import RelationshipFormScreen
from acctmap_tui.screens.seat_form import SeatFormScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.people_view import PeopleTable, PeopleView, RelationshipsTable
from tests.ui.helpers import SIZE, screen_text, settle

ACME = "Acme Logistics"


@pytest.fixture
def tester_app(database: Database, account_ids: dict[str, int]) -> AcctmapApp:
    return make_app(database, Settings(user="susan"))


async def open_people(app: AcctmapApp, pilot: Pilot[None], account_id: int) -> PeopleView:
    await settle(pilot)
    app.main_screen.show_account(account_id)
    await press(pilot, "3")
    return app.query_one(PeopleView)


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys as the user would, then wait for the workers they start."""
    await pilot.press(*keys)
    await settle(pilot)


def table_rows(
    app: AcctmapApp, selector: str, kind: type[PeopleTable | RelationshipsTable]
) -> list[list[str]]:
    """Every row of a table, as the plain text of its cells."""
    table = app.query_one(selector, kind)
    return [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]


def rows(app: AcctmapApp) -> list[list[str]]:
    return table_rows(app, "#people-table", PeopleTable)


def names(app: AcctmapApp) -> list[str]:
    return [row[0] for row in rows(app)]


def message(app: AcctmapApp) -> str:
    return str(app.query_one("#people-message").render())


def form_message(app: AcctmapApp) -> str:
    return str(app.screen.query_one("#people-form-message").render())


def error_line(app: AcctmapApp, key: str) -> str:
    return str(app.screen.query_one(f"#error-{key.replace('_', '-')}").render())


async def fill(pilot: Pilot[None], values: dict[str, str]) -> None:
    """Set form fields without typing key by key (each change is validated as typed)."""
    screen = pilot.app.screen
    for key, text in values.items():
        widget = screen.query_one(f"#{field_id(key)}")
        if isinstance(widget, TextArea):
            widget.load_text(text)
        elif isinstance(widget, Select):
            widget.value = text
        else:
            assert isinstance(widget, Input)
            widget.value = text
    await pilot.pause()


async def type_into(pilot: Pilot[None], key: str, text: str) -> None:
    """Focus a one-line field, clear it and type ``text`` with the keyboard."""
    widget = pilot.app.screen.query_one(f"#{field_id(key)}", Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u", *text)
    await pilot.pause()


def contact_named(database: Database, name: str) -> Contact | None:
    with database.session() as session:
        return session.exec(select(Contact).where(Contact.name == name)).first()


def contact_id(database: Database, name: str) -> int:
    found = contact_named(database, name)
    assert found is not None and found.id is not None
    return found.id


def member_id(database: Database, name: str) -> int:
    with database.session() as session:
        member = session.exec(select(TeamMember).where(TeamMember.name == name)).one()
        assert member.id is not None
        return member.id


async def highlight(app: AcctmapApp, pilot: Pilot[None], record_id: int) -> None:
    table = app.query_one(PeopleTable)
    table.focus()
    assert table.move_to_record(record_id)
    await settle(pilot)


EVERY_FIELD = {
    "name": "Cara Diaz",
    "title": "Head of Procurement",
    "department": "Finance",
    "buying_role": "Gatekeeper",
    "influence": "4",
    "sentiment": "Supporter",
    "met": "Met",
    "reports_to": "whitfield",
    "dotted_line": "Luis",
    "email": "cara@acme.com",
    "phone": "+1 312 555 0100",
    "profile_url": "https://linkedin.com/in/cara",
    "last_contacted_at": "2031-02-03",
    "relationship_owner": "Mia Chen",
    "level_current": "Credible source",
    "level_target": "Trusted advisor",
    "notes": "Owns the vendor list.\nPrefers e-mail.",
}


async def test_a_new_contact_with_every_field_is_stored_and_shown_after_a_restart(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        await open_people(app, pilot, acme)
        await press(pilot, "n")
        assert isinstance(app.screen, ContactFormScreen)
        assert "New contact" in screen_text(app)
        await fill(pilot, EVERY_FIELD)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen.query_one(PeopleTable), PeopleTable)
        assert "Cara Diaz" in names(app)
        assert "Contact added." in message(app)

    stored = contact_named(database, "Cara Diaz")
    assert stored is not None
    assert (stored.title, stored.department, stored.buying_role, stored.influence) == (
        "Head of Procurement",
        "Finance",
        BuyingRole.GATEKEEPER,
        4,
    )
    assert (stored.sentiment, stored.met, stored.email, stored.phone) == (
        Sentiment.SUPPORTER,
        True,
        "cara@acme.com",
        "+1 312 555 0100",
    )
    assert stored.reports_to_id == contact_id(database, "Dana Whitfield")
    assert stored.dotted_line_to_id == contact_id(database, "Luis Ortega")
    assert stored.profile_url == "https://linkedin.com/in/cara"
    assert stored.last_contacted_at == datetime(2031, 2, 3, tzinfo=UTC)
    assert stored.relationship_owner_id == member_id(database, "Mia Chen")
    assert (stored.level_current, stored.level_target) == (
        RelationshipLevel.CREDIBLE_SOURCE,
        RelationshipLevel.TRUSTED_ADVISOR,
    )
    assert stored.notes == "Owns the vendor list.\nPrefers e-mail."

    again = make_app(database, Settings(user="susan"))  # a restart on the same file
    async with again.run_test(size=SIZE) as pilot:
        view = await open_people(again, pilot, acme)
        cara = contact_id(database, "Cara Diaz")
        assert "Cara Diaz" in names(again)
        view.edit_contact(cara)
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, ContactFormScreen)
        shown = screen.read_raw()
        expected = {**EVERY_FIELD, "reports_to": "Dana Whitfield", "dotted_line": "Luis Ortega"}
        assert shown == {**expected, "left_on": ""}
        assert "Edit contact: Cara Diaz" in screen_text(again)
        await press(pilot, "escape")
        assert isinstance(again.screen.query_one(PeopleView), PeopleView)


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("influence", "0", "Influence: '0' is not a whole number from 1 to 5"),
        ("influence", "6", "Influence: '6' is not a whole number from 1 to 5"),
        ("influence", "abc", "Influence: 'abc' is not a whole number from 1 to 5"),
        ("email", "cara.acme.com", "E-mail: 'cara.acme.com' is not an e-mail address"),
        ("profile_url", "www.x.com", "Profile URL: 'www.x.com' is not a web address starting"),
        ("last_contacted_at", "2031-13-01", "Last contacted: '2031-13-01' is not a real calendar"),
        ("reports_to", "Nobody", "Reports to: 'Nobody' is not the name (or part of the name)"),
    ],
)
async def test_bad_values_are_explained_as_typed_and_nothing_is_stored(
    tester_app: AcctmapApp,
    database: Database,
    account_ids: dict[str, int],
    key: str,
    text: str,
    expected: str,
) -> None:
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        await press(pilot, "n")
        await type_into(pilot, "name", "Cara Diaz")
        await type_into(pilot, key, text)
        assert error_line(tester_app, key).startswith(f"! {expected}")
        assert "1 field needs fixing" in screen_text(tester_app)
        await pilot.press("ctrl+s")  # disabled while an error shows
        await settle(pilot)
        assert isinstance(tester_app.screen, ContactFormScreen)
    assert contact_named(database, "Cara Diaz") is None


async def test_an_empty_name_is_refused_on_save(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        await press(pilot, "n")
        await type_into(pilot, "title", "CTO")
        await press(pilot, "ctrl+s")
        assert "Name: '' is not allowed: this field is required" in error_line(tester_app, "name")
        assert tester_app.focused is tester_app.screen.query_one(f"#{field_id('name')}")
    with database.session() as session:
        assert session.exec(select(Contact).where(Contact.title == "CTO")).first() is None


@pytest.mark.parametrize(
    ("who", "key", "typed", "expected"),
    [
        (
            "Dana Whitfield",
            "reports_to",
            "Dana Whitfield",
            "Reports to: Dana Whitfield → Dana Whitfield would be a cycle",
        ),
        (
            "Dana Whitfield",
            "reports_to",
            "ortega",
            "Reports to: Dana Whitfield → Luis Ortega → Dana Whitfield would be a cycle",
        ),
        (
            "Dana Whitfield",
            "reports_to",
            "priya",
            "Reports to: Dana Whitfield → Priya Nair → Luis Ortega → Dana Whitfield would be a",
        ),
        (
            "Luis Ortega",
            "dotted_line",
            "Priya",
            "Dotted-line manager: Luis Ortega → Priya Nair → Luis Ortega would be a cycle",
        ),
    ],
)
async def test_a_reporting_cycle_is_refused_in_the_form(
    tester_app: AcctmapApp,
    database: Database,
    account_ids: dict[str, int],
    who: str,
    key: str,
    typed: str,
    expected: str,
) -> None:
    before = contact_named(database, who)
    assert before is not None
    async with tester_app.run_test(size=SIZE) as pilot:
        view = await open_people(tester_app, pilot, account_ids[ACME])
        view.edit_contact(contact_id(database, who))
        await settle(pilot)
        await type_into(pilot, key, typed)
        assert expected in error_line(tester_app, key)
        await press(pilot, "ctrl+s")
        assert isinstance(tester_app.screen, ContactFormScreen)
    after = contact_named(database, who)
    assert after is not None and after.version == before.version


async def test_a_cycle_made_meanwhile_is_refused_by_the_store_with_the_same_words(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    dana = contact_id(database, "Dana Whitfield")
    with database.session() as session:
        eve = Contact(account_id=acme, name="Eve Stone", title="CEO")
        session.add(eve)
        session.commit()
        eve_id = eve.id
    assert eve_id is not None
    async with tester_app.run_test(size=SIZE) as pilot:
        view = await open_people(tester_app, pilot, acme)
        view.edit_contact(eve_id)
        await settle(pilot)
        await type_into(pilot, "reports_to", "Priya")  # fine when the form checks it
        assert error_line(tester_app, "reports_to") == ""
        # Meanwhile someone else makes Dana (Priya's manager's manager) report to Eve.
        with database.session() as session:
            update_contact(
                dana, {"reports_to_id": eve_id}, expected_version=None, session=session, user="mia"
            )
            session.commit()
        await press(pilot, "ctrl+s")
        assert isinstance(tester_app.screen, ContactFormScreen)
        text = form_message(tester_app)
        assert text.startswith("Not saved: Reports to: Eve Stone → Priya Nair → Luis Ortega")
        assert "→ Dana Whitfield → Eve Stone would be a cycle" in text
    stored = contact_named(database, "Eve Stone")
    assert stored is not None and stored.reports_to_id is None


async def test_a_stale_edit_of_the_same_field_asks_and_keeping_mine_overwrites_knowingly(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    luis = contact_id(database, "Luis Ortega")
    async with tester_app.run_test(size=SIZE) as pilot:
        view = await open_people(tester_app, pilot, account_ids[ACME])
        view.edit_contact(luis)
        await settle(pilot)
        with database.session() as session:
            update_contact(luis, {"title": "COO"}, expected_version=1, session=session, user="mia")
            session.commit()
        await type_into(pilot, "title", "SVP Operations")
        await press(pilot, "ctrl+s")
        assert isinstance(tester_app.screen, ConflictScreen)
        text = screen_text(tester_app)
        assert "SVP Operations" in text and "COO" in text and "mia" in text
        stored = contact_named(database, "Luis Ortega")
        assert stored is not None and stored.title == "COO"
        await press(pilot, "y", "enter")  # keep mine
        assert not isinstance(tester_app.screen, PeopleFormScreen | ConflictScreen)
    stored = contact_named(database, "Luis Ortega")
    assert stored is not None and stored.title == "SVP Operations"


async def test_reports_to_can_be_picked_by_typing_part_of_a_name(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    priya = contact_id(database, "Priya Nair")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        await highlight(tester_app, pilot, priya)
        await press(pilot, "e")
        tester_app.screen.query_one(f"#{field_id('reports_to')}").focus()
        await press(pilot, "ctrl+o")
        assert isinstance(tester_app.screen, PersonPickerScreen)
        await pilot.press("end", "ctrl+u", *"whit")
        await pilot.pause()
        assert "Dana Whitfield" in screen_text(tester_app)
        assert "Luis Ortega" not in screen_text(tester_app)
        await press(pilot, "enter")
        field = tester_app.screen.query_one(f"#{field_id('reports_to')}", Input)
        assert field.value == "Dana Whitfield"
        await press(pilot, "ctrl+s")
        assert rows(tester_app)[2][4] == "Dana Whitfield"
    stored = contact_named(database, "Priya Nair")
    assert stored is not None and stored.reports_to_id == contact_id(database, "Dana Whitfield")


async def test_deleting_a_manager_moves_reports_up_and_u_undoes_it(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    luis, dana = contact_id(database, "Luis Ortega"), contact_id(database, "Dana Whitfield")
    priya = contact_id(database, "Priya Nair")
    with database.session() as session:
        create_relationship(
            account_ids[ACME],
            {
                "kind": RelationshipKind.ENGAGEMENT,
                "source_member_id": member_id(database, "Susan Park"),
                "target_contact_id": luis,
                "strength": 4,
            },
            session=session,
            user="seed",
        )
        session.commit()
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        await highlight(tester_app, pilot, luis)
        await press(pilot, "d")
        assert isinstance(tester_app.screen, DeleteManagerScreen)
        text = screen_text(tester_app)
        assert "Luis Ortega has direct reports: Priya Nair" in text
        assert "To Dana Whitfield (m)" in text
        await press(pilot, "m")
        assert names(tester_app) == ["Dana Whitfield", "Priya Nair"]
        assert rows(tester_app)[1][4] == "Dana Whitfield"
        assert "Deleted Luis Ortega; Priya Nair now report to Dana Whitfield" in message(tester_app)
        assert contact_named(database, "Luis Ortega") is None

        await press(pilot, "u")
        assert names(tester_app) == ["Dana Whitfield", "Luis Ortega", "Priya Nair"]
        assert "Restored Luis Ortega." in message(tester_app)
    restored = contact_named(database, "Luis Ortega")
    assert restored is not None and restored.id == luis and restored.reports_to_id == dana
    assert contact_named(database, "Priya Nair").reports_to_id == luis  # type: ignore[union-attr]
    with database.session() as session:
        [relationship] = session.exec(
            select(Relationship).where(Relationship.target_contact_id == luis)
        ).all()
        assert relationship.strength == 4
    assert priya


async def test_deleting_a_manager_can_leave_reports_as_roots_or_be_cancelled(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    luis = contact_id(database, "Luis Ortega")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        await highlight(tester_app, pilot, luis)
        await press(pilot, "d")
        await pilot.press("escape")  # cancel: nothing happens
        await settle(pilot)
        assert "Luis Ortega was not deleted." in message(tester_app)
        assert contact_named(database, "Luis Ortega") is not None

        await press(pilot, "d")
        await press(pilot, "r")
        assert "Priya Nair are now roots" in message(tester_app)
        assert names(tester_app) == ["Dana Whitfield", "Priya Nair"]
    assert contact_named(database, "Luis Ortega") is None
    assert contact_named(database, "Priya Nair").reports_to_id is None  # type: ignore[union-attr]


async def test_a_contact_without_reports_asks_a_plain_yes_or_no(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    priya = contact_id(database, "Priya Nair")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        await highlight(tester_app, pilot, priya)
        await press(pilot, "d")
        assert isinstance(tester_app.screen, ConfirmScreen)
        await press(pilot, "n")
        assert contact_named(database, "Priya Nair") is not None
        await press(pilot, "d")
        await press(pilot, "y")
        assert "Priya Nair" not in names(tester_app)
    assert contact_named(database, "Priya Nair") is None


def relationship_rows(app: AcctmapApp) -> list[list[str]]:
    return table_rows(app, "#relationships-table", RelationshipsTable)


async def test_relationships_of_every_kind_are_added_edited_and_deleted(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    dana = contact_id(database, "Dana Whitfield")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, acme)
        # A partner first, so it can influence someone.
        await press(pilot, "p")
        assert isinstance(tester_app.screen, PartnersScreen)
        await press(pilot, "n")
        assert isinstance(tester_app.screen, PartnerFormScreen)
        await fill(pilot, {"name": "Globex SI", "kind": "Systems integrator", "influence": "4"})
        await press(pilot, "ctrl+s")
        assert "Globex SI" in screen_text(tester_app)
        await press(pilot, "escape")

        await highlight(tester_app, pilot, dana)
        for type_label, source, strength in [
            ("Our team member engages contact", "", "4"),  # defaults to the user: Susan Park
            ("Contact knows contact", "luis", "3"),
            ("Partner influences contact", "globex", "5"),
        ]:
            await press(pilot, "r")
            assert isinstance(tester_app.screen, RelationshipFormScreen)
            screen = tester_app.screen
            assert screen.query_one(f"#{field_id('target')}", Input).value == "Dana Whitfield"
            values = {"type": type_label, "strength": strength, "last_touch_at": "2031-01-05"}
            if source:
                values["source"] = source
            await fill(pilot, values)
            await press(pilot, "ctrl+s")
            assert not isinstance(tester_app.screen, PeopleFormScreen), form_message(tester_app)

        assert relationship_rows(tester_app) == [
            ["Susan Park (us)", "engages", "Dana Whitfield", "4/5", "2031-01-05"],
            ["Luis Ortega", "knows", "Dana Whitfield", "3/5", "2031-01-05"],
            ["Globex SI (partner)", "influences", "Dana Whitfield", "5/5", "2031-01-05"],
        ]
        assert "Relationships of Dana Whitfield" in screen_text(tester_app)

        # Edit the contact-to-contact one: it becomes influence, strength 2.
        table = tester_app.query_one(RelationshipsTable)
        table.focus()
        table.move_cursor(row=1)
        await press(pilot, "enter")
        await fill(pilot, {"type": "Contact influences contact", "strength": "2"})
        await press(pilot, "ctrl+s")
        assert relationship_rows(tester_app)[1][1:4] == ["influences", "Dana Whitfield", "2/5"]

        # Delete the partner's, after confirming.
        table.focus()
        table.move_cursor(row=2)
        await press(pilot, "d")
        assert isinstance(tester_app.screen, ConfirmScreen)
        await press(pilot, "y")
        assert len(relationship_rows(tester_app)) == 2

    with database.session() as session:
        stored = session.exec(select(Relationship).order_by(Relationship.id)).all()
        partner = session.exec(select(Partner)).one()
    assert [(r.kind, r.strength) for r in stored] == [
        (RelationshipKind.ENGAGEMENT, 4),
        (RelationshipKind.INFLUENCES, 2),
    ]
    assert stored[0].source_member_id == member_id(database, "Susan Park")
    assert stored[1].source_contact_id == contact_id(database, "Luis Ortega")
    assert (partner.name, partner.kind, partner.influence) == ("Globex SI", "Systems integrator", 4)


async def test_a_seat_is_added_filled_and_vacant_again_when_its_holder_leaves(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    priya = contact_id(database, "Priya Nair")
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, acme)
        await press(pilot, "s")
        assert isinstance(tester_app.screen, SeatFormScreen)
        await fill(pilot, {"role_title": "CISO", "buying_role": "Technical buyer"})
        await type_into(pilot, "reports_to", "dana")
        await press(pilot, "ctrl+s")
        assert rows(tester_app)[-1] == [
            "CISO — unknown",
            "(seat)",
            "Technical buyer",
            "—",
            "Dana Whitfield",
            "—",
            "—",  # a seat has no influence rank
        ]
        assert "CISO —" in screen_text(tester_app)  # the name column may be squeezed

        # Fill it: Enter on the seat row edits it.
        await press(pilot, "end", "enter")
        assert isinstance(tester_app.screen, SeatFormScreen)
        await type_into(pilot, "filled_by", "priya")
        await press(pilot, "ctrl+s")
        assert rows(tester_app)[-1][0] == "CISO — Priya Nair"

        # Priya leaves: the seat stays and is vacant again.
        view = tester_app.query_one(PeopleView)
        view.edit_contact(priya)
        await settle(pilot)
        await type_into(pilot, "left_on", "2031-04-30")
        await press(pilot, "ctrl+s")
        assert rows(tester_app)[-1][0] == "CISO — unknown"
        assert "Priya Nair (left 2031-04-30)" in names(tester_app)

    with database.session() as session:
        seat = session.exec(select(Seat)).one()
    assert (seat.role_title, seat.contact_id, seat.buying_role) == (
        "CISO",
        None,
        BuyingRole.TECHNICAL_BUYER,
    )
    assert contact_named(database, "Priya Nair").left_on == date(2031, 4, 30)  # type: ignore[union-attr]


async def test_a_seat_is_vacant_again_when_its_holder_is_deleted(
    tester_app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    priya = contact_id(database, "Priya Nair")
    with database.session() as session:
        session.add(Seat(account_id=account_ids[ACME], role_title="CISO", contact_id=priya))
        session.commit()
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        assert rows(tester_app)[-1][0] == "CISO — Priya Nair"
        await highlight(tester_app, pilot, priya)
        await press(pilot, "d")
        await press(pilot, "y")
        assert rows(tester_app)[-1][0] == "CISO — unknown"
        assert "vacant again: CISO" in message(tester_app)
    with database.session() as session:
        assert session.exec(select(Seat)).one().contact_id is None


async def test_the_footer_explains_the_people_keys(
    tester_app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with tester_app.run_test(size=SIZE) as pilot:
        await open_people(tester_app, pilot, account_ids[ACME])
        text = screen_text(tester_app)
        for expected in ["n New", "e Edit", "d Delete", "r Relationship", "s Seat", "p Partners"]:
            assert expected in text, expected
