"""A list of the plan (questions, competitors, plan items…): a small table and an item editor.

The list holds its items in memory as text, like the form fields around it:
``n`` adds, ``e``/Enter edits (in :class:`PlanItemScreen`), ``d`` deletes after
asking, ctrl+up/ctrl+down move an item. Nothing is written until the Plan tab
saves, so a list edit is unsaved work like any other and marks the pane dirty.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, Select, Static, TextArea

from acctmap_tui.domain.account_form import FieldKind
from acctmap_tui.domain.plan_fields import ITEM_DEFAULTS, ItemField, ListSpec, Lookups, parse_item
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.screens.form_widgets import after_typed_keys
from acctmap_tui.widgets.fitted_table import ColumnSpec, FittedTable
from acctmap_tui.widgets.formatting import EMPTY
from acctmap_tui.widgets.text_inputs import LineInput, TextBox


@dataclass
class EditedItem:
    """A list item as the editor holds it: its record id (None when new) and its text."""

    id: int | None
    texts: dict[str, str]
    fixed: frozenset[str] = field(default_factory=frozenset)
    """Columns that cannot be edited (a standard question's wording)."""
    undeletable: bool = False

    def state(self) -> tuple[int | None, tuple[tuple[str, str], ...]]:
        return self.id, tuple(sorted(self.texts.items()))


def _copy(item: EditedItem) -> EditedItem:
    return EditedItem(item.id, dict(item.texts), item.fixed, item.undeletable)


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line or EMPTY


class PlanListTable(FittedTable):
    """The rows of one plan list; Enter edits the highlighted item."""

    BINDING_GROUP_TITLE = "Plan list"


class PlanListPanel(Vertical):
    """One list of the plan, edited in memory until the plan is saved."""

    BINDINGS = [
        Binding("n", "add", "Add", id="plan-list.add"),
        Binding("e", "edit", "Edit", id="plan-list.edit"),
        Binding("d", "delete", "Delete", id="plan-list.delete"),
        Binding("ctrl+up", "move(-1)", "Move up", id="plan-list.up"),
        Binding("ctrl+down", "move(1)", "Move down", id="plan-list.down"),
    ]

    @dataclass
    class Changed(Message):
        """The list's items changed (the Plan tab recomputes what is unsaved)."""

        panel: PlanListPanel

    def __init__(self, spec: ListSpec) -> None:
        super().__init__(id=spec.widget_id, classes="plan-list")
        self.spec = spec
        self.items: list[EditedItem] = []
        self._baseline: list[EditedItem] = []
        self.lookups: Lookups = {}

    def compose(self) -> ComposeResult:
        keys = "n add, e edit, d delete"
        if self.spec.ordered:
            keys += ", ctrl+up/down move"
        yield Static(f"{self.spec.title} ({keys})", classes="plan-list-title", markup=False)
        columns = [
            ColumnSpec(f.label, f.column, min_width=f.width) for f in self.spec.fields if f.in_table
        ]
        yield PlanListTable(columns, id=f"{self.spec.widget_id}-table")
        yield Static(
            f"None yet: press n to add a {self.spec.noun}.",
            classes="plan-list-empty",
            markup=False,
        )

    # --- state ---------------------------------------------------------------------------

    def load(self, items: list[EditedItem], lookups: Lookups) -> None:
        """Show stored items; they become what "unsaved" is measured against."""
        self.lookups = lookups
        self._baseline = [_copy(item) for item in items]
        self.items = items
        self._refresh_rows()

    def reset(self) -> None:
        """Back to the items as loaded (discard)."""
        self.items = [_copy(item) for item in self._baseline]
        self._refresh_rows()

    @property
    def is_dirty(self) -> bool:
        return [i.state() for i in self.items] != [i.state() for i in self._baseline]

    @property
    def deleted_ids(self) -> list[int]:
        kept = {i.id for i in self.items}
        return [i.id for i in self._baseline if i.id is not None and i.id not in kept]

    def forget_record(self, record_id: int) -> None:
        """The record is gone from the database: keep its text as a new item."""
        for item in self.items:
            if item.id == record_id:
                item.id = None
        self._baseline = [i for i in self._baseline if i.id != record_id]
        self._changed()

    def edited_and_loaded(self, record_id: int) -> tuple[EditedItem | None, EditedItem | None]:
        """The stored item as the user has edited it, and as it was loaded."""
        mine = next((i for i in self.items if i.id == record_id), None)
        base = next((i for i in self._baseline if i.id == record_id), None)
        return mine, base

    def merge_stored(self, record_id: int, texts: dict[str, str], stored: dict[str, str]) -> None:
        """Someone saved the item meanwhile: show ``texts`` (the user's edit merged with
        theirs) and measure "unsaved" against ``stored`` (what they saved)."""
        mine, base = self.edited_and_loaded(record_id)
        if mine is not None:
            mine.texts = dict(texts)
        if base is not None:
            base.texts = dict(stored)
        self._changed()

    @property
    def table(self) -> PlanListTable:
        return self.query_one(PlanListTable)

    def _refresh_rows(self, cursor: int | None = None) -> None:
        table = self.table
        shown = [f for f in self.spec.fields if f.in_table]
        table.set_rows(
            [
                (index, tuple(_one_line(item.texts.get(f.column, "")) for f in shown))
                for index, item in enumerate(self.items)
            ]
        )
        if cursor is not None and self.items:
            table.move_cursor(row=max(0, min(cursor, len(self.items) - 1)), scroll=True)
        # The table stays, header only when empty, so the keys reach the list.
        self.query_one(".plan-list-empty").display = not self.items

    def _changed(self, cursor: int | None = None) -> None:
        self._refresh_rows(cursor)
        self.post_message(self.Changed(self))

    def _cursor_index(self) -> int | None:
        table = self.table
        if not self.items or not table.row_count:
            return None
        return table.cursor_row

    # --- keys -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "delete", "move") and not self.items:
            return None
        return not (action == "move" and not self.spec.ordered)

    def action_add(self) -> None:
        """Open the editor on a new item."""
        texts = {f.column: "" for f in self.spec.fields}
        texts.update(ITEM_DEFAULTS.get(self.spec.kind, {}))
        self._open_editor(None, EditedItem(None, texts))

    def action_edit(self) -> None:
        """Open the editor on the highlighted item."""
        index = self._cursor_index()
        if index is not None:
            self._open_editor(index, self.items[index])

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def _open_editor(self, index: int | None, item: EditedItem) -> None:
        def done(texts: dict[str, str] | None) -> None:
            if texts is None or (index is not None and texts == item.texts):
                return
            if index is None:
                self.items.append(EditedItem(None, texts))
                self._changed(len(self.items) - 1)
            else:
                self.items[index].texts = texts
                self._changed(index)
            self.table.focus()

        title = f"New {self.spec.noun}" if index is None else f"Edit {self.spec.noun}"
        self.app.push_screen(PlanItemScreen(self.spec, item, self.lookups, title), done)

    def action_delete(self) -> None:
        """Delete the highlighted item after asking (written when the plan is saved)."""
        index = self._cursor_index()
        if index is None:
            return
        item = self.items[index]
        if item.undeletable:
            self.notify(
                f"The seed's standard {self.spec.noun}s stay on every account; "
                "clear the answer instead.",
                severity="warning",
            )
            return
        label = _one_line(next(iter(item.texts.values()), ""))

        def answered(yes: bool | None) -> None:
            if yes and item in self.items:
                self.items.remove(item)
                self._changed(index)

        self.app.push_screen(
            ConfirmScreen(
                f"Delete {self.spec.noun}",
                f"Delete the {self.spec.noun} “{label}”? It goes when you save the plan "
                "(ctrl+s); the history keeps a copy.",
            ),
            answered,
        )

    def action_move(self, offset: int) -> None:
        """Move the highlighted item up (-1) or down (1)."""
        index = self._cursor_index()
        if index is None:
            return
        target = index + offset
        if not 0 <= target < len(self.items):
            return
        self.items[index], self.items[target] = self.items[target], self.items[index]
        self._changed(target)


def item_field_id(item_field: ItemField) -> str:
    """The id of an item editor's input: ``item-due-on``."""
    return "item-" + item_field.column.replace("_", "-")


class PlanItemScreen(ModalScreen[dict[str, str] | None]):
    """Edits one list item's fields; ctrl+s keeps them (checked), escape cancels."""

    BINDING_GROUP_TITLE = "Plan list item"
    BINDINGS = [
        Binding("ctrl+s", "keep", "Keep", priority=True, id="plan-item.keep"),
        Binding("escape", "cancel", "Cancel", id="plan-item.cancel"),
    ]

    def __init__(self, spec: ListSpec, item: EditedItem, lookups: Lookups, title: str) -> None:
        super().__init__(classes="plan-item-screen")
        self._spec = spec
        self._item = item
        self._lookups = lookups
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="plan-item-dialog") as dialog:
            dialog.border_title = self._title
            dialog.border_subtitle = "ctrl+s keep · esc cancel"
            with VerticalScroll(id="plan-item-body"):
                for item_field in self._spec.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(item_field.label, classes="form-label", markup=False)
                        yield self._make_input(item_field)
                    yield Static(
                        "",
                        id=item_field_id(item_field) + "-error",
                        classes="form-error",
                        markup=False,
                    )
            yield Static(
                "Kept in the plan until you save it with ctrl+s.",
                id="plan-item-hint",
                markup=False,
            )
        yield Footer(compact=True)

    def _make_input(self, item_field: ItemField) -> Widget:
        widget_id = item_field_id(item_field)
        text = self._item.texts.get(item_field.column, "")
        disabled = item_field.column in self._item.fixed
        form = item_field.form
        if form.kind is FieldKind.CHOICE:
            names = (
                list(form.options)
                if form.enum is not None
                else list(self._lookups.get(item_field.lookup or "", {}).values())
            )
            if text and text not in names:
                names.append(text)
            select: Select[str] = Select(
                [(name, name) for name in names],
                id=widget_id,
                classes="form-input",
                allow_blank=not form.required,
                prompt="(none)",
                compact=True,
            )
            if text:
                select.value = text
            return select
        if form.kind is FieldKind.LONG_TEXT:
            area = TextBox(
                text, id=widget_id, classes="form-input form-long", compact=True, soft_wrap=True
            )
            area.disabled = disabled
            return area
        return LineInput(
            text,
            placeholder=form.hint,
            id=widget_id,
            classes="form-input",
            select_on_focus=False,
            compact=True,
            disabled=disabled,
        )

    def on_mount(self) -> None:
        for widget in self.query(".form-input"):
            if not widget.disabled:
                widget.focus()
                break
        if self._item.fixed:
            self.query_one("#plan-item-hint", Static).update(
                "The wording of a standard question is fixed; answer it below."
            )

    def _read(self) -> dict[str, str]:
        texts: dict[str, str] = {}
        for item_field in self._spec.fields:
            widget = self.query_one(f"#{item_field_id(item_field)}")
            if isinstance(widget, TextArea):
                texts[item_field.column] = widget.text
            elif isinstance(widget, Select):
                texts[item_field.column] = "" if widget.is_blank() else str(widget.value)
            else:
                assert isinstance(widget, Input)
                texts[item_field.column] = widget.value
        return texts

    def _show_errors(self, errors: Mapping[str, str]) -> None:
        for item_field in self._spec.fields:
            message = errors.get(item_field.column, "")
            line = self.query_one(f"#{item_field_id(item_field)}-error", Static)
            line.update(f"! {message}" if message else "")
            line.display = bool(message)

    def action_keep(self) -> None:
        """Keep the item once the keys typed before ctrl+s are in their fields."""
        after_typed_keys(self, self._keep_now)

    def _keep_now(self) -> None:
        """Check the fields; keep them in the list if they are all valid."""
        texts = self._read()
        result = parse_item(self._spec, texts, self._lookups)
        self._show_errors(result.errors)
        if result.errors:
            first = next(iter(result.errors))
            self.query_one(f"#{item_field_id(self._spec.field(first))}").focus()
            return
        self.dismiss(texts)

    def action_cancel(self) -> None:
        """Close without keeping, asking first if something was typed."""
        opened = {f.column: self._item.texts.get(f.column, "") for f in self._spec.fields}
        if self._read() == opened:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Discard changes?",
                f"Discard what you typed for this {self._spec.noun}?",
                confirm_label="Discard",
            ),
            answered,
        )
