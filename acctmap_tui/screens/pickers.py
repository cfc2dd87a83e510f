"""Small keyboard pickers: choose one option, or tick several."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from acctmap_tui.screens.form_widgets import after_typed_keys


class ChoiceScreen(ModalScreen[str | None]):
    """Pick one of several options with the arrow keys and Enter; escape picks none."""

    BINDING_GROUP_TITLE = "Choose"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="choice.cancel")]

    def __init__(
        self, title: str, options: Sequence[tuple[str, str]], *, current: str | None = None
    ) -> None:
        """``options`` are (value, label) pairs; ``current`` starts highlighted."""
        super().__init__(classes="picker-screen")
        self._title = title
        self._options = options
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker-dialog") as dialog:
            dialog.border_title = self._title
            yield OptionList(
                *(Option(label, id=value) for value, label in self._options),
                id="choice-list",
            )
            yield Static("Enter choose · Esc cancel", classes="picker-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        values = [value for value, _label in self._options]
        if self._current in values:
            options.highlighted = values.index(self._current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)


class TickScreen(ModalScreen[frozenset[str] | None]):
    """Tick any number of options with space; Enter applies, escape changes nothing."""

    BINDING_GROUP_TITLE = "Tick"
    BINDINGS = [
        Binding("enter", "apply", "Apply", id="tick.apply", priority=True),
        Binding("escape", "dismiss(None)", "Cancel", id="tick.cancel"),
    ]

    def __init__(
        self,
        title: str,
        options: Sequence[tuple[str, str]],
        *,
        ticked: frozenset[str] = frozenset(),
        hint: str = "Space tick · Enter apply · Esc cancel",
    ) -> None:
        super().__init__(classes="picker-screen")
        self._title = title
        self._options = options
        self._ticked = ticked
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker-dialog") as dialog:
            dialog.border_title = self._title
            yield SelectionList[str](
                *(Selection(label, value, value in self._ticked) for value, label in self._options),
                id="tick-list",
            )
            yield Static(self._hint, classes="picker-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_apply(self) -> None:
        """Apply the ticks, once a space typed just before Enter has ticked its option."""
        after_typed_keys(self, self._apply_now)

    def _apply_now(self) -> None:
        self.dismiss(frozenset(self.query_one(SelectionList).selected))
