"""The Qualification (MEDDPICC) sub-tab of the Plan tab, at 80x24 on a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import TabbedContent, Tabs, TextArea

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry
from acctmap_tui.screens.conflict import ConflictScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.plan_prompt import SaveDiscardCancelScreen
from acctmap_tui.widgets.plan_view import PlanView
from acctmap_tui.widgets.qualification_view import LAYOUT
from tests.ui.conftest import USER
from tests.ui.helpers import SIZE, screen_text, settle
from tests.ui.test_plan_tab import open_plan, shown, type_into

ACME = "Acme Logistics"
QUALIFICATION = "plan-qualification"


def plan_app(database: Database) -> AcctmapApp:
    return make_app(database, Settings(user=USER))


async def show_qualification(app: AcctmapApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Reach the sub-tab as a user would: from the sub-tabs bar, [ goes back to the last one."""
    tabs = app.query_one("#plan-tabs", TabbedContent)
    tabs.active = "plan-overview"
    tabs.query_one(Tabs).focus()
    await pilot.pause()
    await pilot.press("left_square_bracket")
    await pilot.pause()
    assert tabs.active == QUALIFICATION


@asynccontextmanager
async def qualification_of(
    database: Database, account_id: int
) -> AsyncIterator[tuple[AcctmapApp, Pilot[object], PlanView]]:
    """A running app showing the account's Qualification sub-tab, as the user reaches it."""
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        view = await open_plan(app, pilot, account_id)
        await show_qualification(app, pilot)
        yield app, pilot, view


async def type_letter(app: AcctmapApp, pilot, column: str, text: str) -> None:  # type: ignore[no-untyped-def]
    area = app.query_one(f"#plan-account-{column.replace('_', '-')}", TextArea)
    area.focus()
    await pilot.pause()
    area.select_all()
    await pilot.press("backspace", *text)
    await pilot.pause()


async def letter_text(app: AcctmapApp, pilot, name: str) -> str:  # type: ignore[no-untyped-def]
    """What the screen shows of one letter's row, scrolled into view first."""
    index = next(i for i, letter in enumerate(LAYOUT) if letter.name == name)
    row = app.query_one(f"#qualification-{index}")
    row.scroll_visible(animate=False, immediate=True)
    await pilot.pause()
    lines = screen_text(app).splitlines()
    top = next(i for i, line in enumerate(lines) if f"  {name}" in line)
    return " ".join(" ".join(lines[top : top + row.size.height]).split())


@pytest.mark.parametrize("no_color", [False, True], ids=["colour", "no-color"])
async def test_letters_are_filled_from_the_plan_and_missing_ones_say_so(
    monkeypatch: pytest.MonkeyPatch, database: Database, account_ids: dict[str, int], no_color: bool
) -> None:
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with qualification_of(database, account_ids[ACME]) as (app, pilot, _view):
        text = shown(app)
        assert "MEDDPICC: 4 of 8 answered · missing: Metrics, Decision criteria" in text
        assert await letter_text(app, pilot, "Metrics") == (
            "✗ missing M Metrics Nothing yet: fill in Impact: value."
        )
        assert await letter_text(app, pilot, "Economic buyer") == (
            "✓ E Economic buyer Dana Whitfield (neutral, not met yet) (from People: buying role)"
        )
        assert (await letter_text(app, pilot, "Champion")).startswith(
            "✓ C Champion Luis Ortega (strong supporter, met)"
        )
        assert (await letter_text(app, pilot, "Identify pain")).startswith(
            "✓ I Identify pain Manual route planning wastes 12% of fleet hours — cost of inaction"
        )
        assert (await letter_text(app, pilot, "Competition")).startswith(
            "✓ C Competition RouteMax, In-house scripts"
        )
        for name in ("Decision criteria", "Decision process", "Paper process"):
            assert (await letter_text(app, pilot, name)).startswith("✗ missing")
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)


async def test_derived_letters_follow_unsaved_edits_on_other_sub_tabs(
    database: Database, account_ids: dict[str, int]
) -> None:
    app = plan_app(database)
    async with app.run_test(size=SIZE) as pilot:
        await open_plan(app, pilot, account_ids[ACME])
        await type_into(app, pilot, "impact.value_amount", "250k")
        await show_qualification(app, pilot)
        assert await letter_text(app, pilot, "Metrics") == (
            "✓ M Metrics $250,000 (from Impact: value)"
        )


