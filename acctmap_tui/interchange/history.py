"""The change log as JSON or as a table, for ``acctmap history``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.table import Table

from acctmap_tui.data.history_queries import HistoryLine

VALUE_CELL = 40
"""Characters of an old or new value shown in the table (JSON has them whole)."""


def history_as_records(lines: Sequence[HistoryLine]) -> list[dict[str, object]]:
    """Each change as a JSON object; values are the stored JSON text, parsed."""
    return [
        {
            "id": line.id,
            "at": line.at.isoformat(),
            "user": line.user,
            "action": line.action.value,
            "entity": line.entity,
            "entity_id": line.entity_id,
            "account": line.account,
            "field": line.field,
            "old": _parsed(line.old_value),
            "new": _parsed(line.new_value),
            "reverts_id": line.reverts_id,
        }
        for line in lines
    ]


def history_as_json(lines: Sequence[HistoryLine]) -> str:
    return json.dumps(history_as_records(lines), indent=2, ensure_ascii=False)


def _parsed(value: str | None) -> object:
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value


def _cell(value: str | None) -> str:
    shown = "" if value is None else str(_parsed(value))
    shown = " ".join(shown.split())
    return shown if len(shown) <= VALUE_CELL else shown[: VALUE_CELL - 1] + "…"


def history_as_table(lines: Sequence[HistoryLine], *, ascii_only: bool = False) -> Table:
    """Entry id, when, who, what, which field, old → new; long values cut with an ellipsis.

    The id is what ``acctmap revert ID`` takes.
    """
    from rich import box

    table = Table(box=box.ASCII if ascii_only else box.SIMPLE_HEAD)
    table.add_column("#", justify="right", no_wrap=True)
    for header in ("When (UTC)", "Who", "Action", "Record", "Field", "Old", "New"):
        table.add_column(header, overflow="fold")
    for line in lines:
        record = f"{line.entity} {line.entity_id}"
        if line.account and line.entity != "account":
            record += f" ({line.account})"
        elif line.account:
            record = f"account {line.account}"
        action = line.action.label
        if line.reverts_id is not None:
            action += f" of #{line.reverts_id}"
        table.add_row(
            str(line.id),
            line.at.strftime("%Y-%m-%d %H:%M"),
            line.user,
            action,
            record,
            line.field or "",
            _cell(line.old_value),
            _cell(line.new_value),
        )
    return table
