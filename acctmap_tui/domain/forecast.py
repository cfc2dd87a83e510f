"""The forecast: weighted pipeline by stage, and won and lost totals.

Pure functions over plain values, so the TUI, the CLI and exports compute the same
numbers. Money is :class:`~decimal.Decimal` throughout; a probability (a float in the
database) enters the arithmetic as ``Decimal(str(p))`` so ``0.3`` means exactly 0.3.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from acctmap_tui.domain.vocabulary import Stage

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

OPEN_STAGES: tuple[Stage, ...] = tuple(stage for stage in Stage if not stage.is_closed)
"""The stages that make up the pipeline, in the order a deal moves through them."""


@dataclass(frozen=True)
class PipelineDeal:
    """What the forecast needs to know of one live account."""

    stage: Stage
    currency: str = "USD"
    revenue_potential: Decimal | None = None
    win_probability: float | None = None
    closed_amount: Decimal | None = None


def expected_value(revenue_potential: Decimal | None, win_probability: float | None) -> Decimal:
    """Revenue potential x win probability, rounded half-up to the cent.

    An unknown potential or probability counts as nothing expected rather than an
    error: a freshly added prospect is in the pipeline with no weight yet.
    """
    if revenue_potential is None or win_probability is None:
        return ZERO
    weighted = revenue_potential * Decimal(str(win_probability))
    return weighted.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class StageTotal:
    """The accounts in one stage and what they are worth."""

    stage: Stage
    count: int = 0
    revenue_potential: Decimal = ZERO
    """Unweighted sum of the accounts' revenue potential."""
    weighted: Decimal = ZERO
    """Sum of each account's expected value (each rounded to the cent first)."""

    def add(self, deal: PipelineDeal) -> None:
        self.count += 1
        self.revenue_potential += deal.revenue_potential or ZERO
        self.weighted += expected_value(deal.revenue_potential, deal.win_probability)


@dataclass
class ClosedTotal:
    """Accounts won (or lost) and the amount they closed at."""

    count: int = 0
    amount: Decimal = ZERO

    def add(self, deal: PipelineDeal) -> None:
        self.count += 1
        self.amount += deal.closed_amount or ZERO


@dataclass
class PipelineSummary:
    """The forecast in one currency: open stages, then won and lost."""

    currency: str
    stages: dict[Stage, StageTotal] = field(
        default_factory=lambda: {stage: StageTotal(stage) for stage in OPEN_STAGES}
    )
    won: ClosedTotal = field(default_factory=ClosedTotal)
    lost: ClosedTotal = field(default_factory=ClosedTotal)

    @property
    def open_count(self) -> int:
        return sum(total.count for total in self.stages.values())

    @property
    def open_revenue_potential(self) -> Decimal:
        return sum((total.revenue_potential for total in self.stages.values()), ZERO)

    @property
    def weighted_pipeline(self) -> Decimal:
        """The whole weighted pipeline: the sum of the open stages' expected values."""
        return sum((total.weighted for total in self.stages.values()), ZERO)

    def add(self, deal: PipelineDeal) -> None:
        if deal.stage is Stage.WON:
            self.won.add(deal)
        elif deal.stage is Stage.LOST:
            self.lost.add(deal)
        else:
            self.stages[deal.stage].add(deal)


def summarise_pipeline(deals: Iterable[PipelineDeal]) -> list[PipelineSummary]:
    """The forecast of ``deals``, one summary per currency, by currency code.

    Amounts in different currencies are never added together: without an exchange
    rate their sum would be a number that means nothing.
    """
    summaries: dict[str, PipelineSummary] = {}
    for deal in deals:
        currency = deal.currency.upper()
        summary = summaries.get(currency)
        if summary is None:
            summary = summaries[currency] = PipelineSummary(currency)
        summary.add(deal)
    return [summaries[currency] for currency in sorted(summaries)]
