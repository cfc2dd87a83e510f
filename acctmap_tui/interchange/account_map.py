"""The ranked account map as JSON, CSV and a terminal table (the CLI's ``accounts``)."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from acctmap_tui.domain.account_map import COLUMNS_BY_KEY, AccountMapRow

if TYPE_CHECKING:
    from rich.table import Table

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters a spreadsheet may run as a formula (OWASP CSV injection)."""

TABLE_COLUMNS = (
    "rank",
    "name",
    "tier",
    "expected_value",
    "stage",
    "owner",
    "win_probability",
    "next_action",
    "last_reviewed",
)
"""The CLI table's columns, most important first: later ones are left out to fit."""


RECORD_FIELDS = (
    "rank",
    "name",
    "target_type",
    "stage",
    "owner",
    "currency",
    "revenue_potential",
    "win_probability",
    "expected_value",
    "fit_score",
    "priority_score",
    "tier",
    "key_contacts",
    "ideal_first_meeting",
    "value_proposition",
    "strategy",
    "industry",
    "next_action",
    "next_action_due",
    "overdue_actions",
    "last_reviewed",
    "stale",
)
"""The keys of every exported account-map record, in order."""


def _number(amount: Decimal | None) -> float | int | None:
    """Money as a JSON number: whole amounts as integers, cents kept exactly in the text."""
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def row_as_record(row: AccountMapRow) -> dict[str, Any]:
    """The stable JSON shape of one account-map row."""
    score = row.score
    return {
        "rank": score.rank if score else None,
        "name": row.name,
        "target_type": row.target_type.value,
        "stage": row.stage.value,
        "owner": row.owner,
        "currency": row.currency,
        "revenue_potential": _number(row.revenue_potential),
        "win_probability": row.win_probability,
        "expected_value": _number(row.expected_value),
        "fit_score": score.fit_score if score else None,
        "priority_score": score.priority_score if score else None,
        "tier": row.tier,
        "key_contacts": list(row.key_contacts),
        "ideal_first_meeting": row.ideal_first_meeting,
        "value_proposition": row.value_proposition,
        "strategy": row.strategy,
        "industry": row.industry,
        "next_action": row.next_action,
        "next_action_due": row.next_action_due.isoformat() if row.next_action_due else None,
        "overdue_actions": row.overdue_actions,
        "last_reviewed": row.last_reviewed_at.isoformat() if row.last_reviewed_at else None,
        "stale": row.stale,
    }


def map_as_json(rows: list[AccountMapRow]) -> str:
    return json.dumps([row_as_record(row) for row in rows], indent=2, ensure_ascii=False)


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made inert with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def map_as_csv(rows: list[AccountMapRow]) -> str:
    """One row per account; numbers stay numbers, text cannot become a formula."""
    buffer = io.StringIO()
    records = [row_as_record(row) for row in rows]
    writer = csv.DictWriter(buffer, fieldnames=RECORD_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for record in records:
        record["key_contacts"] = "; ".join(record["key_contacts"])
        writer.writerow({key: neutralise_formula(value) for key, value in record.items()})
    return buffer.getvalue()


def map_as_table(rows: list[AccountMapRow], width: int | None = None) -> Table:
    """A Rich table of the most important columns that fit in ``width`` cells.

    Columns are taken in order of importance while they fit at their natural width;
    ``None`` means unlimited (output to a file or a pipe is never cut).
    """
    from rich.table import Table

    chosen: list[str] = []
    used = 0
    for key in TABLE_COLUMNS:
        column = COLUMNS_BY_KEY[key]
        needed = column.width + 2
        if width is not None and chosen and used + needed > width:
            continue
        chosen.append(key)
        used += needed
    table = Table(box=None, pad_edge=False, header_style="bold")
    for key in chosen:
        column = COLUMNS_BY_KEY[key]
        table.add_column(
            column.title,
            justify="right" if column.numeric else "left",
            no_wrap=True,
            overflow="ellipsis",
            max_width=column.width if width is not None else None,
        )
    for row in rows:
        table.add_row(*(COLUMNS_BY_KEY[key].text(row) for key in chosen))
    return table
