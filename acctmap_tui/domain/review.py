"""Review mode: which accounts a review walks, in what order, and what it shows of each.

An account review walks a set of accounts one at a time (by default Tier 1, in the
account list's priority order). For each it shows plan health, what changed since
the last review, the open next actions, the dates coming up and the decisions of
earlier reviews. The set, the walk through it and the text of each section are
plain Python here, so they are tested without a terminal; the query that fills a
:class:`ReviewSummary` is :mod:`acctmap_tui.data.review_queries`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.domain.plan_health import PlanHealth
from acctmap_tui.domain.upcoming import UpcomingDate, describe_days
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.domain.vocabulary import ChangeAction, NoteKind

REVIEW_WINDOW_DAYS = 30
"""How far ahead the upcoming dates of a reviewed account look."""
RECENT_CHANGES = 3
"""How many of the latest changes since the last review are listed (the count is whole)."""
MAX_FINDINGS = 3
MAX_ACTIONS = 5
MAX_DATES = 5
MAX_NOTES = 5
VALUE_WIDTH = 24
"""Characters of an old or new value shown in a change line."""

DECISION_FIELD = "Decision"
"""How the decision text is named in messages (the dialog labels it so)."""

REVIEWED_FIELD = "last_reviewed_at"
"""The account column a review sets; its change is the review, not a change to review."""


# --- the set and the walk ------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewTarget:
    """One account of a review set."""

    account_id: int
    name: str


def tier_review_set(rows: Iterable[AccountMapRow], tier: int = 1) -> list[ReviewTarget]:
    """The accounts of ``tier``, highest priority first (the account list's ranking).

    Unranked rows (none, once the list has loaded) go last, by name.
    """
    chosen = [row for row in rows if row.score is not None and row.tier == tier]
    chosen.sort(key=lambda row: (row.score.rank if row.score else sys.maxsize, row.name.casefold()))
    return [ReviewTarget(row.id, row.name) for row in chosen]


def listed_review_set(rows: Sequence[AccountMapRow]) -> list[ReviewTarget]:
    """The accounts as the list shows them: its filter and its sort are the review's."""
    return [ReviewTarget(row.id, row.name) for row in rows]


@dataclass
class ReviewWalk:
    """Where a review is in its set, and which accounts it marked reviewed."""

    targets: list[ReviewTarget]
    position: int = 0
    """Index of the account on show."""
    marked: set[int] = field(default_factory=set)
    """Accounts marked reviewed during this review."""

    def __post_init__(self) -> None:
        if not self.targets:
            raise ValueError("a review needs at least one account")

    @property
    def current(self) -> ReviewTarget:
        return self.targets[self.position]

    @property
    def is_first(self) -> bool:
        return self.position == 0

    @property
    def is_last(self) -> bool:
        return self.position == len(self.targets) - 1

    def step(self, offset: int) -> bool:
        """Move by ``offset`` accounts; False (and no move) past either end."""
        wanted = self.position + offset
        if not 0 <= wanted < len(self.targets):
            return False
        self.position = wanted
        return True

    def heading(self, separator: str = " · ") -> str:
        """``Account 3 of 12 · Acme Corp``."""
        return f"Account {self.position + 1} of {len(self.targets)}{separator}{self.current.name}"

    def progress(self, separator: str = " · ") -> str:
        """``5 of 12 · 3 marked reviewed``."""
        return (
            f"{self.position + 1} of {len(self.targets)}{separator}"
            f"{len(self.marked)} marked reviewed"
        )


# --- one account's summary ------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeLine:
    """One recorded change, as the review lists it."""

    at: datetime
    user: str
    action: ChangeAction
    entity: str
    """The changed record's table, e.g. ``next_action``."""
    field: str | None
    old_value: str | None
    new_value: str | None
    """Values as the change log keeps them: JSON text."""


@dataclass(frozen=True)
class OpenAction:
    """An open next action of the reviewed account."""

    description: str
    owner: str | None
    due_on: date | None

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class ReviewNote:
    """A decision (or a note) recorded on the account."""

    at: datetime
    author: str
    kind: NoteKind
    body: str


@dataclass(frozen=True)
class ReviewSummary:
    """Everything a review shows of one account, read in one session."""

    account_id: int
    name: str
    last_reviewed_at: datetime | None
    last_reviewed_by: str | None
    """Who set the last review, if the history knows."""
    health: PlanHealth | None
    changes_since_review: int
    """Changes since the last review (all of them if it never was), the review itself aside."""
    recent_changes: tuple[ChangeLine, ...]
    """The latest of those changes, newest first (at most :data:`RECENT_CHANGES`)."""
    open_actions: tuple[OpenAction, ...]
    """By due date, undated last."""
    upcoming: tuple[UpcomingDate, ...]
    """Dated items other than next actions, overdue first, up to the window's end."""
    notes: tuple[ReviewNote, ...]
    """Decisions and notes, newest first."""


def clean_decision(text: str | None) -> str:
    """The decision as typed, without surrounding blank space; lines are kept.

    Raises:
        ValueInputError: nothing but blank space was typed.
    """
    lines = [line.rstrip() for line in (text or "").strip().splitlines()]
    cleaned = "\n".join(lines)
    if not cleaned:
        raise ValueInputError(DECISION_FIELD, text or "", "what was decided (it is required)")
    return cleaned


# --- the text of each section ------------------------------------------------------------------


def _ago(at: datetime, now: datetime) -> str:
    seconds = max(0, int((now - at).total_seconds()))
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    if days <= 30:
        return f"{days} day{'s' if days != 1 else ''} ago"
    return f"on {at.date().isoformat()}"


def reviewed_text(last_reviewed_at: datetime | None, by: str | None, now: datetime, me: str) -> str:
    """``Reviewed just now by you``, ``Reviewed 3 days ago by mia`` or ``Never reviewed``."""
    if last_reviewed_at is None:
        return "Never reviewed"
    who = "" if by is None else " by you" if by == me else f" by {by}"
    return f"Reviewed {_ago(last_reviewed_at, now)}{who}"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _cut(text: str, width: int = VALUE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _value(raw: str | None) -> str:
    """A JSON value from the change log as short text; ``-`` for nothing."""
    if raw is None:
        return "-"
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _cut(_one_line(str(value)))


_TITLE_KEYS = ("name", "title", "description", "step", "concern", "question", "body", "role_title")


def _record_title(raw: str | None) -> str:
    """The name or title held in a created or deleted record's values, if any."""
    try:
        values = json.loads(raw) if raw else None
    except ValueError:
        return ""
    if not isinstance(values, dict):
        return ""
    for key in _TITLE_KEYS:
        if values.get(key):
            return f" {_cut(_one_line(str(values[key])))!r}"
    return ""


def describe_change(change: ChangeLine, *, ascii_only: bool = False) -> str:
    """What changed, in words: ``stage: Proposal -> Negotiation``, ``added next action 'Call'``."""
    record = change.entity.replace("_", " ")
    if change.action is ChangeAction.CREATE:
        return f"added {record}{_record_title(change.new_value)}"
    if change.action is ChangeAction.DELETE:
        return f"deleted {record}{_record_title(change.old_value)}"
    arrow = "->" if ascii_only else "→"
    what = (change.field or "").replace("_", " ")
    if change.entity != "account":
        what = f"{record} {what}".strip()
    verb = "" if change.action is ChangeAction.UPDATE else f"{change.action.label.lower()}: "
    return f"{verb}{what}: {_value(change.old_value)} {arrow} {_value(change.new_value)}"


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def _more(shown: int, total: int) -> str:
    return f"  (+{total - shown} more)" if total > shown else ""


@dataclass(frozen=True)
class ReviewSection:
    """A titled block of the review screen: a one-line summary, then detail lines."""

    key: str
    """Stable id, e.g. ``changes``: the screen's widget ids and the tests use it."""
    title: str
    lines: tuple[str, ...]


def _health_section(health: PlanHealth | None) -> ReviewSection:
    if health is None:
        return ReviewSection("health", "Plan health", ("not assessed",))
    count = len(health.findings)
    found = f"{count} finding{'s' if count != 1 else ''}" if count else "no findings"
    lines = [f"plan {health.overall_percent}% complete · {found}"]
    shown = health.findings[:MAX_FINDINGS]
    lines += [f"! {finding.title}" for finding in shown]
    if shown:
        lines[-1] += _more(len(shown), count)
    return ReviewSection("health", "Plan health", tuple(lines))


def _changes_section(summary: ReviewSummary, *, ascii_only: bool) -> ReviewSection:
    count = summary.changes_since_review
    since = (
        f"since the review on {summary.last_reviewed_at.date().isoformat()}"
        if summary.last_reviewed_at is not None
        else "(never reviewed)"
    )
    if count == 0:
        first = "No changes since the last review" if summary.last_reviewed_at else "No changes"
        return ReviewSection("changes", "Changes since last review", (first,))
    lines = [f"{count} change{'s' if count != 1 else ''} {since}"]
    lines += [
        f"{_when(change.at)} {change.user}: {describe_change(change, ascii_only=ascii_only)}"
        for change in summary.recent_changes
    ]
    if summary.recent_changes:
        lines[-1] += _more(len(summary.recent_changes), count)
    return ReviewSection("changes", "Changes since last review", tuple(lines))


def _actions_section(actions: Sequence[OpenAction], today: date) -> ReviewSection:
    if not actions:
        return ReviewSection("actions", "Next actions", ("No open actions (a adds one)",))
    overdue = sum(action.is_overdue(today) for action in actions)
    lines = [f"{len(actions)} open · {overdue} overdue"]
    for action in actions[:MAX_ACTIONS]:
        if action.due_on is None:
            due = "no date"
        elif action.is_overdue(today):
            due = f"! {action.due_on.isoformat()} overdue"
        else:
            due = action.due_on.isoformat()
        owner = f" · {action.owner}" if action.owner else ""
        lines.append(f"{due} · {_one_line(action.description)}{owner}")
    lines[-1] += _more(min(len(actions), MAX_ACTIONS), len(actions))
    return ReviewSection("actions", "Next actions", tuple(lines))


def _dates_section(upcoming: Sequence[UpcomingDate], window_days: int) -> ReviewSection:
    title = f"Upcoming dates (next {window_days} days)"
    if not upcoming:
        return ReviewSection("dates", title, ("Nothing dated is coming up",))
    lines = []
    for entry in upcoming[:MAX_DATES]:
        when = f"! {describe_days(entry.days)}" if entry.overdue else describe_days(entry.days)
        lines.append(
            f"{entry.item.due_on.isoformat()} ({when}) · "
            f"{entry.item.kind.label}: {_one_line(entry.item.what)}"
        )
    lines[-1] += _more(min(len(upcoming), MAX_DATES), len(upcoming))
    return ReviewSection("dates", title, tuple(lines))


def _notes_section(notes: Sequence[ReviewNote]) -> ReviewSection:
    if not notes:
        return ReviewSection("decisions", "Decisions", ("No decisions yet (d records one)",))
    lines = []
    for note in notes[:MAX_NOTES]:
        kind = "" if note.kind is NoteKind.DECISION else f"{note.kind.label}: "
        lines.append(f"{_when(note.at)} {note.author}: {kind}{_one_line(note.body)}")
    lines[-1] += _more(min(len(notes), MAX_NOTES), len(notes))
    return ReviewSection("decisions", "Decisions", tuple(lines))


def review_sections(
    summary: ReviewSummary,
    today: date,
    *,
    window_days: int = REVIEW_WINDOW_DAYS,
    ascii_only: bool = False,
) -> list[ReviewSection]:
    """The sections of the review screen for one account, in order.

    ``ascii_only`` spells separators, arrows and ellipses in ASCII for terminals
    that cannot draw them.
    """
    sections = [
        _health_section(summary.health),
        _changes_section(summary, ascii_only=ascii_only),
        _actions_section(summary.open_actions, today),
        _dates_section(summary.upcoming, window_days),
        _notes_section(summary.notes),
    ]
    if not ascii_only:
        return sections
    return [
        ReviewSection(section.key, section.title, tuple(_ascii(line) for line in section.lines))
        for section in sections
    ]


def _ascii(text: str) -> str:
    return text.replace(" · ", " - ").replace("…", "...").replace("→", "->")
