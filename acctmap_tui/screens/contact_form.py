"""The contact form, and the modal form the other people forms are built on.

:class:`PeopleFormScreen` lays out a tuple of
:class:`~acctmap_tui.domain.contact_form.PeopleField` as labelled rows, checks them
as you type (each error under its field, naming the field, the value and what is
expected), keeps Save disabled while an error shows, and reads and writes in
thread workers, one session and one transaction per save. People are typed by
(part of) their name, with completion as you type, or chosen with ctrl+o from a
filtered list (:class:`~acctmap_tui.screens.person_picker.PersonPickerScreen`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, Static, TextArea

from acctmap_tui.data.db import Database
from acctmap_tui.data.history import record_values
from acctmap_tui.data.merge_write import write_merging
from acctmap_tui.data.people_store import (
    PeopleLookups,
    create_contact,
    get_contact,
    people_lookups,
    update_contact,
)
from acctmap_tui.domain.account_form import FormResult
from acctmap_tui.domain.contact_form import (
    CONTACT_FIELDS,
    CONTACT_SECTIONS,
    NOT_MET_LABEL,
    Kind,
    Lookups,
    PeopleField,
    blank_text,
    changed_values,
    form_text,
    format_people_field,
    validate_contact_form,
)
from acctmap_tui.errors import AcctmapError
from acctmap_tui.screens.conflict import FormConflicted, ask_field_by_field, conflict_found
from acctmap_tui.screens.form_widgets import (
    InputKind,
    after_typed_keys,
    cancel_form,
    compose_field_row,
    errors_summary,
    field_id,
    make_input,
    read_text,
    show_field_errors,
    visible_errors,
    write_text,
)
from acctmap_tui.settings import Settings

PERSON_KINDS = (Kind.CONTACT, Kind.SOURCE)
"""Fields typed as a person's name: completed as you type, and pickable with ctrl+o."""

_INPUT_KINDS = {
    Kind.LONG_TEXT: InputKind.LONG,
    Kind.CHOICE: InputKind.CHOICE,
    Kind.MEMBER: InputKind.CHOICE,
}
"""The widget each kind of field is edited with; any other kind is one line."""


SOURCE_LABELS = {
    "source_member_id": "From (our team)",
    "source_contact_id": "From (contact)",
    "source_partner_id": "From (partner)",
}
"""Labels of a relationship's source columns, which no single form field writes."""


def explain_failure(error: Exception) -> str:
    """One line saying why a read or write failed."""
    if isinstance(error, sa.exc.SQLAlchemyError):
        original = getattr(error, "orig", None)
        text = str(original if original is not None else error).strip().splitlines()[0]
        if "locked" in text or "busy" in text:
            return "the database is busy (someone else is saving); try again in a moment"
        return f"the database refused it ({text})"
    return str(error)


class _Stored(Protocol):
    """A record the store wrote: all a form needs back is its id."""

    id: int | None


@dataclass
class FormData:
    """What a form opens on: the names to resolve, its text, and the version it edits."""

    lookups: PeopleLookups
    text: dict[str, str]
    version: int | None = None
    stored: dict[str, Any] | None = None
    title: str = ""


