"""The Textual app, built by :func:`make_app` for the CLI and the tests alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.binding import Binding

from acctmap_tui.commands import AccountCommands
from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.messages import ShowAccount, ShowTab
from acctmap_tui.screens.help import HelpScreen, key_sections
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.settings import Settings

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database


class AcctmapApp(App[None]):
    """Account mapping and planning on one open database.

    The app owns the database and the settings and routes app-wide requests
    (from the command palette or any widget) to the main screen.
    """

    CSS_PATH = "app.tcss"
    TITLE = "acctmap"
    BINDING_GROUP_TITLE = "Everywhere"
    COMMANDS = App.COMMANDS | {AccountCommands}
    BINDINGS = [
        # Priority, so focus moves before the next key is routed: text typed (or
        # arriving in one SSH packet) right after Tab lands in the next field.
        Binding("tab", "focus_next", "Next field", show=False, priority=True, id="focus-next"),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="focus-previous",
        ),
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        # Textual adds ctrl+p itself when no binding names the action; naming it
        # here gives it a description that reads well in the footer and the help.
        Binding(
            App.COMMAND_PALETTE_BINDING,
            "command_palette",
            "Commands",
            show=False,
            priority=True,
            id="command-palette",
        ),
    ]

    def __init__(
        self,
        database: Database,
        settings: Settings,
        first_rows: list[AccountMapRow] | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self._first_rows = first_rows
        separator = " - " if settings.ascii_only else " · "
        self.sub_title = f"{database.name}{separator}{settings.user}"
        self._main_screen: MainScreen | None = None

    def get_default_screen(self) -> MainScreen:
        self._main_screen = MainScreen(self.database, self.settings, self._first_rows)
        return self._main_screen

    @property
    def main_screen(self) -> MainScreen:
        """The screen with the tabs, at the bottom of the stack for the app's lifetime."""
        assert self._main_screen is not None, "the app is not running"
        return self._main_screen

    @property
    def account_rows(self) -> list[AccountMapRow]:
        """The accounts the account list holds (empty until it has loaded)."""
        return self.main_screen.account_rows if self._main_screen is not None else []

    def action_help(self) -> None:
        """Show every key that works where the user is now (main screen or a dialog)."""
        if isinstance(self.screen, HelpScreen):
            return
        bindings = self.screen.active_bindings.values()
        self.push_screen(HelpScreen(key_sections(bindings, self.get_key_display)))

    async def action_quit(self) -> None:
        """Quit, but first offer to save a plan with unsaved edits (save/discard/cancel)."""
        plan = self.main_screen.plan_view if self._main_screen is not None else None
        if plan is not None and plan.is_dirty:
            plan.ask_to_leave(self.exit, what="Save the plan before quitting?")
            return
        self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # q quits from the main screen only: in a form or dialog it would throw away
        # what the user was typing (Esc closes those, asking first when needed).
        if action == "quit":
            return self.screen is self._main_screen
        return True

    @on(ShowAccount)
    def _show_account(self, message: ShowAccount) -> None:
        self.main_screen.show_account(message.account_id, message.tab)

    @on(ShowTab)
    def _show_tab(self, message: ShowTab) -> None:
        self.main_screen.action_show_tab(message.tab)


def make_app(
    database: Database,
    settings: Settings,
    first_rows: list[AccountMapRow] | None = None,
) -> AcctmapApp:
    """The one way to build the app: on an open database, with resolved settings.

    ``first_rows`` is the ranked account map read quickly at start-up (see
    :mod:`acctmap_tui.data.quick_read`): shown in the first frame, then replaced.
    """
    return AcctmapApp(database, settings, first_rows)
