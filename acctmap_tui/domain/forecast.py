"""The forecast: weighted pipeline by stage, owner or tier, and won and lost totals.

Pure functions over the account map's rows, so the Pipeline tab, the CLI and exports
compute the same numbers. Money is :class:`~decimal.Decimal` throughout and every
account's expected value comes from :func:`acctmap_tui.domain.scoring.expected_value`
(the one definition: revenue potential x win probability, to the cent), so the
pipeline adds up the very amounts the account table's "Expected" column shows.

The forecast is computed per currency: amounts in different currencies are never
added together, because without an exchange rate their sum means nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Protocol, get_args

# Re-exported for the modules that still import it from here; there is one definition.
from acctmap_tui.domain.scoring import expected_value
from acctmap_tui.domain.vocabulary import Stage

ZERO = Decimal("0.00")

GroupBy = Literal["stage", "owner", "tier"]
"""What the open pipeline is broken down by."""

GROUPINGS: tuple[GroupBy, ...] = get_args(GroupBy)
"""Every grouping, in the order the Pipeline tab cycles through them."""

GROUPING_TITLES: dict[GroupBy, str] = {"stage": "Stage", "owner": "Owner", "tier": "Tier"}
"""The heading of the group column for each grouping."""

OPEN_STAGES: tuple[Stage, ...] = tuple(stage for stage in Stage if not stage.is_closed)
"""The stages that make up the pipeline, in the order a deal moves through them."""

TIERS: tuple[int, ...] = (1, 2, 3)

NO_OWNER = "(no owner)"
"""The label of the owner group for accounts nobody owns."""


class ForecastInput(Protocol):
    """What the forecast reads of an account; :class:`AccountMapRow` provides it."""

    @property
    def stage(self) -> Stage: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def currency(self) -> str: ...
    @property
    def revenue_potential(self) -> Decimal | None: ...
    @property
    def win_probability(self) -> float | None: ...
    @property
    def closed_amount(self) -> Decimal | None: ...
    @property
    def tier(self) -> int: ...


@dataclass(frozen=True)
class ForecastGroup:
    """The open accounts of one stage, owner or tier and what they are worth."""

    key: str | int | None
    """Stable identifier: the stage's stored value, the owner's name (``None`` for no
    owner) or the tier number."""
    label: str
    """What people read: "Early discussions", "Susan Park", "(no owner)", "Tier 1"."""
    count: int
    revenue_potential: Decimal
    """Unweighted sum of the accounts' revenue potential (unknown counts as 0)."""
    weighted: Decimal
    """Sum of the accounts' expected values, each exact to the cent."""


@dataclass(frozen=True)
class ClosedTotal:
    """Accounts won (or lost) and the amount they closed at."""

    count: int = 0
    amount: Decimal = ZERO
    """Sum of the recorded closed amounts; an account closed without one adds 0."""


@dataclass(frozen=True)
class ForecastSummary:
    """The forecast in one currency: the open pipeline by group, then won and lost."""

    currency: str
    by: GroupBy
    groups: tuple[ForecastGroup, ...]
    """Stages in pipeline order (all four open stages), tiers 1-3, or the owners who
    have open accounts by weighted pipeline, largest first."""
    open_count: int
    open_revenue_potential: Decimal
    weighted_pipeline: Decimal
    """The whole weighted pipeline: the sum of every open account's expected value."""
    won: ClosedTotal
    lost: ClosedTotal

    @property
    def account_count(self) -> int:
        """Every account in this currency, open or closed."""
        return self.open_count + self.won.count + self.lost.count


@dataclass
class _GroupSum:
    count: int = 0
    revenue_potential: Decimal = ZERO
    weighted: Decimal = ZERO


@dataclass
class _CurrencySum:
    groups: dict[str | int | None, _GroupSum] = field(default_factory=dict)
    won_count: int = 0
    won_amount: Decimal = ZERO
    lost_count: int = 0
    lost_amount: Decimal = ZERO


def _group_key(row: ForecastInput, by: GroupBy) -> str | int | None:
    if by == "stage":
        return row.stage.value
    if by == "owner":
        return row.owner or None
    return row.tier


def _group_label(key: str | int | None, by: GroupBy) -> str:
    if by == "stage":
        return Stage(str(key)).label
    if by == "owner":
        return NO_OWNER if key is None else str(key)
    return f"Tier {key}"


def _ordered_keys(sums: dict[str | int | None, _GroupSum], by: GroupBy) -> list[str | int | None]:
    if by == "stage":
        return [stage.value for stage in OPEN_STAGES]
    if by == "tier":
        unexpected = sorted(k for k in sums if isinstance(k, int) and k not in TIERS)
        return [*TIERS, *unexpected]

    def owner_order(key: str | int | None) -> tuple[Decimal, bool, str]:
        # Largest weighted pipeline first; ties by name, with "(no owner)" last.
        return (-sums[key].weighted, key is None, str(key or "").casefold())

    return sorted(sums, key=owner_order)


def _freeze(currency: str, sums: _CurrencySum, by: GroupBy) -> ForecastSummary:
    groups = []
    for key in _ordered_keys(sums.groups, by):
        total = sums.groups.get(key) or _GroupSum()
        label = _group_label(key, by)
        groups.append(
            ForecastGroup(key, label, total.count, total.revenue_potential, total.weighted)
        )
    return ForecastSummary(
        currency=currency,
        by=by,
        groups=tuple(groups),
        open_count=sum(group.count for group in groups),
        open_revenue_potential=sum((group.revenue_potential for group in groups), ZERO),
        weighted_pipeline=sum((group.weighted for group in groups), ZERO),
        won=ClosedTotal(sums.won_count, sums.won_amount),
        lost=ClosedTotal(sums.lost_count, sums.lost_amount),
    )


def summarise(rows: Iterable[ForecastInput], by: GroupBy = "stage") -> list[ForecastSummary]:
    """The forecast of ``rows``: one summary per currency, ordered by currency code.

    Open accounts are grouped by ``by``; won and lost accounts are totalled apart
    (by their closed amount) and never weigh in the pipeline. Rows need not be
    ranked: each expected value is computed from potential and probability, which
    is what ranking stores too. No rows, no summaries.

    Raises:
        ValueError: for a grouping other than "stage", "owner" or "tier".
    """
    if by not in GROUPINGS:
        raise ValueError(f"cannot group the forecast by {by!r}; expected one of {GROUPINGS}")
    currencies: dict[str, _CurrencySum] = {}
    for row in rows:
        currency = row.currency.upper()
        sums = currencies.get(currency)
        if sums is None:
            sums = currencies[currency] = _CurrencySum()
        stage = row.stage
        if stage is Stage.WON:
            sums.won_count += 1
            sums.won_amount += row.closed_amount or ZERO
        elif stage is Stage.LOST:
            sums.lost_count += 1
            sums.lost_amount += row.closed_amount or ZERO
        else:
            key = _group_key(row, by)
            group = sums.groups.get(key)
            if group is None:
                group = sums.groups[key] = _GroupSum()
            group.count += 1
            group.revenue_potential += row.revenue_potential or ZERO
            group.weighted += expected_value(row.revenue_potential, row.win_probability)
    return [_freeze(currency, currencies[currency], by) for currency in sorted(currencies)]
