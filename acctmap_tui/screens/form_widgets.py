"""The widget side of the modal forms: one input per field, read and written as text.

The account form and the people forms describe their fields differently (their
domain modules differ), but lay them out, read them, fill them and show their
errors the same way; this module is that one way, so both behave alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea

from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.widgets.text_inputs import LineInput, TextBox


class InputKind(Enum):
    """Which widget edits a field: one line, several lines, or a choice."""

    LINE = "line"
    LONG = "long"
    CHOICE = "choice"


def field_id(key: str) -> str:
    """The stable, kebab-case id of a field's input: ``field-reports-to``."""
    return "field-" + key.replace("_", "-")


def error_id(key: str) -> str:
    """The id of the inline error line under a field: ``error-reports-to``."""
    return "error-" + key.replace("_", "-")


def make_input(
    key: str,
    kind: InputKind,
    *,
    required: bool = False,
    hint: str = "",
    choices: Sequence[str] = (),
    long_placeholder: str = "",
) -> Widget:
    """The input widget for one field, with the id and classes the forms' CSS expects."""
    widget_id = field_id(key)
    if kind is InputKind.LONG:
        return TextBox(
            id=widget_id,
            classes="form-input form-long",
            compact=True,
            placeholder=long_placeholder,
        )
    if kind is InputKind.CHOICE:
        return Select(
            [(label, label) for label in choices],
            id=widget_id,
            classes="form-input",
            allow_blank=not required,
            prompt="(none)",
            compact=True,
        )
    return LineInput(
        placeholder=hint,
        id=widget_id,
        classes="form-input",
        select_on_focus=False,
        compact=True,
    )


def compose_field_row(
    key: str, label: str, required: bool, field_input: Widget, *, row_id: str | None = None
) -> ComposeResult:
    """A labelled row holding the input, and the (hidden until needed) error line under it."""
    with Horizontal(classes="form-row", id=row_id):
        yield Label(f"{label}{' *' if required else ''}", classes="form-label", markup=False)
        yield field_input
    yield Static("", id=error_id(key), classes="form-error", markup=False)


def read_text(widget: Widget) -> str:
    """What a field's widget holds, as the text the form's parser reads."""
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return "" if widget.is_blank() else str(widget.value)
    assert isinstance(widget, Input)
    return widget.value


def write_text(widget: Widget, text: str, *, required: bool, cursor_to_end: bool = False) -> None:
    """Put text into a field's widget; an empty choice stays put when one is required."""
    if isinstance(widget, TextArea):
        widget.load_text(text)
    elif isinstance(widget, Select):
        if text:
            widget.value = text
        elif not required:
            widget.clear()
    else:
        assert isinstance(widget, Input)
        widget.value = text
        if cursor_to_end:
            widget.cursor_position = len(text)


def visible_errors(
    keys: Iterable[str],
    raw: Mapping[str, str],
    messages: Mapping[str, str],
    initial: Mapping[str, str],
    *,
    save_attempted: bool,
) -> dict[str, str]:
    """The errors worth showing now, in field order: not "required" on an untouched field.

    An empty field nobody changed yet is not nagged about until a save is tried.
    """
    errors: dict[str, str] = {}
    for key in keys:
        message = messages.get(key)
        if message is None:
            continue
        text = raw.get(key, "")
        untouched = text == initial.get(key, "") and not text.strip()
        if untouched and not save_attempted:
            continue
        errors[key] = message
    return errors


def show_field_errors(
    screen: DOMNode,
    keys: Iterable[str],
    errors: Mapping[str, str],
    shown: Mapping[str, str],
    widget_of: Callable[[str], Widget],
) -> None:
    """Update the error line under each field whose message differs from the one ``shown``."""
    for key in keys:
        message = errors.get(key, "")
        if shown.get(key, "") == message:
            continue
        line = screen.query_one(f"#{error_id(key)}", Static)
        line.update(f"! {message}" if message else "")
        line.display = bool(message)
        widget_of(key).parent.set_class(bool(message), "-has-error")  # type: ignore[union-attr]


def errors_summary(count: int) -> str:
    """The line under a form counting its fields in error; empty when there are none."""
    if count == 0:
        return ""
    return "1 field needs fixing" if count == 1 else f"{count} fields need fixing"


def after_typed_keys(screen: Screen[Any], action: Callable[[], object]) -> None:
    """Run a priority binding's action only after the keys that came before it.

    A priority binding runs as soon as the app reads its key, but the keys read
    just before it (letters for the focused input, a "t" for the screen) are still
    queued on the focused widget, and those that widget does not handle still have
    to bubble up to the app, where their bindings run. Arriving in one burst, as
    over SSH, "Ada" + ctrl+s would save the field without "Ada". So the action is
    passed up the same path the earlier keys take, one queue at a time. It goes
    round twice, because a binding may answer by posting a message back to the
    widget (a list's space posts "selected" to itself before it ticks anything).
    It runs unless the screen has been closed or covered (by Escape's question,
    say) on the way.
    """
    lap: list[DOMNode] = []
    node: DOMNode | None = screen.focused or screen
    while node is not None:  # the message path, up to the app itself
        lap.append(node)
        node = node.parent
    path = lap * 2

    def hop(index: int) -> None:
        if index == len(path):
            if screen.is_active:
                action()
            return
        path[index].call_later(hop, index + 1)

    hop(0)


def cancel_form(form: ModalScreen[Any], *, dirty: bool, detail: str) -> None:
    """Close a form with ``None``, first asking whether to discard what was changed."""
    if not dirty:
        form.dismiss(None)
        return

    def discard(answer: bool | None) -> None:
        if answer:
            form.dismiss(None)

    form.app.push_screen(
        ConfirmScreen("Discard changes?", detail, confirm_label="Discard"),
        discard,
    )
