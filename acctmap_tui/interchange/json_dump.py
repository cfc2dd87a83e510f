"""``acctmap export json``: the whole database as one lossless, deterministic document.

The document (format version 1)::

    {
      "format": "acctmap-json",
      "format_version": 1,
      "schema_revision": "0003",
      "tables": {
        "team_member": {
          "columns": ["id", "name", ...],
          "rows": [
            [1, "Ada Lovelace", ...],
            ...

Tables come in dependency order (parents first), columns in table order, rows in
primary-key order, one row per line: the same database always gives the same bytes,
and two dumps diff line by line. Values (see :func:`~acctmap_tui.data.dump_queries.plain_reader`
and :func:`encoder_for`): money as exact
decimal strings (``"-5.00"``), timestamps as UTC ISO 8601 with microseconds, dates
as ISO, enumerations as their stored value, JSON columns as JSON (keys sorted), and
text, numbers, booleans and NULL as themselves. ``presence`` is left out (see
:data:`~acctmap_tui.data.dump_queries.TRANSIENT_TABLES`).

Rows are streamed table by table and written as they come, so memory does not grow
with the database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

import sqlalchemy as sa

from acctmap_tui.data.db import Database
from acctmap_tui.data.dump_queries import (
    dump_tables,
    iter_row_batches,
    read_snapshot,
    schema_revision,
)
from acctmap_tui.data.types import JSONText, Money

FORMAT_NAME = "acctmap-json"
FORMAT_VERSION = 1
"""Bumped when a reader of the previous version could misread a new document."""

Converter = Callable[[Any], Any]

ROW_ENCODER = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(", ", ": ")
)
"""One encoder for every row: UTF-8 text kept readable, NaN refused (not JSON)."""


def money_text(cents: int) -> str:
    """Integer cents as an exact decimal string: ``-505`` is ``"-5.05"``."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def encoder_for(column: sa.Column[Any]) -> Converter | None:
    """How a non-NULL plain value (see :func:`plain_reader`) becomes JSON; None: as it is."""
    if isinstance(column.type, Money):
        return money_text
    if isinstance(column.type, JSONText):
        return json.loads
    return None


@dataclass
class DumpSummary:
    """What a dump wrote."""

    schema_revision: str | None = None
    rows: dict[str, int] = field(default_factory=dict)
    """Rows written per table, in the order written."""


def _header(revision: str | None) -> str:
    lines = [
        "{",
        f'  "format": {json.dumps(FORMAT_NAME)},',
        f'  "format_version": {FORMAT_VERSION},',
        f'  "schema_revision": {json.dumps(revision)},',
        '  "tables": {',
    ]
    return "\n".join(lines) + "\n"


def _write_table(connection: sa.Connection, table: sa.Table, handle: TextIO, *, last: bool) -> int:
    columns = list(table.columns)
    converters = [
        (index, encoder)
        for index, column in enumerate(columns)
        if (encoder := encoder_for(column)) is not None
    ]
    names = ROW_ENCODER.encode([column.name for column in columns])
    handle.write(f'    {json.dumps(table.name)}: {{\n      "columns": {names},\n      "rows": [')
    encode = ROW_ENCODER.encode
    written = 0
    for batch in iter_row_batches(connection, table):
        if converters:
            converted = []
            for row in batch:
                values = list(row)
                for index, encoder in converters:
                    value = values[index]
                    if value is not None:
                        values[index] = encoder(value)
                converted.append(values)
            batch = converted
        lines = ",\n        ".join(map(encode, batch))
        handle.write(("," if written else "") + "\n        " + lines)
        written += len(batch)
    handle.write("\n      ]\n" if written else "]\n")
    handle.write("    }\n" if last else "    },\n")
    return written


def write_json_dump(database: Database, handle: TextIO) -> DumpSummary:
    """Write every persistent table of ``database`` to ``handle``, from one snapshot.

    Raises:
        ValueError: a value JSON cannot hold exactly (a NaN or infinite float).
    """
    tables = dump_tables()
    summary = DumpSummary()
    with read_snapshot(database) as connection:
        summary.schema_revision = schema_revision(connection)
        handle.write(_header(summary.schema_revision))
        for position, table in enumerate(tables):
            last = position == len(tables) - 1
            summary.rows[table.name] = _write_table(connection, table, handle, last=last)
    handle.write("  }\n}\n")
    return summary
