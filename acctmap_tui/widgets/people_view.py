"""The People tab: an account's contacts and seats, and the highlighted one's relationships.

The upper table lists contacts, then seats (a vacant one reads "CFO — unknown");
the lower one lists the relationships of the highlighted contact. Everything is
edited from the keyboard: ``n`` new contact, ``e``/Enter edit, ``d`` delete (with
a choice for a manager's reports), ``u`` undo a delete made in this session, ``r``
add a relationship, ``s`` add a seat, ``p`` the account's partners. Reads and
writes run in thread workers, each with its own session and one transaction.

Rows of the upper table are keyed by record id: contacts by their id, seats by
the negative of theirs, so both kinds share one cursor.

``c`` switches to the org chart and its stakeholder panel
(:mod:`acctmap_tui.widgets.stakeholder_map`); the same keys edit what it focuses.
The stakeholder graph it builds also ranks the contacts by influence, a column here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import ContentSwitcher, DataTable, Static
from textual.worker import get_current_worker

from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY, SELECT_ACCOUNT_TEXT, text_or_empty, yes_no
from acctmap_tui.widgets.org_chart import OrgChart
from acctmap_tui.widgets.stakeholder_map import StakeholderMap

if TYPE_CHECKING:
    from acctmap_tui.data.change_authors import RecordChange
    from acctmap_tui.data.db import Database
    from acctmap_tui.data.people_store import (
        DeletedContact,
        RelationshipRow,
        SeatRow,
        StalePeopleRecordError,
    )
    from acctmap_tui.data.repo import ContactRow
    from acctmap_tui.settings import Settings

NO_CONTACTS_TEXT = "No contacts on this account yet. Press n to add one, s for a seat."
NO_RELATIONSHIPS_TEXT = "none yet — r adds one"
VACANT = "unknown"
SEAT_TITLE = "(seat)"

PEOPLE_COLUMNS = (
    ColumnSpec("Name", "name", min_width=12),
    ColumnSpec("Title", "title", min_width=8),
    ColumnSpec("Buying role", "buying-role"),
    ColumnSpec("Sentiment", "sentiment"),
    ColumnSpec("Reports to", "reports-to", min_width=10),
    ColumnSpec("Met", "met"),
    ColumnSpec("Influence", "influence-rank"),
)

RELATIONSHIP_COLUMNS = (
    ColumnSpec("From", "from", min_width=10),
    ColumnSpec("Relationship", "kind"),
    ColumnSpec("To", "to", min_width=10),
    ColumnSpec("Strength", "strength"),
    ColumnSpec("Last touch", "last-touch"),
)

_VERBS = {"engagement": "engages", "knows": "knows", "influences": "influences"}


def contact_cells(contact: ContactRow, rank: int | None = None) -> tuple[str, ...]:
    """One table row; sentiment and met are words, so they read without colour.

    ``rank`` is the contact's place in the influence ranking, once the graph is built.
    """
    name = contact.name
    if contact.left_on is not None:
        name = f"{name} (left {contact.left_on.isoformat()})"
    return (
        name,
        text_or_empty(contact.title),
        contact.buying_role.label if contact.buying_role else EMPTY,
        contact.sentiment.label if contact.sentiment else EMPTY,
        text_or_empty(contact.reports_to),
        yes_no(contact.met),
        EMPTY if rank is None else f"#{rank}",
    )


def seat_cells(seat: SeatRow) -> tuple[str, ...]:
    """A seat row: "CFO — unknown" while vacant, "CFO — Dana Whitfield" when filled."""
    return (
        f"{seat.role_title} — {seat.holder or VACANT}",
        SEAT_TITLE,
        seat.buying_role.label if seat.buying_role else EMPTY,
        EMPTY,
        text_or_empty(seat.reports_to),
        EMPTY,
        EMPTY,
    )


def relationship_cells(row: RelationshipRow) -> tuple[str, ...]:
    touched = row.last_touch_at.date().isoformat() if row.last_touch_at else EMPTY
    return (row.source, _VERBS[row.kind.value], row.target, f"{row.strength}/5", touched)


class PeopleTable(FittedTable):
    """The contacts and seats of one account."""

    BINDING_GROUP_TITLE = "People"


class RelationshipsTable(FittedTable):
    """The relationships of the highlighted contact."""

    BINDING_GROUP_TITLE = "Relationships"


@dataclass
class PeopleData:
    """One read of everything the tab shows."""

    contacts: list[ContactRow]
    seats: list[SeatRow] = field(default_factory=list)
    relationships: list[RelationshipRow] = field(default_factory=list)


class PeopleView(Vertical):
    """Shows and edits the people of the account whose id it is given."""

    BINDING_GROUP_TITLE = "People"
    BINDINGS = [
        Binding("n", "new_contact", "New", id="people.new"),
        Binding("e", "edit", "Edit", id="people.edit"),
        Binding("d", "delete", "Delete", id="people.delete"),
        Binding("u", "undo_delete", "Undo delete", id="people.undo"),
        Binding("r", "new_relationship", "Relationship", id="people.relationship"),
        Binding("s", "new_seat", "Seat", id="people.seat"),
        Binding("p", "partners", "Partners", id="people.partners"),
        Binding("c", "toggle_chart", "Chart/list", id="people.chart"),
    ]

    @dataclass
    class Loaded(Message):
        """The worker has read the people (private to this widget)."""

        account_id: int
        data: PeopleData | None
        error: str | None = None

    @dataclass
    class Written(Message):
        """A write worker finished (private to this widget)."""

        text: str
        error: bool = False
        deleted: DeletedContact | None = None
        select_id: int | None = None
        stale: StalePeopleRecordError | None = None
        """A delete met someone's newer save: asked about once more."""

    account_id: reactive[int | None] = reactive(None)
    """The account whose people to show; ``None`` shows a hint to select one."""

    def __init__(
        self, database: Database, settings: Settings | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._database = database
        self._given_settings = settings
        self._data: PeopleData | None = None
        self._undo: list[DeletedContact] = []
        """Contacts deleted in this session, newest last: what u restores."""
        self._select_id: int | None = None
        self._busy = False
        self._on_failure: Callable[[], None] | None = None
        self._on_stale: Callable[[StalePeopleRecordError], None] | None = None
        self._pending_undo: DeletedContact | None = None
        """Set by a delete in the write worker; handed back with its message."""
        self._select_after: int | None = None
        self._ranks: dict[int, int] = {}
        """Influence rank of each contact, by id, once the stakeholder graph is built."""

    @property
    def settings(self) -> Settings:
        """The app's settings (who is at the keyboard), unless given explicitly."""
        if self._given_settings is not None:
            return self._given_settings
        return self.app.settings  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="people-list", id="people-modes"):
            with Vertical(id="people-list"):
                yield PeopleTable(PEOPLE_COLUMNS, id="people-table")
                yield Static(
                    SELECT_ACCOUNT_TEXT, id="people-empty", classes="empty-state", markup=False
                )
                yield Static("Relationships", id="relationships-title", markup=False)
                yield RelationshipsTable(RELATIONSHIP_COLUMNS, id="relationships-table")
            yield StakeholderMap(
                self._database, ascii_only=self.settings.ascii_only, id="people-chart"
            )
        yield Static("", id="people-message", markup=False)

    # --- reading ----------------------------------------------------------------------

    def watch_account_id(self, account_id: int | None) -> None:
        self._ranks = {}  # they belong to the previous account
        self.query_one(StakeholderMap).show_account(account_id)  # the ranks need it too
        if account_id is None:
            self._data = None
            self._show(None)
        else:
            self._load(account_id)

    def reload(self, *, select_id: int | None = None) -> None:
        """Read the account's people again (after a change made elsewhere, e.g. the org chart)."""
        self._select_id = select_id
        if self.account_id is not None:
            self._load(self.account_id)
            self.query_one(StakeholderMap).show_account(self.account_id, changed=True)

    def refresh_from_database(self) -> None:
        """Someone else changed this account's people: re-read; the highlight stays put.

        The table keeps its highlighted record through new rows by itself, and a
        selection a save of ours asked for (a pending ``select_id``) still wins.
        """
        if self.account_id is not None:
            self._load(self.account_id)
            self.query_one(StakeholderMap).show_account(self.account_id, changed=True)

    @work(thread=True, exclusive=True, group="people-view")
    def _load(self, account_id: int) -> None:
        from acctmap_tui.data.people_store import list_relationship_rows, list_seat_rows
        from acctmap_tui.data.repo import list_contact_rows

        try:
            with self._database.session() as session:
                data = PeopleData(
                    list_contact_rows(account_id, session=session),
                    list_seat_rows(account_id, session=session),
                    list_relationship_rows(account_id, session=session),
                )
        except sa.exc.SQLAlchemyError as error:
            self.post_message(self.Loaded(account_id, None, str(error).splitlines()[0]))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(account_id, data))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        message.stop()
        if message.account_id != self.account_id:  # ignore a slower, older read
            return
        if message.error is not None:
            self.say(f"Could not read the people: {message.error}", error=True)
            return
        if message.data == self._data and self._select_id is None:
            return  # the same people (a refresh after our own save): the table stays as it is
        self._data = message.data
        self._show(message.data)

    def _show(self, data: PeopleData | None) -> None:
        table = self.query_one(PeopleTable)
        rows: list[tuple[int, tuple[str, ...]]] = []
        if data is not None:
            rows = [(c.id, contact_cells(c, self._ranks.get(c.id))) for c in data.contacts]
            rows += [(-s.id, seat_cells(s)) for s in data.seats]
        table.set_rows(rows)
        if self._select_id is not None:
            table.move_to_record(self._select_id)
            self._select_id = None
        empty = self.query_one("#people-empty", Static)
        empty.update(SELECT_ACCOUNT_TEXT if data is None else NO_CONTACTS_TEXT)
        empty.display = not rows
        self._show_relationships()
        self.refresh_bindings()

    # --- what is highlighted ------------------------------------------------------------

    @property
    def contacts(self) -> list[ContactRow]:
        """The contacts as last loaded, by name."""
        return self._data.contacts if self._data else []

    def _contact(self, contact_id: int | None) -> ContactRow | None:
        return next((c for c in self.contacts if c.id == contact_id), None)

    def _highlighted_record(self) -> int | None:
        """The highlighted contact's id, or minus the seat's: on the chart or in the list."""
        if self.chart_shown:
            return self.query_one(StakeholderMap).focused_record
        return self.query_one(PeopleTable).cursor_record_id

    def _highlighted_contact(self) -> ContactRow | None:
        return self._contact(self._highlighted_record())

    def _highlighted_seat(self) -> SeatRow | None:
        record_id = self._highlighted_record()
        if record_id is None or record_id >= 0 or self._data is None:
            return None
        return next((s for s in self._data.seats if s.id == -record_id), None)

    def _shown_relationships(self) -> list[RelationshipRow]:
        contact = self._highlighted_contact()
        if contact is None or self._data is None:
            return []
        return [r for r in self._data.relationships if r.involves(contact.id)]

    def _highlighted_relationship(self) -> RelationshipRow | None:
        record_id = self.query_one(RelationshipsTable).cursor_record_id
        return next((r for r in self._shown_relationships() if r.id == record_id), None)

    @on(DataTable.RowHighlighted, "#people-table")
    def _people_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_relationships()

    def _show_relationships(self) -> None:
        contact = self._highlighted_contact()
        rows = self._shown_relationships()
        self.query_one(RelationshipsTable).set_rows([(r.id, relationship_cells(r)) for r in rows])
        title = self.query_one("#relationships-title", Static)
        if contact is None:
            title.update("Relationships: highlight a contact")
        else:
            suffix = "" if rows else f": {NO_RELATIONSHIPS_TEXT}"
            title.update(f"Relationships of {contact.name}{suffix}")

    @property
    def _relationships_focused(self) -> bool:
        return self.query_one(RelationshipsTable).has_focus

    # --- the org chart ------------------------------------------------------------------

    @property
    def chart_shown(self) -> bool:
        """Whether the org chart (rather than the list) is on screen."""
        return self.query_one(ContentSwitcher).current == "people-chart"

    def action_toggle_chart(self) -> None:
        """Switch between the contact list and the org chart."""
        switcher = self.query_one(ContentSwitcher)
        if self.chart_shown:
            switcher.current = "people-list"
            self.query_one(PeopleTable).focus()
        else:
            switcher.current = "people-chart"
            self.query_one(OrgChart).focus()
        self.refresh_bindings()

    @on(StakeholderMap.Analysed)
    def _analysed(self, message: StakeholderMap.Analysed) -> None:
        message.stop()
        if message.account_id == self.account_id:
            self._ranks = message.ranks
            if self._data is not None:
                self._show(self._data)  # with the influence ranks (the cursor keeps its row)

    @on(StakeholderMap.EditRequested)
    def _chart_edit(self, message: StakeholderMap.EditRequested) -> None:
        message.stop()
        self.action_edit()

    @on(StakeholderMap.Notice)
    def _chart_notice(self, message: StakeholderMap.Notice) -> None:
        message.stop()
        self.say(message.text, error=message.error)

    # --- messages -----------------------------------------------------------------------

    def say(self, text: str, *, error: bool = False) -> None:
        """Show one line under the tables (what was saved, or why not)."""
        line = self.query_one("#people-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # --- keys ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_delete":
            return bool(self._undo)
        if self.account_id is None and action != "undo_delete":
            return None
        if action in ("edit", "delete"):
            if self._relationships_focused:
                return self._highlighted_relationship() is not None or None
            has_row = self._highlighted_contact() or self._highlighted_seat()
            return True if has_row else None
        return True

    def _open_form(self, screen: object, then: Callable[[int], None] | None = None) -> None:
        def done(saved: int | None) -> None:
            if saved is not None:
                if then is not None:
                    then(saved)
                else:
                    self.reload()

        self.app.push_screen(screen, done)  # type: ignore[arg-type]

    def action_new_contact(self) -> None:
        """Add a contact to the account."""
        from acctmap_tui.screens.contact_form import ContactFormScreen

        if self.account_id is None:
            return
        screen = ContactFormScreen(self._database, self.settings, self.account_id)
        self._open_form(screen, lambda cid: self._after_save(cid, "Contact added."))

    def edit_contact(self, contact_id: int) -> None:
        """Open the contact form on a contact (also for the org chart's edit requests)."""
        from acctmap_tui.screens.contact_form import ContactFormScreen

        if self.account_id is None:
            return
        screen = ContactFormScreen(self._database, self.settings, self.account_id, contact_id)
        self._open_form(screen, lambda cid: self._after_save(cid, "Contact saved."))

    def _after_save(self, record_id: int, text: str) -> None:
        self.say(text)
        self.reload(select_id=record_id)

    def action_edit(self) -> None:
        """Edit the highlighted relationship, contact or seat."""
        if self._relationships_focused:
            relationship = self._highlighted_relationship()
            if relationship is not None:
                self._edit_relationship(relationship.id)
            return
        contact = self._highlighted_contact()
        if contact is not None:
            self.edit_contact(contact.id)
            return
        seat = self._highlighted_seat()
        if seat is not None:
            self._edit_seat(seat.id)

    @on(DataTable.RowSelected, "#people-table")
    @on(DataTable.RowSelected, "#relationships-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_new_relationship(self) -> None:
        """Add a relationship to the highlighted contact (any type; the target is pre-filled)."""
        from acctmap_tui.screens.relationship_form import RelationshipFormScreen

        if self.account_id is None:
            return
        contact = self._highlighted_contact()
        defaults = {"target": contact.name} if contact else {}
        screen = RelationshipFormScreen(
            self._database, self.settings, self.account_id, defaults=defaults
        )
        self._open_form(screen, lambda _rid: self._after_save_keep("Relationship added."))

    def _edit_relationship(self, relationship_id: int) -> None:
        from acctmap_tui.screens.relationship_form import RelationshipFormScreen

        assert self.account_id is not None
        screen = RelationshipFormScreen(
            self._database, self.settings, self.account_id, relationship_id
        )
        self._open_form(screen, lambda _rid: self._after_save_keep("Relationship saved."))

    def _after_save_keep(self, text: str) -> None:
        self.say(text)
        self.reload()

    def action_new_seat(self) -> None:
        """Add a placeholder seat (a role known before the person is)."""
        from acctmap_tui.screens.seat_form import SeatFormScreen

        if self.account_id is None:
            return
        screen = SeatFormScreen(self._database, self.settings, self.account_id)
        self._open_form(screen, lambda sid: self._after_save(-sid, "Seat added."))

    def _edit_seat(self, seat_id: int) -> None:
        from acctmap_tui.screens.seat_form import SeatFormScreen

        assert self.account_id is not None
        screen = SeatFormScreen(self._database, self.settings, self.account_id, seat_id)
        self._open_form(screen, lambda sid: self._after_save(-sid, "Seat saved."))

    def action_partners(self) -> None:
        """The account's partners: add, edit, delete."""
        from acctmap_tui.screens.partner_form import PartnersScreen

        if self.account_id is None:
            return

        def done(changed: bool | None) -> None:
            if changed:
                self.reload()

        self.app.push_screen(PartnersScreen(self._database, self.settings, self.account_id), done)

    # --- deleting -------------------------------------------------------------------------

    def action_delete(self) -> None:
        """Delete the highlighted relationship, contact or seat, after asking."""
        if self._busy:
            self.say("Still saving; one moment.")
            return
        if self._relationships_focused:
            relationship = self._highlighted_relationship()
            if relationship is not None:
                self._confirm_relationship_delete(relationship)
            return
        contact = self._highlighted_contact()
        if contact is not None:
            self._ask_contact_delete(contact)
            return
        seat = self._highlighted_seat()
        if seat is not None:
            self._confirm_seat_delete(seat)

    def _confirm(self, title: str, question: str, write: Callable[[Session], str]) -> None:
        from acctmap_tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(write)

        self.app.push_screen(ConfirmScreen(title, question), answered)

    def _confirm_relationship_delete(self, row: RelationshipRow) -> None:
        from acctmap_tui.data.people_store import delete_relationship

        user = self.settings.user
        what = f"{row.source} {_VERBS[row.kind.value]} {row.target}"

        def delete(session: Session, version: int) -> str:
            delete_relationship(row.id, expected_version=version, session=session, user=user)
            return f"Deleted: {what}."

        self._confirm_delete("Delete relationship", f"“{what}”", delete, row.version)

    def _confirm_seat_delete(self, seat: SeatRow) -> None:
        from acctmap_tui.data.people_store import delete_seat

        user = self.settings.user

        def delete(session: Session, version: int) -> str:
            delete_seat(seat.id, expected_version=version, session=session, user=user)
            return f"Deleted the seat {seat.role_title}."

        self._confirm_delete("Delete seat", f"the seat “{seat.role_title}”", delete, seat.version)

    def _confirm_delete(
        self,
        title: str,
        what: str,
        delete: Callable[[Session, int], str],
        version: int,
        *,
        changed: StalePeopleRecordError | None = None,
    ) -> None:
        """Ask, then delete at ``version``; if someone saved it since, ask once more.

        The second question names who changed it; yes deletes what is stored now.
        """
        question = f"Delete {what}?"
        if changed is not None:
            who = changed.changed_by or "Someone else"
            question = f"{who} changed {what} since you looked.\n\nDelete it anyway?"

        def answered(yes: bool | None) -> None:
            if not yes:
                if changed is not None:
                    self.say(f"Not deleted: {what}.")
                return

            def on_stale(error: StalePeopleRecordError) -> None:
                self._confirm_delete(title, what, delete, error.current_version, changed=error)

            self._write(lambda session: delete(session, version), on_stale=on_stale)

        from acctmap_tui.screens.confirm import ConfirmScreen

        label = "Delete anyway" if changed is not None else "Delete"
        self.app.push_screen(ConfirmScreen(title, question, confirm_label=label), answered)

    def _ask_contact_delete(self, contact: ContactRow) -> None:
        from acctmap_tui.data.people_store import ReportsChoice
        from acctmap_tui.screens.delete_manager import DeleteManagerScreen

        reports = [c.name for c in self.contacts if c.reports_to_id == contact.id]
        if not reports:
            self._confirm(
                "Delete contact",
                f"Delete {contact.name}, their relationships and reporting lines? "
                "u undoes it in this session.",
                lambda session: self._delete_contact(session, contact, ReportsChoice.ROOTS),
            )
            return
        manager = self._contact(contact.reports_to_id)

        def chosen(choice: ReportsChoice | None) -> None:
            if choice is None:
                self.say(f"{contact.name} was not deleted.")
                return
            self._write(lambda session: self._delete_contact(session, contact, choice))

        self.app.push_screen(
            DeleteManagerScreen(contact.name, reports, manager.name if manager else None), chosen
        )

    def _delete_contact(
        self,
        session: Session,
        contact: ContactRow,
        choice: object,
        expected_version: int | None = None,
    ) -> str:
        """Runs in the write worker; the undo record rides back on the message.

        Deletes the contact as this view last read it (or at ``expected_version``,
        once the user has been told of a newer save); if someone saved it since,
        nothing is deleted and the user is asked again, told who changed what.
        """
        from acctmap_tui.data.change_authors import latest_change
        from acctmap_tui.data.people_store import (
            ReportsChoice,
            StalePeopleRecordError,
            delete_contact,
        )

        assert isinstance(choice, ReportsChoice)
        version = contact.version if expected_version is None else expected_version
        try:
            deleted = delete_contact(
                contact.id,
                expected_version=version,
                reports=choice,
                session=session,
                user=self.settings.user,
            )
        except StalePeopleRecordError as stale:
            change = latest_change("contact", contact.id, session=session)
            self.app.call_from_thread(
                self._ask_again_contact, contact, choice, stale.current_version, change
            )
            who = change.user if change is not None else stale.changed_by or "someone else"
            return f"{contact.name} was not deleted: {who} changed them meanwhile."
        self._pending_undo = deleted
        return f"{deleted.summary()}. Press u to undo."

    def _ask_again_contact(
        self, contact: ContactRow, choice: object, version: int, change: RecordChange | None
    ) -> None:
        """Someone saved the contact since this view read it: confirm once more."""
        from acctmap_tui.domain.contact_form import CONTACT_FIELDS
        from acctmap_tui.screens.confirm import ConfirmScreen
        from acctmap_tui.screens.conflict import describe_change

        if change is not None:
            labels = {f.column: f.label for f in CONTACT_FIELDS}
            said = describe_change(change, noun="contact", labels=labels)
        else:
            said = "Someone else changed this contact meanwhile."

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(lambda session: self._delete_contact(session, contact, choice, version))
            else:
                self.say(f"{contact.name} was not deleted.")

        self.app.push_screen(
            ConfirmScreen(
                "Changed since you looked",
                f"{said}\n\nDelete {contact.name} anyway?",
                confirm_label="Delete anyway",
            ),
            answered,
        )

    def action_undo_delete(self) -> None:
        """Bring back the contact deleted last in this session, with its lines and links."""
        from acctmap_tui.data.people_store import restore_contact

        if not self._undo or self._busy:
            return
        deleted = self._undo.pop()
        user = self.settings.user

        def write(session: Session) -> str:
            contact = restore_contact(deleted, session=session, user=user)
            self._select_after = contact.id
            return f"Restored {deleted.name}."

        self._write(write, on_failure=lambda: self._undo.append(deleted))

    # --- writing ----------------------------------------------------------------------------

    def _write(
        self,
        write: Callable[[Session], str],
        *,
        on_failure: Callable[[], None] | None = None,
        on_stale: Callable[[StalePeopleRecordError], None] | None = None,
    ) -> None:
        self._busy = True
        self._on_failure = on_failure
        self._on_stale = on_stale
        self._pending_undo = None
        self._select_after = None
        self._run_write(write)

    @work(thread=True, exclusive=True, group="people-write")
    def _run_write(self, write: Callable[[Session], str]) -> None:
        from acctmap_tui.data.people_store import StalePeopleRecordError
        from acctmap_tui.data.retry import run_in_transaction
        from acctmap_tui.errors import AcctmapError
        from acctmap_tui.screens.contact_form import explain_failure

        try:
            text = run_in_transaction(self._database, write)  # retried after a deadlock
        except StalePeopleRecordError as error:
            if self._on_stale is None:
                self.post_message(
                    self.Written(f"Not changed: {explain_failure(error)}", error=True)
                )
            else:
                self.post_message(self.Written("", stale=error))
            return
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.post_message(self.Written(f"Not changed: {explain_failure(error)}", error=True))
            return
        self.post_message(
            self.Written(text, deleted=self._pending_undo, select_id=self._select_after)
        )

    @on(Written)
    def _written(self, message: Written) -> None:
        message.stop()
        self._busy = False
        if message.stale is not None and self._on_stale is not None:
            self._on_stale(message.stale)
            self.reload()
            return
        if message.error and self._on_failure is not None:
            self._on_failure()
        if message.deleted is not None:
            self._undo.append(message.deleted)
        self.say(message.text, error=message.error)
        self.reload(select_id=message.select_id)
