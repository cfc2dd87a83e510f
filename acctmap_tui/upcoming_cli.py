"""``acctmap upcoming``: dates due in the next days across accounts, overdue ones first.

Kept out of ``cli.py`` so the command's body can be tested on its own; ``cli.py``
registers a thin Typer command that opens the database and calls
:func:`upcoming_command`. Rich is imported only for the table, so ``--format json``
stays light.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from acctmap_tui.domain.upcoming import DEFAULT_DAYS, UpcomingDate, upcoming_dates, window_end

if TYPE_CHECKING:
    from rich.console import RenderableType

    from acctmap_tui.data.db import Database

FORMATS = ("table", "json")
NOTHING_DUE_TEXT = "Nothing due in the next {days} days and nothing overdue."


def upcoming_as_records(rows: Sequence[UpcomingDate]) -> list[dict[str, Any]]:
    """The stable JSON shape: one object per date, earliest first."""
    return [
        {
            "date": row.item.due_on.isoformat(),
            "days": row.days,
            "overdue": row.overdue,
            "account": row.item.account_name,
            "account_id": row.item.account_id,
            "kind": row.item.kind.value,
            "kind_label": row.item.kind.label,
            "what": row.item.what,
            "owner": row.item.owner,
        }
        for row in rows
    ]


def upcoming_as_table(rows: Sequence[UpcomingDate], *, width: int | None = None) -> RenderableType:
    """Date, when (in words: "3 days overdue"), account, kind, what, owner.

    With a ``width`` the account and text columns end in an ellipsis to fit it.
    """
    from rich.table import Table

    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold", width=width)
    table.add_column("Date", no_wrap=True)
    table.add_column("When", no_wrap=True)
    table.add_column("Account", overflow="ellipsis", no_wrap=True, ratio=2)
    table.add_column("Kind", no_wrap=True)
    table.add_column("What", overflow="ellipsis", no_wrap=True, ratio=3)
    table.add_column("Owner", overflow="ellipsis", no_wrap=True, ratio=1)
    for row in rows:
        item = row.item
        table.add_row(
            item.due_on.isoformat(),
            f"! {row.when}" if row.overdue else row.when,
            item.account_name,
            item.kind.label,
            " ".join(item.what.split()),
            item.owner or "",
        )
    return table


def load_upcoming(database: Database, *, days: int, today: date) -> list[UpcomingDate]:
    """The upcoming dates of every live account, in date order."""
    from acctmap_tui.data.upcoming_queries import load_dated_items

    with database.session() as session:
        items = load_dated_items(session=session, until=window_end(today, days))
    return upcoming_dates(items, today, days)


def upcoming_command(
    database: Database,
    *,
    days: int = DEFAULT_DAYS,
    output_format: str = "table",
    today: date | None = None,
) -> None:
    """Print the upcoming dates as a table (fitted to the terminal) or as JSON; closes the database.

    Raises:
        ValueError: ``days`` below 0 or an unknown format (the CLI turns it into a message).
    """
    if days < 0:
        database.close()
        raise ValueError("--days: 0 or more")
    if output_format not in FORMATS:
        database.close()
        raise ValueError(f"--format: one of {', '.join(FORMATS)}")
    try:
        rows = load_upcoming(database, days=days, today=today or date.today())
    finally:
        database.close()
    if output_format == "json":
        sys.stdout.write(json.dumps(upcoming_as_records(rows), indent=2, ensure_ascii=False) + "\n")
        return
    if not rows:
        sys.stdout.write(NOTHING_DUE_TEXT.format(days=days) + "\n")
        return
    from rich.console import Console

    console = Console()
    width = console.width if console.is_terminal else None
    if width is None:  # a pipe or a file: never cut
        console = Console(width=10_000)
    console.print(upcoming_as_table(rows, width=width))
