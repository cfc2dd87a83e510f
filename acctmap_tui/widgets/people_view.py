"""The People tab, for now the selected account's contacts in a table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from textual.worker import get_current_worker

from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY, SELECT_ACCOUNT_TEXT, text_or_empty, yes_no

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database
    from acctmap_tui.data.repo import ContactRow

NO_CONTACTS_TEXT = "No contacts on this account yet."

PEOPLE_COLUMNS = (
    ColumnSpec("Name", "name", min_width=12),
    ColumnSpec("Title", "title", min_width=8),
    ColumnSpec("Buying role", "buying-role"),
    ColumnSpec("Sentiment", "sentiment"),
    ColumnSpec("Reports to", "reports-to", min_width=10),
    ColumnSpec("Met", "met"),
)


def contact_cells(contact: ContactRow) -> tuple[str, ...]:
    """One table row; sentiment and met are words, so they read without colour."""
    return (
        contact.name,
        text_or_empty(contact.title),
        contact.buying_role.label if contact.buying_role else EMPTY,
        contact.sentiment.label if contact.sentiment else EMPTY,
        text_or_empty(contact.reports_to),
        yes_no(contact.met),
    )


class PeopleTable(FittedTable):
    """The contacts of one account."""

    BINDING_GROUP_TITLE = "People"


class PeopleView(Vertical):
    """Shows the contacts of the account whose id it is given."""

    @dataclass
    class Loaded(Message):
        """The worker has read the contacts (private to this widget)."""

        account_id: int
        contacts: list[ContactRow]

    account_id: reactive[int | None] = reactive(None)
    """The account whose people to show; ``None`` shows a hint to select one."""

    def __init__(self, database: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._database = database

    def compose(self) -> ComposeResult:
        yield PeopleTable(PEOPLE_COLUMNS, id="people-table")
        yield Static(SELECT_ACCOUNT_TEXT, id="people-empty", classes="empty-state", markup=False)

    def watch_account_id(self, account_id: int | None) -> None:
        if account_id is None:
            self._show_contacts(None)
        else:
            self._load(account_id)

    @work(thread=True, exclusive=True, group="people-view")
    def _load(self, account_id: int) -> None:
        from acctmap_tui.data.repo import list_contact_rows

        with self._database.session() as session:
            contacts = list_contact_rows(account_id, session=session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(account_id, contacts))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        if message.account_id == self.account_id:  # ignore a slower, older read
            self._show_contacts(message.contacts)

    def _show_contacts(self, contacts: list[ContactRow] | None) -> None:
        table = self.query_one(PeopleTable)
        table.set_rows([(contact.id, contact_cells(contact)) for contact in contacts or []])
        empty = self.query_one("#people-empty", Static)
        empty.update(SELECT_ACCOUNT_TEXT if contacts is None else NO_CONTACTS_TEXT)
        empty.display = not contacts
