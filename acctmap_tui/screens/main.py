"""The main screen: header, four tabs (one widget each) and the footer."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.messages import AccountSelected, DatabaseChanged, TabId
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_map_view import AccountMapView, ShownAccounts
from acctmap_tui.widgets.presence import PresenceWatch

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database
    from acctmap_tui.data.first_screen import FirstScreen
    from acctmap_tui.widgets.plan_view import PlanView

TAB_TITLES: dict[TabId, str] = {
    "accounts": "Accounts",
    "plan": "Plan",
    "people": "People",
    "pipeline": "Pipeline",
}
"""Tab pane ids and their titles, in order; keys 1-4 follow this order."""


class MainScreen(Screen[None]):
    """Holds the selected account and hands it to whichever tab is showing.

    Views load their data only when their tab is active, so moving through a long
    account list does not read every account's plan and people on the way.
    """

    BINDING_GROUP_TITLE = "Main screen"
    BINDINGS = [
        # The tab labels carry their keys ("1 Accounts"), so the footer leaves them out.
        Binding(str(number), f"show_tab('{tab}')", title, show=False, id=f"show-{tab}")
        for number, (tab, title) in enumerate(TAB_TITLES.items(), start=1)
    ]

    # A var, not a reactive: a new selection must not repaint the whole screen.
    selected_account_id: var[int | None] = var(None, init=False)
    """The account highlighted in the account list; the other tabs show it."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        first_rows: list[AccountMapRow] | None = None,
        *,
        first_screen: FirstScreen | None = None,
    ) -> None:
        super().__init__(id="main-screen")
        self._database = database
        self._settings = settings
        self._first_rows = first_rows
        self._first_screen = first_screen

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="accounts", id="tabs"):
            with TabPane(f"1 {TAB_TITLES['accounts']}", id="accounts"):
                yield AccountMapView(
                    self._database,
                    self._settings,
                    first_rows=self._first_rows,
                    first_screen=self._first_screen,
                    id="account-map",
                )
            with TabPane(f"2 {TAB_TITLES['plan']}", id="plan"):
                # Each per-account view (and the code under it) loads when first shown.
                yield Static("", id="plan-placeholder")
            with TabPane(f"3 {TAB_TITLES['people']}", id="people"):
                yield Static("", id="people-placeholder")
            with TabPane(f"4 {TAB_TITLES['pipeline']}", id="pipeline"):
                yield Static("", id="pipeline-placeholder")
        yield Footer(compact=True)
        yield PresenceWatch(self._database, self._settings, id="presence")

    def on_mount(self) -> None:
        self.query_one("#account-table").focus()

    @property
    def account_rows(self) -> list[AccountMapRow]:
        """Every live account, ranked, for the command palette."""
        return self.query_one(AccountMapView).rows

    @property
    def presence(self) -> PresenceWatch:
        """Who else has the database open, and following one of them."""
        return self.query_one("#presence", PresenceWatch)

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    def action_show_tab(self, tab: TabId) -> None:
        """Switch to a tab by its pane id."""
        self.query_one(TabbedContent).active = tab

    def show_account(self, account_id: int, tab: TabId | None = None) -> None:
        """Select an account (moving the list's cursor to it) and optionally switch tab."""
        if self.query_one(AccountMapView).select_account(account_id):
            self.selected_account_id = account_id
        if tab is not None:
            self.action_show_tab(tab)

    @on(AccountSelected)
    def _account_selected(self, message: AccountSelected) -> None:
        self.selected_account_id = message.account_id

    async def watch_selected_account_id(self) -> None:
        await self._update_active_view()

    @on(TabbedContent.TabActivated, "#tabs")
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        await self._update_active_view()
        self._focus_pane(event.pane)

    @property
    def plan_view(self) -> PlanView | None:
        """The plan editor, once the Plan tab has been shown."""
        views = self.query("#plan-view")
        return views.first() if views else None  # type: ignore[return-value]

    async def _mounted(self, pane_id: str, view_id: str, build: Callable[[], Widget]) -> Widget:
        """The tab's view, built and mounted in place of its placeholder on first use."""
        views = self.query(f"#{view_id}")
        if views:
            return views.first()
        view = build()
        for placeholder in self.query(f"#{pane_id}-placeholder"):
            await placeholder.remove()
        await self.query_one(f"#{pane_id}", TabPane).mount(view)
        return view

    def _build_plan_view(self) -> Widget:
        from acctmap_tui.widgets.plan_view import PlanView

        return PlanView(self._database, settings=self._settings, id="plan-view")

    def _build_people_view(self) -> Widget:
        from acctmap_tui.widgets.people_view import PeopleView

        return PeopleView(self._database, settings=self._settings, id="people-view")

    def _build_pipeline_view(self) -> Widget:
        from acctmap_tui.widgets.pipeline_view import PipelineView

        return PipelineView(ascii_only=self._settings.ascii_only, id="pipeline-view")

    async def _update_active_view(self) -> None:
        """Hand the selection to the visible view only; the others catch up when shown."""
        match self.active_tab:
            case "plan":
                view = await self._mounted("plan", "plan-view", self._build_plan_view)
                view.account_id = self.selected_account_id  # type: ignore[attr-defined]
            case "people":
                view = await self._mounted("people", "people-view", self._build_people_view)
                view.account_id = self.selected_account_id  # type: ignore[attr-defined]
            case "pipeline":
                await self._mounted("pipeline", "pipeline-view", self._build_pipeline_view)
                self._update_pipeline()

    @on(DatabaseChanged)
    def _database_changed(self, message: DatabaseChanged) -> None:
        """Re-read what another process changed; each view keeps its place and edits."""
        self.query_one(AccountMapView).refresh_from_database(message.account_ids)
        selected = self.selected_account_id
        touched = message.account_ids is None or (
            selected is not None and selected in message.account_ids
        )
        if not touched:
            return
        for view in self.query("#people-view"):
            view.refresh_from_database()  # type: ignore[attr-defined]
        plan = self.plan_view
        if plan is not None:
            plan.refresh_from_database()

    @on(ShownAccounts)
    def _shown_accounts_changed(self, message: ShownAccounts) -> None:
        if self.active_tab == "pipeline":
            self._update_pipeline()

    def _update_pipeline(self) -> None:
        """The forecast covers exactly the accounts the account table shows."""
        accounts = self.query_one(AccountMapView)
        pipelines = self.query("#pipeline-view")
        if not pipelines:
            return
        pipelines.first().show_rows(  # type: ignore[attr-defined]
            accounts.shown_rows,
            total_accounts=len(accounts.rows),
            filter_label=accounts.filter_label,
        )

    def _focus_pane(self, pane: TabPane) -> None:
        """Focus the tab's content so the arrow keys work without a Tab press first."""
        candidates = [w for w in pane.walk_children(Widget) if w.focusable and w.display]
        preferred = [w for w in candidates if w.has_class("primary-focus")]
        for widget in preferred or candidates:
            widget.focus()
            return
        self.set_focus(None)
