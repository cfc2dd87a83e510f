"""The account form: create or edit one account, checked as you type.

Every field of the account map, the company overview, the fit rubric and the
qualification letters, by section, in one scrolling form that works at 80x24 with
the keyboard alone. The fields and their rules come from
:mod:`acctmap_tui.domain.account_form`; reading and writing go through
:mod:`acctmap_tui.data.account_store` in thread workers, each with its own session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Select, Static, TextArea

from acctmap_tui.data.account_store import (
    AccountNotFoundError,
    DuplicateAccountNameError,
    create_account,
    get_account,
    list_team_members,
    update_account,
)
from acctmap_tui.data.db import Database
from acctmap_tui.data.db_errors import explain_database_error
from acctmap_tui.data.history import record_values
from acctmap_tui.data.merge_write import write_merging
from acctmap_tui.data.models import Account, TeamMember
from acctmap_tui.domain.account_form import (
    ACCOUNT_FIELDS,
    OWNER_KEY,
    SECTIONS,
    FieldKind,
    FormField,
    FormResult,
    changed_values,
    form_text,
    format_field,
    new_account_text,
    validate_account_form,
)
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

FIELDS_BY_COLUMN: dict[str, FormField] = {f.column: f for f in ACCOUNT_FIELDS}
LABELS = {column: f.label for column, f in FIELDS_BY_COLUMN.items()}


_INPUT_KINDS = {FieldKind.LONG_TEXT: InputKind.LONG, FieldKind.CHOICE: InputKind.CHOICE}
"""The widget each kind of field is edited with; any other kind is one line."""


class AccountFormScreen(ModalScreen[int | None]):
    """Creates an account (``account_id`` None) or edits one; dismisses with its id.

    Escape (or ``q`` outside a text field) cancels with ``None``, asking first when
    something was changed. Save is refused while any field is invalid; a failed
    save keeps everything typed on screen and says why.
    """

    BINDING_GROUP_TITLE = "Account form"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="account-form.save"),
        Binding("escape", "cancel", "Cancel", id="account-form.cancel"),
        Binding(
            "enter", "next_field", "Next field", show=False, priority=True, id="account-form.next"
        ),
    ]

    @dataclass
    class Loaded(Message):
        """The worker read the team and, when editing, the account."""

        owners: dict[int, str]
        stored: dict[str, Any] | None
        version: int | None
        default_owner: str = ""

    @dataclass
    class LoadFailed(Message):
        """The account could not be read; the form stays closed for editing."""

        message: str

    @dataclass
    class Saved(Message):
        """The account was written and committed."""

        account_id: int
        note: str = ""

    @dataclass
    class SaveFailed(Message):
        """Nothing was written; ``field_key`` is the field to blame, if one is."""

        message: str
        field_key: str | None = None
        field_text: str = ""

    Conflicted = FormConflicted

    def __init__(self, database: Database, settings: Settings, account_id: int | None) -> None:
        super().__init__(id="account-form-screen")
        self._database = database
        self._settings = settings
        self._account_id = account_id
        self._owners: dict[int, str] = {}
        self._initial: dict[str, str] = {}
        """The text each field opened with; a field differing from it was edited."""
        self._stored: dict[str, Any] = {}
        """The stored values the form was opened on (or last told of), by column."""
        self._version: int | None = None
        self._loaded = False
        self._saving = False
        self._save_attempted = False
        self._save_errors: dict[str, tuple[str, str]] = {}
        """Errors from the store (a taken name), shown while the field still holds that text."""
        self._shown_errors: dict[str, str] = {}
        self._inputs: dict[str, Widget] = {}

    # --- layout -------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="account-form") as form:
            form.border_title = "New account" if self._account_id is None else "Edit account"
            separator = " - " if self._settings.ascii_only else " · "
            form.border_subtitle = f"ctrl+s save{separator}esc cancel"
            with VerticalScroll(id="form-body"):
                for section in SECTIONS:
                    yield Static(section, classes="form-section", markup=False)
                    for form_field in (f for f in ACCOUNT_FIELDS if f.section == section):
                        yield from self._compose_field(form_field)
            yield Static("", id="form-message", markup=False)
            yield Static("", id="form-errors", markup=False)
        yield Footer(compact=True)

    def _compose_field(self, form_field: FormField) -> ComposeResult:
        field_input = make_input(
            form_field.key,
            _INPUT_KINDS.get(form_field.kind, InputKind.LINE),
            required=form_field.required,
            hint=form_field.hint,
            choices=form_field.options,
            long_placeholder="(several lines allowed)",
        )
        yield from compose_field_row(
            form_field.key,
            form_field.label,
            form_field.required,
            field_input,
            row_id=f"row-{form_field.key.replace('_', '-')}",
        )

    def on_mount(self) -> None:
        self.query_one("#form-body").disabled = True
        self._set_message("Loading…")
        self._load()

    # --- reading and writing the widgets -------------------------------------------

    def _widget(self, key: str) -> Widget:
        """A field's input widget (looked up once: the form reads all of them per keystroke)."""
        widget = self._inputs.get(key)
        if widget is None:
            widget = self._inputs[key] = self.query_one(f"#{field_id(key)}")
        return widget

    def _read_raw(self) -> dict[str, str]:
        """What every field holds now, as text."""
        return {f.key: read_text(self._widget(f.key)) for f in ACCOUNT_FIELDS}

    def _write_raw(self, texts: dict[str, str]) -> None:
        for form_field in ACCOUNT_FIELDS:
            text = texts.get(form_field.key, "")
            write_text(self._widget(form_field.key), text, required=form_field.required)

    @property
    def is_dirty(self) -> bool:
        """Whether anything differs from what the form opened with."""
        return self._loaded and self._read_raw() != self._initial

    # --- loading -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="account-form-load")
    def _load(self) -> None:
        """Read the team (for the owner choice) and the account being edited."""
        try:
            with self._database.session() as session:
                members = list_team_members(session=session)
                owners = {m.id: m.name for m in members if m.id is not None}
                if self._account_id is None:
                    default = next(
                        (m.name for m in members if m.username == self._settings.user), ""
                    )
                    self.post_message(self.Loaded(owners, None, None, default))
                    return
                account = get_account(self._account_id, session=session)
                if account.owner_id is not None and account.owner_id not in owners:
                    owner = session.get(TeamMember, account.owner_id)  # e.g. no longer active
                    if owner is not None:
                        owners[account.owner_id] = owner.name
                self.post_message(self.Loaded(owners, record_values(account), account.version))
        except AccountNotFoundError as error:
            self.post_message(self.LoadFailed(f"{error}: nothing to edit"))
        except sa.exc.SQLAlchemyError as error:
            self.post_message(
                self.LoadFailed(
                    f"Could not read the account: {explain_database_error(error)}. "
                    "Press escape and try again."
                )
            )

    @on(Loaded)
    def _loaded_account(self, message: Loaded) -> None:
        self._owners = dict(sorted(message.owners.items(), key=lambda item: item[1].casefold()))
        owner_select = self._widget(OWNER_KEY)
        assert isinstance(owner_select, Select)
        owner_select.set_options([(name, name) for name in self._owners.values()])
        if message.stored is None:
            self._initial = new_account_text(owner=message.default_owner)
        else:
            self._stored = message.stored
            self._version = message.version
            self._initial = form_text(message.stored, owners=self._owners)
            name = message.stored.get("name") or ""
            # Content, not a str: a name such as "Fjord [Nordic]" is not markup.
            self.query_one("#account-form").border_title = Content(f"Edit account: {name}")
        self._write_raw(self._initial)
        self.query_one("#form-body").disabled = False
        self._loaded = True
        self._set_message("")
        self._widget("name").focus()
        self.call_after_refresh(self._refresh_errors)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self._set_message(message.message)

    # --- validation as you type ------------------------------------------------------

    @on(Input.Changed, ".form-input")
    @on(TextArea.Changed, ".form-input")
    @on(Select.Changed, ".form-input")
    def _field_changed(self, event: Message) -> None:
        event.stop()
        if self._loaded:
            self._refresh_errors()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return isinstance(self.focused, Input)
        return True

    def action_next_field(self) -> None:
        """Enter in a one-line field moves on, as in a paper form; ctrl+s saves.

        A priority binding, so keys typed right after Enter land in the next field.
        """
        self.focus_next()

    def _validate(self) -> tuple[dict[str, str], FormResult]:
        raw = self._read_raw()
        return raw, validate_account_form(raw, owners=self._owners)

    def _visible_errors(self, raw: dict[str, str], result: FormResult) -> dict[str, str]:
        """The errors worth showing now: not "required" on a field nobody touched yet.

        A store's refusal (a taken name) stands while the field still holds that text.
        """
        refused = {
            key: message
            for key, (text, message) in self._save_errors.items()
            if raw.get(key, "") == text
        }
        return visible_errors(
            (f.key for f in ACCOUNT_FIELDS),
            raw,
            {**refused, **result.errors},
            self._initial,
            save_attempted=self._save_attempted,
        )

    def _refresh_errors(self) -> dict[str, str]:
        """Show each field's error under it and the count at the bottom; returns them."""
        if not self._loaded:
            return {}
        raw, result = self._validate()
        errors = self._visible_errors(raw, result)
        keys = (f.key for f in ACCOUNT_FIELDS)
        show_field_errors(self, keys, errors, self._shown_errors, self._widget)
        self._shown_errors = errors
        self.query_one("#form-errors", Static).update(errors_summary(len(errors)))
        return errors

    def _set_message(self, text: str) -> None:
        message = self.query_one("#form-message", Static)
        message.update(text)
        message.display = bool(text)

    def _focus_field(self, key: str) -> None:
        self._widget(key).focus()

    # --- saving ---------------------------------------------------------------------

    def action_save(self) -> None:
        """Save once the keys typed before ctrl+s are in their fields."""
        after_typed_keys(self, self._save_now)

    def _save_now(self) -> None:
        """Save if every field is valid; otherwise show why and go to the first bad field."""
        if not self._loaded or self._saving:
            return
        self._save_attempted = True
        errors = self._refresh_errors()
        if errors:
            self._set_message("")
            self._focus_field(next(iter(errors)))
            return
        raw, result = self._validate()
        if self._account_id is None:
            values = result.values
        else:
            values = changed_values(result, raw, self._initial)
            if not values:
                self.dismiss(self._account_id)
                return
        self._saving = True
        self._set_message("Saving…")
        self._save(values, self._version, dict(self._stored))

    @work(thread=True, exclusive=True, group="account-form-save")
    def _save(
        self,
        values: dict[str, Any],
        version: int | None,
        stored: dict[str, Any],
        merged: bool = False,
    ) -> None:
        """Write in one transaction; a concurrent save is merged field by field.

        ``stored`` is what the user's ``values`` were edited from. Changes to
        different fields are written on top of theirs without asking; the same field
        changed on both sides goes to the user (:class:`Conflicted`).
        """
        try:
            outcome = write_merging(
                self._database,
                self._write,
                values,
                version,
                stored,
                labels=LABELS,
                order=FIELDS_BY_COLUMN,
                merged=merged,
            )
        except DuplicateAccountNameError as error:
            self.post_message(self.SaveFailed(str(error), "name", values.get("name") or ""))
            return
        except AccountNotFoundError as error:
            self.post_message(self.SaveFailed(f"{error}; nothing was saved"))
            return
        except sa.exc.SQLAlchemyError as error:
            self.post_message(
                self.SaveFailed(
                    f"Not saved: {explain_database_error(error)}. "
                    "Your values are still here; press ctrl+s to try again."
                )
            )
            return
        if outcome.written is not None:
            assert outcome.written.id is not None
            note = "merged with a change made meanwhile" if outcome.merged else ""
            self.post_message(self.Saved(outcome.written.id, note))
        elif outcome.deleted and outcome.stale is not None:
            who = outcome.stale.changed_by or "someone else"
            self.post_message(
                self.SaveFailed(
                    f"{who} deleted this account while you were editing it; "
                    "nothing was saved. Your values are still here."
                )
            )
        elif outcome.merge is not None and outcome.stale is not None:
            assert self._account_id is not None
            self.post_message(
                conflict_found(
                    self._database, "account", self._account_id, outcome.merge, outcome.stale
                )
            )
        else:
            self.post_message(
                self.SaveFailed(
                    "Not saved: others keep saving this account right now. "
                    "Your values are still here; press ctrl+s to try again."
                )
            )

    def _write(self, session: Session, values: dict[str, Any], version: int | None) -> Account:
        """Create or update the account in ``session`` (the caller commits)."""
        user = self._settings.user
        if self._account_id is None:
            return create_account(values, session=session, user=user)
        assert version is not None
        return update_account(
            self._account_id, values, expected_version=version, session=session, user=user
        )

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saving = False
        if message.note:
            self.notify(f"Saved ({message.note}).")
        self.dismiss(message.account_id)

    @on(SaveFailed)
    def _save_failed(self, message: SaveFailed) -> None:
        self._saving = False
        if message.field_key is None:
            self._set_message(message.message)
        else:  # explained under the field itself
            self._set_message("")
            raw_text = self._read_raw()[message.field_key]
            if raw_text.strip() == message.field_text:
                self._save_errors[message.field_key] = (raw_text, message.message)
            self._refresh_errors()
            self._focus_field(message.field_key)

    @on(Conflicted)
    def _conflicted(self, message: FormConflicted) -> None:
        """Ask field by field; save what the user keeps, at the version they were shown."""
        self._saving = False

        def save(values: dict[str, Any]) -> None:
            self._saving = True
            self._set_message("Saving…")
            self._save(values, message.version, message.stored, True)

        ask_field_by_field(
            self,
            message,
            noun="account",
            describe=lambda column, value: self._shown(column, {column: value}),
            say=lambda text, _error: self._set_message(text),
            save=save,
            ascii_only=self._settings.ascii_only,
        )

    def _shown(self, column: str, values: dict[str, Any]) -> str:
        form_field = FIELDS_BY_COLUMN[column]
        return format_field(form_field, values.get(column), owners=self._owners) or "(empty)"

    # --- cancelling --------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Close without saving, asking first if anything was changed."""
        if self._saving:
            return
        detail = "You have changes in this form that are not saved."
        cancel_form(self, dirty=self.is_dirty, detail=detail)
