"""One account's history: who changed what and when, newest first, with revert.

Every recorded change of the account and everything on it (contacts, plan, next
actions) is one row: when (relative while recent), who, which record, which field
and old → new in words. Changes made after the account's last review start with a
mark (``•``, or ``*`` in ASCII), so they stand out without colour; the header
counts them. ``/`` filters by any text of a row, ``s`` turns
the order round, and ``v`` reverts the highlighted change after asking, itself
recorded as a change (see :mod:`acctmap_tui.data.revert`). The highlighted row is
shown whole below the table. The pure helpers (:func:`describe_when`,
:func:`row_cells`, :func:`matches`) are tested without a terminal.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from acctmap_tui.data.db import Database
from acctmap_tui.data.history_queries import AccountHistory, DescribedChange
from acctmap_tui.data.revert import RevertPreview, RevertResult
from acctmap_tui.data.types import utc_now
from acctmap_tui.messages import DatabaseChanged
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.text_inputs import LineInput


def history_columns(*, ascii_only: bool = False) -> tuple[ColumnSpec, ...]:
    """When, who, what, field, old → new (an ASCII arrow where box characters are off)."""
    return (
        ColumnSpec("When", "when"),
        ColumnSpec("Who", "who", min_width=5),
        ColumnSpec("What", "what", min_width=10),
        ColumnSpec("Field", "field", min_width=8),
        ColumnSpec("Old -> New" if ascii_only else "Old → New", "change", min_width=12),
    )


VALUE_WIDTH = 30
"""Characters of an old or new value in the table; the detail line shows it whole."""
WHAT_WIDTH = 20
FIELD_WIDTH = 14
"""Record and field are cut this short, so the old and new values keep some room."""
NEW_MARK = "•"
NEW_MARK_ASCII = "*"


def describe_when(at: datetime, now: datetime) -> str:
    """ "just now", "5 min ago", "3 h ago" within a day; "Nov 20 14:03" this year; else the date.

    Local time, at most 12 characters: the table has no room for a full timestamp
    (the detail line below it has one).
    """
    seconds = (now - at).total_seconds()
    if 0 <= seconds < 60:
        return "just now"
    if 0 <= seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if 0 <= seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    local = at.astimezone()
    if local.year == now.astimezone().year:
        return local.strftime("%b %d %H:%M")
    return local.date().isoformat()


def _cut(text: str, width: int = VALUE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def change_text(change: DescribedChange, *, ascii_only: bool = False) -> str:
    """Old → new, each cut short; a whole record says "created" or "deleted"."""
    if change.is_record_change:
        return "created" if change.line.old_value is None else "deleted"
    arrow = "->" if ascii_only else "→"
    return f"{_cut(change.old)} {arrow} {_cut(change.new)}"


def row_cells(
    change: DescribedChange, *, new: bool, now: datetime, ascii_only: bool = False
) -> tuple[str, ...]:
    """The table cells of one change; one since the last review starts with a mark (not colour)."""
    mark = (NEW_MARK_ASCII if ascii_only else NEW_MARK) if new else " "
    return (
        f"{mark} {describe_when(change.line.at, now)}",
        change.line.user,
        _cut(change.record, WHAT_WIDTH),
        _cut(change.field or "(record)", FIELD_WIDTH),
        change_text(change, ascii_only=ascii_only),
    )


def detail_text(change: DescribedChange, *, ascii_only: bool = False) -> str:
    """The highlighted change whole: entry id, exact time, who, and full old and new values."""
    line = change.line
    head = f"#{line.id} · {line.at.astimezone():%Y-%m-%d %H:%M:%S} · {line.user}"
    head += f" · {line.action.label}"
    if line.reverts_id is not None:
        head += f" of #{line.reverts_id}"
    if change.reverted_by is not None:
        head += f" · reverted by #{change.reverted_by}"
    if change.is_record_change:
        verb = "Created" if line.old_value is None else "Deleted"
        body = f"{verb} {change.record}: {change.new or change.old}"
    else:
        arrow = "->" if ascii_only else "→"
        body = f"{change.field} of {change.record}: {change.old} {arrow} {change.new}"
    return f"{head}\n{body}"


def matches(change: DescribedChange, text: str) -> bool:
    """Whether every word of the filter occurs in the row (who, record, field, values)."""
    haystack = " ".join(
        (
            change.line.user,
            change.record,
            change.field,
            change.old,
            change.new,
            change.line.action.label,
            f"#{change.line.id}",
        )
    ).casefold()
    return all(word in haystack for word in text.casefold().split())


def summary_text(
    history: AccountHistory,
    *,
    shown: int | None = None,
    matching: str = "",
    ascii_only: bool = False,
) -> str:
    """ "3 changes since the last review on 2026-11-02 (•) · 25 in all".

    With a filter, the count says how many match it instead of the total.
    """
    total = len(history.changes)
    if not total:
        return "No changes recorded for this account yet."
    mark = NEW_MARK_ASCII if ascii_only else NEW_MARK
    if history.last_reviewed_at is None:
        text = f"Never reviewed: every change is new ({mark})"
    else:
        count = history.count_since_review
        day = history.last_reviewed_at.astimezone().date().isoformat()
        text = f"{count} change{'s' if count != 1 else ''} since the last review on {day} ({mark})"
    if matching.strip() and shown is not None:
        return f"{text} · {shown} of {total} match {matching.strip()!r}"
    return f"{text} · {total} in all"


class HistoryTable(FittedTable):
    """The changes; the screen's keys act on the highlighted one."""

    BINDING_GROUP_TITLE = "History"


