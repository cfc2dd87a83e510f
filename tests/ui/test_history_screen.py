"""The history screen (H): changes newest first, those since the last review marked, revert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import col, select
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp
from acctmap_tui.data.account_store import get_account, update_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import ChangeAction, Stage
from acctmap_tui.messages import DatabaseChanged
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.history import HistoryScreen, describe_when
from acctmap_tui.screens.main import MainScreen
from tests.ui.helpers import SIZE, screen_text, settle


def _update(database: Database, account_id: int, user: str, **values: object) -> None:
    with database.session() as session:
        account = get_account(account_id, session=session)
        update_account(
            account_id, values, expected_version=account.version, session=session, user=user
        )
        session.commit()


def _reviewed_then_changed(database: Database, acme: int) -> None:
    """A strategy change before the last review, a stage change after it."""
    _update(database, acme, "raj", strategy="Land in ops first")
    with database.session() as session:
        account = session.get(Account, acme)
        assert account is not None
        account.last_reviewed_at = utc_now()
        session.add(account)
        session.commit()
    _update(database, acme, "mia", stage=Stage.NEGOTIATION)


def _question(app: AcctmapApp) -> str:
    """The confirmation's question as it reads, whatever its line breaks on screen."""
    return str(app.screen.query_one("#confirm-question", Static).render())


def _row_with(text: str, needle: str) -> str:
    return next(line for line in text.splitlines() if needle in line)


async def _open_history(pilot: object, app: AcctmapApp, account_id: int) -> HistoryScreen:
    await settle(pilot)  # type: ignore[arg-type]
    app.main_screen.show_account(account_id)
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("H")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


async def test_h_lists_changes_marks_the_new_ones_and_reverts_one(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids["Acme Logistics"]
    _reviewed_then_changed(database, acme)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_history(pilot, app, acme)
        text = screen_text(app)
        assert "History: Acme Logistics" in text
        assert "1 change since the last review on" in text and "2 in all" in text
        stage = _row_with(text, "Stage")
        assert "•" in stage and "mia" in stage and "Proposal → Negotiation" in stage
        strategy = _row_with(text, "Strategy")
        assert "•" not in strategy and "raj" in strategy
        assert text.index("Stage") < text.index("Strategy")  # newest first
        # The highlighted (newest) change is shown whole below the table.
        assert "Stage of Account: Proposal → Negotiation" in text

        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = _question(app)
        assert "Set Stage of Account back from 'Negotiation' to 'Proposal'" in question
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen

        with database.session() as session:
            assert get_account(acme, session=session).stage is Stage.PROPOSAL
            revert = session.exec(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.field == "stage")
                .order_by(col(ChangeLogEntry.id).desc())
            ).first()
            assert revert is not None and revert.action is ChangeAction.REVERT
            stage_entry = revert.id
            assert revert.user == "susan" and revert.reverts_id is not None
        text = screen_text(app)
        newest = _row_with(text, "Negotiation → Proposal")
        assert "susan" in newest and "just now" in newest
        assert f"#{stage_entry}" in text and f"Revert of #{revert.reverts_id}" in text
        assert "3 in all" in text

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_a_value_changed_by_someone_else_is_shown_before_reverting(
    app: AcctmapApp, database: Database, db_path: Path, account_ids: dict[str, int]
) -> None:
    acme = account_ids["Acme Logistics"]
    _reviewed_then_changed(database, acme)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_history(pilot, app, acme)
        highlighted = screen.query_one("#history-table").cursor_record_id  # type: ignore[attr-defined]
        colleague = open_database(db_path)  # another user, on the same file
        try:
            _update(colleague, acme, "raj", stage=Stage.WON)
        finally:
            colleague.close()
        screen.post_message(DatabaseChanged(frozenset({acme})))
        await settle(pilot)
        text = screen_text(app)
        assert "Negotiation → Won" in text and "3 in all" in text
        # The cursor stays on the entry it was on, though a newer one came in above it.
        assert screen.query_one("#history-table").cursor_record_id == highlighted  # type: ignore[attr-defined]

        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "it is now 'Won', not 'Negotiation'" in _question(app)
        await pilot.press("y")
        await settle(pilot)
        with database.session() as session:
            assert get_account(acme, session=session).stage is Stage.PROPOSAL


async def test_slash_filters_by_who(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids["Acme Logistics"]
    _reviewed_then_changed(database, acme)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_history(pilot, app, acme)
        await pilot.press("slash", "m", "i", "a")
        await settle(pilot)
        assert [c.line.user for c in screen.shown] == ["mia"]
        assert "1 of 2 match 'mia'" in screen_text(app)
        await pilot.press("escape")  # clears the filter, back on the table
        await settle(pilot)
        assert len(screen.shown) == 2 and app.screen is screen


async def test_the_palette_opens_the_history_of_the_selected_account(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(account_ids["Borealis Health"])
        await settle(pilot)
        await pilot.press("ctrl+p", *"show history")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert app.screen.account_id == account_ids["Borealis Health"]
        text = screen_text(app)
        assert "History: Borealis Health" in text
        assert "No changes recorded for this account yet." in text
        await pilot.press("v")  # nothing to revert: said so, nothing opens
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)


def test_when_is_relative_while_recent_then_a_local_date() -> None:
    now = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert describe_when(now - timedelta(seconds=59), now) == "just now"
    assert describe_when(now - timedelta(minutes=5, seconds=59), now) == "5 min ago"
    assert describe_when(now - timedelta(hours=23, minutes=59), now) == "23 h ago"
    earlier = now - timedelta(days=2)
    assert describe_when(earlier, now) == earlier.astimezone().strftime("%b %d %H:%M")
    last_year = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    assert describe_when(last_year, now) == last_year.astimezone().date().isoformat()
