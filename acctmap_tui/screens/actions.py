"""One account's next actions: list, add, edit, complete and delete from the keyboard.

The table lists open actions by due date, then done ones; an inline editor below
it opens for a new action (``n``) or the highlighted one (``e`` or Enter). Every
read and write runs in a thread worker with its own session. A failed save keeps
what was typed and says why on the message line, so nothing typed is lost to a
locked database or to someone else's edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Input, Label, Static

from acctmap_tui.data.action_store import (
    ActionChangedError,
    ActionRow,
    OwnerChoice,
    add_action,
    clean_description,
    delete_action,
    list_actions,
    list_owner_choices,
    resolve_owner,
    set_action_done,
    update_action,
)
from acctmap_tui.data.db import Database
from acctmap_tui.domain.values import ValueInputError, parse_date
from acctmap_tui.errors import AcctmapError
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY, text_or_empty
from acctmap_tui.widgets.text_inputs import LineInput

ACTION_COLUMNS = (
    ColumnSpec("Done", "done"),
    ColumnSpec("What", "what", min_width=16),
    ColumnSpec("Owner", "owner", min_width=8),
    ColumnSpec("Due", "due"),
)

DONE_MARK = "[x]"
OPEN_MARK = "[ ]"
OVERDUE_MARK = "! overdue"
EMPTY_TEXT = "No actions yet — press n to add one."

EditorValues = tuple[str, str, str]
"""What the editor holds: (what, owner, due) as typed."""

Write = Callable[[Session], int | None]
"""A unit of database work; returns the id of the action to highlight afterwards."""


def done_cell(row: ActionRow) -> str:
    """``[x]`` or ``[ ]``: readable without colour."""
    return DONE_MARK if row.done else OPEN_MARK


def due_cell(row: ActionRow, today: date) -> str:
    """The due date, marked in words when it has passed (or is today) on an open action."""
    if row.due_on is None:
        return EMPTY
    text = row.due_on.isoformat()
    if row.is_overdue(today):
        return f"{text} {OVERDUE_MARK}"
    if not row.done and row.due_on == today:
        return f"{text} today"
    return text


def explain_failure(error: Exception) -> str:
    """A one-line reason a read or write failed, for the message line."""
    if isinstance(error, sa.exc.OperationalError):
        text = str(error.orig if error.orig is not None else error)
        if "lock" in text or "busy" in text:
            return "the database is busy (someone else is saving); try again in a moment"
        return f"the database could not be used: {text.strip().splitlines()[0]}"
    if isinstance(error, sa.exc.SQLAlchemyError):
        return f"the database refused the change: {str(error).strip().splitlines()[0]}"
    return str(error)


class ActionsTable(FittedTable):
    """The actions list; Enter edits the highlighted action."""

    BINDING_GROUP_TITLE = "Actions list"
    BINDINGS = [
        Binding("enter", "select_cursor", "Edit action", show=False, id="actions.edit-enter")
    ]


class ActionsScreen(ModalScreen[bool]):
    """The next actions of one account; dismisses with True if anything was written."""

    BINDING_GROUP_TITLE = "Next actions"
    BINDINGS = [
        Binding("n", "new_action", "New", id="actions.new"),
        Binding("e", "edit_action", "Edit", id="actions.edit"),
        Binding("space,x", "toggle_done", "Done/undo", id="actions.toggle-done"),
        Binding("d", "delete_action", "Delete", id="actions.delete"),
        Binding("ctrl+s", "save", "Save", id="actions.save"),
        Binding("escape", "back", "Back", id="actions.back"),
    ]

    @dataclass
    class Loaded(Message):
        """The load worker has read the actions and the team (private to this screen)."""

        rows: list[ActionRow]
        owners: list[OwnerChoice]
        error: str | None = None

    @dataclass
    class Written(Message):
        """A write worker finished; ``error`` says why if nothing was written."""

        success: str
        select_id: int | None
        from_editor: bool
        error: str | None = None
        conflict: bool = False

    def __init__(
        self, database: Database, settings: Settings, account_id: int, account_name: str
    ) -> None:
        super().__init__(id="actions-screen")
        self._database = database
        self._settings = settings
        self._account_id = account_id
        self._account_name = account_name
        self._rows: list[ActionRow] = []
        self._owners: list[OwnerChoice] = []
        self._changed = False
        self._busy = False
        self._editor_open = False
        self._editing_id: int | None = None
        """The action being edited; ``None`` while the editor holds a new one."""
        self._editing_version: int | None = None
        self._editing_owner: OwnerChoice | None = None
        """The edited action's owner, kept even if they are no longer on the active team."""
        self._snapshot: EditorValues = ("", "", "")
        self._select_id: int | None = None
        self._select_row: int | None = None
        self._conflict: str | None = None
        self._select_row_after_write: int | None = None
        self._message = ""

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="actions-dialog") as dialog:
            dialog.border_title = Content(f"Next actions: {self._account_name}")
            yield ActionsTable(ACTION_COLUMNS, id="actions-table")
            with Vertical(id="action-editor"):
                yield Static("New action", id="action-editor-title", markup=False)
                with Horizontal(id="action-editor-fields"):
                    with Vertical(id="action-what-field", classes="action-field"):
                        yield Label("What", classes="action-field-label")
                        # An edit starts at the end of the text, not with it all selected,
                        # so a stray key does not wipe the description.
                        yield LineInput(
                            placeholder="what needs doing", select_on_focus=False, id="action-what"
                        )
                    with Vertical(id="action-owner-field", classes="action-field"):
                        yield Label("Owner (part of name)", classes="action-field-label")
                        yield LineInput(placeholder="nobody", id="action-owner")
                    with Vertical(id="action-due-field", classes="action-field"):
                        yield Label("Due", classes="action-field-label")
                        yield LineInput(placeholder="YYYY-MM-DD", id="action-due")
            yield Static("", id="actions-message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#action-editor").display = False
        self.query_one(ActionsTable).focus()
        self._reload()

    # --- reading --------------------------------------------------------------------

    def _reload(self, *, select_id: int | None = None, select_row: int | None = None) -> None:
        """Read the actions again in a worker; then highlight a record or a row index."""
        self._select_id = select_id
        self._select_row = select_row
        self._load()

    @work(thread=True, exclusive=True, group="actions-load")
    def _load(self) -> None:
        try:
            with self._database.session() as session:
                rows = list_actions(self._account_id, session=session)
                owners = list_owner_choices(session=session)
        except (sa.exc.SQLAlchemyError, AcctmapError) as error:
            self.post_message(self.Loaded([], [], error=explain_failure(error)))
            return
        self.post_message(self.Loaded(rows, owners))

    @on(Loaded)
    def _show_rows(self, message: Loaded) -> None:
        message.stop()
        if message.error is not None:
            self._say(f"Could not read the actions: {message.error}", error=True)
            return
        self._rows = message.rows
        self._owners = message.owners
        owner_input = self.query_one("#action-owner", Input)
        owner_input.suggester = SuggestFromList(
            [owner.name for owner in self._owners], case_sensitive=False
        )
        today = date.today()
        table = self.query_one(ActionsTable)
        table.set_rows(
            [
                (
                    row.id,
                    (
                        done_cell(row),
                        row.description,
                        text_or_empty(row.owner),
                        due_cell(row, today),
                    ),
                )
                for row in self._rows
            ]
        )
        if self._select_id is not None:
            table.move_to_record(self._select_id)
        elif self._select_row is not None and self._rows:
            table.move_cursor(row=min(self._select_row, len(self._rows) - 1), scroll=True)
        self._select_id = self._select_row = None
        if self._conflict is not None:
            self._explain_conflict(self._conflict)
            self._conflict = None
        elif not self._rows and not self._editor_open and not self._message:
            self._say(EMPTY_TEXT)
        self.refresh_bindings()

    @property
    def rows(self) -> list[ActionRow]:
        """The actions as last loaded, in table order."""
        return self._rows

    def _highlighted(self) -> ActionRow | None:
        record_id = self.query_one(ActionsTable).cursor_record_id
        return next((row for row in self._rows if row.id == record_id), None)

    # --- the message line -------------------------------------------------------------

    def _say(self, text: str, *, error: bool = False) -> None:
        self._message = text
        line = self.query_one("#actions-message", Static)
        line.update(text)
        line.set_class(error, "-error")

    # --- keys -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("new_action", "edit_action", "toggle_done", "delete_action"):
            if self._editor_open:
                return False  # the editor's keys are shown instead
            if action != "new_action" and not self._rows:
                return None
        if action == "save":
            return self._editor_open
        return True

    def action_new_action(self) -> None:
        """Open the editor on a new action, owned by the person at the keyboard."""
        me = next((owner for owner in self._owners if owner.username == self._settings.user), None)
        self._open_editor(None, None, ("", me.name if me else "", ""), owner=None)
        self.query_one("#action-editor-title", Static).update("New action")

    def action_edit_action(self) -> None:
        """Open the editor on the highlighted action."""
        row = self._highlighted()
        if row is None:
            self._say(EMPTY_TEXT)
            return
        owner = OwnerChoice(row.owner_id, row.owner) if row.owner_id and row.owner else None
        due = row.due_on.isoformat() if row.due_on else ""
        self._open_editor(row.id, row.version, (row.description, row.owner or "", due), owner)
        self.query_one("#action-editor-title", Static).update("Edit action")

    @on(DataTable.RowSelected, "#actions-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if not self._editor_open:
            self.action_edit_action()

    def action_toggle_done(self) -> None:
        """Mark the highlighted action done, or open again."""
        row = self._highlighted()
        if row is None or self._refuse_while_busy():
            return
        user = self._settings.user
        success = f"Reopened: {row.description}" if row.done else f"Done: {row.description}"

        def write(session: Session) -> int | None:
            set_action_done(
                row.id, not row.done, expected_version=row.version, session=session, user=user
            )
            return None

        self._start_write(write, success, failure="Not changed", from_editor=False)

    def action_delete_action(self) -> None:
        """Delete the highlighted action, after asking."""
        row = self._highlighted()
        if row is None or self._refuse_while_busy():
            return
        user = self._settings.user

        def write(session: Session) -> int | None:
            delete_action(row.id, expected_version=row.version, session=session, user=user)
            return None

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_write(
                    write, f"Deleted: {row.description}", failure="Not deleted", from_editor=False
                )

        self.app.push_screen(
            ConfirmScreen(
                "Delete action",
                f"Delete the action “{row.description}”? The history keeps a copy.",
            ),
            answered,
        )

    def action_back(self) -> None:
        """Close the editor (asking first if it holds unsaved text), else the screen."""
        if self._busy:
            self._say("Still saving; one moment.")
            return
        if not self._editor_open:
            self.dismiss(self._changed)
            return
        if self._editor_values() == self._snapshot:
            self._close_editor()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._close_editor()
                self._say("Changes discarded.")

        self.app.push_screen(
            ConfirmScreen(
                "Discard changes",
                "Discard what you typed for this action?",
                confirm_label="Discard",
            ),
            answered,
        )

    # --- the editor -----------------------------------------------------------------

    def _editor_values(self) -> EditorValues:
        return (
            self.query_one("#action-what", Input).value,
            self.query_one("#action-owner", Input).value,
            self.query_one("#action-due", Input).value,
        )

    def _open_editor(
        self,
        action_id: int | None,
        version: int | None,
        values: EditorValues,
        owner: OwnerChoice | None,
    ) -> None:
        self._editing_id = action_id
        self._editing_version = version
        self._editing_owner = owner
        self._snapshot = values
        for input_id, value in zip(("what", "owner", "due"), values, strict=True):
            field = self.query_one(f"#action-{input_id}", Input)
            field.value = value
            field.cursor_position = len(value)
        self._editor_open = True
        self.query_one("#action-editor").display = True
        self.query_one("#action-what", Input).focus()
        self._say("Enter or ctrl+s saves; escape cancels.")
        self.refresh_bindings()

    def _close_editor(self) -> None:
        self._editor_open = False
        self._editing_id = self._editing_version = self._editing_owner = None
        self.query_one("#action-editor").display = False
        self.query_one(ActionsTable).focus()
        self._say(EMPTY_TEXT if not self._rows else "")
        self.refresh_bindings()

    @on(Input.Submitted, "#action-editor Input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Check what was typed and save it; a mistake is explained and the text kept."""
        if not self._editor_open or self._refuse_while_busy():
            return
        what, owner_text, due_text = self._editor_values()
        owners = list(self._owners)
        if self._editing_owner is not None and all(
            owner.id != self._editing_owner.id for owner in owners
        ):
            owners.append(self._editing_owner)
        try:
            description = clean_description(what)
        except ValueInputError as error:
            self._field_error(error, "#action-what")
            return
        try:
            owner_id = resolve_owner(owner_text, owners)
        except ValueInputError as error:
            self._field_error(error, "#action-owner")
            return
        try:
            due_on = parse_date(due_text, field="Due")
        except ValueInputError as error:
            self._field_error(error, "#action-due")
            return
        account_id, user = self._account_id, self._settings.user
        action_id, version = self._editing_id, self._editing_version
        if action_id is None or version is None:

            def write(session: Session) -> int | None:
                return add_action(
                    account_id,
                    description,
                    owner_id=owner_id,
                    due_on=due_on,
                    session=session,
                    user=user,
                ).id

            success = f"Added: {description}"
        else:

            def write(session: Session) -> int | None:
                update_action(
                    action_id,
                    description=description,
                    owner_id=owner_id,
                    due_on=due_on,
                    expected_version=version,
                    session=session,
                    user=user,
                )
                return action_id

            success = f"Saved: {description}"
        self._start_write(write, success, failure="Not saved", from_editor=True)

    def _field_error(self, error: ValueInputError, input_id: str) -> None:
        self._say(f"Not saved: {error}", error=True)
        self.query_one(input_id, Input).focus()

    def _explain_conflict(self, error: str) -> None:
        """After a refused write, say what happened; an edit may go over theirs or be dropped."""
        if not self._editor_open or self._editing_id is None:
            self._say(f"{error}. The list now shows the latest version.", error=True)
            return
        current = next((row for row in self._rows if row.id == self._editing_id), None)
        if current is None:
            self._editing_id = self._editing_version = None
            self.query_one("#action-editor-title", Static).update("New action")
            self._say(
                "Not saved: someone else deleted this action meanwhile. Your text is kept: "
                "ctrl+s adds it as a new action, escape drops it.",
                error=True,
            )
            return
        self._editing_version = current.version
        self._say(
            f"Not saved: someone else changed this action meanwhile (now "
            f"{current.description!r}). Your text is kept: ctrl+s saves it over theirs, "
            "escape drops it.",
            error=True,
        )

    # --- writing --------------------------------------------------------------------

    def _refuse_while_busy(self) -> bool:
        if self._busy:
            self._say("Still saving; one moment.")
        return self._busy

    def _start_write(self, write: Write, success: str, *, failure: str, from_editor: bool) -> None:
        self._busy = True
        self._select_row_after_write = self.query_one(ActionsTable).cursor_row
        self._write(write, success, failure, from_editor)

    @work(thread=True, group="actions-write")
    def _write(self, write: Write, success: str, failure: str, from_editor: bool) -> None:
        try:
            with self._database.session() as session:
                select_id = write(session)
        except ActionChangedError as error:
            self.post_message(
                self.Written(success, None, from_editor, error=f"{failure}: {error}", conflict=True)
            )
        except ValueInputError as error:
            self.post_message(self.Written(success, None, from_editor, error=f"{failure}: {error}"))
        except (sa.exc.SQLAlchemyError, AcctmapError) as error:
            explained = f"{failure}: {explain_failure(error)}"
            if from_editor:
                explained += "; your text is kept"
            self.post_message(self.Written(success, None, from_editor, error=explained))
        else:
            self.post_message(self.Written(success, select_id, from_editor))

    @on(Written)
    def _written(self, message: Written) -> None:
        message.stop()
        self._busy = False
        if message.error is not None:
            if message.conflict:
                self._conflict = message.error
                self._reload(select_row=self._select_row_after_write)
            else:
                self._say(message.error, error=True)
            return
        self._changed = True
        if message.from_editor:
            self._close_editor()
        self._say(message.success)
        if message.select_id is not None:
            self._reload(select_id=message.select_id)
        else:
            self._reload(select_row=self._select_row_after_write)
