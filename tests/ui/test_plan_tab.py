"""The Plan tab, driven with the keyboard at 80x24 on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import Input, Select, TabbedContent, Tabs, TextArea

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountPlan,
    AccountProblem,
    AccountSolution,
    ActivityPlanItem,
    ChangeLogEntry,
    Competitor,
    Concern,
    DiscoveryQuestion,
    Milestone,
)
from acctmap_tui.domain.plan_fields import PLAN_FIELDS_BY_KEY
from acctmap_tui.domain.vocabulary import ConcernStatus, ItemStatus, TargetType
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.conflict import ConflictScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.plan_list import PlanItemScreen, PlanListPanel
from acctmap_tui.widgets.plan_prompt import SaveDiscardCancelScreen
from acctmap_tui.widgets.plan_view import PlanView
from tests.ui.conftest import USER
from tests.ui.helpers import SIZE, screen_text, settle

ACME = "Acme Logistics"


def shown(app: AcctmapApp) -> str:
    """The screen's words with borders and line breaks removed, so wrapped text matches."""
    return " ".join(screen_text(app).replace("│", " ").split())


def plan_app(database: Database) -> AcctmapApp:
    return make_app(database, Settings(user=USER))


async def open_plan(app: AcctmapApp, pilot: Pilot[object], account_id: int) -> PlanView:
    """Select the account, show the Plan tab and wait for the plan to load."""
    await settle(pilot)
    app.main_screen.show_account(account_id)
    await pilot.press("2")  # the plan editor is mounted the first time its tab shows
    await settle(pilot)
    assert app.query_one("#tabs", TabbedContent).active == "plan"
    return app.query_one(PlanView)


async def show_pane(app: AcctmapApp, pilot: Pilot[object], pane: str) -> None:
    """Show a sub-tab as the keyboard would: the focus goes to the sub-tabs' bar."""
    tabs = app.query_one("#plan-tabs", TabbedContent)
    tabs.active = f"plan-{pane}"
    tabs.query_one(Tabs).focus()
    await pilot.pause()


async def type_into(app: AcctmapApp, pilot: Pilot[object], key: str, text: str) -> None:
    """Show the field's pane, focus it, clear it with the keyboard and type ``text``."""
    plan_field = PLAN_FIELDS_BY_KEY[key]
    await show_pane(app, pilot, plan_field.pane.value)
    widget = app.query_one(f"#{plan_field.widget_id}")
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Input):
        await pilot.press("end", "ctrl+u")
    elif isinstance(widget, TextArea):
        widget.select_all()
        await pilot.press("backspace")
    await pilot.press(*text)
    await pilot.pause()


async def choose(app: AcctmapApp, pilot: Pilot[object], key: str, label: str) -> None:
    plan_field = PLAN_FIELDS_BY_KEY[key]
    await show_pane(app, pilot, plan_field.pane.value)
    app.query_one(f"#{plan_field.widget_id}", Select).value = label
    await pilot.pause()


def field_text(app: AcctmapApp, key: str) -> str:
    widget = app.query_one(f"#{PLAN_FIELDS_BY_KEY[key].widget_id}")
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    assert isinstance(widget, Select)
    return "" if widget.is_blank() else str(widget.value)


async def fill_item(pilot: Pilot[object], values: dict[str, str]) -> None:
    """In the open item editor: type into text fields, choose in selects, keep (ctrl+s)."""
    screen = pilot.app.screen
    assert isinstance(screen, PlanItemScreen)
    for column, text in values.items():
        widget = screen.query_one(f"#item-{column.replace('_', '-')}")
        if isinstance(widget, Select):
            widget.value = text
            continue
        widget.focus()
        await pilot.pause()
        if isinstance(widget, Input):
            await pilot.press("end", "ctrl+u")
        elif isinstance(widget, TextArea):
            widget.select_all()
            await pilot.press("backspace")
        await pilot.press(*text)
    await pilot.press("ctrl+s")
    await pilot.pause()


def panel(app: AcctmapApp, kind: str) -> PlanListPanel:
    return app.query_one(f"#plan-list-{kind}", PlanListPanel)


