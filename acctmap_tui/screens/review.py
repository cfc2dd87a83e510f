"""Review mode: walk a set of accounts one at a time, as in an account review meeting.

``R`` (or the command palette) opens it on the Tier 1 accounts in priority order,
or on the accounts the list shows. For each account it shows plan health, the
changes since the last review, open and overdue next actions, the dates of the
next 30 days and the decisions of earlier reviews; keys add an action (the
actions dialog) or a decision, mark the account reviewed, and step through the
set. Every read and write runs in a thread worker with its own session, and a
change committed by another process (:class:`~acctmap_tui.messages.DatabaseChanged`)
reloads the account on show, so two people reviewing together see each other's
marks and decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Static, TextArea

from acctmap_tui.data.db import Database
from acctmap_tui.data.retry import run_in_transaction
from acctmap_tui.domain.review import (
    ReviewSection,
    ReviewSummary,
    ReviewTarget,
    ReviewWalk,
    clean_decision,
    listed_review_set,
    review_sections,
    reviewed_text,
    tier_review_set,
)
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.errors import AcctmapError
from acctmap_tui.messages import DatabaseChanged
from acctmap_tui.screens.actions import ActionsScreen, explain_failure
from acctmap_tui.screens.form_widgets import cancel_form
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.text_inputs import TextBox

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp

SECTION_KEYS = ("health", "changes", "actions", "dates", "decisions")
"""The sections, in screen order (ids ``review-<key>``), as :func:`review_sections` gives them."""

ReviewScope = Literal["tier1", "shown"]
"""Which accounts a review walks: Tier 1 by priority, or the list as filtered and sorted."""

WriteFunction = Callable[[Session], None]
"""A unit of database work of the review; the worker commits it."""


@dataclass(frozen=True)
class ReviewOutcome:
    """How a review ended: the account on show, and whether anything was written."""

    account_id: int
    wrote: bool


class DecisionScreen(ModalScreen[str | None]):
    """A small dialog for the text of a decision; dismisses with it, or ``None``."""

    BINDING_GROUP_TITLE = "Decision"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="decision.save"),
        Binding("escape", "cancel", "Cancel", id="decision.cancel"),
    ]

    def __init__(self, account_name: str) -> None:
        super().__init__(id="decision-screen")
        self._account_name = account_name

    def compose(self) -> ComposeResult:
        with Vertical(id="decision-dialog") as dialog:
            dialog.border_title = Content(f"Decision: {self._account_name}")
            yield TextBox(id="decision-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="decision-message", markup=False)
            yield Static("ctrl+s save, escape cancel", id="decision-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    def action_save(self) -> None:
        """Return the decision; a blank one is explained and the dialog stays."""
        text = self.query_one(TextArea).text
        try:
            self.dismiss(clean_decision(text))
        except ValueInputError as error:
            self.query_one("#decision-message", Static).update(f"Not saved: {error}")

    def action_cancel(self) -> None:
        """Close without saving, asking first if something was typed."""
        typed = bool(self.query_one(TextArea).text.strip())
        cancel_form(self, dirty=typed, detail="Discard the decision you typed?")


class NewActionScreen(ActionsScreen):
    """The account's actions dialog, opened straight on a new action.

    The editor opens once the list (and with it the team) has loaded, so the new
    action is owned by the person at the keyboard, as with ``n`` in the dialog.
    """

    _started = False

    @on(ActionsScreen.Loaded)
    def _start_new_action(self) -> None:
        if not self._started:
            self._started = True
            # After the dialog's own handler has shown the list and read the team.
            self.call_later(self.action_new_action)


class ReviewScreen(ModalScreen[ReviewOutcome | None]):
    """One account of the review set at a time; escape leaves with the one on show."""

    BINDING_GROUP_TITLE = "Review"
    BINDINGS = [
        Binding("a", "add_action", "Action", id="review.add-action"),
        Binding("d", "add_decision", "Decision", id="review.add-decision"),
        Binding("m", "mark_reviewed", "Mark reviewed", id="review.mark"),
        Binding("n", "step(1)", "Next", id="review.next"),
        Binding("p", "step(-1)", "Previous", id="review.previous"),
        Binding("right", "step(1)", "Next", show=False, id="review.next-arrow"),
        Binding("left", "step(-1)", "Previous", show=False, id="review.previous-arrow"),
        Binding("escape", "leave", "Leave", id="review.leave"),
        # App keys do not reach a modal screen: named here, so a partner can follow.
        Binding("F", "app.follow", "Follow", show=False, id="review.follow"),
    ]

    @dataclass
    class Loaded(Message):
        """The load worker read one account's summary (private to this screen)."""

        account_id: int
        summary: ReviewSummary | None
        error: str | None = None

    @dataclass
    class Written(Message):
        """A write worker finished; ``error`` says why if nothing was written."""

        account_id: int
        success: str
        marked: bool = False
        error: str | None = None

    def __init__(
        self,
        database: Database,
        settings: Settings,
        targets: list[ReviewTarget],
        *,
        title: str = "Tier 1",
    ) -> None:
        super().__init__(id="review-screen")
        self._database = database
        self._settings = settings
        self._walk = ReviewWalk(list(targets))
        self._title = title
        self._separator = " - " if settings.ascii_only else " · "
        self._summary: ReviewSummary | None = None
        self._busy = False
        self._wrote = False

    # --- state, for the app and the tests -------------------------------------------------

    @property
    def walk(self) -> ReviewWalk:
        """The set, the position in it, and the accounts marked reviewed."""
        return self._walk

    @property
    def summary(self) -> ReviewSummary | None:
        """The summary on show (``None`` while loading, or if the account is gone)."""
        return self._summary

    def presence_location(self) -> tuple[int | None, str]:
        """Where colleagues see this user: the account under review, in review mode."""
        targets = self._walk.targets
        current = targets[self._walk.position].account_id if targets else None
        return current, "review"

    def go_to(self, account_id: int) -> bool:
        """Show this account if it is in the set (e.g. to follow a colleague); False if not."""
        for index, target in enumerate(self._walk.targets):
            if target.account_id == account_id:
                if index != self._walk.position:
                    self._walk.position = index
                    self._show_current()
                return True
        return False

    # --- layout and loading ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="review-dialog") as dialog:
            dialog.border_title = Content(f"Review: {self._title}")
            yield Static("", id="review-heading", markup=False)
            yield Static("", id="review-status", markup=False)
            with VerticalScroll(id="review-body"):
                for key in SECTION_KEYS:
                    yield Static("", id=f"review-{key}", classes="review-section", markup=False)
            yield Static("", id="review-message", markup=False)
            yield Static("", id="review-progress", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#review-message").display = False
        self._show_current()

    def _show_current(self) -> None:
        """Put the current account's heading up and read its summary."""
        self._summary = None
        self.query_one("#review-heading", Static).update(self._walk.heading(self._separator))
        self.query_one("#review-status", Static).update("Loading…")
        for key in SECTION_KEYS:
            self.query_one(f"#review-{key}", Static).update("")
        self._update_progress()
        self.query_one("#review-body", VerticalScroll).scroll_home(animate=False)
        self._reload()

    def _reload(self) -> None:
        self._load(self._walk.current.account_id, date.today())

    @work(thread=True, exclusive=True, group="review-load")
    def _load(self, account_id: int, today: date) -> None:
        from acctmap_tui.data.review_queries import load_review_summary

        try:
            with self._database.session() as session:
                summary = load_review_summary(
                    account_id,
                    session=session,
                    today=today,
                    stale_after_days=self._settings.stale_after_days,
                )
        except (sa.exc.SQLAlchemyError, AcctmapError) as error:
            self.post_message(self.Loaded(account_id, None, explain_failure(error)))
            return
        self.post_message(self.Loaded(account_id, summary))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        if message.account_id != self._walk.current.account_id:
            return  # the user moved on meanwhile
        status = self.query_one("#review-status", Static)
        if message.error is not None:
            status.update(f"Could not read this account: {message.error}")
            return
        summary = self._summary = message.summary
        if summary is None:
            status.update("This account no longer exists (deleted by someone else?); n moves on.")
            return
        status.update(
            reviewed_text(
                summary.last_reviewed_at,
                summary.last_reviewed_by,
                datetime.now(UTC),
                self._settings.user,
            )
        )
        sections = review_sections(summary, date.today(), ascii_only=self._settings.ascii_only)
        for section in sections:
            self.query_one(f"#review-{section.key}", Static).update(_section_content(section))

    @on(DatabaseChanged)
    def _database_changed(self, message: DatabaseChanged) -> None:
        """Someone else committed: re-read the account on show if it may have changed."""
        ids = message.account_ids
        if ids is None or self._walk.current.account_id in ids:
            self._reload()

    def _update_progress(self) -> None:
        self.query_one("#review-progress", Static).update(self._walk.progress(self._separator))

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#review-message", Static)
        line.update(text)
        line.set_class(error, "-error")
        line.display = bool(text)  # no blank line taken from the sections when quiet

    # --- keys ------------------------------------------------------------------------------

    def _refuse_while_busy(self) -> bool:
        if self._busy:
            self._say("Still saving; one moment.")
        return self._busy

    def action_step(self, offset: int) -> None:
        """Next (1) or previous (-1) account; says so at either end of the set."""
        if self._walk.step(offset):
            self._say("")
            self._show_current()
        elif offset > 0:
            self._say("This is the last account of the review; escape leaves.")
        else:
            self._say("This is the first account of the review.")

    def action_leave(self) -> None:
        """Back to the main screen, which then shows the account on show here."""
        self.dismiss(ReviewOutcome(self._walk.current.account_id, self._wrote))

    def action_mark_reviewed(self) -> None:
        """Set the account's last review to now, in the history under your name."""
        if self._refuse_while_busy():
            return
        target = self._walk.current
        now = datetime.now(UTC)
        user = self._settings.user

        def write(session: Session) -> None:
            from acctmap_tui.data.review_store import mark_reviewed

            mark_reviewed(target.account_id, session=session, user=user, now=now)

        self._start_write(target, write, f"Marked {target.name} reviewed.", marked=True)

    def action_add_decision(self) -> None:
        """Ask for the text of a decision and record it on the account."""
        if self._refuse_while_busy():
            return
        target = self._walk.current
        user = self._settings.user

        def save(text: str | None) -> None:
            if text is None:
                return

            def write(session: Session) -> None:
                from acctmap_tui.data.review_store import add_decision

                add_decision(target.account_id, text, session=session, user=user)

            self._start_write(target, write, "Decision recorded.")

        self.app.push_screen(DecisionScreen(target.name), save)

    def action_add_action(self) -> None:
        """Open the account's actions on a new action; the summary reloads if any changed."""
        target = self._walk.current

        def closed(changed: bool | None) -> None:
            if changed:
                self._wrote = True
                if target == self._walk.current:
                    self._reload()

        self.app.push_screen(
            NewActionScreen(self._database, self._settings, target.account_id, target.name),
            closed,
        )

    # --- writing ------------------------------------------------------------------------------

    def _start_write(
        self,
        target: ReviewTarget,
        write: WriteFunction,
        success: str,
        *,
        marked: bool = False,
    ) -> None:
        self._busy = True
        self._write(target.account_id, write, success, marked)

    @work(thread=True, group="review-write")
    def _write(self, account_id: int, write: WriteFunction, success: str, marked: bool) -> None:
        try:
            run_in_transaction(self._database, write)  # retried after a deadlock
        except (sa.exc.SQLAlchemyError, AcctmapError, ValueError) as error:
            reason = f"Not saved: {explain_failure(error)}"
            self.post_message(self.Written(account_id, success, marked, error=reason))
            return
        self.post_message(self.Written(account_id, success, marked))

    @on(Written)
    def _written(self, message: Written) -> None:
        message.stop()
        self._busy = False
        if message.error is not None:
            self._say(message.error, error=True)
            return
        self._wrote = True
        if message.marked:
            self._walk.marked.add(message.account_id)
            self._update_progress()
        self._say(message.success)
        if message.account_id == self._walk.current.account_id:
            self._reload()


def _section_content(section: ReviewSection) -> Content:
    """The bold title and the summary on one line, then the details indented (never markup).

    Titles share the first line so the five sections fit an 80x24 screen.
    """
    first, *rest = section.lines
    content = Content.assemble((f"{section.title}: ", "bold"), first)
    for line in rest:
        content += Content(f"\n  {line}")
    return content


# --- opening a review ---------------------------------------------------------------------------


def review_targets(app: AcctmapApp, scope: ReviewScope) -> tuple[list[ReviewTarget], str]:
    """The accounts a review of ``scope`` walks, with the title that names them."""
    if scope == "tier1":
        return tier_review_set(app.account_rows), "Tier 1"
    from acctmap_tui.widgets.account_map_view import AccountMapView

    view = app.main_screen.query_one(AccountMapView)
    label = view.filter_label
    return listed_review_set(view.shown_rows), f"shown ({label})" if label else "all shown"


def open_review(app: AcctmapApp, scope: ReviewScope = "tier1") -> None:
    """Start a review of ``scope`` from the main screen (key R or the command palette)."""
    if any(isinstance(screen, ReviewScreen) for screen in app.screen_stack):
        app.notify("A review is already open.", severity="warning")
        return
    if app.screen is not app.main_screen:
        # Over a form, the review would hide unsaved edits behind it.
        app.notify("Close this dialog first, then start the review.", severity="warning")
        return
    targets, title = review_targets(app, scope)
    if not targets:
        what = "Tier 1 accounts" if scope == "tier1" else "accounts shown in the list"
        loading = "" if app.account_rows else " (the account list is still loading)"
        app.notify(f"No {what} to review{loading}.", severity="warning")
        return
    app.push_screen(
        ReviewScreen(app.database, app.settings, targets, title=title), partial(_closed, app)
    )


def _closed(app: AcctmapApp, outcome: ReviewOutcome | None) -> None:
    """Show the last account of the review in the list, re-read if the review wrote."""
    if outcome is None:
        return
    app.main_screen.show_account(outcome.account_id)
    if outcome.wrote:
        from acctmap_tui.widgets.account_map_view import AccountMapView

        app.main_screen.query_one(AccountMapView).reload()
