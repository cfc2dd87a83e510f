"""Upcoming dates across every account: what is due in the next 30 days, overdue first.

Milestones, compelling events, renewals, activity-plan items and next actions,
one row each, in date order; overdue rows say so in words ("3 days overdue") and
start with "!". Enter closes the screen with the chosen row, and the app selects
that account and opens the tab (and Plan sub-tab) where the item is edited.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from acctmap_tui.data.db import Database
from acctmap_tui.domain.upcoming import DEFAULT_DAYS, UpcomingDate, short_days
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY

UPCOMING_COLUMNS = (
    ColumnSpec("Date", "date"),
    ColumnSpec("When", "when"),
    ColumnSpec("Account", "account", min_width=10),
    ColumnSpec("Kind", "kind", min_width=8),
    ColumnSpec("What", "what", min_width=10),
    ColumnSpec("Owner", "owner", min_width=6),
)
OVERDUE_MARK = "!"


def row_cells(row: UpcomingDate) -> tuple[str, ...]:
    """The table cells of one date; an overdue one is marked in words, not colour alone."""
    item = row.item
    when = f"{OVERDUE_MARK} {short_days(row.days)}" if row.overdue else short_days(row.days)
    return (
        item.due_on.isoformat(),
        when,
        item.account_name,
        item.kind.label,
        " ".join(item.what.split()),
        item.owner or EMPTY,
    )


class UpcomingTable(FittedTable):
    """The dates; Enter opens the account."""

    BINDING_GROUP_TITLE = "Upcoming dates"
    BINDINGS = [Binding("enter", "select_cursor", "Open account", id="upcoming.open")]


class UpcomingScreen(ModalScreen[UpcomingDate | None]):
    """Dismisses with the row chosen with Enter, or ``None`` (escape)."""

    BINDING_GROUP_TITLE = "Upcoming dates"
    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="upcoming.close")]

    def __init__(self, database: Database, *, days: int = DEFAULT_DAYS) -> None:
        super().__init__(id="upcoming-screen")
        self._database = database
        self._days = days
        self._rows: list[UpcomingDate] = []

    @property
    def rows(self) -> list[UpcomingDate]:
        """The dates shown, in order."""
        return list(self._rows)

    def compose(self) -> ComposeResult:
        with Vertical(id="upcoming-dialog") as dialog:
            dialog.border_title = f"Upcoming dates: next {self._days} days and overdue"
            yield Static("Loading…", id="upcoming-summary", markup=False)
            yield UpcomingTable(UPCOMING_COLUMNS, id="upcoming-table")
            yield Static(
                "↑ ↓ move · Enter open the account · escape close",
                id="upcoming-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one(UpcomingTable).focus()
        self._load(date.today())

    @work(thread=True, exclusive=True, group="upcoming")
    def _load(self, today: date) -> None:
        """Read every account's dates off the UI thread, with a session of its own."""
        from acctmap_tui.upcoming_cli import load_upcoming

        try:
            rows = load_upcoming(self._database, days=self._days, today=today)
        except sa.exc.SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._show_error, reason)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows)

    def _show_error(self, reason: str) -> None:
        self.query_one("#upcoming-summary", Static).update(f"Could not read the dates: {reason}")

    def _show(self, rows: list[UpcomingDate]) -> None:
        self._rows = rows
        table = self.query_one(UpcomingTable)
        table.set_rows([(index, row_cells(row)) for index, row in enumerate(rows)])
        overdue = sum(row.overdue for row in rows)
        if not rows:
            text = f"Nothing due in the next {self._days} days and nothing overdue."
        else:
            text = f"{len(rows)} date{'s' if len(rows) != 1 else ''}"
            if overdue:
                text += f", {overdue} overdue ({OVERDUE_MARK})"
        self.query_one("#upcoming-summary", Static).update(text)
        table.display = bool(rows)

    @on(DataTable.RowSelected, "#upcoming-table")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = self.query_one(UpcomingTable).record_id_at(event.row_key)
        if index is not None and 0 <= index < len(self._rows):
            self.dismiss(self._rows[index])
