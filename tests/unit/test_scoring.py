"""Prioritisation worked out by hand: expected value, fit, priority and tier boundaries."""

from __future__ import annotations

from decimal import Decimal

import pytest

from acctmap_tui.domain.scoring import (
    FIT_LABELS,
    ScoreInput,
    ScoringConfig,
    expected_value,
    fit_score,
    score_accounts,
    tier_sizes,
)


def _input(
    account_id: int,
    revenue: str | None,
    probability: float | None,
    fit: int | None = None,
    name: str | None = None,
) -> ScoreInput:
    return ScoreInput(
        account_id=account_id,
        name=name or f"Account {account_id:03d}",
        revenue_potential=None if revenue is None else Decimal(revenue),
        win_probability=probability,
        fit=dict.fromkeys(FIT_LABELS, fit),
    )


def test_expected_value_is_exact() -> None:
    assert expected_value(Decimal("100000"), 0.7) == Decimal("70000.00")
    assert expected_value(Decimal("250000"), 0.6) == Decimal("150000.00")
    assert expected_value(Decimal("0.10"), 0.35) == Decimal("0.04")  # 0.035 to even
    assert expected_value(None, 0.5) == Decimal("0.00")
    assert expected_value(Decimal("10"), None) == Decimal("0.00")


def test_fit_score_weights_and_missing_criteria() -> None:
    all_fives = dict.fromkeys(FIT_LABELS, 5)
    assert fit_score(all_fives, dict.fromkeys(FIT_LABELS, 1.0)) == 100.0
    half = {"fit_company_size": 5, "fit_offering": 5}  # the other four are unscored
    assert fit_score(half, dict.fromkeys(FIT_LABELS, 1.0)) == pytest.approx(33.33)
    only_timing = {**dict.fromkeys(FIT_LABELS, 0.0), "fit_timing": 2.0}
    assert fit_score({"fit_timing": 3}, only_timing) == 60.0
    assert fit_score(all_fives, dict.fromkeys(FIT_LABELS, 0.0)) == 0.0


@pytest.mark.parametrize(
    ("count", "tier1", "tier2"),
    [
        (0, 0, 0),
        (1, 1, 0),
        (2, 1, 0),
        (5, 1, 1),
        (10, 2, 3),
        (11, 2, 3),
        (20, 4, 6),
        (100, 20, 30),
        (10_000, 2_000, 3_000),
    ],
)
def test_tier_boundaries(count: int, tier1: int, tier2: int) -> None:
    assert tier_sizes(count, ScoringConfig()) == (tier1, tier2)


def test_tier_shares_are_configurable() -> None:
    assert tier_sizes(10, ScoringConfig(tier1_share=0.1, tier2_share=0.2)) == (1, 2)
    with pytest.raises(ValueError, match="tier shares"):
        ScoringConfig(tier1_share=0.8, tier2_share=0.3)
    with pytest.raises(ValueError, match="unknown fit criteria"):
        ScoringConfig(fit_weights={"fit_colour": 1.0})


def test_priority_combines_value_rank_and_fit() -> None:
    # Value percentiles: A (EV 90k) 1.0, B (EV 10k) 0.5, C (EV 0) 0.0.
    scores = score_accounts(
        [
            _input(1, "100000", 0.9, fit=0),
            _input(2, "100000", 0.1, fit=5),
            _input(3, None, None, fit=5),
        ]
    )
    assert scores[1].priority_score == 60.0  # 100 * (0.6 * 1.0 + 0.4 * 0)
    assert scores[2].priority_score == 70.0  # 100 * (0.6 * 0.5 + 0.4 * 1)
    assert scores[3].priority_score == 40.0  # 100 * (0.6 * 0 + 0.4 * 1)
    assert [scores[i].rank for i in (2, 1, 3)] == [1, 2, 3]
    assert scores[2].tier == 1


def test_ties_share_their_value_rank_and_order_by_name() -> None:
    scores = score_accounts(
        [
            _input(1, "500", 0.5, fit=3, name="beta"),
            _input(2, "500", 0.5, fit=3, name="Alpha"),
        ]
    )
    assert scores[1].priority_score == scores[2].priority_score
    assert scores[2].rank == 1 and scores[1].rank == 2


@pytest.mark.parametrize("count", [1, 10, 11])
def test_exactly_the_top_share_is_tier_one(count: int) -> None:
    accounts = [_input(i, str(1000 * i), 0.5, fit=3) for i in range(1, count + 1)]
    scores = score_accounts(accounts)
    tier1 = sorted(i for i, score in scores.items() if score.tier == 1)
    expected = {1: [1], 10: [9, 10], 11: [10, 11]}[count]
    assert tier1 == expected
    assert sorted(score.rank for score in scores.values()) == list(range(1, count + 1))


def test_empty_input() -> None:
    assert score_accounts([]) == {}