class HistoryScreen(ModalScreen[None]):
    """The history of one account; escape (or H) closes it."""

    BINDING_GROUP_TITLE = "History"
    BINDINGS = [
        Binding("escape,H", "close", "Close", id="history.close"),
        Binding("slash", "filter", "Filter", id="history.filter"),
        Binding("s", "toggle_order", "Oldest/newest first", id="history.order"),
        Binding("v", "revert", "Revert", id="history.revert"),
    ]

    def __init__(
        self,
        database: Database,
        account_id: int,
        *,
        account_name: str | None = None,
        user: str,
        ascii_only: bool = False,
    ) -> None:
        super().__init__(id="history-screen")
        self._database = database
        self._account_id = account_id
        self._account_name = account_name
        self._user = user
        self._ascii_only = ascii_only
        self._history: AccountHistory | None = None
        self._oldest_first = False
        self._filter = ""
        self._shown: list[DescribedChange] = []

    @property
    def account_id(self) -> int:
        return self._account_id

    @property
    def shown(self) -> list[DescribedChange]:
        """The changes in the table, in its order (after the filter)."""
        return list(self._shown)

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog") as dialog:
            dialog.border_title = Content(f"History: {self._account_name or 'account'}")
            yield Static("Loading…", id="history-summary", markup=False)
            yield LineInput(placeholder="Filter: who, record, field or value", id="history-filter")
            yield HistoryTable(history_columns(ascii_only=self._ascii_only), id="history-table")
            yield Static("", id="history-detail", markup=False)
            yield Static(
                "/ filter · s order · v revert · escape close", id="history-hint", markup=False
            )

    def on_mount(self) -> None:
        self.query_one("#history-filter", Input).display = False
        self.query_one(HistoryTable).focus()
        self._load()

    # --- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="history")
    def _load(self, select: int | None = None) -> None:
        """Read the account's history off the UI thread, with a session of its own."""
        from acctmap_tui.data.history_queries import load_account_history

        try:
            with self._database.session() as session:
                history = load_account_history(self._account_id, session=session)
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._show_error, f"Could not read the history: {reason}")
            return
        if get_current_worker().is_cancelled:
            return
        if history is None:
            self.app.call_from_thread(self._show_error, "This account no longer exists.")
        else:
            self.app.call_from_thread(self._show, history, select)

    def _show_error(self, text: str) -> None:
        self.query_one("#history-summary", Static).update(text)

    def _show(self, history: AccountHistory, select: int | None = None) -> None:
        self._history = history
        self.query_one("#history-dialog").border_title = Content(f"History: {history.account_name}")
        self._refill()
        if select is not None:
            self.query_one(HistoryTable).move_to_record(select)
        self._show_detail()

    def _refill(self) -> None:
        """Fill the table from the loaded history, filtered and ordered; the cursor stays."""
        history = self._history
        if history is None:
            return
        changes = [c for c in history.changes if matches(c, self._filter)]
        if self._oldest_first:
            changes.reverse()
        self._shown = changes
        now = utc_now()
        rows = [
            (
                change.line.id,
                row_cells(
                    change,
                    new=history.since_review(change),
                    now=now,
                    ascii_only=self._ascii_only,
                ),
            )
            for change in changes
        ]
        table = self.query_one(HistoryTable)
        table.set_rows(rows)
        summary = summary_text(
            history, shown=len(changes), matching=self._filter, ascii_only=self._ascii_only
        )
        self.query_one("#history-summary", Static).update(summary)
        self._show_detail()

    def _highlighted(self) -> DescribedChange | None:
        entry_id = self.query_one(HistoryTable).cursor_record_id
        return next((c for c in self._shown if c.line.id == entry_id), None)

    def _show_detail(self) -> None:
        change = self._highlighted()
        text = "" if change is None else detail_text(change, ascii_only=self._ascii_only)
        self.query_one("#history-detail", Static).update(text)

    @on(DataTable.RowHighlighted, "#history-table")
    def _highlight_changed(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DatabaseChanged)
    def _database_changed(self, message: DatabaseChanged) -> None:
        """Someone else committed: re-read, keeping the cursor on the same entry."""
        if message.account_ids is None or self._account_id in message.account_ids:
            self._load()

    # --- filter and order ---------------------------------------------------------------

    def action_filter(self) -> None:
        """Show the filter and type into it; escape there clears it."""
        field = self.query_one("#history-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#history-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter = event.value
        self._refill()

    @on(Input.Submitted, "#history-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(HistoryTable).focus()

    def action_close(self) -> None:
        """Escape in the filter clears it (back to the table); elsewhere it closes."""
        field = self.query_one("#history-filter", Input)
        if field.has_focus:
            field.value = ""
            field.display = False
            self._filter = ""
            self._refill()
            self.query_one(HistoryTable).focus()
            return
        self.dismiss(None)

    def action_toggle_order(self) -> None:
        self._oldest_first = not self._oldest_first
        self._refill()

    # --- revert -------------------------------------------------------------------------

    def action_revert(self) -> None:
        """Ask to revert the highlighted change (after reading what it would do now)."""
        change = self._highlighted()
        if change is None:
            self.notify("No change to revert here.", severity="warning")
            return
        self._preview(change.line.id)

    @work(thread=True, exclusive=True, group="history-revert")
    def _preview(self, entry_id: int) -> None:
        from acctmap_tui.data.revert import RevertError, preview_revert

        try:
            with self._database.session() as session:
                preview = preview_revert(entry_id, session=session)
        except (RevertError, sa.exc.SQLAlchemyError) as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._ask, preview)

    def _ask(self, preview: RevertPreview) -> None:
        if preview.problem is not None:
            self.notify(
                f"#{preview.entry_id}: {preview.problem}", title="Cannot revert", severity="warning"
            )
            return
        title = f"Changed since: revert #{preview.entry_id}?"
        if not preview.changed_since:
            title = f"Revert change #{preview.entry_id}?"
        accept = preview.current_json if preview.changed_since else None

        def answered(yes: bool | None) -> None:
            if yes:
                self._revert(preview.entry_id, accept)

        self.app.push_screen(
            ConfirmScreen(title, preview.question, confirm_label="Revert"), answered
        )

    @work(thread=True, exclusive=True, group="history-revert")
    def _revert(self, entry_id: int, accept_current: str | None) -> None:
        """Write the revert as one transaction; a field changed meanwhile asks again."""
        from acctmap_tui.data.revert import RevertConflictError, RevertError, revert_change

        try:
            with self._database.session() as session:
                try:
                    result = revert_change(
                        entry_id, session=session, user=self._user, accept_current=accept_current
                    )
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        except RevertConflictError as conflict:
            self.app.call_from_thread(self._ask, conflict.preview)
            return
        except (RevertError, sa.exc.SQLAlchemyError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            self.app.call_from_thread(self._failed, reason)
            return
        self.app.call_from_thread(self._reverted, result)

    def _failed(self, reason: str) -> None:
        self.notify(reason, title="Not reverted", severity="error")

    def _reverted(self, result: RevertResult) -> None:
        self.notify(result.summary, title=f"Reverted #{result.entry_id}")
        newest = max(result.new_entry_ids, default=None)
        self._load(newest)
        # The other screens show the reverted record too: let them re-read it.
        for screen in self.app.screen_stack:
            if screen is not self:
                screen.post_message(DatabaseChanged(frozenset({self._account_id})))