async def test_the_three_asked_letters_are_saved_and_shown_after_a_restart(
    database: Database, db_path: Path, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with qualification_of(database, acme) as (app, pilot, view):
        await type_letter(app, pilot, "decision_criteria", "TCO over 3 years")
        await type_letter(app, pilot, "decision_process", "Ops picks, CFO signs")
        await type_letter(app, pilot, "paper_process", "Legal then procurement")
        assert view.is_dirty
        text = shown(app)
        assert "● unsaved: Qualification (ctrl+s saves)" in text
        assert "Qualification ●" in text
        assert (await letter_text(app, pilot, "Paper process")).startswith("✓ P Paper process")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not view.is_dirty and "Saved." in shown(app)
    with database.session() as session:
        account = session.get(Account, acme)
        assert account is not None
        assert account.decision_criteria == "TCO over 3 years"
        assert account.decision_process == "Ops picks, CFO signs"
        assert account.paper_process == "Legal then procurement"
        authors = set(
            session.exec(
                select(ChangeLogEntry.user).where(
                    ChangeLogEntry.entity == "account", ChangeLogEntry.entity_id == str(acme)
                )
            )
        )
    assert USER in authors

    again = open_database(db_path)
    try:
        async with qualification_of(again, acme) as (second, pilot, _view):
            assert "MEDDPICC: 7 of 8 answered · missing: Metrics" in shown(second)
            area = second.query_one("#plan-account-paper-process", TextArea)
            assert area.text == "Legal then procurement"
            assert (await letter_text(second, pilot, "Decision process")).startswith("✓ D")
    finally:
        again.close()


async def test_switching_account_asks_about_unsaved_qualification_edits(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with qualification_of(database, acme) as (app, pilot, view):
        await type_letter(app, pilot, "decision_criteria", "Price")
        app.main_screen.show_account(account_ids["Borealis Health"])
        await settle(pilot)
        assert isinstance(app.screen, SaveDiscardCancelScreen)
        assert "(Qualification). Save them before showing another account?" in shown(app)
        await pilot.press("c")
        await settle(pilot)
        assert view.is_dirty
        assert app.query_one("#plan-account-decision-criteria", TextArea).text == "Price"
        view.discard()
        await pilot.pause()
        assert not view.is_dirty
        assert app.query_one("#plan-account-decision-criteria", TextArea).text == ""
    with database.session() as session:
        assert session.get(Account, acme).decision_criteria is None  # type: ignore[union-attr]


async def test_quitting_with_unsaved_qualification_edits_asks_and_saves(
    database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids[ACME]
    async with qualification_of(database, acme) as (app, pilot, view):
        await type_letter(app, pilot, "paper_process", "Redlines by legal")
        await app.run_action("quit")
        await settle(pilot)
        assert isinstance(app.screen, SaveDiscardCancelScreen)
        await pilot.press("s")
        await settle(pilot)
        assert not view.is_dirty
    assert not app.is_running
    with database.session() as session:
        assert session.get(Account, acme).paper_process == "Redlines by legal"  # type: ignore[union-attr]


async def test_someone_elses_qualification_change_asks_field_by_field(
    database: Database, account_ids: dict[str, int]
) -> None:
    from acctmap_tui.data.plan_store import PlanChanges, load_plan, save_plan
    from acctmap_tui.domain.plan_fields import PlanRecord

    acme = account_ids[ACME]
    async with qualification_of(database, acme) as (app, pilot, view):
        await type_letter(app, pilot, "decision_process", "Mine")
        with database.session() as session:  # raj saves the same letter meanwhile
            versions = load_plan(acme, session=session).versions
            save_plan(
                acme,
                PlanChanges(records={PlanRecord.ACCOUNT: {"decision_process": "Theirs"}}),
                expected_versions=versions,
                session=session,
                user="raj",
            )
            session.commit()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)  # asked, field by field
        text = shown(app)
        assert "Decision process" in text and "Mine" in text and "Theirs" in text
        assert "raj" in text
        with database.session() as session:  # nothing written while asking
            assert session.get(Account, acme).decision_process == "Theirs"  # type: ignore[union-attr]
        await pilot.press("t", "enter")  # take theirs
        await settle(pilot)
        assert not isinstance(app.screen, ConflictScreen)
        assert not view.is_dirty
        assert "Theirs" in shown(app)
    with database.session() as session:
        assert session.get(Account, acme).decision_process == "Theirs"  # type: ignore[union-attr]


def test_the_plan_view_lists_qualification_last() -> None:
    from acctmap_tui.widgets.plan_view import SUB_TAB_IDS

    assert SUB_TAB_IDS[-1] == QUALIFICATION
    assert PlanView.BINDINGS  # [ and ] go through every sub-tab, Qualification included
