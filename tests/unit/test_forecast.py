"""The forecast: exact money, grouped by stage, owner or tier, won and lost apart,
currencies apart. Every expected number below is worked out by hand in a comment."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from acctmap_tui.domain import forecast, scoring
from acctmap_tui.domain.account_map import AccountMapRow, rank_rows
from acctmap_tui.domain.forecast import (
    GROUPINGS,
    NO_OWNER,
    OPEN_STAGES,
    ClosedTotal,
    ForecastSummary,
    summarise,
)
from acctmap_tui.domain.scoring import AccountScore
from acctmap_tui.domain.vocabulary import Stage, TargetType

_next_id = iter(range(1, 1_000_000))


def account(
    stage: Stage,
    potential: str | None = None,
    probability: float | None = None,
    *,
    owner: str | None = None,
    currency: str = "USD",
    closed: str | None = None,
    tier: int | None = None,
) -> AccountMapRow:
    """An account-map row with only what the forecast reads filled in."""
    account_id = next(_next_id)
    row = AccountMapRow(
        id=account_id,
        name=f"Account {account_id}",
        target_type=TargetType.NEW_PROSPECT,
        stage=stage,
        owner=owner,
        owner_username=owner.split()[0].lower() if owner else None,
        currency=currency,
        revenue_potential=Decimal(potential) if potential is not None else None,
        win_probability=probability,
        key_contacts=(),
        ideal_first_meeting=None,
        value_proposition=None,
        strategy=None,
        industry=None,
        next_action=None,
        next_action_due=None,
        overdue_actions=0,
        last_reviewed_at=None,
        closed_amount=Decimal(closed) if closed is not None else None,
    )
    if tier is not None:
        score = AccountScore(
            expected_value=scoring.expected_value(row.revenue_potential, probability),
            fit_score=0.0,
            priority_score=0.0,
            tier=tier,
            rank=account_id,
        )
        row = replace(row, score=score)
    return row


def table(summary: ForecastSummary) -> list[tuple[str, int, Decimal, Decimal]]:
    return [(g.label, g.count, g.revenue_potential, g.weighted) for g in summary.groups]


# The fixture of the UI tests, plus a second prospect for Susan and an unowned lost one.
MIXED = [
    account(Stage.PROPOSAL, "120000.00", 0.6, owner="Susan Park", tier=1),  # 72,000.00
    account(Stage.PROSPECTING, "80000.00", 0.1, owner="Raj Patel", tier=3),  # 8,000.00
    account(Stage.NEGOTIATION, "250000.00", 0.75, owner="Mia Chen", tier=1),  # 187,500.00
    account(Stage.WON, "100000.00", 1.0, owner="Susan Park", closed="95000.00", tier=2),
    account(Stage.LOST, owner="Raj Patel", closed="40000.00", tier=3),
    account(Stage.EARLY_DISCUSSIONS, "60000.00", 0.25, tier=2),  # 15,000.00, nobody's
    account(Stage.PROSPECTING, "10000.00", 0.1, owner="Susan Park", tier=3),  # 1,000.00
    account(Stage.LOST, tier=3),  # lost with no amount recorded
]


def test_there_is_one_expected_value_the_scoring_one_rounding_half_even() -> None:
    assert forecast.expected_value is scoring.expected_value
    assert scoring.expected_value(Decimal("100000.00"), 0.3) == Decimal("30000.00")
    assert scoring.expected_value(Decimal("0.05"), 0.5) == Decimal("0.02")  # 0.025 -> even
    assert scoring.expected_value(Decimal("0.15"), 0.5) == Decimal("0.08")  # 0.075 -> even
    assert scoring.expected_value(None, 0.5) == Decimal("0.00")
    assert scoring.expected_value(Decimal("10.00"), None) == Decimal("0.00")


def test_by_stage_lists_the_four_open_stages_in_pipeline_order() -> None:
    [summary] = summarise(MIXED, "stage")
    assert (summary.currency, summary.by) == ("USD", "stage")
    assert [g.key for g in summary.groups] == [stage.value for stage in OPEN_STAGES]
    assert table(summary) == [
        # 80,000 + 10,000 = 90,000; 8,000 + 1,000 = 9,000
        ("Prospecting", 2, Decimal("90000.00"), Decimal("9000.00")),
        ("Early discussions", 1, Decimal("60000.00"), Decimal("15000.00")),
        ("Proposal", 1, Decimal("120000.00"), Decimal("72000.00")),
        ("Negotiation", 1, Decimal("250000.00"), Decimal("187500.00")),
    ]
    # 90,000 + 60,000 + 120,000 + 250,000; 9,000 + 15,000 + 72,000 + 187,500
    assert summary.open_count == 5
    assert summary.open_revenue_potential == Decimal("520000.00")
    assert summary.weighted_pipeline == Decimal("283500.00")


def test_an_empty_stage_is_still_listed_with_nothing_in_it() -> None:
    [summary] = summarise([account(Stage.PROPOSAL, "1000.00", 0.5)], "stage")
    assert table(summary) == [
        ("Prospecting", 0, Decimal("0.00"), Decimal("0.00")),
        ("Early discussions", 0, Decimal("0.00"), Decimal("0.00")),
        ("Proposal", 1, Decimal("1000.00"), Decimal("500.00")),
        ("Negotiation", 0, Decimal("0.00"), Decimal("0.00")),
    ]


def test_by_owner_largest_weighted_first_and_no_owner_named_in_words() -> None:
    [summary] = summarise(MIXED, "owner")
    assert table(summary) == [
        ("Mia Chen", 1, Decimal("250000.00"), Decimal("187500.00")),
        # 120,000 + 10,000 = 130,000; 72,000 + 1,000 = 73,000 (the won deal is not open)
        ("Susan Park", 2, Decimal("130000.00"), Decimal("73000.00")),
        (NO_OWNER, 1, Decimal("60000.00"), Decimal("15000.00")),
        ("Raj Patel", 1, Decimal("80000.00"), Decimal("8000.00")),  # his lost deal is not open
    ]
    assert [g.key for g in summary.groups] == ["Mia Chen", "Susan Park", None, "Raj Patel"]
    assert summary.weighted_pipeline == Decimal("283500.00")  # the same whatever the grouping


def test_owners_with_equal_weight_go_by_name_and_no_owner_last() -> None:
    rows = [
        account(Stage.PROPOSAL, "100.00", 0.5, owner="zoe Quinn"),  # 50.00
        account(Stage.PROPOSAL, "100.00", 0.5),  # 50.00
        account(Stage.PROPOSAL, "100.00", 0.5, owner="Adam Smith"),  # 50.00
        account(Stage.PROPOSAL, "300.00", 0.5, owner="Yan Li"),  # 150.00
        account(Stage.WON, closed="1000.00", owner="Only Closed"),  # no open accounts: no group
    ]
    [summary] = summarise(rows, "owner")
    assert [g.label for g in summary.groups] == ["Yan Li", "Adam Smith", "zoe Quinn", NO_OWNER]


def test_by_tier_lists_tiers_one_to_three() -> None:
    [summary] = summarise(MIXED, "tier")
    assert [g.key for g in summary.groups] == [1, 2, 3]
    assert table(summary) == [
        # 120,000 + 250,000 = 370,000; 72,000 + 187,500 = 259,500
        ("Tier 1", 2, Decimal("370000.00"), Decimal("259500.00")),
        ("Tier 2", 1, Decimal("60000.00"), Decimal("15000.00")),  # the won Tier 2 is not open
        # 80,000 + 10,000 = 90,000; 8,000 + 1,000 = 9,000
        ("Tier 3", 2, Decimal("90000.00"), Decimal("9000.00")),
    ]


def test_an_empty_tier_is_still_listed() -> None:
    [summary] = summarise([account(Stage.PROPOSAL, "1000.00", 0.5, tier=1)], "tier")
    assert table(summary)[1:] == [
        ("Tier 2", 0, Decimal("0.00"), Decimal("0.00")),
        ("Tier 3", 0, Decimal("0.00"), Decimal("0.00")),
    ]


def test_won_and_lost_are_totalled_by_closed_amount_and_kept_out_of_the_pipeline() -> None:
    for by in GROUPINGS:
        [summary] = summarise(MIXED, by)
        assert summary.won == ClosedTotal(1, Decimal("95000.00"))
        # 40,000 + nothing recorded for the second lost account
        assert summary.lost == ClosedTotal(2, Decimal("40000.00"))
        assert summary.account_count == len(MIXED) == 8
    rows = [
        account(Stage.WON, "90000.00", 1.0, closed="85000.50"),
        account(Stage.WON, closed="14999.50"),
    ]
    [summary] = summarise(rows, "stage")
    assert summary.won == ClosedTotal(2, Decimal("100000.00"))  # 85,000.50 + 14,999.50
    assert summary.lost == ClosedTotal(0, Decimal("0.00"))
    assert summary.open_count == 0
    assert summary.weighted_pipeline == Decimal("0.00")
    assert all(group.count == 0 for group in summary.groups)


def test_unknown_potential_or_probability_is_counted_but_weighs_nothing() -> None:
    rows = [
        account(Stage.NEGOTIATION),
        account(Stage.NEGOTIATION, "5000.00"),
        account(Stage.NEGOTIATION, None, 0.9),
    ]
    [summary] = summarise(rows, "stage")
    assert table(summary)[3] == ("Negotiation", 3, Decimal("5000.00"), Decimal("0.00"))


def test_each_expected_value_is_rounded_to_the_cent_before_adding_up() -> None:
    # Each is 0.025 -> 0.02 (half-even); rounding the sum 0.05 would not match the table.
    rows = [account(Stage.PROPOSAL, "0.05", 0.5), account(Stage.PROPOSAL, "0.05", 0.5)]
    [summary] = summarise(rows, "stage")
    assert summary.weighted_pipeline == Decimal("0.04")


def test_currencies_are_never_added_together() -> None:
    rows = [
        account(Stage.PROPOSAL, "100.00", 0.5, currency="usd"),  # 50.00
        account(Stage.PROPOSAL, "200.00", 0.5, currency="EUR"),  # 100.00
        account(Stage.PROPOSAL, "300.00", 0.5, currency="USD"),  # 150.00
        account(Stage.WON, closed="700.00", currency="EUR"),
        account(Stage.LOST, closed="900.00", currency="GBP"),
    ]
    eur, gbp, usd = summarise(rows, "owner")
    assert [s.currency for s in (eur, gbp, usd)] == ["EUR", "GBP", "USD"]
    assert (eur.open_count, eur.weighted_pipeline, eur.won.amount) == (
        1,
        Decimal("100.00"),
        Decimal("700.00"),
    )
    assert (gbp.open_count, gbp.groups, gbp.lost.amount) == (0, (), Decimal("900.00"))
    assert (usd.open_count, usd.weighted_pipeline, usd.won.count) == (2, Decimal("200.00"), 0)


def test_no_rows_no_summaries() -> None:
    for by in GROUPINGS:
        assert summarise([], by) == []


def test_an_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="region"):
        summarise(MIXED, "region")  # type: ignore[arg-type]


def test_ranked_rows_weigh_exactly_what_the_account_table_shows() -> None:
    ranked = rank_rows([replace(row, score=None) for row in MIXED], date(2025, 6, 1))
    [summary] = summarise(ranked, "tier")
    open_rows = [row for row in ranked if not row.stage.is_closed]
    assert summary.weighted_pipeline == sum((row.expected_value for row in open_rows), Decimal(0))
    for group in summary.groups:
        in_tier = [row for row in open_rows if row.tier == group.key]
        assert group.count == len(in_tier)


def test_ten_thousand_accounts_are_summarised_quickly() -> None:
    stages = list(Stage)
    rows = [
        account(
            stages[i % len(stages)],
            f"{1000 + i}.00",
            (i % 10) / 10,
            owner=f"Owner {i % 40}" if i % 7 else None,
            currency="EUR" if i % 5 == 0 else "USD",
            closed="500.00" if i % 3 == 0 else None,
            tier=1 + i % 3,
        )
        for i in range(10_000)
    ]
    for by in GROUPINGS:
        started = time.perf_counter()
        summaries = summarise(rows, by)
        elapsed = time.perf_counter() - started
        assert sum(s.account_count for s in summaries) == 10_000
        assert elapsed < 0.25, f"{by}: {elapsed * 1000:.0f} ms"  # ~15 ms on a laptop
