"""Third parties on an account (systems integrators, resellers): a list and a form.

``p`` in the People tab opens :class:`PartnersScreen`; whom a partner influences
is a relationship ("Partner influences contact"), added with ``r`` there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from acctmap_tui.data.change_authors import latest_change
from acctmap_tui.data.db import Database
from acctmap_tui.data.history import record_values
from acctmap_tui.data.models import Partner
from acctmap_tui.data.people_store import (
    PeopleLookups,
    StalePeopleRecordError,
    create_partner,
    delete_partner,
    get_partner,
    list_partners,
    update_partner,
)
from acctmap_tui.domain.account_form import FormResult
from acctmap_tui.domain.contact_form import (
    PARTNER_FIELDS,
    Lookups,
    form_text,
    validate_partner_form,
)
from acctmap_tui.errors import AcctmapError
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.conflict import describe_change
from acctmap_tui.screens.contact_form import FormData, PeopleFormScreen, explain_failure
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY, text_or_empty

PARTNER_COLUMNS = (
    ColumnSpec("Partner", "name", min_width=12),
    ColumnSpec("Kind", "kind", min_width=8),
    ColumnSpec("Influence", "influence"),
    ColumnSpec("Notes", "notes", min_width=8),
)

PARTNER_LABELS = {f.column: f.label for f in PARTNER_FIELDS}

NO_PARTNERS_TEXT = "No partners on this account yet — press n to add one."


class PartnerFormScreen(PeopleFormScreen):
    """Creates or edits one partner."""

    FIELDS = PARTNER_FIELDS
    NOUN = "partner"

    def read(self, session: Session, people: PeopleLookups) -> FormData:
        if self.record_id is None:
            return FormData(people, dict(self._defaults))
        partner = get_partner(self.record_id, session=session)
        stored = record_values(partner)
        text = form_text(PARTNER_FIELDS, stored, Lookups())
        return FormData(people, text, partner.version, stored, f"Edit partner: {partner.name}")

    def validate(self, raw: dict[str, str]) -> FormResult:
        return validate_partner_form(raw)

    def write(self, session: Session, values: dict[str, Any], version: int | None) -> int:
        return self.create_or_update(session, values, version, create_partner, update_partner)


def partner_cells(partner: Partner) -> tuple[str, ...]:
    notes = " ".join((partner.notes or "").split())
    return (
        partner.name,
        text_or_empty(partner.kind),
        str(partner.influence) if partner.influence else EMPTY,
        notes or EMPTY,
    )


class PartnersTable(FittedTable):
    """The partners list; Enter edits."""

    BINDING_GROUP_TITLE = "Partners"


class PartnersScreen(ModalScreen[bool]):
    """An account's partners; dismisses with True if anything was written."""

    BINDING_GROUP_TITLE = "Partners"
    BINDINGS = [
        Binding("n", "new", "New partner", id="partners.new"),
        Binding("e", "edit", "Edit", id="partners.edit"),
        Binding("d", "delete", "Delete", id="partners.delete"),
        Binding("escape", "back", "Back", id="partners.back"),
    ]

    @dataclass
    class Loaded(Message):
        partners: list[Partner]
        error: str | None = None
        note: str = ""

    @dataclass
    class Written(Message):
        text: str
        error: bool = False

    @dataclass
    class ChangedMeanwhile(Message):
        """A delete found the partner saved since it was read; nothing was deleted."""

        partner_id: int
        version: int
        name: str
        said: str

    def __init__(self, database: Database, settings: Settings, account_id: int) -> None:
        super().__init__(id="partners-screen")
        self._database = database
        self._settings = settings
        self._account_id = account_id
        self._partners: list[Partner] = []
        self._changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="partners-dialog") as dialog:
            dialog.border_title = Content("Partners on this account")
            yield PartnersTable(PARTNER_COLUMNS, id="partners-table")
            yield Static("", id="partners-message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(PartnersTable).focus()
        self._load()

    @work(thread=True, exclusive=True, group="partners-load")
    def _load(self, note: str = "") -> None:
        """Read the partners; ``note`` (what was just done) is shown with them."""
        try:
            with self._database.session() as session:
                partners = list_partners(self._account_id, session=session)
        except sa.exc.SQLAlchemyError as error:
            self.post_message(self.Loaded([], explain_failure(error)))
            return
        self.post_message(self.Loaded(partners, note=note))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        message.stop()
        self._partners = message.partners
        rows = [(p.id, partner_cells(p)) for p in self._partners if p.id is not None]
        self.query_one(PartnersTable).set_rows(rows)
        if message.error:
            self._say(f"Could not read the partners: {message.error}")
        elif message.note or not rows:
            empty = "" if rows else NO_PARTNERS_TEXT
            self._say(" ".join(part for part in (message.note, empty) if part))
        self.refresh_bindings()

    def _say(self, text: str) -> None:
        self.query_one("#partners-message", Static).update(text)

    def _highlighted(self) -> Partner | None:
        record_id = self.query_one(PartnersTable).cursor_record_id
        return next((p for p in self._partners if p.id == record_id), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete") and not self._partners:
            return None
        return True

    def _open(self, partner_id: int | None) -> None:
        def done(saved: int | None) -> None:
            if saved is not None:
                self._changed = True
                self._say("Saved.")
                self._load("Saved.")

        self.app.push_screen(
            PartnerFormScreen(self._database, self._settings, self._account_id, partner_id), done
        )

    def action_new(self) -> None:
        """Add a partner."""
        self._open(None)

    def action_edit(self) -> None:
        """Edit the highlighted partner."""
        partner = self._highlighted()
        if partner is not None:
            self._open(partner.id)

    @on(DataTable.RowSelected, "#partners-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_delete(self) -> None:
        """Delete the highlighted partner and whom it influences, after asking."""
        partner = self._highlighted()
        if partner is None or partner.id is None:
            return
        question = f"Delete the partner “{partner.name}” and whom they influence?"
        self._confirm_delete(partner.id, partner.version, partner.name, question)

    def _confirm_delete(
        self, partner_id: int, version: int, name: str, question: str, *, again: bool = False
    ) -> None:
        """Ask, then delete the partner as it was at ``version``."""

        def answered(yes: bool | None) -> None:
            if yes:
                self._delete(partner_id, version, name)
            elif again:
                self._say(f"Not deleted: {name}.")

        self.app.push_screen(
            ConfirmScreen(
                "Changed since you looked" if again else "Delete partner",
                f"{question} The history keeps a copy.",
                confirm_label="Delete anyway" if again else "Delete",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, group="partners-write")
    def _delete(self, partner_id: int, version: int, name: str) -> None:
        """Delete at ``version``; a save made since is described and the user asked again."""
        try:
            with self._database.session() as session:
                try:
                    gone = delete_partner(
                        partner_id,
                        expected_version=version,
                        session=session,
                        user=self._settings.user,
                    )
                except StalePeopleRecordError as stale:
                    change = latest_change("partner", partner_id, session=session)
                    said = (
                        describe_change(change, noun="partner", labels=PARTNER_LABELS)
                        if change is not None
                        else f"{stale.changed_by or 'Someone else'} changed this partner."
                    )
                    self.post_message(
                        self.ChangedMeanwhile(partner_id, stale.current_version, name, said)
                    )
                    return
                session.commit()
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.post_message(self.Written(f"Not deleted: {explain_failure(error)}", error=True))
            return
        extra = f" and {gone} influence line{'s' if gone != 1 else ''}" if gone else ""
        self.post_message(self.Written(f"Deleted {name}{extra}."))

    @on(ChangedMeanwhile)
    def _changed_meanwhile(self, message: ChangedMeanwhile) -> None:
        message.stop()
        self._load()
        question = f"{message.said}\n\nDelete “{message.name}” anyway?"
        self._confirm_delete(
            message.partner_id, message.version, message.name, question, again=True
        )

    @on(Written)
    def _written(self, message: Written) -> None:
        message.stop()
        self._changed = self._changed or not message.error
        self._say(message.text)
        self._load(message.text)

    def action_back(self) -> None:
        """Back to the People tab."""
        self.dismiss(self._changed)
