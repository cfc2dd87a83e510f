"""The Textual app, built by :func:`make_app` for the CLI and the tests alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import App
from textual.binding import Binding

from acctmap_tui.commands import AccountCommands
from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.live_refresh import LiveRefresh
from acctmap_tui.messages import ShowAccount, ShowTab
from acctmap_tui.screens.help import HelpScreen, key_sections
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.settings import Settings

if TYPE_CHECKING:
    from pathlib import Path

    from acctmap_tui.data.db import Database
    from acctmap_tui.data.first_screen import FirstScreen
    from acctmap_tui.domain.upcoming import UpcomingDate
    from acctmap_tui.widgets.plan_view import PlanView


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
        Binding("S", "plan_summary", "Plan summary", show=False, id="plan-summary"),
        Binding("U", "upcoming_dates", "Upcoming dates", show=False, id="upcoming-dates"),
        Binding("H", "account_history", "History", show=False, id="account-history"),
        Binding("R", "review", "Review", show=False, id="review"),
        # Stops again on a second F, or when the user moves to another account.
        Binding("F", "follow", "Follow a colleague / stop", show=False, id="follow"),
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
        first_screen: FirstScreen | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.settings = settings
        self._first_rows = first_rows
        self._first_screen = first_screen
        separator = " - " if settings.ascii_only else " · "
        self.sub_title = f"{database.name}{separator}{settings.user}"
        if database.read_only:  # said once on mount, and again on any write attempt
            self.sub_title += f"{separator}read-only"
        self._main_screen: MainScreen | None = None
        self._pending_section: tuple[int, str] | None = None
        """(account, Plan sub-tab) to show once that account's plan has loaded."""
        self.live_refresh = LiveRefresh(self, database)
        """Shows other processes' commits in every open view (see live_refresh)."""

    @on(events.Mount)
    def _say_read_only(self) -> None:
        """Tell the user at once that nothing can be saved, and what would fix it."""
        reason = self.database.read_only_reason
        if reason is not None:
            self.notify(reason, title="Read-only", severity="warning", timeout=15)

    def on_mount(self) -> None:
        self.live_refresh.start()

    def on_unmount(self) -> None:
        self.live_refresh.stop()

    def get_default_screen(self) -> MainScreen:
        self._main_screen = MainScreen(
            self.database, self.settings, self._first_rows, first_screen=self._first_screen
        )
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
        # The review screens open from the main screen only, never over a dialog.
        if action == "follow":  # also from review mode, whose go_to() follows along
            return self.screen is self._main_screen or hasattr(self.screen, "go_to")
        if action in (
            "quit",
            "plan_summary",
            "upcoming_dates",
            "review",
            "account_history",
        ):
            return self.screen is self._main_screen
        return True

    # --- plan summary, upcoming dates, export (keys and the command palette) -------------------

    def _selected_account(self) -> tuple[int, str] | None:
        """The account selected on the main screen, with its name; None (and a note) if none."""
        account_id = self.main_screen.selected_account_id if self._main_screen else None
        if account_id is None:
            self.notify("Select an account first (Accounts tab, key 1).", severity="warning")
            return None
        row = next((r for r in self.account_rows if r.id == account_id), None)
        return account_id, row.name if row is not None else f"account {account_id}"

    def action_plan_summary(self) -> None:
        """Show the selected account's whole plan on one screen."""
        selected = self._selected_account()
        if selected is None:
            return
        from acctmap_tui.screens.plan_summary import PlanSummaryScreen

        row = next((r for r in self.account_rows if r.id == selected[0]), None)
        self.push_screen(
            PlanSummaryScreen(
                self.database, selected[0], row=row, ascii_only=self.settings.ascii_only
            )
        )

    def action_account_history(self) -> None:
        """Show who changed what on the selected account, with revert."""
        selected = self._selected_account()
        if selected is None:
            return
        from acctmap_tui.screens.history import HistoryScreen

        account_id, name = selected
        self.push_screen(
            HistoryScreen(
                self.database,
                account_id,
                account_name=name,
                user=self.settings.user,
                ascii_only=self.settings.ascii_only,
            )
        )

    def action_upcoming_dates(self) -> None:
        """List the dates due in the next 30 days (and overdue) across accounts."""
        from acctmap_tui.screens.upcoming import UpcomingScreen

        self.push_screen(UpcomingScreen(self.database), self._open_upcoming)

    def action_follow(self) -> None:
        """Make the main screen follow a colleague's account and tab, or stop following."""
        self.main_screen.presence.toggle_follow()

    def action_review(self) -> None:
        """Walk the Tier 1 accounts one at a time, in priority order (review mode)."""
        from acctmap_tui.screens.review import open_review

        open_review(self, "tier1")

    def _open_upcoming(self, chosen: UpcomingDate | None) -> None:
        """Select the chosen date's account and show where the item is edited."""
        if chosen is None:
            return
        account_id, section = chosen.item.account_id, chosen.item.kind.section
        if section is None:  # a next action: the Accounts tab, where a lists them
            self.main_screen.show_account(account_id, "accounts")
            return
        self.main_screen.show_account(account_id, "plan")
        plan = self.main_screen.plan_view
        if plan is not None:
            plan.show_section(section)
        else:  # mounted on first use: wait for it to load this account
            self._pending_section = (account_id, section)

    def on_plan_view_loaded(self, message: PlanView.Loaded) -> None:
        pending, self._pending_section = self._pending_section, None
        plan = self.main_screen.plan_view
        if pending is not None and pending[0] == message.account_id and plan is not None:
            plan.show_section(pending[1])

    def action_export_plan(self) -> None:
        """Ask for a file and write the selected account's plan there as Markdown."""
        selected = self._selected_account()
        if selected is None:
            return
        from acctmap_tui.screens.export_plan import ExportPlanScreen

        plan = self.main_screen.plan_view
        unsaved = plan is not None and plan.account_id == selected[0] and plan.is_dirty
        self.push_screen(
            ExportPlanScreen(self.database, *selected, unsaved_note=unsaved), self._exported
        )

    def _exported(self, path: Path | None) -> None:
        if path is not None:
            self.notify(f"Wrote {path}", title="Plan exported")

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
    *,
    first_screen: FirstScreen | None = None,
) -> AcctmapApp:
    """The one way to build the app: on an open database, with resolved settings.

    ``first_rows`` is the ranked account map read quickly at start-up (see
    :mod:`acctmap_tui.data.quick_read`), or ``first_screen`` the cached first page
    with its totals (:mod:`acctmap_tui.data.first_screen`): shown in the first
    frame, then replaced by the full load.
    """
    return AcctmapApp(database, settings, first_rows, first_screen)
