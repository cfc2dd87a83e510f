"""The People tab's org chart and stakeholder panel, with Pilot on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlmodel import func, select
from textual.pilot import Pilot

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Contact, Relationship, TeamMember
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import RelationshipKind, Sentiment
from acctmap_tui.screens.contact_form import ContactFormScreen
from acctmap_tui.screens.pickers import ChoiceScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.org_chart import OrgChart
from acctmap_tui.widgets.people_view import PeopleTable, PeopleView
from tests.ui.helpers import SIZE, screen_text, settle

ACME = "Acme Logistics"


def _contact_id(database: Database, name: str) -> int:
    with database.session() as session:
        contact = session.exec(select(Contact).where(Contact.name == name)).one()
        assert contact.id is not None
        return contact.id


@pytest.fixture
def susan_knows_luis(database: Database, account_ids: dict[str, int]) -> None:
    """Susan (ours) has a fresh, strong relationship with Luis Ortega, the champion."""
    with database.session() as session:
        susan = session.exec(select(TeamMember).where(TeamMember.username == "susan")).one()
        session.add(
            Relationship(
                account_id=account_ids[ACME],
                kind=RelationshipKind.ENGAGEMENT,
                source_member_id=susan.id,
                target_contact_id=_contact_id(database, "Luis Ortega"),
                strength=4,
                last_touch_at=utc_now(),
            )
        )
        session.commit()


async def open_chart(app: AcctmapApp, pilot: Pilot[None], account_id: int) -> OrgChart:
    await settle(pilot)
    app.main_screen.show_account(account_id)
    await pilot.press("3")
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot, rounds=8)
    chart = app.query_one(OrgChart)
    assert app.query_one(PeopleView).chart_shown and chart.has_focus
    return chart


def panel(app: AcctmapApp) -> str:
    return str(app.query_one("#stakeholder-panel").render())


async def test_arrow_keys_walk_the_tree_and_the_panel_follows(
    database: Database, account_ids: dict[str, int], susan_knows_luis: None
) -> None:
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        chart = await open_chart(app, pilot, account_ids[ACME])
        dana, luis, priya = (
            f"c{_contact_id(database, name)}"
            for name in ("Dana Whitfield", "Luis Ortega", "Priya Nair")
        )
        assert chart.focused_key == dana  # the root: the top of the org
        assert "Dana Whitfield" in panel(app) and "Influence: #" in panel(app)
        await pilot.press("down")
        await settle(pilot)
        assert chart.focused_key == luis
        assert "Luis Ortega" in panel(app)
        assert "Warm intro: direct, Susan Park → Luis Ortega" in panel(app)
        await pilot.press("down")
        assert chart.focused_key == priya
        await pilot.press("up", "up")
        assert chart.focused_key == dana
        await pilot.press("up")  # the root has no manager: the focus stays
        assert chart.focused_key == dana
        text = screen_text(app)
        assert "Dana Whitfield" in text and "[EB]" in text


async def test_warm_path_is_drawn_with_double_borders_and_cleared_again(
    database: Database, account_ids: dict[str, int], susan_knows_luis: None
) -> None:
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        chart = await open_chart(app, pilot, account_ids[ACME])
        await pilot.press("down", "down")  # Priya: Susan → Luis → Priya
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        luis, priya = (f"c{_contact_id(database, n)}" for n in ("Luis Ortega", "Priya Nair"))
        assert chart.chart_layout  # drawn
        highlighted = set(chart.chart_layout.boxes) & {luis, priya}
        assert highlighted == {luis, priya}
        assert "╔" in chart.chart_layout.text()
        assert "Path marked" in str(app.query_one("#people-message").render())
        await pilot.press("w")
        await settle(pilot)
        assert "╔" not in chart.chart_layout.text()


async def test_what_if_shows_the_effect_and_stores_nothing(
    database: Database, account_ids: dict[str, int], susan_knows_luis: None
) -> None:
    with database.session() as session:
        before = session.exec(select(func.count()).select_from(Contact)).one()
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        await open_chart(app, pilot, account_ids[ACME])
        await pilot.press("down", "x")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # the first choice: they leave
        await settle(pilot)
        assert "What if Luis Ortega left? (nothing is saved)" in panel(app)
        assert "Lost: our way to Priya Nair" in panel(app)
        await pilot.press("x")
        await settle(pilot)
        assert "What if" not in panel(app)
        await pilot.press("x", "down", "enter")  # they turn blocker
        await settle(pilot)
        assert "What if Luis Ortega turned blocker? (nothing is saved)" in panel(app)
    with database.session() as session:
        assert session.exec(select(func.count()).select_from(Contact)).one() == before
        luis = session.get(Contact, _contact_id(database, "Luis Ortega"))
        assert luis is not None and luis.sentiment is Sentiment.STRONG_SUPPORTER


async def test_the_list_shows_each_contacts_influence_rank(
    database: Database, account_ids: dict[str, int]
) -> None:
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        app.main_screen.show_account(account_ids[ACME])
        await pilot.press("3")
        await settle(pilot, rounds=8)
        table = app.query_one("#people-table", PeopleTable)
        ranks = {
            table.get_row_at(row)[0].plain: table.get_row_at(row)[-1].plain
            for row in range(table.row_count)
        }
        # Dana Whitfield heads the org: her reports' votes rank her first.
        assert ranks["Dana Whitfield"] == "#1"
        assert sorted(ranks[name] for name in ranks if ranks[name]) == ["#1", "#2", "#3"]


async def test_enter_edits_the_focused_contact_and_the_chart_shows_the_change(
    database: Database, account_ids: dict[str, int]
) -> None:
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        chart = await open_chart(app, pilot, account_ids[ACME])
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ContactFormScreen)
        title = form.query_one("#field-title")
        title.value = "Chief of Staff"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot, rounds=8)
        assert app.screen is app.main_screen
        assert "Chief of Staff" in chart.chart_layout.text()
    with database.session() as session:
        assert session.get(Contact, _contact_id(database, "Luis Ortega")).title == "Chief of Staff"


async def test_marks_read_the_same_without_colour(
    database: Database, account_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_chart(app, pilot, account_ids[ACME])
        text = screen_text(app)
        assert "[EB]" in text and "[CH] ++" in text and "[TB] -" in text
