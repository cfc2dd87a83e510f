"""Prioritisation: expected value, the fit rubric, the priority score and tiers.

The seed says to rank accounts by revenue potential and likelihood to buy, judge
fit on six criteria, and focus on the top 10-20% first. Here:

* **expected value** = revenue potential x win probability (unknowns count as 0);
* **fit score** (0-100) = the weighted mean of the six criteria, each scored 0-5,
  divided by 5; an unscored criterion counts as 0, because unresearched fit is not fit;
* **priority score** (0-100) = 100 x (value weight x value percentile
  + (1 - value weight) x fit score / 100), where the value percentile is the account's
  expected-value rank among all accounts scored together (0 lowest, 1 highest, ties
  share their mean rank). Ranks rather than amounts keep one huge deal from flattening
  everyone else;
* **tiers**: accounts ordered by priority (then expected value, then name); Tier 1 is
  the top 20% (at least one account), Tier 2 the next 30%, Tier 3 the rest. Shares
  never round up past their boundary: 11 accounts give 2 in Tier 1, not 3.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import groupby
from typing import NamedTuple

from acctmap_tui.domain.values import CENT

RANKING_EXPLANATION = """\
How accounts are ranked
Expected value = revenue potential x win probability.
Fit (0-100) = weighted mean of the six criteria (each 0-5; unscored counts as 0):
company size/revenue, key stakeholders present, fit with our offering, problems
we can solve, timing of their purchase plans, channel presence and endorsement.
Priority (0-100) = 100 x (0.6 x value rank + 0.4 x fit / 100), where value rank
is the account's expected-value percentile among all accounts (0 to 1).
Tiers: the top 20% by priority are Tier 1, the next 30% Tier 2, the rest Tier 3.
Weights and shares are team settings ("scoring" in the database)."""
"""The ranking in words, for the help screen (the README says the same)."""

FIT_LABELS: dict[str, str] = {
    "fit_company_size": "Company size / revenue",
    "fit_stakeholders": "Presence of key stakeholders",
    "fit_offering": "Fit with our offering",
    "fit_problems": "Problems we can solve",
    "fit_timing": "Timing of their purchase plans",
    "fit_channel": "Channel presence and endorsement",
}
"""The seed's six prioritisation criteria, by account column."""

MAX_CRITERION_SCORE = 5


@dataclass(frozen=True)
class ScoringConfig:
    """Weights and tier shares; a team keeps its own in the database's settings."""

    fit_weights: Mapping[str, float] = field(default_factory=lambda: dict.fromkeys(FIT_LABELS, 1.0))
    """Relative weight of each fit criterion; they need not sum to 1."""
    value_weight: float = 0.6
    """Share of the priority score that comes from expected value (the rest is fit)."""
    tier1_share: float = 0.2
    tier2_share: float = 0.3

    def __post_init__(self) -> None:
        unknown = set(self.fit_weights) - set(FIT_LABELS)
        if unknown:
            raise ValueError(f"unknown fit criteria: {', '.join(sorted(unknown))}")
        if any(weight < 0 for weight in self.fit_weights.values()):
            raise ValueError("fit weights must not be negative")
        if not 0 <= self.value_weight <= 1:
            raise ValueError(f"value weight {self.value_weight} is not between 0 and 1")
        if not (
            self.tier1_share > 0
            and self.tier2_share >= 0
            and self.tier1_share + self.tier2_share <= 1
        ):
            raise ValueError("tier shares must be positive and add up to at most 1")


class ScoreInput(NamedTuple):
    """The fields of one account that its scores depend on.

    A named tuple: ranking builds one per account, and tuples are the quickest
    immutable records to create.
    """

    account_id: int
    name: str
    revenue_potential: Decimal | None
    win_probability: float | None
    fit: Mapping[str, int | None]


class AccountScore(NamedTuple):
    """The computed prioritisation of one account (a named tuple, for the same reason)."""

    expected_value: Decimal
    fit_score: float
    priority_score: float
    tier: int
    rank: int
    """1 for the highest priority."""


def expected_value(revenue_potential: Decimal | None, win_probability: float | None) -> Decimal:
    """Revenue potential x win probability, exact to the cent."""
    if revenue_potential is None or win_probability is None:
        return Decimal("0.00")
    weighted = revenue_potential * Decimal(str(win_probability))
    return weighted.quantize(CENT, rounding=ROUND_HALF_EVEN)


