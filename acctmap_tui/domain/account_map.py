"""The account map as rows in memory: ranking, fuzzy filtering, quick filters, sorting.

The TUI and the CLI build the same rows with :func:`rank_rows` and narrow them with
the same :class:`MapFilter`, so both show the same ranking and numbers. Everything
here is plain Python over a list, fast enough for 10,000 accounts per keystroke.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from acctmap_tui.domain.scoring import AccountScore, ScoreInput, ScoringConfig, score_accounts
from acctmap_tui.domain.values import format_money, format_probability
from acctmap_tui.domain.vocabulary import Stage, TargetType

STALE_AFTER_DAYS = 90
"""The map is reviewed at least quarterly; older reviews are flagged stale."""


@dataclass(slots=True, eq=False)
class AccountMapRow:
    """One account as the map shows it, with its computed prioritisation.

    Mutable so ranking and late-arriving key contacts fill rows in place: copying
    10,000 rows for each step would cost more than the queries that built them.
    Compared by identity; the ``id`` is the account's.
    """

    id: int
    name: str
    target_type: TargetType
    stage: Stage
    owner: str | None
    owner_username: str | None
    currency: str
    revenue_potential: Decimal | None
    win_probability: float | None
    key_contacts: tuple[str, ...]
    """The one or two most influential contacts, as "Name, Title"."""
    ideal_first_meeting: str | None
    value_proposition: str | None
    strategy: str | None
    industry: str | None
    next_action: str | None
    next_action_due: date | None
    overdue_actions: int
    last_reviewed_at: datetime | None
    closed_amount: Decimal | None = None
    """The amount won or lost, for accounts in a closed stage."""
    fit: dict[str, int | None] = field(default_factory=dict)
    score: AccountScore | None = None
    stale: bool = False
    health_percent: int | None = None
    """Plan completeness, 0-100; None until plan health has been assessed."""
    health_findings: tuple[str, ...] | None = None
    """Titles of the plan-health mistakes found (empty: none); None until assessed."""
    search_text: str = ""
    """Lower-cased name, key contacts, owner, stage, industry and strategy, for filtering."""

    @property
    def expected_value(self) -> Decimal:
        return self.score.expected_value if self.score else Decimal("0.00")

    @property
    def tier(self) -> int:
        return self.score.tier if self.score else 3

    @property
    def next_action_overdue(self) -> bool:
        return self.overdue_actions > 0


def is_stale(
    last_reviewed_at: datetime | None, today: date, stale_after_days: int = STALE_AFTER_DAYS
) -> bool:
    """Never reviewed, or last reviewed longer ago than the review cycle."""
    if last_reviewed_at is None:
        return True
    return (today - last_reviewed_at.date()).days > stale_after_days


def set_health(
    rows: Iterable[AccountMapRow], health: Mapping[int, tuple[int, tuple[str, ...]]]
) -> None:
    """Fill in plan health (completeness, mistake titles) that arrived after the first paint."""
    for row in rows:
        row.health_percent, row.health_findings = health.get(row.id, (None, None))


def _health_text(row: AccountMapRow) -> str:
    if row.health_percent is None:
        return ""
    count = len(row.health_findings or ())
    return f"{row.health_percent}% " + (f"!{count}" if count else "ok")


def set_key_contacts(rows: Iterable[AccountMapRow], contacts: Mapping[int, Sequence[str]]) -> None:
    """Fill in key contacts that arrived after the first paint, keeping filters right."""
    for row in rows:
        row.key_contacts = tuple(contacts.get(row.id, ()))
        row.search_text = _search_text(row)


def carry_details(old_rows: Iterable[AccountMapRow], new_rows: Iterable[AccountMapRow]) -> None:
    """Give re-read rows the key contacts and health of the rows they replace.

    Those details arrive a moment after the rows; until then the old ones are the
    best there is, and a filter on them keeps matching.
    """
    old_by_id = {row.id: row for row in old_rows}
    for row in new_rows:
        old = old_by_id.get(row.id)
        if old is None:
            continue
        if old.key_contacts and not row.key_contacts:
            row.key_contacts = old.key_contacts
            row.search_text = _search_text(row)
        if row.health_percent is None:
            row.health_percent, row.health_findings = old.health_percent, old.health_findings


def search_text_of(row: AccountMapRow) -> str:
    """The row's filter text, built (and kept) on first use."""
    row.search_text = _search_text(row)
    return row.search_text


def _search_text(row: AccountMapRow) -> str:
    parts = [
        row.name,
        *row.key_contacts,
        row.owner or "",
        row.stage.label,
        row.industry or "",
        row.strategy or "",
    ]
    return "\n".join(parts).casefold()