async def focus_list(app: AcctmapApp, pilot: Pilot[object], kind: str, pane: str) -> None:
    await show_pane(app, pilot, pane)
    panel(app, kind).table.focus()
    await pilot.pause()


async def test_every_pane_is_saved_with_ctrl_s_and_shown_again_in_a_new_app(
    database: Database, db_path: Path, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, acme)
        assert not view.is_dirty
        await type_into(app, pilot, "account.annual_revenue", "1.2M")
        await type_into(app, pilot, "account.revenue_growth", "12%")
        await type_into(app, pilot, "account.website", "acme.com")
        await type_into(app, pilot, "account.customers", "Walmart")
        assert view.is_dirty
        assert "● unsaved: Overview" in shown(app)
        await type_into(app, pilot, "problem.statement", "Empty miles")
        await choose(app, pilot, "problem.confirmed", "Yes")
        await type_into(app, pilot, "problem.confirmed_by", "Luis Ortega")
        await type_into(app, pilot, "problem.confirmed_on", "2026-02-03")
        await type_into(app, pilot, "impact.timeline", "Before peak season")
        await type_into(app, pilot, "impact.value_amount", "250k")
        await type_into(app, pilot, "impact.value_description", "Fuel savings")
        await type_into(app, pilot, "impact.validated_on", "2026-03-01")
        await type_into(app, pilot, "solution.use_case_scope", "Routing for 3 depots")
        await type_into(app, pilot, "solution.next_best_alternative", "Status quo")
        await type_into(app, pilot, "solution.customer_since", "2019-05-01")
        await type_into(app, pilot, "plan.strategy_short_term", "Win the pilot")
        await type_into(app, pilot, "plan.escalation_path", "VP Sales then CRO")
        await type_into(app, pilot, "plan.activity_plan_approved_by", "Dana Whitfield")
        await type_into(app, pilot, "plan.activity_plan_approved_on", "2026-04-01")
        assert "● unsaved: Overview, Problem, Impact, Solution, Plan" in shown(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not view.is_dirty
        assert "Saved." in shown(app)
        assert "unsaved" not in shown(app)
        assert field_text(app, "account.annual_revenue") == "1,200,000"

    with database.session() as session:
        account = session.get(Account, acme)
        problem = session.get(AccountProblem, acme)
        impact = session.get(AccountImpact, acme)
        solution = session.get(AccountSolution, acme)
        plan = session.get(AccountPlan, acme)
    assert account is not None and problem and impact and solution and plan
    assert account.annual_revenue == Decimal("1200000.00")
    assert account.revenue_growth == 0.12
    assert account.website == "acme.com"
    assert problem.statement == "Empty miles" and problem.confirmed is True
    assert problem.confirmed_on == date(2026, 2, 3)
    assert impact.value_amount == Decimal("250000.00")
    assert impact.validated_on == date(2026, 3, 1)
    assert solution.customer_since == date(2019, 5, 1)
    assert plan.activity_plan_approved_by == "Dana Whitfield"
    with database.session() as session:
        users = set(
            session.exec(
                select(ChangeLogEntry.user).where(ChangeLogEntry.entity == "account_problem")
            )
        )
    assert users == {USER}  # every write recorded history, under the user at the keyboard

    again = open_database(db_path)
    try:
        second = plan_app(again)
        async with second.run_test(size=SIZE) as pilot:
            await open_plan(second, pilot, acme)
            assert "1,200,000" in shown(second) and "acme.com" in shown(second)
            await show_pane(second, pilot, "problem")
            assert "Empty miles" in shown(second) and "2026-02-03" in shown(second)
            assert field_text(second, "problem.confirmed") == "Yes"
            await show_pane(second, pilot, "impact")
            assert "250,000" in shown(second) and "Fuel savings" in shown(second)
            await show_pane(second, pilot, "solution")
            assert "Routing for 3 depots" in shown(second)
            assert field_text(second, "solution.customer_since") == "2019-05-01"
            await show_pane(second, pilot, "plan")
            assert "Win the pilot" in shown(second)
            assert field_text(second, "plan.activity_plan_approved_on") == "2026-04-01"
    finally:
        again.close()


async def test_a_bad_date_is_explained_inline_and_nothing_is_written(
    database: Database, account_ids: dict[str, int]
) -> None:
    borealis = account_ids["Borealis Health"]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, borealis)
        await type_into(app, pilot, "problem.statement", "Long waits")
        await type_into(app, pilot, "problem.confirmed_on", "2026-13-45")
        text = shown(app)
        assert "! Confirmed on: '2026-13-45' is not a real calendar date" in text
        await show_pane(app, pilot, "overview")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.query_one("#plan-tabs", TabbedContent).active == "plan-problem"
        assert "Not saved: 1 field needs fixing" in shown(app)
        assert view.is_dirty
        assert field_text(app, "problem.statement") == "Long waits"
    with database.session() as session:
        assert session.get(AccountProblem, borealis) is None


