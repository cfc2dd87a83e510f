"""The Accounts tab: every live account in a table, whose highlighted row is the selection."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from acctmap_tui.data.db import Database
from acctmap_tui.data.repo import AccountListRow, list_account_rows
from acctmap_tui.messages import AccountSelected, ShowAccount
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import text_or_empty

EMPTY_ACCOUNTS_TEXT = (
    "No accounts yet — run `acctmap demo` to open a demo database with sample "
    "accounts, or add your own accounts to this one."
)

ACCOUNT_COLUMNS = (
    ColumnSpec("Account", "account", min_width=16),
    ColumnSpec("Stage", "stage"),
    ColumnSpec("Owner", "owner", min_width=8),
)


class AccountTable(FittedTable):
    """The account list's table; Enter opens the highlighted account's plan."""

    BINDING_GROUP_TITLE = "Account list"
    BINDINGS = [Binding("enter", "select_cursor", "Open plan", id="open-plan")]


class AccountList(Vertical):
    """Loads the accounts off the UI thread and reports which one is highlighted."""

    @dataclass
    class Loaded(Message):
        """The worker has read the accounts (private to this widget)."""

        rows: list[AccountListRow]

    def __init__(self, database: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._database = database
        self._rows: list[AccountListRow] = []

    @property
    def rows(self) -> list[AccountListRow]:
        """The accounts as last loaded, in table order."""
        return self._rows

    def compose(self) -> ComposeResult:
        yield AccountTable(ACCOUNT_COLUMNS, id="account-table")
        yield Static(EMPTY_ACCOUNTS_TEXT, id="accounts-empty", classes="empty-state", markup=False)

    def on_mount(self) -> None:
        self.query_one("#accounts-empty").display = False
        self.reload()

    def reload(self) -> None:
        """Read the accounts again (in a worker) and refill the table."""
        # The loading cover goes on this container, not the table, so the table
        # keeps the focus (a loading widget cannot hold it).
        self.loading = True
        self._load_rows()

    @work(thread=True, exclusive=True, group="account-list")
    def _load_rows(self) -> None:
        with self._database.session() as session:
            rows = list_account_rows(session=session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(rows))

    @on(Loaded)
    def _show_rows(self, message: Loaded) -> None:
        message.stop()
        self._rows = message.rows
        table = self.query_one(AccountTable)
        table.set_rows(
            [(row.id, (row.name, row.stage.label, text_or_empty(row.owner))) for row in self._rows]
        )
        self.loading = False
        table.display = bool(self._rows)
        self.query_one("#accounts-empty").display = not self._rows
        if not self._rows:
            self.post_message(AccountSelected(None))

    @property
    def highlighted_account_id(self) -> int | None:
        """The account under the cursor, if the list holds any."""
        return self.query_one(AccountTable).cursor_record_id

    def select_account(self, account_id: int) -> bool:
        """Move the cursor to the account; False if the list does not hold it."""
        return self.query_one(AccountTable).move_to_record(account_id)

    @on(DataTable.RowHighlighted, "#account-table")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        account_id = self.query_one(AccountTable).record_id_at(event.row_key)
        if account_id is not None:
            self.post_message(AccountSelected(account_id))

    @on(DataTable.RowSelected, "#account-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        account_id = self.query_one(AccountTable).record_id_at(event.row_key)
        if account_id is not None:
            self.post_message(ShowAccount(account_id, tab="plan"))