def rank_rows(
    rows: Iterable[AccountMapRow],
    today: date,
    config: ScoringConfig | None = None,
    stale_after_days: int = STALE_AFTER_DAYS,
    *,
    with_search_text: bool = True,
) -> list[AccountMapRow]:
    """Score every row against all the others and flag staleness, in place; ordered by rank.

    ``with_search_text=False`` leaves the filter's text to be built on first use.
    """
    materialised = list(rows)
    return place_by_rank(
        materialised,
        score_rows(materialised, config),
        today,
        stale_after_days,
        with_search_text=with_search_text,
    )


def score_rows(
    rows: Iterable[AccountMapRow], config: ScoringConfig | None = None
) -> dict[int, AccountScore]:
    """Every row's score against the others, touching no row (safe off the UI thread)."""
    return score_accounts(
        (ScoreInput(r.id, r.name, r.revenue_potential, r.win_probability, r.fit) for r in rows),
        config,
    )


def place_by_rank(
    materialised: list[AccountMapRow],
    scores: Mapping[int, AccountScore],
    today: date,
    stale_after_days: int = STALE_AFTER_DAYS,
    *,
    with_search_text: bool = True,
) -> list[AccountMapRow]:
    """Give each row its score and staleness, in place; the rows in rank order."""
    ranked: list[AccountMapRow] = materialised.copy()
    for row in materialised:
        row.score = score = scores[row.id]
        ranked[score.rank - 1] = row  # ranks are 1..n, each once: placed, not sorted
        row.stale = is_stale(row.last_reviewed_at, today, stale_after_days)
        if with_search_text:
            row.search_text = _search_text(row)
    return ranked


def _subsequence(word: str) -> str:
    r"""``abc`` as ``a[^\nb]*b[^\nc]*c``: each character's first later occurrence.

    Negated classes cannot backtrack into the wrong character, and no character may
    cross a newline, so the characters fall within one field (name, a contact, …).
    """
    pattern = re.escape(word[0])
    for char in word[1:]:
        pattern += f"[^\\n{re.escape(char)}]*{re.escape(char)}"
    return pattern


def fuzzy_patterns(text: str) -> list[re.Pattern[str]]:
    """One pattern per typed word; a row matches when every pattern is found.

    Each word's characters must appear in order within one field, with anything
    between them; the words may match different fields, in any order.
    """
    return [re.compile(_subsequence(word)) for word in text.casefold().split()]


@dataclass(frozen=True)
class MapFilter:
    """What the account map is narrowed to: typed text and combinable quick filters."""

    text: str = ""
    mine_user: str | None = None
    """Set for "my accounts": the current user, matched on owner name or login."""
    owner_name: str | None = None
    """An owner's name or login, any case (the CLI's ``--owner``)."""
    tiers: frozenset[int] = frozenset()
    stages: frozenset[Stage] = frozenset()
    target_types: frozenset[TargetType] = frozenset()
    stale_only: bool = False
    overdue_only: bool = False
    findings_only: bool = False
    """Only accounts whose plan health found one of the four mistakes."""

    @property
    def is_empty(self) -> bool:
        return self == MapFilter()

    def chips(self) -> list[str]:
        """Short labels of the active quick filters, in a stable order."""
        chips = []
        if self.mine_user is not None:
            chips.append("Mine")
        if self.owner_name is not None:
            chips.append(f"Owner {self.owner_name}")
        chips += [f"Tier {tier}" for tier in sorted(self.tiers)]
        chips += [stage.label for stage in Stage if stage in self.stages]
        chips += [kind.label.split(" (")[0] for kind in TargetType if kind in self.target_types]
        if self.stale_only:
            chips.append("Stale")
        if self.overdue_only:
            chips.append("Overdue")
        if self.findings_only:
            chips.append("Has findings")
        return chips

    def apply(self, rows: Sequence[AccountMapRow]) -> list[AccountMapRow]:
        """The rows that pass every part of the filter, in their given order."""
        checks: list[Callable[[AccountMapRow], bool]] = []
        for owner in (self.mine_user, self.owner_name):
            if owner is not None:
                checks.append(_owned_by(owner))
        if self.tiers:
            checks.append(lambda r: r.tier in self.tiers)
        if self.stages:
            checks.append(lambda r: r.stage in self.stages)
        if self.target_types:
            checks.append(lambda r: r.target_type in self.target_types)
        if self.stale_only:
            checks.append(lambda r: r.stale)
        if self.overdue_only:
            checks.append(lambda r: r.overdue_actions > 0)
        if self.findings_only:
            checks.append(lambda r: bool(r.health_findings))
        # One narrowing pass per check: cheaper than calling every check on every row.
        matching = list(rows)
        for check in checks:
            matching = [row for row in matching if check(row)]
        # Typed words last, each in its own comprehension: this runs on every keystroke.
        words = self.text.casefold().split()
        for word, pattern in zip(words, fuzzy_patterns(self.text), strict=True):
            if len(word) == 1:  # a plain substring test beats the regex engine
                matching = [r for r in matching if word in (r.search_text or search_text_of(r))]
                continue
            search = pattern.search
            matching = [
                r for r in matching if search(r.search_text or search_text_of(r)) is not None
            ]
        return matching