def fit_score(scores: Mapping[str, int | None], weights: Mapping[str, float]) -> float:
    """The weighted fit of the six criteria, 0-100."""
    return _weighted_fit(scores, [(name, weights.get(name, 0.0)) for name in FIT_LABELS])


def _weighted_fit(scores: Mapping[str, int | None], weights: list[tuple[str, float]]) -> float:
    total_weight = 0.0
    weighted = 0.0
    for name, weight in weights:
        total_weight += weight
        weighted += weight * (scores.get(name) or 0)
    if total_weight == 0:
        return 0.0
    return round(100 * weighted / (total_weight * MAX_CRITERION_SCORE), 2)


def tier_sizes(count: int, config: ScoringConfig) -> tuple[int, int]:
    """How many accounts land in Tier 1 and in Tier 2 out of ``count``."""
    if count == 0:
        return 0, 0
    epsilon = 1e-9  # 0.2 * 10 must be 2, not 1.9999
    tier1 = max(1, math.floor(count * config.tier1_share + epsilon))
    through_tier2 = max(
        tier1, math.floor(count * (config.tier1_share + config.tier2_share) + epsilon)
    )
    return tier1, through_tier2 - tier1


def _value_percentiles(values: list[float]) -> list[float]:
    """Each value's rank among all of them, 0..1, ties sharing their mean rank.

    Takes cent amounts as floats: exact below 2**53 cents, and far quicker to sort
    and bisect than ``Decimal``.
    """
    if len(values) == 1:
        return [1.0]
    ordered = sorted(values)
    last = len(values) - 1
    # One pass over the sorted values: a run of equal values starting at ``lower``
    # and ``equal`` long shares the mean of the ranks it covers.
    shares: dict[float, float] = {}
    lower = 0
    for value, run in groupby(ordered):
        equal = sum(1 for _ in run)
        shares[value] = (lower + (equal - 1) / 2) / last
        lower += equal
    return [shares[value] for value in values]


def _expected_values(inputs: list[ScoreInput]) -> list[Decimal]:
    """Expected values of many accounts; each probability is converted once, not per row."""
    probabilities: dict[float, Decimal] = {}
    values = []
    zero = Decimal("0.00")
    for account in inputs:
        revenue, probability = account.revenue_potential, account.win_probability
        if revenue is None or probability is None:
            values.append(zero)
            continue
        factor = probabilities.get(probability)
        if factor is None:
            factor = probabilities[probability] = Decimal(str(probability))
        values.append((revenue * factor).quantize(CENT, rounding=ROUND_HALF_EVEN))
    return values


def score_accounts(
    accounts: Iterable[ScoreInput], config: ScoringConfig | None = None
) -> dict[int, AccountScore]:
    """Scores, ranks and tiers for accounts ranked together, keyed by account id."""
    config = config or ScoringConfig()
    inputs = list(accounts)
    values = _expected_values(inputs)
    value_floats = [float(value) for value in values]  # for ordering only; fast to compare
    weights = [(name, config.fit_weights.get(name, 0.0)) for name in FIT_LABELS]
    fits = [_weighted_fit(a.fit, weights) for a in inputs]
    percentiles = _value_percentiles(value_floats) if inputs else []
    priorities = [
        round(100 * (config.value_weight * pct + (1 - config.value_weight) * fit / 100), 2)
        for pct, fit in zip(percentiles, fits, strict=True)
    ]
    order = sorted(
        range(len(inputs)),
        key=lambda i: (
            -priorities[i],
            -value_floats[i],
            inputs[i].name.casefold(),
            inputs[i].account_id,
        ),
    )
    tier1, tier2 = tier_sizes(len(inputs), config)
    scores: dict[int, AccountScore] = {}
    for rank, index in enumerate(order, start=1):
        tier = 1 if rank <= tier1 else 2 if rank <= tier1 + tier2 else 3
        scores[inputs[index].account_id] = AccountScore(
            expected_value=values[index],
            fit_score=fits[index],
            priority_score=priorities[index],
            tier=tier,
            rank=rank,
        )
    return scores
