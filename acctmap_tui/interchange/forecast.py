"""The forecast as JSON and as a terminal table (the CLI's ``forecast``).

The Pipeline tab draws its tables with :func:`forecast_table` too, so the tab and
the command line show the same columns, the same totals and the same money.
Rich is imported inside the functions that draw, so ``--format json`` stays light.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from acctmap_tui.domain.forecast import GROUPING_TITLES, ClosedTotal, ForecastSummary
from acctmap_tui.domain.values import format_money

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import RenderableType
    from rich.table import Table

NO_ACCOUNTS_TEXT = "No accounts yet — run `acctmap demo`"


def _number(amount: Decimal) -> int | float:
    """Money as a JSON number: whole amounts as integers, cents as a decimal fraction.

    A two-place amount below 10^13 survives the trip through a float exactly
    (``repr`` gives back the shortest digits that round-trip).
    """
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _closed_record(total: ClosedTotal) -> dict[str, Any]:
    return {"accounts": total.count, "amount": _number(total.amount)}


def summary_as_record(summary: ForecastSummary) -> dict[str, Any]:
    """The stable JSON shape of the forecast in one currency."""
    return {
        "currency": summary.currency,
        "by": summary.by,
        "groups": [
            {
                "key": group.key,
                "label": group.label,
                "accounts": group.count,
                "revenue_potential": _number(group.revenue_potential),
                "weighted": _number(group.weighted),
            }
            for group in summary.groups
        ],
        "open": {
            "accounts": summary.open_count,
            "revenue_potential": _number(summary.open_revenue_potential),
            "weighted": _number(summary.weighted_pipeline),
        },
        "won": _closed_record(summary.won),
        "lost": _closed_record(summary.lost),
    }


def forecast_as_json(summaries: Sequence[ForecastSummary]) -> str:
    """A JSON list with one object per currency (an empty list for no accounts)."""
    return json.dumps(
        [summary_as_record(summary) for summary in summaries], indent=2, ensure_ascii=False
    )


def accounts_phrase(count: int) -> str:
    """``1 account``, ``1,200 accounts``."""
    return f"{count:,} account" if count == 1 else f"{count:,} accounts"


def closed_line(summary: ForecastSummary) -> str:
    """``Won: 1 account, $95,000   Lost: 2 accounts, $40,000``: in words, no colour."""

    def outcome(total: ClosedTotal) -> str:
        return f"{accounts_phrase(total.count)}, {format_money(total.amount, summary.currency)}"

    return f"Won: {outcome(summary.won)}   Lost: {outcome(summary.lost)}"


def _box(ascii_only: bool) -> Box:
    from rich import box

    if not ascii_only:
        return box.SIMPLE
    return box.Box("    \n    \n -- \n    \n    \n -- \n    \n    \n", ascii=True)


def forecast_table(
    summary: ForecastSummary, *, ascii_only: bool = False, group_width: int | None = 24
) -> Table:
    """Group, accounts, potential and weighted value, with the open total as footer.

    ``group_width`` caps the group column (a long owner name ends in an ellipsis);
    ``None`` never cuts it.
    """
    from rich.table import Table

    currency = summary.currency
    title = GROUPING_TITLES[summary.by]
    table = Table(
        title=f"Open pipeline by {title.lower()} ({currency})",
        title_justify="left",
        title_style="bold",
        box=_box(ascii_only),
        show_footer=True,
        header_style="bold",
        footer_style="bold",
        show_edge=False,
        pad_edge=False,
        expand=False,
    )
    table.add_column(
        title, footer="Total", no_wrap=True, overflow="ellipsis", max_width=group_width
    )
    table.add_column("Accounts", justify="right", footer=f"{summary.open_count:,}")
    table.add_column(
        "Potential",
        justify="right",
        footer=format_money(summary.open_revenue_potential, currency),
    )
    table.add_column(
        "Weighted", justify="right", footer=format_money(summary.weighted_pipeline, currency)
    )
    for group in summary.groups:
        table.add_row(
            group.label,
            f"{group.count:,}",
            format_money(group.revenue_potential, currency),
            format_money(group.weighted, currency),
        )
    return table


def forecast_as_table(
    summaries: Sequence[ForecastSummary], *, ascii_only: bool = False
) -> RenderableType:
    """Each currency's table followed by its won and lost totals, a blank line apart."""
    from rich.console import Group
    from rich.text import Text

    if not summaries:
        return Text(NO_ACCOUNTS_TEXT)
    parts: list[RenderableType] = []
    for index, summary in enumerate(summaries):
        if index:
            parts.append(Text(""))
        parts.append(forecast_table(summary, ascii_only=ascii_only, group_width=None))
        parts.append(Text(closed_line(summary)))
    return Group(*parts)
