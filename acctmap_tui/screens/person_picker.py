"""Choose a person by typing any part of their name, from a list that narrows as you type."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from acctmap_tui.widgets.text_inputs import LineInput


def matching(names: Sequence[str], typed: str) -> list[str]:
    """The names containing every typed word (any case), those starting with it first."""
    words = typed.casefold().split()
    found = [name for name in names if all(word in name.casefold() for word in words)]
    prefix = typed.strip().casefold()
    return sorted(found, key=lambda name: (not name.casefold().startswith(prefix), name.casefold()))


class PersonPickerScreen(ModalScreen[str | None]):
    """Type to filter, up/down to move, Enter to choose; escape chooses nobody."""

    BINDING_GROUP_TITLE = "Pick a person"
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="person-picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="person-picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="person-picker.up"),
    ]

    def __init__(self, title: str, names: Sequence[str], *, typed: str = "") -> None:
        super().__init__(classes="picker-screen")
        self._title = title
        self._names = list(names)
        self._typed = typed

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker-dialog", id="person-picker") as dialog:
            dialog.border_title = self._title
            yield LineInput(
                self._typed, placeholder="type part of a name", id="person-picker-input"
            )
            yield OptionList(id="person-picker-list")
            yield Static("Enter choose · Esc cancel", classes="picker-hint")

    def on_mount(self) -> None:
        self._filter(self._typed)
        self.query_one(Input).focus()

    @on(Input.Changed, "#person-picker-input")
    def _typed_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)

    def _filter(self, typed: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        found = matching(self._names, typed)
        options.add_options(
            [Option(name, id=name) for name in found] or [Option("(nobody)", disabled=True)]
        )
        options.highlighted = 0 if found else None

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count and not options.get_option_at_index(0).disabled:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    @on(Input.Submitted, "#person-picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        if not option.disabled:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected, "#person-picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)
