"""Parsing what people type: every accepted form and clear refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from acctmap_tui.domain.values import (
    ValueInputError,
    format_money,
    format_probability,
    parse_date,
    parse_money,
    parse_probability,
    parse_score,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100000", "100000.00"),
        ("100,000", "100000.00"),
        ("$100,000.50", "100000.50"),
        ("100k", "100000.00"),
        ("100K", "100000.00"),
        ("1.2M", "1200000.00"),
        ("1.5bn", "1500000000.00"),
        ("€ 2,500", "2500.00"),
        ("USD 250,000", "250000.00"),
        ("250000 EUR", "250000.00"),
        ("0", "0.00"),
        (".5", "0.50"),
        ("  42  ", "42.00"),
    ],
)
def test_money_forms(text: str, expected: str) -> None:
    assert parse_money(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "-5", "1.2.3", "1,00", "$", "12 34 5x", "1e5", "k"])
def test_money_refusals_name_field_value_and_expectation(text: str) -> None:
    with pytest.raises(ValueInputError) as raised:
        parse_money(text, field="Revenue potential")
    message = str(raised.value)
    assert message.startswith("Revenue potential: ")
    assert repr(text.strip()) in message
    assert "amount" in message


def test_money_with_fractions_of_a_cent_is_refused() -> None:
    with pytest.raises(ValueInputError, match="two decimal places"):
        parse_money("10.005")


def test_money_decimal_comma_only_when_asked() -> None:
    assert parse_money("1.234.567,89", decimal_comma=True) == Decimal("1234567.89")
    assert parse_money("12,5", decimal_comma=True) == Decimal("12.50")
    with pytest.raises(ValueInputError):
        parse_money("1.234.567,89")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_stays_empty(text: str | None) -> None:
    assert parse_money(text) is None
    assert parse_probability(text) is None
    assert parse_date(text) is None
    assert parse_score(text, field="Fit") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("70%", 0.7),
        ("70", 0.7),
        ("0.7", 0.7),
        ("100%", 1.0),
        ("1", 1.0),
        ("0", 0.0),
        ("12.5%", 0.125),
        ("5 %", 0.05),
    ],
)
def test_probability_forms(text: str, expected: float) -> None:
    assert parse_probability(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["abc", "-5", "150%", "101", "1.2.3", "70%%"])
def test_probability_refusals(text: str) -> None:
    with pytest.raises(ValueInputError, match=r"^Win probability: .* is not a probability"):
        parse_probability(text)


def test_dates() -> None:
    assert parse_date("2026-12-01") == date(2026, 12, 1)
    with pytest.raises(ValueInputError, match="YYYY-MM-DD"):
        parse_date("12/01/2026", field="Due")
    with pytest.raises(ValueInputError, match="real calendar date"):
        parse_date("2026-02-30")


def test_scores() -> None:
    assert parse_score("4", field="Fit: timing") == 4
    with pytest.raises(ValueInputError, match="whole number from 0 to 5"):
        parse_score("6", field="Fit: timing")
    with pytest.raises(ValueInputError, match="whole number from 1 to 5"):
        parse_score("0", field="Influence", low=1)


def test_formatting() -> None:
    assert format_money(Decimal("1200000")) == "$1,200,000"
    assert format_money(Decimal("1234.5"), "EUR", cents=True) == "€1,234.50"
    assert format_money(Decimal("99"), "CHF") == "99 CHF"
    assert format_money(None) == ""
    assert format_probability(0.7) == "70%"
    assert format_probability(0.125) == "12.5%"
    assert format_probability(None) == ""


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_money_round_trips_through_its_formatted_text(amount: Decimal) -> None:
    assert parse_money(format_money(amount, cents=True)) == amount


@given(st.integers(min_value=0, max_value=100))
def test_whole_percentages_round_trip(percent: int) -> None:
    probability = parse_probability(f"{percent}%")
    assert probability is not None
    assert format_probability(probability) == f"{percent}%"
