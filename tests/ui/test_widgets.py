"""The pure parts of the UI layer: column fitting, palette matching, formatting."""

from __future__ import annotations

from decimal import Decimal

from textual.fuzzy import Matcher

from acctmap_tui.commands import highlight, is_subsequence
from acctmap_tui.widgets.fitted_table import fit_column_widths
from acctmap_tui.widgets.formatting import (
    EMPTY,
    format_count,
    format_money,
    format_percent,
    text_or_empty,
    yes_no,
)
from acctmap_tui.widgets.plan_view import headquarters


def test_columns_that_fit_keep_their_natural_width() -> None:
    assert fit_column_widths([10, 5, 8], [4, None, 4], available=30) == [10, 5, 8]


def test_the_widest_squeezable_column_gives_way_first() -> None:
    assert fit_column_widths([20, 17, 12], [16, None, 8], available=45) == [16, 17, 12]
    assert fit_column_widths([30, 17, 10], [10, None, 5], available=40) == [13, 17, 10]


def test_squeezing_stops_at_the_minimums_and_leaves_the_rest_to_scrolling() -> None:
    assert fit_column_widths([20, 17, 12], [16, None, 8], available=20) == [16, 17, 8]


def test_subsequence_prefilter() -> None:
    assert is_subsequence("cbmn", "cobalt mining")
    assert is_subsequence("", "anything")
    assert not is_subsequence("nmc", "cobalt mining")


def test_highlight_never_reads_a_name_as_markup() -> None:
    content = highlight(Matcher("nordic"), "Fjord [Nordic] Energy")
    assert content.plain == "Fjord [Nordic] Energy"


def test_formatting() -> None:
    assert format_money(Decimal("1250000"), "USD") == "$1,250,000"
    assert format_money(Decimal("990"), "CHF") == "990 CHF"
    assert format_money(None, "USD") == EMPTY
    assert format_percent(0.6) == "60%"
    assert format_percent(0.125) == "12.5%"
    assert format_percent(0.29) == "29%"
    assert format_percent(None) == EMPTY
    assert format_count(5400) == "5,400"
    assert text_or_empty("  ") == EMPTY
    assert text_or_empty(" x ") == "x"
    assert yes_no(True) == "yes"
    assert yes_no(False) == "no"
    assert headquarters("Oslo", None, " Norway ") == "Oslo, Norway"
    assert headquarters(None, "", None) == EMPTY
