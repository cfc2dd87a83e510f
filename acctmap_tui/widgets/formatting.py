"""How values read on screen: one place, so every tab writes money the same way.

Pure functions without Textual, so they can move below the UI if exports need them.
"""

from __future__ import annotations

from decimal import Decimal

EMPTY = "—"
"""Shown for a value nobody has entered, so a blank is never mistaken for a zero."""


def text_or_empty(value: object) -> str:
    """The value as text, or :data:`EMPTY` for ``None`` and blank strings."""
    if value is None:
        return EMPTY
    text = str(value).strip()
    return text or EMPTY


def format_amount(amount: Decimal | None) -> str:
    """An amount with thousands separators and cents: ``1,250,000.00``."""
    return EMPTY if amount is None else f"{amount:,.2f}"


def format_money(amount: Decimal | None, currency: str) -> str:
    """An amount with its currency code first: ``USD 1,250,000.00``."""
    return EMPTY if amount is None else f"{currency} {format_amount(amount)}"


def format_percent(fraction: float | None) -> str:
    """A 0..1 fraction as a percentage with at most one decimal: ``35%``, ``12.5%``."""
    if fraction is None:
        return EMPTY
    percent = Decimal(str(fraction)) * 100
    text = f"{percent:.1f}".removesuffix(".0")
    return f"{text}%"


def format_count(count: int | None) -> str:
    """A whole number with thousands separators."""
    return EMPTY if count is None else f"{count:,}"


def yes_no(value: bool | None) -> str:
    """A flag in words, so it reads the same without colour."""
    if value is None:
        return EMPTY
    return "yes" if value else "no"
