"""Review mode in the app: R walks Tier 1 by priority; marks, decisions and actions are stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, AccountNote, ChangeLogEntry, NextAction
from acctmap_tui.data.review_store import add_decision
from acctmap_tui.domain.vocabulary import NoteKind
from acctmap_tui.messages import DatabaseChanged
from acctmap_tui.screens.actions import ActionsScreen
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.screens.review import DecisionScreen, ReviewScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.helpers import SIZE, screen_text, settle
from tests.unit.test_review import populate_review_map

USER = "susan"


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    """Acme, Beta and Cargo in Tier 1 (in that priority order), Delta in Tier 2."""
    return populate_review_map(database)


@pytest.fixture
def review_app(database: Database, ids: dict[str, int]) -> AcctmapApp:
    return make_app(database, Settings(user=USER))


def text_of(app: AcctmapApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def open_review(pilot: Pilot[None], app: AcctmapApp) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("R")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def test_r_walks_tier_1_marks_reviewed_records_a_decision_and_leaves(
    review_app: AcctmapApp, database: Database, ids: dict[str, int]
) -> None:
    app = review_app
    acme = ids["Acme Corp"]
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        assert text_of(app, "review-heading") == "Account 1 of 3 · Acme Corp"
        assert text_of(app, "review-status") == "Never reviewed"
        assert text_of(app, "review-progress") == "1 of 3 · 0 marked reviewed"
        assert "Plan health" in screen_text(app)

        await pilot.press("m")
        await settle(pilot)
        assert text_of(app, "review-status") == "Reviewed just now by you"
        assert text_of(app, "review-progress") == "1 of 3 · 1 marked reviewed"
        with database.session() as session:
            account = session.get(Account, acme)
            assert account is not None and account.last_reviewed_at is not None
            assert datetime.now(UTC) - account.last_reviewed_at < timedelta(minutes=5)
            marks = session.exec(
                select(ChangeLogEntry).where(ChangeLogEntry.field == "last_reviewed_at")
            ).all()
            assert [(mark.user, mark.account_id) for mark in marks] == [(USER, acme)]

        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press(*"Pilot in Q3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "Pilot in Q3" in text_of(app, "review-decisions")
        assert "Decision recorded." in text_of(app, "review-message")
        with database.session() as session:
            notes = session.exec(select(AccountNote)).all()
            assert [(n.account_id, n.kind, n.author, n.body) for n in notes] == [
                (acme, NoteKind.DECISION, USER, "Pilot in Q3")
            ]
            assert session.exec(
                select(ChangeLogEntry).where(ChangeLogEntry.entity == "account_note")
            ).one()

        await pilot.press("n")
        await settle(pilot)
        assert text_of(app, "review-heading") == "Account 2 of 3 · Beta Labs"
        assert text_of(app, "review-status") == "Never reviewed"
        assert text_of(app, "review-progress") == "2 of 3 · 1 marked reviewed"
        await pilot.press("left")
        await settle(pilot)
        assert text_of(app, "review-heading") == "Account 1 of 3 · Acme Corp"
        await pilot.press("right", "right")
        await settle(pilot)
        assert text_of(app, "review-heading") == "Account 3 of 3 · Cargo Co"
        await pilot.press("n")
        await settle(pilot)
        assert "last account" in text_of(app, "review-message")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.query_one(AccountTable).cursor_account_id == ids["Cargo Co"]


async def test_a_blank_decision_is_explained_and_typed_text_is_not_dropped_silently(
    review_app: AcctmapApp, database: Database
) -> None:
    app = review_app
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        assert "Decision: '' is not what was decided" in text_of(app, "decision-message")
        await pilot.press(*"maybe")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
    with database.session() as session:
        assert session.exec(select(AccountNote)).all() == []


async def test_a_adds_a_next_action_shown_in_the_review(
    review_app: AcctmapApp, database: Database, ids: dict[str, int]
) -> None:
    app = review_app
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot, app)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ActionsScreen)
        await pilot.press(*"Book the demo")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "Book the demo" in text_of(app, "review-actions")
    with database.session() as session:
        actions = session.exec(select(NextAction)).all()
    assert [(a.account_id, a.description) for a in actions] == [(ids["Acme Corp"], "Book the demo")]


async def test_the_palette_reviews_the_filtered_list_and_sees_a_colleagues_decision(
    review_app: AcctmapApp, database: Database, ids: dict[str, int]
) -> None:
    app = review_app
    delta = ids["Delta Ltd"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"delta", "enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"start review: accounts shown")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert text_of(app, "review-heading") == "Account 1 of 1 · Delta Ltd"

        # A colleague's app on the same file records a decision; the change notice
        # (posted by live refresh) makes this review re-read the account.
        theirs = open_database(database.file_path)
        try:
            with theirs.session() as session:
                add_decision(delta, "Hand over to partner", session=session, user="mia")
                session.commit()
        finally:
            theirs.close()
        app.screen.post_message(DatabaseChanged(frozenset({delta})))
        await settle(pilot)
        assert "mia: Hand over to partner" in text_of(app, "review-decisions")
