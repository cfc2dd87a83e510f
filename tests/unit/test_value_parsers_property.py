"""Properties of the value parsers: formatted values read back; garbage is explained.

Whatever is typed, a parser returns a value (or None for blank) or raises
:class:`ValueInputError` naming the field and the value, never anything else.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import example, given
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

amounts = st.decimals(
    min_value=Decimal(0), max_value=Decimal("999999999999.99"), places=2, allow_nan=False
)
typed = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-%$€£kKmMbBnN USDEURGBP\u00a0", max_size=30),
    st.from_regex(r"\A-?\d{1,40}([.,]\d{0,5})?(%|k|m|bn)?\Z"),
)


def _explains(error: ValueInputError, field: str, text: str) -> None:
    """The message names the field and the value as typed (trimmed), and what is expected."""
    assert error.field == field
    assert error.value == text.strip()
    assert str(error).startswith(f"{field}: {text.strip()!r} is not ")
    assert error.expected


@given(amounts)
def test_money_formatted_with_cents_reads_back_exactly(amount: Decimal) -> None:
    assert parse_money(format_money(amount, cents=True)) == amount
    assert parse_money(str(amount)) == amount


@given(amounts)
def test_money_in_decimal_comma_notation_reads_back(amount: Decimal) -> None:
    grouped = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    assert parse_money(grouped, decimal_comma=True) == amount


@given(st.integers(min_value=0, max_value=1000))
def test_probability_formatted_reads_back(per_mille: int) -> None:
    probability = per_mille / 1000
    parsed = parse_probability(format_probability(probability))
    assert parsed is not None
    assert abs(parsed - probability) < 1e-12


@given(st.dates(min_value=date(1000, 1, 1)))
def test_dates_read_back(day: date) -> None:
    assert parse_date(day.isoformat()) == day


@given(st.integers(min_value=-50, max_value=50))
def test_scores_are_read_within_their_range_and_refused_outside(score: int) -> None:
    text = str(score)
    if 0 <= score <= 5:
        assert parse_score(text, field="Fit") == score
        return
    try:
        parse_score(text, field="Fit")
    except ValueInputError as error:
        _explains(error, "Fit", text)
    else:
        raise AssertionError(f"{text} was accepted as a 0-5 score")


@given(typed, st.booleans())
@example("1" * 40, False)  # more digits than Decimal's default precision
@example("9" * 27 + "bn", False)
def test_money_garbage_raises_only_the_explained_error(text: str, decimal_comma: bool) -> None:
    try:
        amount = parse_money(text, field="Revenue", decimal_comma=decimal_comma)
    except ValueInputError as error:
        _explains(error, "Revenue", text)
    else:
        assert amount is None or (amount >= 0 and amount == amount.quantize(Decimal("0.01")))


@given(typed)
def test_probability_garbage_raises_only_the_explained_error(text: str) -> None:
    try:
        probability = parse_probability(text, field="Win probability")
    except ValueInputError as error:
        _explains(error, "Win probability", text)
    else:
        assert probability is None or 0 <= probability <= 1


@given(st.one_of(st.text(max_size=12), st.from_regex(r"\A\d{4}-\d{2}-\d{2}\Z")))
def test_date_garbage_raises_only_the_explained_error(text: str) -> None:
    try:
        parse_date(text, field="Close date")
    except ValueInputError as error:
        _explains(error, "Close date", text)
