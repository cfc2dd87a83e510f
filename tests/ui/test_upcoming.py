"""The upcoming-dates screen: U or the palette, date order, overdue in words, Enter jumps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from textual.widgets import TabbedContent

from acctmap_tui.app import AcctmapApp
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import ActivityPlanItem, Milestone, NextAction
from acctmap_tui.domain.vocabulary import ItemStatus, MilestoneKind
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.screens.upcoming import UpcomingScreen, UpcomingTable
from tests.ui.helpers import SIZE, screen_text, settle


def _day(days: int) -> date:
    return date.today() + timedelta(days=days)


@pytest.fixture
def dated_app(app: AcctmapApp, database: Database, account_ids: dict[str, int]) -> AcctmapApp:
    """The fixture map plus open, done, far and deleted-account dates around today."""
    cobalt, borealis = account_ids["Cobalt Mining"], account_ids["Borealis Health"]
    with database.session() as session:
        session.add_all(
            [
                Milestone(
                    account_id=cobalt,
                    title="Board decision",
                    kind=MilestoneKind.DEADLINE,
                    due_on=_day(3),
                ),
                Milestone(account_id=cobalt, title="Signed already", due_on=_day(1), done=True),
                Milestone(account_id=cobalt, title="Next year", due_on=_day(45)),
                Milestone(account_id=account_ids["Ghost Corp"], title="Ghost", due_on=_day(2)),
                NextAction(account_id=borealis, description="Chase the intro", due_on=_day(-2)),
                NextAction(
                    account_id=borealis,
                    description="Done already",
                    due_on=_day(4),
                    done_at=datetime.now(UTC),
                ),
                ActivityPlanItem(
                    account_id=borealis,
                    step="Finished demo",
                    due_on=_day(5),
                    status=ItemStatus.DONE,
                    position=0,
                ),
                ActivityPlanItem(account_id=borealis, step="Pilot kickoff", due_on=_day(10)),
            ]
        )
        session.commit()
    return app


def shown_rows(app: AcctmapApp) -> list[tuple[str, ...]]:
    screen = app.screen
    assert isinstance(screen, UpcomingScreen)
    table = screen.query_one(UpcomingTable)
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


async def test_u_lists_open_dates_in_order_with_overdue_first(dated_app: AcctmapApp) -> None:
    app = dated_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        rows = shown_rows(app)
        # The fixture's compelling event (2025-10-01) is long past: overdue too.
        assert [row[4] for row in rows] == [
            "Peak season",
            "Chase the intro",
            "Board decision",
            "Pilot kickoff",
        ]
        assert rows[1] == (
            _day(-2).isoformat(),
            "! 2d overdue",
            "Borealis Health",
            "Next action",
            "Chase the intro",
            "Raj Patel",
        )
        assert rows[2][1:4] == ("in 3d", "Cobalt Mining", "Deadline")
        assert rows[0][3] == "Compelling event" and rows[0][1].startswith("! ")
        text = screen_text(app)
        assert "4 dates, 2 overdue (!)" in text
        assert "Ghost" not in text and "already" not in text and "Next year" not in text
        lines = text.splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_enter_opens_the_account_on_the_plan_sub_tab_of_the_item(
    dated_app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    app = dated_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Board decision, Cobalt Mining
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main_screen.selected_account_id == account_ids["Cobalt Mining"]
        assert app.query_one("#tabs", TabbedContent).active == "plan"
        assert app.query_one("#plan-tabs", TabbedContent).active == "plan-plan"
        assert "Cobalt Mining" in screen_text(app)
        # Again, with the Plan tab already open: the compelling event opens Impact.
        await pilot.press("U")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.main_screen.selected_account_id == account_ids["Acme Logistics"]
        assert app.query_one("#plan-tabs", TabbedContent).active == "plan-impact"


async def test_a_next_action_opens_the_accounts_tab(
    dated_app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    app = dated_app
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"upcoming dates")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UpcomingScreen)
        await pilot.press("down", "enter")  # Chase the intro, Borealis Health
        await settle(pilot)
        assert app.main_screen.selected_account_id == account_ids["Borealis Health"]
        assert app.query_one("#tabs", TabbedContent).active == "accounts"


async def test_nothing_due_says_so(empty_app: AcctmapApp) -> None:
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert "Nothing due in the next 30 days and nothing overdue." in screen_text(empty_app)
        assert shown_rows(empty_app) == []
