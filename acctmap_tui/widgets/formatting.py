"""How values read on screen: one place, so every tab writes money the same way.

Pure functions without Textual, so they can move below the UI if exports need them.
"""

from __future__ import annotations

from decimal import Decimal

from acctmap_tui.domain import values

SELECT_ACCOUNT_TEXT = "Select an account in the Accounts tab (press 1)."
"""What a per-account tab says before any account is selected."""

EMPTY = "—"
"""Shown for a value nobody has entered, so a blank is never mistaken for a zero."""


def text_or_empty(value: object) -> str:
    """The value as text, or :data:`EMPTY` for ``None`` and blank strings."""
    if value is None:
        return EMPTY
    text = str(value).strip()
    return text or EMPTY


def format_money(amount: Decimal | None, currency: str) -> str:
    """Money as everywhere in acctmap (``$1,250,000``), or :data:`EMPTY`."""
    return EMPTY if amount is None else values.format_money(amount, currency)


def format_percent(fraction: float | None) -> str:
    """A 0..1 fraction as a percentage (``35%``, ``12.5%``), or :data:`EMPTY`."""
    return EMPTY if fraction is None else values.format_probability(fraction)


def format_count(count: int | None) -> str:
    """A whole number with thousands separators."""
    return EMPTY if count is None else f"{count:,}"


def yes_no(value: bool | None) -> str:
    """A flag in words, so it reads the same without colour."""
    if value is None:
        return EMPTY
    return "yes" if value else "no"
