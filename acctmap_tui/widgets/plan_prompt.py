"""The question asked before unsaved plan edits would be left behind: save, discard or cancel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

SAVE = "save"
DISCARD = "discard"
CANCEL = "cancel"


class SaveDiscardCancelScreen(ModalScreen[str]):
    """Dismisses with ``"save"``, ``"discard"`` or ``"cancel"``.

    ``s`` saves, ``d`` discards, ``c`` or escape cancels. Cancel has the focus, so
    an absent-minded Enter neither throws edits away nor writes them.
    """

    BINDING_GROUP_TITLE = "Unsaved changes"
    BINDINGS = [
        Binding("s", f"answer('{SAVE}')", "Save", id="unsaved.save"),
        Binding("d", f"answer('{DISCARD}')", "Discard", id="unsaved.discard"),
        Binding("c,escape", f"answer('{CANCEL}')", "Cancel", id="unsaved.cancel"),
    ]

    def __init__(
        self,
        question: str = "The plan has unsaved changes.",
        *,
        title: str = "Unsaved changes",
    ) -> None:
        super().__init__(classes="unsaved-screen")
        self._question = question
        self._title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="unsaved-dialog") as dialog:
            dialog.border_title = self._title
            yield Static(self._question, id="unsaved-question", markup=False)
            with Horizontal(id="unsaved-buttons"):
                yield Button("Save (s)", id="unsaved-save", variant="primary")
                yield Button("Discard (d)", id="unsaved-discard", variant="error")
                yield Button("Cancel (c)", id="unsaved-cancel")

    def on_mount(self) -> None:
        self.query_one("#unsaved-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answer = (event.button.id or "unsaved-cancel").removeprefix("unsaved-")
        self.dismiss(answer)

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)
