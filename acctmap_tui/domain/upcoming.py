"""Upcoming dates across accounts: what falls due in the next days, and what is overdue.

The query (:mod:`acctmap_tui.data.upcoming_queries`) gathers open dated items of
every live account; :func:`upcoming_dates` keeps the window, puts them in date
order (so overdue items come first) and says how far each is from today. The
kinds and the Plan sub-tab each one is edited on live here, so the screen and the
CLI name them alike. Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_DAYS = 30
"""How far ahead the upcoming list looks unless told otherwise."""


class DateKind(StrEnum):
    """Where a dated item comes from."""

    MILESTONE = "milestone"
    EVENT = "event"
    DEADLINE = "deadline"
    RENEWAL_MILESTONE = "renewal_milestone"
    """A milestone of kind renewal (the plan's list of key events)."""
    COMPELLING_EVENT = "compelling_event"
    RENEWAL = "renewal"
    """The existing customer's renewal date (Solution)."""
    ACTIVITY = "activity"
    NEXT_ACTION = "next_action"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def section(self) -> str | None:
        """The Plan sub-tab where it is edited; ``None`` for next actions (Accounts tab, a)."""
        return _SECTIONS[self]


_LABELS = {
    DateKind.MILESTONE: "Milestone",
    DateKind.EVENT: "Event",
    DateKind.DEADLINE: "Deadline",
    DateKind.RENEWAL_MILESTONE: "Renewal",
    DateKind.COMPELLING_EVENT: "Compelling event",
    DateKind.RENEWAL: "Renewal",
    DateKind.ACTIVITY: "Activity plan",
    DateKind.NEXT_ACTION: "Next action",
}
_SECTIONS: dict[DateKind, str | None] = {
    DateKind.MILESTONE: "plan",
    DateKind.EVENT: "plan",
    DateKind.DEADLINE: "plan",
    DateKind.RENEWAL_MILESTONE: "plan",
    DateKind.COMPELLING_EVENT: "impact",
    DateKind.RENEWAL: "solution",
    DateKind.ACTIVITY: "plan",
    DateKind.NEXT_ACTION: None,
}


@dataclass(frozen=True)
class DatedItem:
    """One open item with a date on one live account."""

    due_on: date
    account_id: int
    account_name: str
    kind: DateKind
    what: str
    owner: str | None = None
    """The item's own owner; else the account's owner (who answers for the account)."""


@dataclass(frozen=True)
class UpcomingDate:
    """A dated item placed relative to today."""

    item: DatedItem
    days: int
    """Days from today: negative when overdue, 0 today."""

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def when(self) -> str:
        """The distance in words, so overdue reads without colour: ``3 days overdue``."""
        return describe_days(self.days)


def describe_days(days: int) -> str:
    """``today``, ``tomorrow``, ``in 5 days``, ``1 day overdue``, ``3 days overdue``."""
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    late = -days
    return f"{late} day{'s' if late != 1 else ''} overdue"


def short_days(days: int) -> str:
    """The same in a narrow column: ``today``, ``in 5d``, ``3d overdue``."""
    if days == 0:
        return "today"
    return f"in {days}d" if days > 0 else f"{-days}d overdue"


def window_end(today: date, days: int = DEFAULT_DAYS) -> date:
    """The last day the window covers."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    return today + timedelta(days=days)


def upcoming_dates(
    items: Iterable[DatedItem], today: date, days: int = DEFAULT_DAYS
) -> list[UpcomingDate]:
    """The items due by ``today + days`` (overdue ones included), earliest first.

    Ties are broken by account name, kind and text, so the order never depends on
    the order the database returned them in.
    """
    last = window_end(today, days)
    kept = [item for item in items if item.due_on <= last]
    kept.sort(key=lambda i: (i.due_on, i.account_name.casefold(), i.kind.label, i.what.casefold()))
    return [UpcomingDate(item, (item.due_on - today).days) for item in kept]