async def test_discovery_answers_and_custom_questions(
    database: Database, account_ids: dict[str, int]
) -> None:
    borealis = account_ids["Borealis Health"]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, borealis)
        await focus_list(app, pilot, "questions", "problem")
        assert panel(app, "questions").table.row_count == 7
        await pilot.press("enter")  # edit the first standard question
        assert isinstance(app.screen, PlanItemScreen)
        assert app.screen.query_one("#item-question", TextArea).disabled
        await fill_item(pilot, {"answer": "Staff shortages"})
        await pilot.press("n")
        await fill_item(pilot, {"question": "Who signs?", "answer": "The CFO"})
        await pilot.press("d", "y")  # custom questions can go; this one is kept
        await pilot.pause()
        assert panel(app, "questions").table.row_count == 7
        await pilot.press("n")
        await fill_item(pilot, {"question": "Who signs?", "answer": "The CFO"})
        assert "● unsaved: Problem" in shown(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    with database.session() as session:
        stored = list(
            session.exec(
                select(DiscoveryQuestion)
                .where(DiscoveryQuestion.account_id == borealis)
                .order_by(DiscoveryQuestion.position)
            )
        )
    assert len(stored) == 8
    assert stored[0].answer == "Staff shortages" and stored[0].is_standard
    assert (stored[7].question, stored[7].answer, stored[7].is_standard) == (
        "Who signs?",
        "The CFO",
        False,
    )


async def test_list_add_edit_reorder_and_delete_with_confirmation(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, acme)
        await focus_list(app, pilot, "activities", "plan")
        await pilot.press("n")
        await fill_item(
            pilot,
            {
                "step": "Demo",
                "our_owner_id": "Mia Chen",
                "their_owner_id": "Luis Ortega",
                "due_on": "2026-05-01",
            },
        )
        await pilot.press("n")
        await fill_item(pilot, {"step": "Proposal", "status": ItemStatus.IN_PROGRESS.label})
        await pilot.press("n")
        await fill_item(pilot, {"step": "Kill me"})
        table = panel(app, "activities").table
        assert table.row_count == 3
        # Delete asks first; "n" keeps the item.
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert table.row_count == 3
        await pilot.press("d")
        await pilot.press("y")
        assert table.row_count == 2
        # Edit the highlighted (now "Proposal") and move it above "Demo".
        await pilot.press("e")
        await fill_item(pilot, {"step": "Proposal v2"})
        await pilot.press("ctrl+up")
        assert [i.texts["step"] for i in panel(app, "activities").items] == [
            "Proposal v2",
            "Demo",
        ]
        # A bad date in the item editor is refused there.
        await pilot.press("n")
        await fill_item(pilot, {"step": "Later", "due_on": "someday"})
        assert isinstance(app.screen, PlanItemScreen)
        assert "'someday' is not a date" in shown(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # discard what was typed
        await pilot.pause()
        # Milestones too.
        await focus_list(app, pilot, "milestones", "plan")
        await pilot.press("n")
        await fill_item(pilot, {"title": "QBR", "due_on": "2026-06-30"})
        assert view.is_dirty
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not view.is_dirty
    with database.session() as session:
        items = list(
            session.exec(
                select(ActivityPlanItem)
                .where(ActivityPlanItem.account_id == acme)
                .order_by(ActivityPlanItem.position)
            )
        )
        milestones = list(session.exec(select(Milestone).where(Milestone.account_id == acme)))
    assert [(i.step, i.position) for i in items] == [("Proposal v2", 0), ("Demo", 1)]
    assert items[0].status is ItemStatus.IN_PROGRESS
    assert items[1].due_on == date(2026, 5, 1)
    assert items[1].our_owner_id is not None and items[1].their_owner_id is not None
    assert [(m.title, m.due_on) for m in milestones] == [("QBR", date(2026, 6, 30))]


async def test_solution_lists_competitors_and_concerns(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, acme)
        await focus_list(app, pilot, "competitors", "solution")
        assert panel(app, "competitors").table.row_count == 2
        await pilot.press("e")
        await fill_item(
            pilot, {"strengths": "Cheap", "weaknesses": "No API", "their_position": "Incumbent"}
        )
        await pilot.press("ctrl+down")
        await focus_list(app, pilot, "concerns", "solution")
        await pilot.press("n")
        await fill_item(
            pilot,
            {"concern": "Security", "response": "SOC 2", "status": ConcernStatus.ANSWERED.label},
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    with database.session() as session:
        competitors = list(
            session.exec(
                select(Competitor)
                .where(Competitor.account_id == acme)
                .order_by(Competitor.position)
            )
        )
        [concern] = session.exec(select(Concern)).all()
    assert [c.name for c in competitors] == ["In-house scripts", "RouteMax"]
    assert competitors[1].weaknesses == "No API"
    assert competitors[1].their_position == "Incumbent"
    assert concern.status is ConcernStatus.ANSWERED and concern.response == "SOC 2"


async def test_existing_customer_fields_only_for_existing_customers(
    database: Database, account_ids: dict[str, int]
) -> None:
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, account_ids["Borealis Health"])
        await show_pane(app, pilot, "solution")
        assert not app.query_one("#plan-existing-customer").display
        assert "Renewal date" not in shown(app)
        await choose(app, pilot, "account.target_type", TargetType.EXISTING_CUSTOMER.label)
        await show_pane(app, pilot, "solution")
        assert app.query_one("#plan-existing-customer").display
        view.discard()
        await pilot.pause()
        assert not app.query_one("#plan-existing-customer").display
        app.main_screen.show_account(account_ids[ACME])
        await settle(pilot)
        await show_pane(app, pilot, "solution")
        assert app.query_one("#plan-existing-customer").display


@pytest.fixture
def impatient(db_path: Path, database: Database):  # type: ignore[no-untyped-def]
    handle = open_database(db_path, busy_timeout_ms=200)
    yield handle
    handle.close()


async def test_a_locked_database_keeps_the_edits_and_says_why(
    impatient: Database, database: Database, db_path: Path, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    app = plan_app(impatient)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, acme)
        await type_into(app, pilot, "impact.driving_factors", "Fuel prices")
        impatient.engine.dispose()
        database.engine.dispose()
        blocker = sqlite3.connect(db_path, isolation_level=None)
        try:
            blocker.execute("BEGIN EXCLUSIVE")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "is locked by another process (it has been busy for 0.2 s)" in shown(app)
            assert field_text(app, "impact.driving_factors") == "Fuel prices"
            assert view.is_dirty
        finally:
            blocker.rollback()
            blocker.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not view.is_dirty
    with impatient.session() as session:
        impact = session.get(AccountImpact, acme)
        assert impact is not None and impact.driving_factors == "Fuel prices"


async def _raj_saves_the_problem(database: Database, acme: int, statement: str) -> None:
    from acctmap_tui.data.plan_store import PlanChanges, load_plan, save_plan
    from acctmap_tui.domain.plan_fields import PlanRecord

    with database.session() as session:
        versions = load_plan(acme, session=session).versions
        save_plan(
            acme,
            PlanChanges(records={PlanRecord.PROBLEM: {"statement": statement}}),
            expected_versions=versions,
            session=session,
            user="raj",
        )
        session.commit()


@pytest.mark.parametrize(("key", "kept"), [("enter", "Mine"), ("t", "Theirs")])
async def test_the_same_field_changed_by_someone_else_asks_field_by_field(
    database: Database, account_ids: dict[str, int], key: str, kept: str
) -> None:
    acme = account_ids[ACME]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, acme)
        await type_into(app, pilot, "problem.statement", "Mine")
        await type_into(app, pilot, "impact.timeline", "Q3")
        await _raj_saves_the_problem(database, acme, "Theirs")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        text = shown(app)
        assert "Problem statement" in text and "Mine" in text and "Theirs" in text
        assert "raj" in text
        with database.session() as session:  # nothing written while the question is open
            assert session.get(AccountImpact, acme).timeline is None  # type: ignore[union-attr]

        await pilot.press("escape")  # back to the plan: edits kept, nothing saved
        await settle(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert view.is_dirty and field_text(app, "problem.statement") == "Mine"

        await pilot.press("ctrl+s")  # the question comes back
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        if key != "enter":
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        assert not view.is_dirty
        assert field_text(app, "problem.statement") == kept
    with database.session() as session:
        assert session.get(AccountProblem, acme).statement == kept  # type: ignore[union-attr]
        assert session.get(AccountImpact, acme).timeline == "Q3"  # type: ignore[union-attr]
        # Both values are in the history, whichever was kept.
        statements = session.exec(
            select(ChangeLogEntry.new_value).where(ChangeLogEntry.field == "statement")
        ).all()
    assert '"Theirs"' in statements
    assert ('"Mine"' in statements) is (kept == "Mine")


async def test_switching_account_with_unsaved_edits_asks_save_discard_cancel(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme, borealis = account_ids[ACME], account_ids["Borealis Health"]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, acme)
        await type_into(app, pilot, "account.industry", "Freight")
        app.main_screen.show_account(borealis)
        await settle(pilot)
        assert isinstance(app.screen, SaveDiscardCancelScreen)
        await pilot.press("c")
        await settle(pilot)
        assert field_text(app, "account.industry") == "Freight" and view.is_dirty
        assert "Still showing Acme Logistics's plan" in shown(app)
        # Asked again through the public helper: save this time.
        left: list[bool] = []
        view.ask_to_leave(lambda: left.append(True))
        await pilot.pause()
        assert isinstance(app.screen, SaveDiscardCancelScreen)
        await pilot.press("s")
        await settle(pilot)
        assert left == [True] and not view.is_dirty
    with database.session() as session:
        assert session.get(Account, acme).industry == "Freight"  # type: ignore[union-attr]


async def test_team_roles_on_the_overview(database: Database, account_ids: dict[str, int]) -> None:
    from acctmap_tui.data.models import AccountTeam
    from acctmap_tui.domain.vocabulary import TeamRole

    acme = account_ids[ACME]
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, acme)
        await focus_list(app, pilot, "team", "overview")
        await pilot.press("n")
        await fill_item(pilot, {"member_id": "Raj Patel", "role": TeamRole.SDR.label})
        await pilot.press("n")
        await fill_item(
            pilot, {"member_id": "Mia Chen", "role": TeamRole.SOLUTIONS_ARCHITECT.label}
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        rows = [i.texts for i in panel(app, "team").items]
        assert rows == [
            {"member_id": "Raj Patel", "role": "SDR"},
            {"member_id": "Mia Chen", "role": "Solutions architect"},
        ]
    with database.session() as session:
        roles = {row.role for row in session.exec(select(AccountTeam))}
    assert roles == {TeamRole.SDR, TeamRole.SOLUTIONS_ARCHITECT}


async def test_no_color_marks_unsaved_in_words_and_fits_80x24(
    monkeypatch: pytest.MonkeyPatch, database: Database, account_ids: dict[str, int]
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, account_ids[ACME])
        await type_into(app, pilot, "account.hq_city", "Detroit")
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        assert "● unsaved: Overview (ctrl+s saves)" in screen_text(app)
        assert "Overview ●" in screen_text(app)
        assert "Save plan" in lines[-1]


async def test_the_health_checklist_lists_findings_and_jumps_to_the_fix(
    database: Database, account_ids: dict[str, int]
) -> None:
    from acctmap_tui.widgets.plan_health_list import PlanHealthList

    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_plan(app, pilot, account_ids["Acme Logistics"])
        await settle(pilot)
        checklist = app.query_one(PlanHealthList)
        lines = [
            str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)
        ]
        assert lines[0].startswith("Plan ") and "complete" in lines[0]
        discovery = next(i for i, line in enumerate(lines) if "No discovery answers" in line)
        assert "(→ Problem)" in lines[discovery]
        checklist.focus()
        checklist.highlighted = discovery
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#plan-tabs", TabbedContent).active == "plan-problem"


async def test_quitting_with_unsaved_plan_edits_asks_first(
    database: Database, account_ids: dict[str, int]
) -> None:
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, account_ids[ACME])
        await type_into(app, pilot, "account.industry", "Rail")
        await app.run_action("quit")
        await settle(pilot)
        assert isinstance(app.screen, SaveDiscardCancelScreen)
        await pilot.press("c")  # cancel: keep working
        await settle(pilot)
        assert app.is_running and field_text(app, "account.industry") == "Rail"
        await app.run_action("quit")
        await settle(pilot)
        await pilot.press("s")  # save, then quit
        await settle(pilot)
    assert not app.is_running
    with database.session() as session:
        assert session.get(Account, account_ids[ACME]).industry == "Rail"  # type: ignore[union-attr]