def _owned_by(owner: str) -> Callable[[AccountMapRow], bool]:
    wanted = owner.strip().casefold()
    return lambda r: wanted in ((r.owner or "").casefold(), (r.owner_username or "").casefold())


# --- columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MapColumn:
    """A column of the account map: how it reads, how it sorts, how wide it wants to be."""

    key: str
    title: str
    width: int
    text: Callable[[AccountMapRow], str]
    sort_value: Callable[[AccountMapRow], Any]
    numeric: bool = False


def _due(row: AccountMapRow) -> str:
    if not row.next_action:
        return ""
    due = row.next_action_due.isoformat() if row.next_action_due else "no date"
    mark = "! " if row.overdue_actions else ""
    return f"{mark}{due} {row.next_action}"


def _reviewed(row: AccountMapRow) -> str:
    text = row.last_reviewed_at.date().isoformat() if row.last_reviewed_at else "never"
    return f"{text} (stale)" if row.stale else text


COLUMNS: tuple[MapColumn, ...] = (
    MapColumn(
        "rank",
        "#",
        5,
        lambda r: str(r.score.rank if r.score else ""),
        lambda r: r.score.rank if r.score else 0,
        numeric=True,
    ),
    MapColumn("name", "Account", 24, lambda r: r.name, lambda r: r.name.casefold()),
    MapColumn("tier", "Tier", 4, lambda r: f"T{r.tier}", lambda r: r.tier),
    MapColumn(
        "expected_value",
        "Expected",
        11,
        lambda r: format_money(r.expected_value, r.currency),
        lambda r: r.expected_value,
        numeric=True,
    ),
    MapColumn("stage", "Stage", 17, lambda r: r.stage.label, lambda r: list(Stage).index(r.stage)),
    MapColumn("owner", "Owner", 14, lambda r: r.owner or "", lambda r: (r.owner or "").casefold()),
    MapColumn(
        "revenue_potential",
        "Revenue",
        11,
        lambda r: format_money(r.revenue_potential, r.currency),
        lambda r: r.revenue_potential,
        numeric=True,
    ),
    MapColumn(
        "win_probability",
        "Win %",
        6,
        lambda r: format_probability(r.win_probability),
        lambda r: r.win_probability,
        numeric=True,
    ),
    MapColumn(
        "next_action",
        "Next action",
        30,
        _due,
        lambda r: r.next_action_due if r.next_action else None,
    ),
    MapColumn(
        "key_contacts",
        "Key contacts",
        30,
        lambda r: "; ".join(r.key_contacts),
        lambda r: "; ".join(r.key_contacts).casefold(),
    ),
    MapColumn("last_reviewed", "Reviewed", 18, _reviewed, lambda r: r.last_reviewed_at),
    MapColumn(
        "health",
        "Health",
        8,
        _health_text,
        lambda r: (
            None if r.health_percent is None else (-len(r.health_findings or ()), r.health_percent)
        ),
    ),
    MapColumn(
        "fit_score",
        "Fit",
        5,
        lambda r: f"{r.score.fit_score:.0f}" if r.score else "",
        lambda r: r.score.fit_score if r.score else None,
        numeric=True,
    ),
    MapColumn(
        "priority_score",
        "Priority",
        8,
        lambda r: f"{r.score.priority_score:.1f}" if r.score else "",
        lambda r: r.score.priority_score if r.score else None,
        numeric=True,
    ),
    MapColumn(
        "ideal_first_meeting",
        "Ideal first meeting",
        24,
        lambda r: r.ideal_first_meeting or "",
        lambda r: (r.ideal_first_meeting or "").casefold(),
    ),
    MapColumn(
        "value_proposition",
        "Value proposition",
        28,
        lambda r: r.value_proposition or "",
        lambda r: (r.value_proposition or "").casefold(),
    ),
    MapColumn(
        "strategy",
        "Strategy",
        28,
        lambda r: r.strategy or "",
        lambda r: (r.strategy or "").casefold(),
    ),
    MapColumn(
        "target_type",
        "Target type",
        16,
        lambda r: r.target_type.label.split(" (")[0],
        lambda r: list(TargetType).index(r.target_type),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


def sort_rows(
    rows: Sequence[AccountMapRow], column_key: str, descending: bool = False
) -> list[AccountMapRow]:
    """Rows ordered by a column; empty values always last, ties kept in rank order."""
    column = COLUMNS_BY_KEY[column_key]
    present = [row for row in rows if column.sort_value(row) not in (None, "")]
    missing = [row for row in rows if column.sort_value(row) in (None, "")]
    present.sort(key=column.sort_value, reverse=descending)
    return present + missing
