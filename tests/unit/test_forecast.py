"""The forecast: exact money, weighted by stage, won and lost apart, currencies apart."""

from __future__ import annotations

from decimal import Decimal

from acctmap_tui.domain.forecast import (
    OPEN_STAGES,
    PipelineDeal,
    expected_value,
    summarise_pipeline,
)
from acctmap_tui.domain.vocabulary import Stage


def test_expected_value_is_exact_decimal_rounded_to_cents() -> None:
    # 0.1 + 0.2 style float error must not leak into money.
    assert expected_value(Decimal("100000.00"), 0.3) == Decimal("30000.00")
    assert expected_value(Decimal("0.05"), 0.5) == Decimal("0.03")  # half-up
    assert expected_value(Decimal("333.33"), 0.333) == Decimal("111.00")
    assert isinstance(expected_value(Decimal("1.00"), 0.7), Decimal)


def test_expected_value_of_unknowns_is_zero() -> None:
    assert expected_value(None, 0.5) == Decimal("0.00")
    assert expected_value(Decimal("10.00"), None) == Decimal("0.00")


def test_weighted_pipeline_by_stage() -> None:
    deals = [
        PipelineDeal(Stage.PROSPECTING, revenue_potential=Decimal("1000.00"), win_probability=0.1),
        PipelineDeal(Stage.PROSPECTING, revenue_potential=Decimal("2000.00"), win_probability=0.2),
        PipelineDeal(Stage.PROPOSAL, revenue_potential=Decimal("50000.00"), win_probability=0.6),
        PipelineDeal(Stage.NEGOTIATION),  # nothing known yet: counted, weighs nothing
    ]
    [summary] = summarise_pipeline(deals)
    assert summary.currency == "USD"
    assert list(summary.stages) == list(OPEN_STAGES)
    prospecting = summary.stages[Stage.PROSPECTING]
    assert (prospecting.count, prospecting.revenue_potential, prospecting.weighted) == (
        2,
        Decimal("3000.00"),
        Decimal("500.00"),
    )
    assert summary.stages[Stage.EARLY_DISCUSSIONS].count == 0
    assert summary.stages[Stage.PROPOSAL].weighted == Decimal("30000.00")
    assert summary.stages[Stage.NEGOTIATION].count == 1
    assert summary.open_count == 4
    assert summary.open_revenue_potential == Decimal("53000.00")
    assert summary.weighted_pipeline == Decimal("30500.00")


def test_won_and_lost_are_totalled_by_closed_amount_and_kept_out_of_the_pipeline() -> None:
    deals = [
        PipelineDeal(
            Stage.WON,
            revenue_potential=Decimal("90000.00"),
            win_probability=1.0,
            closed_amount=Decimal("85000.50"),
        ),
        PipelineDeal(Stage.WON, closed_amount=Decimal("14999.50")),
        PipelineDeal(Stage.LOST, closed_amount=Decimal("40000.00")),
        PipelineDeal(Stage.LOST),  # lost without an amount recorded
    ]
    [summary] = summarise_pipeline(deals)
    assert (summary.won.count, summary.won.amount) == (2, Decimal("100000.00"))
    assert (summary.lost.count, summary.lost.amount) == (2, Decimal("40000.00"))
    assert summary.open_count == 0
    assert summary.weighted_pipeline == Decimal("0.00")


def test_currencies_are_never_added_together() -> None:
    deals = [
        PipelineDeal(Stage.PROPOSAL, "usd", Decimal("100.00"), 0.5),
        PipelineDeal(Stage.PROPOSAL, "EUR", Decimal("200.00"), 0.5),
        PipelineDeal(Stage.PROPOSAL, "USD", Decimal("300.00"), 0.5),
    ]
    summaries = summarise_pipeline(deals)
    assert [summary.currency for summary in summaries] == ["EUR", "USD"]
    assert summaries[0].weighted_pipeline == Decimal("100.00")
    assert summaries[1].weighted_pipeline == Decimal("200.00")


def test_no_deals_no_summaries() -> None:
    assert summarise_pipeline([]) == []