class PeopleFormScreen(ModalScreen[int | None]):
    """A modal form over people fields; dismisses with the saved record's id, or None.

    Subclasses declare :attr:`FIELDS` and implement :meth:`read`, :meth:`validate`
    and :meth:`write` (the last two run their store calls in the worker's session).
    """

    FIELDS: tuple[PeopleField, ...] = ()
    SECTIONS: tuple[str, ...] = ("",)
    NOUN = "record"
    SEND_CHANGES_ONLY = True
    """An edit writes only the fields changed here, so others' edits of other fields stay."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="people-form.save"),
        Binding("ctrl+o", "pick_person", "Pick person", id="people-form.pick"),
        Binding("escape", "cancel", "Cancel", id="people-form.cancel"),
        Binding("enter", "next_field", "Next", show=False, priority=True, id="people-form.next"),
    ]

    @dataclass
    class Loaded(Message):
        data: FormData

    @dataclass
    class Failed(Message):
        """Loading or saving failed; nothing was written."""

        message: str
        current_version: int | None = None

    @dataclass
    class Saved(Message):
        record_id: int
        note: str = ""

    Conflicted = FormConflicted

    def __init__(
        self,
        database: Database,
        settings: Settings,
        account_id: int,
        record_id: int | None = None,
        *,
        defaults: dict[str, str] | None = None,
    ) -> None:
        super().__init__(classes="people-form-screen")
        self._database = database
        self._settings = settings
        self.account_id = account_id
        self.record_id = record_id
        self._defaults = defaults or {}
        self.lookups = Lookups()
        self.people = PeopleLookups({}, {}, {}, {}, {})
        self._initial: dict[str, str] = {}
        self._stored: dict[str, Any] = {}
        """The stored values the form opened on, by column: the base of a merge."""
        self._version: int | None = None
        self._loaded = False
        self._saving = False
        self._save_attempted = False
        self._errors: dict[str, str] = {}

    # --- subclass hooks -----------------------------------------------------------------

    def read(self, session: Session, people: PeopleLookups) -> FormData:
        """What the form opens on (runs in the load worker)."""
        raise NotImplementedError

    def validate(self, raw: dict[str, str]) -> FormResult:
        """Every field parsed, errors by field key."""
        raise NotImplementedError

    def write(self, session: Session, values: dict[str, Any], version: int | None) -> int:
        """Create or update through the store; returns the record id (runs in a worker)."""
        raise NotImplementedError

    def create_or_update(
        self,
        session: Session,
        values: dict[str, Any],
        version: int | None,
        create: Callable[..., _Stored],
        update: Callable[..., _Stored],
    ) -> int:
        """What :meth:`write` does for most forms: the store's create, or its update of ours."""
        user = self._settings.user
        if self.record_id is None:
            record = create(self.account_id, values, session=session, user=user)
        else:
            record = update(
                self.record_id, values, expected_version=version, session=session, user=user
            )
        assert record.id is not None
        return record.id

    def person_names(self, key: str) -> list[str]:
        """The names a person field completes and picks from."""
        return list(self.lookups.contacts.values())

    def raw_changed(self, raw: dict[str, str]) -> None:
        """Called on every change before validation (e.g. to re-point completions)."""

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="people-form") as form:
            form.border_title = (
                f"New {self.NOUN}" if self.record_id is None else f"Edit {self.NOUN}"
            )
            form.border_subtitle = "ctrl+s save · esc cancel"
            with VerticalScroll(id="people-form-body"):
                for section in self.SECTIONS:
                    if section:
                        yield Static(section, classes="form-section", markup=False)
                    for people_field in (f for f in self.FIELDS if f.section == section):
                        yield from self._compose_field(people_field)
            yield Static("", id="people-form-message", markup=False)
            yield Static("", id="people-form-errors", markup=False)
        yield Footer(compact=True)

    def _compose_field(self, people_field: PeopleField) -> ComposeResult:
        field_input = make_input(
            people_field.key,
            _INPUT_KINDS.get(people_field.kind, InputKind.LINE),
            required=people_field.required,
            hint=people_field.hint,
            choices=people_field.choices,
        )
        yield from compose_field_row(
            people_field.key, people_field.label, people_field.required, field_input
        )

    def on_mount(self) -> None:
        self.query_one("#people-form-body").disabled = True
        self._say("Loading…")
        self._load()

    # --- widgets as text -----------------------------------------------------------------

    def widget(self, key: str) -> Widget:
        return self.query_one(f"#{field_id(key)}")

    def read_raw(self) -> dict[str, str]:
        """What every field holds now, as text."""
        return {f.key: read_text(self.widget(f.key)) for f in self.FIELDS}

    def write_raw(self, texts: dict[str, str]) -> None:
        for people_field in self.FIELDS:
            text = texts.get(people_field.key, "")
            widget = self.widget(people_field.key)
            write_text(widget, text, required=people_field.required, cursor_to_end=True)

    @property
    def is_dirty(self) -> bool:
        return self._loaded and self.read_raw() != self._initial

    # --- loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="people-form-load")
    def _load(self) -> None:
        try:
            with self._database.session() as session:
                people = people_lookups(self.account_id, session=session)
                data = self.read(session, people)
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.post_message(self.Failed(f"Could not open: {explain_failure(error)}"))
            return
        self.post_message(self.Loaded(data))

    @on(Loaded)
    def _loaded_data(self, message: Loaded) -> None:
        data = message.data
        self.people = data.lookups
        self.lookups = Lookups(data.lookups.contacts, data.lookups.members, data.lookups.partners)
        for people_field in self.FIELDS:
            widget = self.widget(people_field.key)
            if people_field.kind is Kind.MEMBER:
                assert isinstance(widget, Select)
                widget.set_options([(name, name) for name in self.lookups.members.values()])
        self._refresh_suggesters()
        self._version = data.version
        self._stored = dict(data.stored or {})
        self._initial = {**blank_text(self.FIELDS), **data.text}
        self.write_raw(self._initial)
        if data.title:
            self.query_one("#people-form").border_title = Content(data.title)
        self.query_one("#people-form-body").disabled = False
        self._loaded = True
        self._say("")
        self.widget(self.FIELDS[0].key).focus()
        self.call_after_refresh(self._refresh_errors)

    def _refresh_suggesters(self) -> None:
        for people_field in self.FIELDS:
            if people_field.kind in PERSON_KINDS:
                widget = self.widget(people_field.key)
                assert isinstance(widget, Input)
                widget.suggester = SuggestFromList(
                    self.person_names(people_field.key), case_sensitive=False
                )

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self._saving = False
        if message.current_version is not None:
            self._version = message.current_version
        self._say(message.message, error=True)

    # --- validation as you type ----------------------------------------------------------

    @on(Input.Changed, ".form-input")
    @on(TextArea.Changed, ".form-input")
    @on(Select.Changed, ".form-input")
    def _field_changed(self, event: Message) -> None:
        event.stop()
        if self._loaded:
            self._refresh_errors()

    def _visible_errors(self, raw: dict[str, str], result: FormResult) -> dict[str, str]:
        """Not "required" on an empty field nobody touched yet, until a save is tried."""
        keys = (f.key for f in self.FIELDS)
        return visible_errors(
            keys, raw, result.errors, self._initial, save_attempted=self._save_attempted
        )

    def _refresh_errors(self) -> dict[str, str]:
        if not self._loaded:
            return {}
        raw = self.read_raw()
        self.raw_changed(raw)
        errors = self._visible_errors(raw, self.validate(raw))
        show_field_errors(self, (f.key for f in self.FIELDS), errors, self._errors, self.widget)
        self._errors = errors
        self.query_one("#people-form-errors", Static).update(errors_summary(len(errors)))
        self.refresh_bindings()
        return errors

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#people-form-message", Static)
        line.update(text)
        line.display = bool(text)
        line.set_class(error, "-error")

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return isinstance(self.focused, Input)
        if action == "save":
            return None if self._errors or not self._loaded else True
        if action == "pick_person":
            return self._focused_person_field() is not None
        return True

    def action_next_field(self) -> None:
        """Enter in a one-line field moves on, as in a paper form; ctrl+s saves."""
        self.focus_next()

    def _focused_person_field(self) -> PeopleField | None:
        focused_id = self.focused.id if self.focused is not None else None
        for people_field in self.FIELDS:
            if people_field.kind in PERSON_KINDS and focused_id == field_id(people_field.key):
                return people_field
        return None

    def action_pick_person(self) -> None:
        """Choose the focused field's person from a list filtered as you type."""
        from acctmap_tui.screens.person_picker import PersonPickerScreen

        people_field = self._focused_person_field()
        if people_field is None:
            return
        widget = self.widget(people_field.key)
        assert isinstance(widget, Input)

        def picked(name: str | None) -> None:
            if name is not None:
                widget.value = name
                widget.cursor_position = len(name)
            widget.focus()

        self.app.push_screen(
            PersonPickerScreen(
                people_field.label, self.person_names(people_field.key), typed=widget.value
            ),
            picked,
        )

    # --- saving --------------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save once the keys typed before ctrl+s are in their fields."""
        after_typed_keys(self, self._save_now)

    def _save_now(self) -> None:
        """Save when every field is valid; otherwise show every error and go to the first."""
        if not self._loaded or self._saving:
            return
        self._save_attempted = True
        errors = self._refresh_errors()
        if errors:
            self.widget(next(iter(errors))).focus()
            return
        raw = self.read_raw()
        result = self.validate(raw)
        values = result.values
        if self.record_id is not None and self.SEND_CHANGES_ONLY:
            values = changed_values(self.FIELDS, result, raw, self._initial)
            if not values:
                self.dismiss(self.record_id)
                return
        self._saving = True
        self._say("Saving…")
        self._save(values, self._version, dict(self._stored))

    @work(thread=True, exclusive=True, group="people-form-save")
    def _save(
        self,
        values: dict[str, Any],
        version: int | None,
        stored: dict[str, Any],
        merged: bool = False,
    ) -> None:
        """Write in one transaction; a concurrent save is merged field by field.

        ``stored`` is what ``values`` were edited from: fields only the other
        person changed keep their value, fields only we changed are written on top
        of their version, and the same field changed on both sides goes to the
        user (:class:`Conflicted`).
        """
        labels = {**SOURCE_LABELS, **{f.column: f.label for f in self.FIELDS}}
        try:
            outcome = write_merging(
                self._database,
                self.write,
                values,
                version,
                stored,
                labels=labels,
                order=[f.column for f in self.FIELDS],
                merged=merged,
            )
            if outcome.merge is not None and outcome.stale is not None:
                assert self.record_id is not None
                entity = getattr(outcome.stale, "entity", self.NOUN)
                self.post_message(
                    conflict_found(
                        self._database, entity, self.record_id, outcome.merge, outcome.stale
                    )
                )
                return
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.post_message(self.Failed(f"Not saved: {explain_failure(error)}"))
            return
        if outcome.written is not None:
            note = "merged with a change made meanwhile" if outcome.merged else ""
            self.post_message(self.Saved(outcome.written, note))
        else:
            self.post_message(
                self.Failed(
                    f"Not saved: others keep saving this {self.NOUN} right now. "
                    "Your values are still here; press ctrl+s to try again."
                )
            )

    def describe(self, column: str, value: Any) -> str:
        """A stored value as the form would show it, for the conflict dialog."""
        if value is None:
            return "(empty)"
        if column in SOURCE_LABELS:
            people = {
                "source_member_id": self.lookups.members,
                "source_contact_id": self.lookups.contacts,
                "source_partner_id": self.lookups.partners,
            }[column]
            return people.get(int(value), str(value))
        people_field = next((f for f in self.FIELDS if f.column == column), None)
        if people_field is None:
            return str(value)
        try:
            text = format_people_field(people_field, value, self.lookups)
        except (ValueError, TypeError, AttributeError):
            text = str(getattr(value, "value", value))
        return text or "(empty)"

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saving = False
        if message.note:
            self.notify(f"Saved ({message.note}).")
        self.dismiss(message.record_id)

    @on(Conflicted)
    def _conflicted(self, message: FormConflicted) -> None:
        """Ask field by field; save what the user keeps, at the version they were shown."""
        self._saving = False

        def save(values: dict[str, Any]) -> None:
            self._saving = True
            self._say("Saving…")
            self._save(values, message.version, message.stored, True)

        ask_field_by_field(
            self,
            message,
            noun=self.NOUN,
            describe=self.describe,
            say=lambda text, error: self._say(text, error=error),
            save=save,
            ascii_only=self._settings.ascii_only,
        )

    def action_cancel(self) -> None:
        """Close without saving, asking first if anything was changed."""
        if self._saving:
            return
        detail = f"You have changes in this {self.NOUN} that are not saved."
        cancel_form(self, dirty=self.is_dirty, detail=detail)


class ContactFormScreen(PeopleFormScreen):
    """Creates or edits one contact of an account, every field of it."""

    FIELDS = CONTACT_FIELDS
    SECTIONS = CONTACT_SECTIONS
    NOUN = "contact"

    def read(self, session: Session, people: PeopleLookups) -> FormData:
        lookups = Lookups(people.contacts, people.members, people.partners)
        if self.record_id is None:
            text = {"met": NOT_MET_LABEL, **self._defaults}
            return FormData(people, text)
        contact = get_contact(self.record_id, session=session)
        stored = record_values(contact)
        return FormData(
            people,
            form_text(CONTACT_FIELDS, stored, lookups),
            contact.version,
            stored,
            f"Edit contact: {contact.name}",
        )

    def person_names(self, key: str) -> list[str]:
        """Everyone on the account but the contact being edited (nobody is their own boss)."""
        return [name for cid, name in self.lookups.contacts.items() if cid != self.record_id]

    def validate(self, raw: dict[str, str]) -> FormResult:
        return validate_contact_form(
            raw, self.lookups, contact_id=self.record_id, lines=self.people.lines
        )

    def write(self, session: Session, values: dict[str, Any], version: int | None) -> int:
        return self.create_or_update(session, values, version, create_contact, update_contact)