def _raj_edits_competitor(database: Database, acme: int, name: str, **values: str) -> None:
    """Raj saves one competitor of the plan (as his app would: the whole list, in order)."""
    from acctmap_tui.data.plan_store import (
        ItemChange,
        ListChanges,
        PlanChanges,
        load_plan,
        save_plan,
    )
    from acctmap_tui.domain.plan_fields import PlanList

    with database.session() as session:
        versions = load_plan(acme, session=session).versions
        rows = session.exec(
            select(Competitor).where(Competitor.account_id == acme).order_by(Competitor.position)
        ).all()
        items = [ItemChange(row.id, dict(values) if row.name == name else {}) for row in rows]
        save_plan(
            acme,
            PlanChanges(lists={PlanList.COMPETITORS: ListChanges(items)}),
            expected_versions=versions,
            session=session,
            user="raj",
        )
        session.commit()


def _route_max(database: Database, acme: int) -> Competitor:
    with database.session() as session:
        return session.exec(
            select(Competitor).where(Competitor.account_id == acme, Competitor.name == "RouteMax")
        ).one()


@asynccontextmanager
async def editing_route_max(
    database: Database, acme: int
) -> AsyncIterator[tuple[AcctmapApp, Pilot[object], PlanView]]:
    """The plan's competitors, with RouteMax (the first) open in the item editor."""
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, acme)
        await focus_list(app, pilot, "competitors", "solution")
        await pilot.press("e")
        yield app, pilot, view


