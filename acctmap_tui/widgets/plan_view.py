"""The Plan tab, for now a read-only summary of the selected account's plan."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import HorizontalGroup, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from acctmap_tui.data.db import Database
from acctmap_tui.data.repo import AccountDetails, get_account_details
from acctmap_tui.domain.scoring import expected_value
from acctmap_tui.widgets.formatting import (
    EMPTY,
    format_count,
    format_money,
    format_percent,
    text_or_empty,
)

SELECT_ACCOUNT_TEXT = "Select an account in the Accounts tab (press 1)."


def headquarters(city: str | None, region: str | None, country: str | None) -> str:
    """City, region and country, skipping the parts nobody entered."""
    parts = [part.strip() for part in (city, region, country) if part and part.strip()]
    return ", ".join(parts) or EMPTY


def plan_fields(details: AccountDetails) -> list[tuple[str, str]]:
    """The labelled values the Plan tab shows, in reading order."""
    account = details.account
    impact = details.impact
    problem = details.problem
    compelling_event = impact.compelling_event if impact else None
    if compelling_event and impact and impact.compelling_event_on:
        compelling_event = f"{compelling_event} (by {impact.compelling_event_on.isoformat()})"
    return [
        ("Target type", account.target_type.label),
        ("Stage", account.stage.label),
        ("Revenue potential", format_money(account.revenue_potential, account.currency)),
        ("Win probability", format_percent(account.win_probability)),
        (
            "Expected value",
            format_money(
                expected_value(account.revenue_potential, account.win_probability)
                if account.revenue_potential is not None and account.win_probability is not None
                else None,
                account.currency,
            ),
        ),
        ("Owner", text_or_empty(details.owner)),
        ("Value proposition", text_or_empty(account.value_proposition)),
        ("Strategy", text_or_empty(account.strategy)),
        ("Ideal first meeting", text_or_empty(account.ideal_first_meeting)),
        ("Industry", text_or_empty(account.industry)),
        ("Headquarters", headquarters(account.hq_city, account.hq_region, account.hq_country)),
        ("Employees", format_count(account.employees)),
        ("Problem", text_or_empty(problem.statement if problem else None)),
        ("Compelling event", text_or_empty(compelling_event)),
        ("Cost of inaction", text_or_empty(impact.cost_of_inaction if impact else None)),
        ("Competitors", format_count(details.competitor_count)),
    ]


class PlanView(VerticalScroll):
    """Shows the account whose id it is given; loads it off the UI thread."""

    BINDING_GROUP_TITLE = "Plan"

    @dataclass
    class Loaded(Message):
        """The worker has read an account (private to this widget)."""

        account_id: int
        details: AccountDetails | None

    account_id: reactive[int | None] = reactive(None)
    """The account to show; ``None`` shows a hint to select one."""

    details: reactive[AccountDetails | None] = reactive(None, recompose=True, always_update=True)
    """What was read of the account; the view is rebuilt when it changes."""

    def __init__(self, database: Database, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._database = database

    def compose(self) -> ComposeResult:
        if self.details is None:
            yield Static(SELECT_ACCOUNT_TEXT, classes="empty-state", markup=False)
            return
        yield Static(self.details.account.name, id="plan-title", markup=False)
        for label, value in plan_fields(self.details):
            with HorizontalGroup(classes="field"):
                yield Label(label, classes="field-label", markup=False)
                yield Static(value, classes="field-value", markup=False)

    def watch_account_id(self, account_id: int | None) -> None:
        if account_id is None:
            self.details = None
        else:
            self._load(account_id)

    @work(thread=True, exclusive=True, group="plan-view")
    def _load(self, account_id: int) -> None:
        with self._database.session() as session:
            details = get_account_details(account_id, session=session)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(account_id, details))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        message.stop()
        if message.account_id == self.account_id:  # ignore a slower, older read
            self.details = message.details
