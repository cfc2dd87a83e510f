"""``acctmap export csv``: accounts or contacts as a CSV file a spreadsheet opens safely.

* Headers are the model's field names (``name``, ``revenue_potential``, ``reports_to_id``),
  so ``acctmap import accounts|contacts`` maps them back by name; ``owner_name``,
  ``account_name`` and ``manager_name`` follow the ids they name. Audit columns
  (``created_at``, ``updated_at``, ``version``) come last.
* RFC 4180: the ``csv`` module quotes, CRLF ends each line, UTF-8 with an optional BOM
  (which older Excel needs to read UTF-8).
* Text cells that a spreadsheet would run as a formula (leading ``=``, ``+``, ``-``,
  ``@``, tab, carriage return; OWASP CSV injection) get a leading ``'``. Numbers, money
  (``-5.00``), dates and booleans (``true``/``false``) are written as they are: a
  negative revenue stays a number.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any, TextIO

import sqlalchemy as sa

from acctmap_tui.data.db import Database
from acctmap_tui.data.dump_queries import iter_flat_export
from acctmap_tui.data.types import JSONText, Money
from acctmap_tui.interchange.account_map import neutralise_formula
from acctmap_tui.interchange.json_dump import money_text

KINDS = ("accounts", "contacts")
BOM = "\ufeff"

Cell = Callable[[Any], Any]


def _boolean(value: Any) -> str:
    return "true" if value else "false"


def cell_for(column: sa.ColumnElement[Any]) -> Cell | None:
    """How a non-NULL plain value of ``column`` becomes a cell; None: as it is."""
    column_type = column.type
    if isinstance(column_type, Money):
        return money_text
    if isinstance(column_type, sa.Boolean):
        return _boolean
    if isinstance(column_type, sa.Enum | JSONText | sa.Text | sa.String):
        return neutralise_formula
    if isinstance(column_type, sa.types.TypeDecorator) and isinstance(
        column_type.impl_instance, sa.String
    ):
        return neutralise_formula  # SQLModel's AutoString
    return None


def write_csv(
    database: Database,
    kind: str,
    handle: TextIO,
    *,
    bom: bool = False,
    include_deleted: bool = False,
) -> int:
    """Write every account or contact to ``handle``; returns the number of rows.

    Raises:
        ValueError: ``kind`` is neither ``accounts`` nor ``contacts``.
    """
    if kind not in KINDS:
        raise ValueError(f"export csv writes {' or '.join(KINDS)}, not {kind!r}")
    columns, batches = iter_flat_export(database, kind, include_deleted=include_deleted)
    cells = [(index, cell) for index, column in enumerate(columns) if (cell := cell_for(column))]
    if bom:
        handle.write(BOM)
    writer = csv.writer(handle, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    written = 0
    for batch in batches:
        rows = []
        for row in batch:
            values = list(row)
            for index, cell in cells:
                value = values[index]
                if value is not None:
                    values[index] = cell(value)
            rows.append(values)
        writer.writerows(rows)
        written += len(rows)
    return written
