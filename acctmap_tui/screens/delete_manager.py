"""Deleting someone with direct reports: say where the reports go, or cancel.

Nothing is orphaned silently: the reports either move up to the deleted person's
own manager or become roots of their own, as the user chooses here.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from acctmap_tui.data.people_store import ReportsChoice


class DeleteManagerScreen(ModalScreen[ReportsChoice | None]):
    """Asks what becomes of a deleted contact's reports; ``None`` cancels the delete."""

    BINDING_GROUP_TITLE = "Delete a manager"
    BINDINGS = [
        Binding("m", "choose('to_manager')", "Move up", id="delete-manager.up"),
        Binding("r", "choose('roots')", "Leave as roots", id="delete-manager.roots"),
        Binding("n,escape", "cancel", "Cancel", id="delete-manager.cancel"),
    ]

    def __init__(self, name: str, reports: Sequence[str], manager: str | None) -> None:
        super().__init__(classes="confirm-screen")
        self._name = name
        self._reports = list(reports)
        self._manager = manager

    def compose(self) -> ComposeResult:
        with Vertical(id="delete-manager-dialog") as dialog:
            dialog.border_title = Content(f"Delete {self._name}")
            who = ", ".join(self._reports)
            dotted = "Dotted lines to them are cleared. u undoes the delete in this session."
            yield Static(
                f"{self._name} has direct reports: {who}. Where should they report now?\n{dotted}",
                id="delete-manager-question",
                markup=False,
            )
            with Horizontal(id="delete-manager-buttons"):
                if self._manager is not None:
                    yield Button(
                        Content(f"To {self._manager} (m)"),
                        id="delete-manager-up",
                        variant="error",
                    )
                yield Button("Leave as roots (r)", id="delete-manager-roots", variant="error")
                yield Button("Cancel (n)", id="delete-manager-cancel")

    def on_mount(self) -> None:
        self.query_one("#delete-manager-cancel", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("to_manager",):
            return self._manager is not None
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        match event.button.id:
            case "delete-manager-up":
                self.dismiss(ReportsChoice.TO_MANAGER)
            case "delete-manager-roots":
                self.dismiss(ReportsChoice.ROOTS)
            case _:
                self.dismiss(None)

    def action_choose(self, choice: str) -> None:
        self.dismiss(ReportsChoice(choice))

    def action_cancel(self) -> None:
        self.dismiss(None)
