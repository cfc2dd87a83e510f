"""Parsing and formatting the values people type: money, probabilities, dates.

Every parser raises :class:`ValueInputError`, whose message names the field, the
value and what is expected, so a form or an import can show it as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

CENT = Decimal("0.01")

_SUFFIXES = {
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
}
_CURRENCY_CODES = r"usd|eur|gbp|chf|cad|aud|jpy|[$€£¥]"
_CURRENCY_MARKS = re.compile(rf"^(?:{_CURRENCY_CODES})\s*|\s*(?:{_CURRENCY_CODES})$", re.IGNORECASE)
_PLAIN_NUMBER = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")
_GROUPED_NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_GROUPED_DECIMAL_COMMA = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d+(?:,\d+)?$")

MONEY_EXPECTED = "an amount such as 100000, 100,000, $100,000.50, 100k or 1.2M"
PROBABILITY_EXPECTED = "a probability such as 70%, 70 or 0.7 (0 to 100%)"
DATE_EXPECTED = "a date as YYYY-MM-DD, e.g. 2026-12-01"


@dataclass
class ValueInputError(ValueError):
    """A typed value that cannot be used, explained for the person who typed it."""

    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.field}: {self.value!r} is not {self.expected}"


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def parse_money(
    text: str | None, *, field: str = "Amount", decimal_comma: bool = False
) -> Decimal | None:
    """An exact, non-negative amount in cents; ``None`` for an empty entry.

    ``decimal_comma`` reads ``1.234.567,89`` (imports from such locales ask for it);
    without it a comma only groups thousands.
    """
    if _blank(text):
        return None
    assert text is not None
    raw = text.strip()
    if raw.startswith("-"):
        raise ValueInputError(field, raw, "a positive amount (no negative money here)")
    cleaned = _CURRENCY_MARKS.sub("", raw.replace("\u00a0", " ")).strip().replace(" ", "")
    multiplier = Decimal(1)
    lowered = cleaned.lower()
    for suffix in sorted(_SUFFIXES, key=len, reverse=True):
        if lowered.endswith(suffix) and lowered[: -len(suffix)]:
            multiplier = _SUFFIXES[suffix]
            cleaned = cleaned[: -len(suffix)]
            break
    cleaned = _CURRENCY_MARKS.sub("", cleaned).strip()
    if decimal_comma:
        if not _GROUPED_DECIMAL_COMMA.match(cleaned):
            raise ValueInputError(field, raw, MONEY_EXPECTED.replace("100,000.50", "100.000,50"))
        number = cleaned.replace(".", "").replace(",", ".")
    elif _GROUPED_NUMBER.match(cleaned):
        number = cleaned.replace(",", "")
    elif _PLAIN_NUMBER.match(cleaned):
        number = cleaned
    else:
        raise ValueInputError(field, raw, MONEY_EXPECTED)
    try:
        amount = Decimal(number) * multiplier
    except InvalidOperation:
        raise ValueInputError(field, raw, MONEY_EXPECTED) from None
    try:
        cents = amount.quantize(CENT)
    except InvalidOperation:  # more digits than Decimal's precision (28) can hold in cents
        raise ValueInputError(
            field, raw, "an amount of at most 26 digits before the cents"
        ) from None
    if amount != cents:
        raise ValueInputError(field, raw, "an amount with at most two decimal places (cents)")
    return cents


def parse_probability(text: str | None, *, field: str = "Win probability") -> float | None:
    """A probability in 0..1 from ``70%``, ``70`` or ``0.7``; ``None`` for an empty entry.

    A bare number above 1 is a percentage; up to 1 it is a fraction (so ``1`` is 100 %).
    """
    if _blank(text):
        return None
    assert text is not None
    raw = text.strip()
    if raw.startswith("-"):
        raise ValueInputError(field, raw, PROBABILITY_EXPECTED)
    cleaned = raw.replace(" ", "")
    percent = cleaned.endswith("%")
    number = cleaned.removesuffix("%")
    if not _PLAIN_NUMBER.match(number):
        raise ValueInputError(field, raw, PROBABILITY_EXPECTED)
    value = Decimal(number)
    if percent or value > 1:
        value = value / 100
    if value > 1:
        raise ValueInputError(field, raw, PROBABILITY_EXPECTED)
    return float(value)


def parse_date(text: str | None, *, field: str = "Date") -> date | None:
    """An ISO date (``2026-12-01``); ``None`` for an empty entry."""
    if _blank(text):
        return None
    assert text is not None
    raw = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise ValueInputError(field, raw, DATE_EXPECTED)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueInputError(field, raw, "a real calendar date as YYYY-MM-DD") from None


def parse_score(text: str | None, *, field: str, low: int = 0, high: int = 5) -> int | None:
    """A whole-number score such as a fit criterion (0..5) or influence (1..5)."""
    if _blank(text):
        return None
    assert text is not None
    raw = text.strip()
    expected = f"a whole number from {low} to {high}"
    if not re.fullmatch(r"\d+", raw) or not low <= int(raw) <= high:
        raise ValueInputError(field, raw, expected)
    return int(raw)


_CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def format_money(amount: Decimal | None, currency: str = "USD", *, cents: bool = False) -> str:
    """``$1,200,000`` (or ``1,200,000 CHF``); whole units unless ``cents`` is asked for."""
    if amount is None:
        return ""
    places = CENT if cents else Decimal(1)
    rounded = amount.quantize(places, rounding=ROUND_HALF_EVEN)
    text = f"{rounded:,.2f}" if cents else f"{rounded:,.0f}"
    symbol = _CURRENCY_SYMBOLS.get(currency.upper())
    return f"{symbol}{text}" if symbol else f"{text} {currency.upper()}"


def format_probability(probability: float | None) -> str:
    """``70%``; one decimal only when it matters (``12.5%``)."""
    if probability is None:
        return ""
    percent = probability * 100
    if abs(percent - round(percent)) < 1e-9:
        return f"{round(percent)}%"
    return f"{percent:.1f}%"
