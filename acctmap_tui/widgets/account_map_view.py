"""The Accounts tab: the ranked account map with a filter box, quick filters and a summary.

All accounts are read once (in a worker) and ranked together; typing a filter,
toggling a quick filter or sorting then works on the rows in memory, so each
keystroke costs milliseconds even at 10,000 accounts.

Started from a cached first page (:mod:`acctmap_tui.data.first_screen`), the view
shows that page with the cached totals until the full load arrives; each full
load of an SQLite file then refreshes the cache for the next launch.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static, TextArea
from textual.worker import get_current_worker

from acctmap_tui.data.first_screen import (
    FirstScreen,
    Summary,
    Totals,
    stamp_of,
    summarise,
    summarise_shown,
    totals_of,
    write_first_screen,
)
from acctmap_tui.domain.account_map import (
    COLUMNS,
    COLUMNS_BY_KEY,
    AccountMapRow,
    MapFilter,
    carry_details,
    set_health,
    set_key_contacts,
    sort_rows,
)
from acctmap_tui.domain.plan_health import MISTAKE_TITLES, assess_plan
from acctmap_tui.domain.values import format_money
from acctmap_tui.domain.vocabulary import Stage, TargetType
from acctmap_tui.errors import AcctmapError
from acctmap_tui.messages import AccountSelected
from acctmap_tui.screens.pickers import ChoiceScreen, TickScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_table import DEFAULT_COLUMNS, AccountTable
from acctmap_tui.widgets.filter_box import FilterBox
from acctmap_tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from acctmap_tui.data.change_authors import RecordChange
    from acctmap_tui.data.db import Database
    from acctmap_tui.data.map_queries import Reranked

EMPTY_ACCOUNTS_TEXT = (
    "No accounts yet — press n to add one, or run `acctmap demo` to open a demo "
    "database with sample accounts."
)
NO_MATCH_TEXT = "No account matches the filter — press Esc to clear it."

TIER_CYCLE: tuple[frozenset[int], ...] = (
    frozenset(),
    frozenset({1}),
    frozenset({2}),
    frozenset({3}),
)


def _account_labels() -> dict[str, str]:
    """Account field labels by column, for saying which fields someone changed."""
    from acctmap_tui.domain.account_form import ACCOUNT_FIELDS

    return {f.column: f.label for f in ACCOUNT_FIELDS}


def _one_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@dataclass
class ShownAccounts(Message):
    """The accounts on show changed (new data, filter or sort): other views follow it."""

    rows: Sequence[AccountMapRow]
    total: int
    filter_label: str


def _summary_text(summary: Summary, total: int) -> str:
    """The status line: shown of total, weighted pipeline, Tier 1, stale and overdue."""
    money = " + ".join(
        format_money(amount, currency) for currency, amount in sorted(summary.weighted.items())
    )
    return (
        f"{summary.count:,}/{total:,} shown · weighted {money or '$0'} · "
        f"Tier 1: {summary.tier1} · stale: {summary.stale} · overdue: {summary.overdue}"
    )


class AccountMapView(Vertical):
    """Owns the ranked rows, the filter and the sort; the table only draws them."""

    BINDING_GROUP_TITLE = "Accounts"
    BINDINGS = [
        # Priority bindings run before the next key is routed, so text typed right
        # after "/" (or after Enter in the box) lands where the user meant it.
        Binding("slash", "focus_filter", "Filter", priority=True, id="accounts.filter"),
        Binding(
            "enter,escape,down",
            "leave_filter",
            "Back to the table",
            show=False,
            priority=True,
            id="accounts.leave-filter",
        ),
        Binding("f", "quick_filters", "Filters", id="accounts.quick-filters"),
        Binding("m", "toggle_mine", "Mine", show=False, id="accounts.mine"),
        Binding("t", "cycle_tier", "Tier", show=False, id="accounts.tier"),
        Binding("x", "toggle_stale", "Stale", show=False, id="accounts.stale"),
        Binding("o", "toggle_overdue", "Overdue", show=False, id="accounts.overdue"),
        Binding("h", "toggle_findings", "Has findings", show=False, id="accounts.findings"),
        Binding("s", "choose_sort", "Sort", id="accounts.sort"),
        Binding("r", "reverse_sort", "Reverse sort", show=False, id="accounts.reverse"),
        Binding("c", "choose_columns", "Columns", show=False, id="accounts.columns"),
        Binding("escape", "clear_filters", "Clear filters", show=False, id="accounts.clear"),
        Binding("n", "new_account", "New", id="accounts.new"),
        Binding("e", "edit_account", "Edit", id="accounts.edit"),
        Binding("d", "delete_account", "Delete", show=False, id="accounts.delete"),
        Binding("u", "undo_delete", "Undo delete", show=False, id="accounts.undo"),
        Binding("a", "actions", "Actions", id="accounts.actions"),
    ]

    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        first_rows: list[AccountMapRow] | None = None,
        first_screen: FirstScreen | None = None,
        id: str | None = None,
    ) -> None:
        """``first_rows``: ranked rows read quickly at start-up, shown until the full load.

        ``first_screen``: the cached first page and totals, shown the same way.
        """
        super().__init__(id=id)
        self._first_rows = first_screen.rows if first_screen is not None else first_rows
        self._first_page: FirstScreen | None = first_screen
        """The cached page on show until the full load arrives; its totals are the truth."""
        self._database = database
        self._settings = settings
        self._all_rows: list[AccountMapRow] = []
        self._shown: list[AccountMapRow] = []
        self._filter = MapFilter()
        self._sort_key = "rank"
        self._descending = False
        self._loaded = False
        self._last_filter: MapFilter | None = None
        """The filter behind ``_last_filtered``; None after new data arrives."""
        self._last_filtered: Sequence[AccountMapRow] = ()
        self._select_after_load: int | None = None
        self._chips_text = ""
        self._deleted_ids: list[int] = []
        """Accounts deleted in this session, newest last: what u restores."""
        self._details_ready = False
        """Whether the rows on show carry key contacts and health (a full load finished)."""
        self._content = object()
        """Renewed whenever the rows' values change, so the table redraws its lines."""
        self._totals: Totals | None = None
        """Every row's totals, summed once per new set of rows (see ``_update_summary``)."""
        self._refresh_pending: set[int] = set()
        self._refreshing = False

    # --- state, for the rest of the app ------------------------------------------------

    @property
    def rows(self) -> list[AccountMapRow]:
        """Every live account, ranked (for the command palette)."""
        return self._all_rows

    @property
    def shown_rows(self) -> list[AccountMapRow]:
        return self._shown

    @property
    def total(self) -> int:
        """How many live accounts there are (known before the full load from the cache)."""
        if self._first_page is not None:
            return self._first_page.total
        return len(self._all_rows)

    @property
    def sort(self) -> tuple[str, bool]:
        return self._sort_key, self._descending

    @property
    def highlighted_account_id(self) -> int | None:
        return self.query_one(AccountTable).cursor_account_id

    def select_account(self, account_id: int) -> bool:
        """Move the cursor to the account, clearing the filter if it hides it."""
        row = next((row for row in self._all_rows if row.id == account_id), None)
        if row is None:
            return False
        if not self._filter.apply([row]):
            self._filter = MapFilter()
            self.query_one("#account-filter", Input).value = ""
        self._apply(keep_account_id=account_id)
        return True

    # --- composition and loading -------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield FilterBox(
                self._filter_typed,
                placeholder="/ filter: name, contact, owner, stage, industry…",
                id="account-filter",
            )
            yield Static("", id="filter-chips", markup=False)
        # Above the table, so "press n" sits right under the filter; the table stays
        # (header only) to keep the focus, and with it the keys, when there are no rows.
        yield Static(EMPTY_ACCOUNTS_TEXT, id="accounts-empty", classes="empty-state", markup=False)
        yield AccountTable(id="account-table", classes="primary-focus")
        yield StatusLine(id="account-summary")

    def on_mount(self) -> None:
        self.query_one("#accounts-empty").display = False
        if self._first_rows is not None:
            # Shown in the very first frame; the full read starts once that frame is
            # painted, so importing the database stack does not delay it.
            self._show_rows(self._first_rows)
            self._first_rows = None
            self.call_after_refresh(self.reload)
            return
        self.reload()

    def reload(self) -> None:
        """Read and rank every account again (in a worker); filter, sort and cursor stay."""
        self._details_ready = False
        self._load_rows()

    def refresh_from_database(self, account_ids: frozenset[int] | None) -> None:
        """Show other people's changes to these accounts (``None``: to anything).

        Only the named accounts are read again and the ranking is redone in memory,
        so a colleague's edit shows in a fraction of the time of a full load. Changes
        arriving while one refresh runs are queued for the next, never dropped.
        """
        if account_ids is None or not self._details_ready:
            self.reload()
            return
        self._refresh_pending |= account_ids
        if not self._refreshing:
            self._start_refresh()

    def _start_refresh(self) -> None:
        account_ids = frozenset(self._refresh_pending)
        self._refresh_pending.clear()
        self._refreshing = True
        self._refresh_rows(account_ids, self._all_rows)

    @work(thread=True, group="account-map-refresh", description="re-read changed accounts")
    def _refresh_rows(self, account_ids: frozenset[int], rows: list[AccountMapRow]) -> None:
        from acctmap_tui.data.map_queries import rerank_changed

        try:
            ranked = rerank_changed(
                self._database,
                rows,
                account_ids,
                today=date.today(),
                stale_after_days=self._settings.stale_after_days,
            )
        except Exception:  # noqa: BLE001 - a busy file: read everything once it answers
            ranked = None
        self.post_message(self._Refreshed(account_ids, rows, ranked))

    @dataclass
    class _Refreshed(Message):
        account_ids: frozenset[int]
        base: list[AccountMapRow]
        reranked: Reranked | None

    @on(_Refreshed)
    def _refreshed(self, message: _Refreshed) -> None:
        message.stop()
        self._refreshing = False
        if message.reranked is None:
            self.reload()
        elif message.base is self._all_rows:
            rows = message.reranked.apply(
                self._all_rows, date.today(), self._settings.stale_after_days
            )
            self._show_rows(rows, keep_screen_line=True)
        else:  # a full load replaced the rows meanwhile: apply the change to those
            self._refresh_pending |= message.account_ids
        if self._refresh_pending and self._details_ready:
            self._start_refresh()

    @work(thread=True, exclusive=True, group="account-map")
    def _load_rows(self) -> None:
        """Accounts first, so the table paints; key contacts follow in the same worker."""
        # The database stack is imported here, off the UI thread, after the first paint.
        from acctmap_tui.data.map_queries import load_key_contacts, load_ranked_map
        from acctmap_tui.data.plan_queries import load_all_plan_facts
        from acctmap_tui.errors import DatabaseError

        worker = get_current_worker()
        today = date.today()
        stale_after_days = self._settings.stale_after_days
        url = getattr(self._database, "url", None)
        # Taken before the read: a write racing it can only make the cache miss later.
        stamp = stamp_of(url) if isinstance(url, str) else None
        try:
            ranked = load_ranked_map(self._database, today=today, stale_after_days=stale_after_days)
        except DatabaseError as error:
            # Only reachable when the first rows came from the quick read and the
            # database then failed its checks: say why and stop, as the CLI would.
            self.app.call_from_thread(self.app.exit, None, 1, f"acctmap: {error}")
            return
        if worker.is_cancelled:
            return
        self.post_message(self._Loaded(ranked))
        with self._database.session() as session:
            contacts = load_key_contacts(session=session)
            facts = load_all_plan_facts(session=session)
        today = date.today()
        health = {}
        for account_id, account_facts in facts.items():
            assessed = assess_plan(account_facts, today, self._settings.stale_after_days)
            titles = tuple(MISTAKE_TITLES[check] for check in assessed.failed_checks)
            health[account_id] = (assessed.overall_percent, titles)
        if not worker.is_cancelled:
            self.post_message(self._DetailsLoaded(ranked, contacts, health))
        if stamp is not None and url is not None:
            # Last, so key contacts are not kept waiting; only fields the UI never changes
            # are written, and any failure is swallowed.
            write_first_screen(url, stamp, ranked, today, stale_after_days)

    @dataclass
    class _Loaded(Message):
        rows: list[AccountMapRow]

    @dataclass
    class _DetailsLoaded(Message):
        """What the first paint could do without: key contacts and plan health."""

        rows: list[AccountMapRow]
        contacts: dict[int, list[str]]
        health: dict[int, tuple[int, tuple[str, ...]]]

    @on(_Loaded)
    def _rows_loaded(self, message: _Loaded) -> None:
        message.stop()
        self._first_page = None
        if self._loaded:
            # A reload (someone's change): keep the details on show until the new
            # ones arrive, so key contacts and health do not blink away meanwhile.
            carry_details(self._all_rows, message.rows)
        self._show_rows(message.rows, keep_screen_line=self._loaded)

    def _show_rows(self, rows: list[AccountMapRow], *, keep_screen_line: bool = False) -> None:
        self._all_rows = rows
        self._content = object()  # new values: the table draws every line afresh
        self._totals = None
        self._last_filter = None
        self._loaded = True
        wanted, self._select_after_load = self._select_after_load, None
        if wanted is not None and self.select_account(wanted):
            return
        self._apply(keep_account_id=self.highlighted_account_id, keep_screen_line=keep_screen_line)

    @on(_DetailsLoaded)
    def _details_loaded(self, message: _DetailsLoaded) -> None:
        message.stop()
        if message.rows is not self._all_rows:
            return  # a newer load has replaced these rows
        set_key_contacts(self._all_rows, message.contacts)
        set_health(self._all_rows, message.health)
        self._content = object()  # the rows changed in place
        self._details_ready = True
        self._last_filter = None
        self._apply()
        if self._refresh_pending and not self._refreshing:
            self._start_refresh()

    # --- filtering and sorting ---------------------------------------------------------

    def _apply(self, *, keep_account_id: int | None = None, keep_screen_line: bool = False) -> None:
        table = self.query_one(AccountTable)
        if keep_account_id is None:
            keep_account_id = table.cursor_account_id
        filtered = self._filter.apply(self._narrowing_base())
        self._last_filter, self._last_filtered = self._filter, filtered
        self._shown = (
            filtered
            if self._sort_key == "rank" and not self._descending
            else sort_rows(filtered, self._sort_key, self._descending)
        )
        table.set_rows(
            self._shown,
            keep_account_id=keep_account_id,
            keep_screen_line=keep_screen_line,
            sort_key=self._sort_key,
            descending=self._descending,
            content=self._content,
        )
        # Only touch what changed: each update of a sized widget costs a layout pass.
        nothing = self._loaded and not self._all_rows
        no_match = bool(self._all_rows) and not self._shown
        empty = self.query_one("#accounts-empty", Static)
        if empty.display != (nothing or no_match):
            empty.update(EMPTY_ACCOUNTS_TEXT if nothing else NO_MATCH_TEXT)
            empty.display = nothing or no_match
        chips = " ".join(f"[{chip}]" for chip in self._filter.chips())
        chips_line = self.query_one("#filter-chips", Static)
        if chips != self._chips_text:
            self._chips_text = chips
            chips_line.update(chips)
        self._update_summary()
        self.post_message(ShownAccounts(self._shown, self.total, self.filter_label))
        self.post_message(AccountSelected(table.cursor_account_id))

    def _narrowing_base(self) -> Sequence[AccountMapRow]:
        """The rows worth filtering: when the user only typed more text, last time's matches.

        More text can only narrow a match, so each keystroke scans fewer rows.
        """
        last = self._last_filter
        if (
            last is not None
            and self._filter.text.startswith(last.text)
            and replace(self._filter, text=last.text) == last
        ):
            return self._last_filtered
        return self._all_rows

    @property
    def filter_label(self) -> str:
        parts = list(self._filter.chips())
        if self._filter.text.strip():
            parts.append(repr(self._filter.text.strip()))
        return ", ".join(parts)

    def _update_summary(self) -> None:
        page = self._first_page
        if page is not None and self._filter.is_empty:
            # The cached page is only the top of the map: its totals cover every account.
            text = _summary_text(page.summary, page.total)
        elif page is not None:
            text = _summary_text(summarise(self._shown), len(self._all_rows))
            text += f" · of the first {len(self._all_rows):,}; loading all {page.total:,}…"
        else:
            if self._totals is None:
                self._totals = totals_of(self._all_rows)
            summary = summarise_shown(self._all_rows, self._shown, self._totals)
            text = _summary_text(summary, len(self._all_rows))
        self.query_one("#account-summary", StatusLine).text = text

    def _set_filter(self, **changes: object) -> None:
        self._filter = replace(self._filter, **changes)
        self._apply()

    def _filter_typed(self, text: str) -> None:
        """Called by the filter box as its text changes, so rows and text share a frame."""
        if text != self._filter.text:
            self._set_filter(text=text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.screen.focused
        typing = isinstance(focused, Input | TextArea)
        if action == "focus_filter":
            return not typing
        if action == "leave_filter":
            return focused is self.query_one("#account-filter", Input)
        return True

    def action_focus_filter(self) -> None:
        # Focus now, not after a refresh: keys typed right after "/" (fast typists,
        # pasted text, SSH bursts) must land in the filter box, not on the table.
        self.screen.set_focus(self.query_one("#account-filter", Input))

    def action_leave_filter(self) -> None:
        self.screen.set_focus(self.query_one(AccountTable))

    def action_clear_filters(self) -> None:
        """Esc on the table drops every filter (in the box, Esc only leaves it)."""
        filter_box = self.query_one("#account-filter", Input)
        if not self._filter.is_empty:
            self._filter = MapFilter()
            filter_box.value = ""  # the box sees no change of filter, so only one _apply
            self._apply()

    def action_toggle_mine(self) -> None:
        mine = None if self._filter.mine_user is not None else self._settings.user
        self._set_filter(mine_user=mine)

    def action_cycle_tier(self) -> None:
        current = self._filter.tiers
        position = TIER_CYCLE.index(current) if current in TIER_CYCLE else 0
        self._set_filter(tiers=TIER_CYCLE[(position + 1) % len(TIER_CYCLE)])

    def action_toggle_stale(self) -> None:
        self._set_filter(stale_only=not self._filter.stale_only)

    def action_toggle_overdue(self) -> None:
        self._set_filter(overdue_only=not self._filter.overdue_only)

    def action_toggle_findings(self) -> None:
        self._set_filter(findings_only=not self._filter.findings_only)

    def action_quick_filters(self) -> None:
        options = [("mine", f"Mine (owner is {self._settings.user})")]
        options += [(f"tier:{tier}", f"Tier {tier}") for tier in (1, 2, 3)]
        options += [(f"stage:{stage.value}", f"Stage: {stage.label}") for stage in Stage]
        options += [(f"type:{kind.value}", f"Target: {kind.label}") for kind in TargetType]
        options += [
            ("stale", "Stale (not reviewed for 90 days)"),
            ("overdue", "Has overdue actions"),
            ("findings", "Plan health has findings"),
        ]
        current = self._filter
        ticked = {f"tier:{tier}" for tier in current.tiers}
        ticked |= {f"stage:{stage.value}" for stage in current.stages}
        ticked |= {f"type:{kind.value}" for kind in current.target_types}
        if current.mine_user is not None:
            ticked.add("mine")
        if current.stale_only:
            ticked.add("stale")
        if current.overdue_only:
            ticked.add("overdue")
        if current.findings_only:
            ticked.add("findings")

        def chosen(result: frozenset[str] | None) -> None:
            if result is None:
                return
            self._set_filter(
                mine_user=self._settings.user if "mine" in result else None,
                tiers=frozenset(int(v.split(":")[1]) for v in result if v.startswith("tier:")),
                stages=frozenset(Stage(v.split(":")[1]) for v in result if v.startswith("stage:")),
                target_types=frozenset(
                    TargetType(v.split(":")[1]) for v in result if v.startswith("type:")
                ),
                stale_only="stale" in result,
                overdue_only="overdue" in result,
                findings_only="findings" in result,
            )

        self.app.push_screen(
            TickScreen("Quick filters (all ticked must match)", options, ticked=frozenset(ticked)),
            chosen,
        )

    def sort_by(self, column_key: str, descending: bool | None = None) -> None:
        """Sort by a column; choosing the current column again flips the direction."""
        if descending is None:
            descending = not self._descending if column_key == self._sort_key else False
        self._sort_key, self._descending = column_key, descending
        self._apply()

    def action_choose_sort(self) -> None:
        options = [
            (column.key, column.title if column.key != "rank" else "# Rank (priority)")
            for column in COLUMNS
        ]

        def chosen(key: str | None) -> None:
            if key is not None:
                self.sort_by(key)

        self.app.push_screen(ChoiceScreen("Sort by", options, current=self._sort_key), chosen)

    def action_reverse_sort(self) -> None:
        self.sort_by(self._sort_key, not self._descending)

    def action_choose_columns(self) -> None:
        table = self.query_one(AccountTable)
        shown = frozenset(column.key for column in table.columns)
        options = [
            (key, COLUMNS_BY_KEY[key].title)
            for key in DEFAULT_COLUMNS
            if key not in ("rank", "name")
        ]

        def chosen(result: frozenset[str] | None) -> None:
            if result is not None:
                table.set_columns([key for key in DEFAULT_COLUMNS if key in result])

        self.app.push_screen(TickScreen("Columns to show", options, ticked=shown), chosen)

    def _highlighted_row(self) -> AccountMapRow | None:
        table = self.query_one(AccountTable)
        if 0 <= table.cursor_row < len(table.rows) and table.rows:
            return table.rows[table.cursor_row]
        return None

    def action_new_account(self) -> None:
        self._open_form(None)

    def action_edit_account(self) -> None:
        row = self._highlighted_row()
        if row is None:
            self.notify("No account is highlighted", severity="warning")
            return
        self._open_form(row.id)

    def _open_form(self, account_id: int | None) -> None:
        # Imported on first use: the form is not needed to paint the first screen.
        from acctmap_tui.screens.account_form import AccountFormScreen

        def closed(saved_id: int | None) -> None:
            if saved_id is not None:
                self._reload_then_select(saved_id)

        self.app.push_screen(AccountFormScreen(self._database, self._settings, account_id), closed)

    @on(AccountTable.Selected)
    def _enter_pressed(self, event: AccountTable.Selected) -> None:
        event.stop()
        self._open_form(event.account_id)

    def _reload_then_select(self, account_id: int) -> None:
        """Reload, then put the cursor on this account (clearing a filter that hides it)."""
        self._select_after_load = account_id
        self.reload()

    def action_delete_account(self) -> None:
        """Delete after confirmation; u (or the CLI's undelete) brings it back.

        The question is about the account as stored when d was pressed (its
        version is read first): if someone saves it before the answer, the delete
        asks again, saying who changed what.
        """
        row = self._highlighted_row()
        if row is None:
            self.notify("No account is highlighted", severity="warning")
            return
        self._read_before_delete(row.id, row.name)

    @work(thread=True, group="account-write")
    def _read_before_delete(self, account_id: int, name: str) -> None:
        """The version the confirmation is about, and who saved the account last."""
        import sqlalchemy as sa

        from acctmap_tui.data.account_store import get_account
        from acctmap_tui.data.change_authors import latest_change

        try:
            with self._database.session() as session:
                version = get_account(account_id, session=session).version
                change = latest_change("account", account_id, session=session)
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.app.call_from_thread(
                self.notify, f"{name} was not deleted: {_one_line(error)}", severity="error"
            )
            return
        self.app.call_from_thread(self._confirm_delete, account_id, name, version, change)

    def _confirm_delete(
        self, account_id: int, name: str, version: int, change: RecordChange | None
    ) -> None:
        from acctmap_tui.screens.confirm import ConfirmScreen
        from acctmap_tui.screens.conflict import changed_recently_by_other, describe_change

        recent = ""
        if change is not None and changed_recently_by_other(change, user=self._settings.user):
            recent = describe_change(change, noun="account", labels=_account_labels()) + "\n\n"

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(account_id, name, version)

        self.app.push_screen(
            ConfirmScreen(
                "Delete account",
                f"{recent}Delete {name} with its plan, contacts and actions?\n\n"
                f"Press u to undo in this session, or later run:\n"
                f"acctmap undelete {shlex.quote(name)}",
            ),
            answered,
        )

    @work(thread=True, group="account-write")
    def _delete(self, account_id: int, name: str, version: int | None = None) -> None:
        """Delete at ``version``; a save by someone else since then asks again."""
        import sqlalchemy as sa

        from acctmap_tui.data.account_store import StaleRecordError, delete_account
        from acctmap_tui.data.change_authors import latest_change

        try:
            with self._database.session() as session:
                delete_account(
                    account_id, expected_version=version, session=session, user=self._settings.user
                )
                session.commit()
        except StaleRecordError as stale:
            with self._database.session() as session:
                change = latest_change("account", account_id, session=session)
            self.app.call_from_thread(
                self._ask_again, account_id, name, stale.current_version, stale.changed_by, change
            )
            return
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.app.call_from_thread(
                self.notify, f"{name} was not deleted: {_one_line(error)}", severity="error"
            )
            return
        self.app.call_from_thread(self._deleted, account_id, name)

    def _ask_again(
        self,
        account_id: int,
        name: str,
        version: int,
        changed_by: str | None,
        change: RecordChange | None,
    ) -> None:
        """Someone saved the account after the delete was confirmed: confirm once more."""
        from acctmap_tui.screens.confirm import ConfirmScreen
        from acctmap_tui.screens.conflict import describe_change

        if change is not None:
            said = describe_change(change, noun="account", labels=_account_labels())
        else:
            said = f"{changed_by or 'Someone else'} changed this account meanwhile."

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(account_id, name, version)
            else:
                self.notify(f"{name} was not deleted")

        self.app.push_screen(
            ConfirmScreen(
                "Changed since you asked",
                f"{said}\n\nDelete {name} anyway?",
                confirm_label="Delete anyway",
            ),
            answered,
        )

    def _deleted(self, account_id: int, name: str) -> None:
        self._deleted_ids.append(account_id)
        self.notify(f"Deleted {name} — press u to undo")
        self.reload()

    def action_undo_delete(self) -> None:
        if not self._deleted_ids:
            self.notify("Nothing to undo: no account was deleted in this session")
            return
        self._undelete(self._deleted_ids.pop())

    @work(thread=True, group="account-write")
    def _undelete(self, account_id: int) -> None:
        import sqlalchemy as sa

        from acctmap_tui.data.account_store import restore_account

        try:
            with self._database.session() as session:
                account = restore_account(account_id, session=session, user=self._settings.user)
                name = account.name
                session.commit()
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.app.call_from_thread(self._undo_failed, account_id, error)
            return
        self.app.call_from_thread(self._undeleted, account_id, name)

    def _undo_failed(self, account_id: int, error: Exception) -> None:
        self._deleted_ids.append(account_id)  # still deleted: u can be tried again
        self.notify(f"Not restored: {_one_line(error)}", severity="error")

    def _undeleted(self, account_id: int, name: str) -> None:
        self.notify(f"Restored {name}")
        self._reload_then_select(account_id)

    def action_actions(self) -> None:
        """The highlighted account's next actions; the table reloads if any changed."""
        from acctmap_tui.screens.actions import ActionsScreen

        row = self._highlighted_row()
        if row is None:
            self.notify("No account is highlighted", severity="warning")
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self.reload()

        self.app.push_screen(
            ActionsScreen(self._database, self._settings, row.id, row.name), closed
        )

    @on(AccountTable.HeaderClicked)
    def _header_clicked(self, event: AccountTable.HeaderClicked) -> None:
        event.stop()
        self.sort_by(event.column_key)

    @on(AccountTable.Highlighted)
    def _highlighted(self, event: AccountTable.Highlighted) -> None:
        event.stop()
        self.post_message(AccountSelected(event.account_id))