async def test_a_list_item_changed_meanwhile_in_other_fields_is_merged(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with editing_route_max(database, acme) as (app, pilot, view):
        await fill_item(pilot, {"strengths": "Cheap"})
        _raj_edits_competitor(database, acme, "RouteMax", weaknesses="Slow support")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictScreen), "nothing to decide"
        assert "Saved (merged with a change made meanwhile)." in shown(app)
        assert not view.is_dirty
    route_max = _route_max(database, acme)
    assert (route_max.strengths, route_max.weaknesses) == ("Cheap", "Slow support")


@pytest.mark.parametrize(("keys", "kept"), [((), "No API"), (("t",), "Slow support")])
async def test_a_list_item_field_both_changed_asks_in_the_conflict_dialog(
    database: Database, account_ids: dict[str, int], keys: tuple[str, ...], kept: str
) -> None:
    acme = account_ids[ACME]
    async with editing_route_max(database, acme) as (app, pilot, view):
        await fill_item(pilot, {"strengths": "Cheap", "weaknesses": "No API"})
        _raj_edits_competitor(database, acme, "RouteMax", weaknesses="Slow support")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        text = shown(app)
        assert "Weaknesses (competitor 'RouteMax'): keeping yours" in text
        assert "Yours: No API" in text and "Theirs (raj): Slow support" in text
        assert _route_max(database, acme).strengths is None, "nothing saved while asking"
        await pilot.press(*keys, "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert not view.is_dirty
    route_max = _route_max(database, acme)
    assert (route_max.strengths, route_max.weaknesses) == ("Cheap", kept)
