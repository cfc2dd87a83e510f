"""``acctmap import json``: load a JSON export (see :mod:`json_dump`) into an empty database.

All of it is loaded in one transaction, or none of it: a truncated file, a value of
the wrong type or a broken reference leaves the database as it was. Ids are kept, so
every reference holds; id sequences are moved past them afterwards (PostgreSQL).

The whole document is parsed before anything is written (about three times the
file's size in memory); each table's rows are released once inserted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from acctmap_tui.data.db import Database
from acctmap_tui.data.dump_queries import (
    BATCH_ROWS,
    TRANSIENT_TABLES,
    BrokenReferences,
    count_rows,
    dump_tables,
    insert_rows,
    load_transaction,
    self_references,
    set_self_references,
)
from acctmap_tui.data.schema_version import SCHEMA_HEAD
from acctmap_tui.data.types import JSONText, Money, UTCDateTime
from acctmap_tui.errors import AcctmapError
from acctmap_tui.interchange.json_dump import FORMAT_NAME, FORMAT_VERSION

NOTHING_WRITTEN = "nothing was imported"


class JsonImportError(AcctmapError):
    """The file cannot be loaded; the database was left unchanged."""


@dataclass
class LoadSummary:
    """What a load wrote."""

    schema_revision: str
    rows: dict[str, int] = field(default_factory=dict)


class _BadValue(ValueError):
    """A JSON value that the column cannot hold."""


# --- decoding values -----------------------------------------------------------------


def _money(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise _BadValue(f'money must be a decimal string such as "1234.50", not {value!r}')
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _BadValue(f"{value!r} is not an amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise _BadValue(f"{value!r} is not an amount in cents")
    return amount


def _timestamp(value: Any) -> datetime:
    if not isinstance(value, str):
        raise _BadValue(f"a timestamp must be ISO 8601 text, not {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _BadValue(f"{value!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise _BadValue(f"{value!r} has no time zone")
    return moment


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise _BadValue(f"a date must be ISO 8601 text, not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _BadValue(f"{value!r} is not an ISO 8601 date") from None


Decoder = Callable[[Any], Any]


@dataclass(frozen=True)
class _ColumnRule:
    """How one column's JSON values are checked (by type, cheaply) or decoded."""

    name: str
    allowed_types: frozenset[type] | None = None
    """Checked per batch; None: any JSON value (JSON columns) or decoded instead."""
    allowed_values: frozenset[str] | None = None
    decode: Decoder | None = None


def _rule(column: sa.Column[Any]) -> _ColumnRule:
    column_type = column.type
    name = column.name
    if isinstance(column_type, Money):
        return _ColumnRule(name, decode=_money)
    if isinstance(column_type, UTCDateTime):
        return _ColumnRule(name, decode=_timestamp)
    if isinstance(column_type, sa.Date):
        return _ColumnRule(name, decode=_date)
    if isinstance(column_type, JSONText):
        return _ColumnRule(name)
    if isinstance(column_type, sa.Enum):
        return _ColumnRule(name, frozenset({str}), frozenset(column_type.enums))
    if isinstance(column_type, sa.Boolean):
        return _ColumnRule(name, frozenset({bool}))
    if isinstance(column_type, sa.Integer):
        return _ColumnRule(name, frozenset({int}))
    if isinstance(column_type, sa.Float):
        return _ColumnRule(name, frozenset({float, int}))
    return _ColumnRule(name, frozenset({str}))


def _describe(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_batch(table: str, rules: list[_ColumnRule], rows: list[Any], first: int) -> None:
    """Type-check whole columns of a batch at once (fast), then decode what needs it."""
    width = len(rules)
    for offset, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != width:
            raise JsonImportError(
                f"{table} row {first + offset + 1} should be a list of {width} values; "
                f"{NOTHING_WRITTEN}"
            )
    for index, rule in enumerate(rules):
        if rule.allowed_types is not None:
            found = {type(row[index]) for row in rows} - {type(None)}
            if not found <= rule.allowed_types:
                _fail_at(
                    table, rule, rows, first, index, lambda v, r=rule: type(v) in r.allowed_types
                )
        if rule.allowed_values is not None:
            found_values = {row[index] for row in rows} - {None}
            if not found_values <= rule.allowed_values:
                _fail_at(table, rule, rows, first, index, lambda v, r=rule: v in r.allowed_values)
        if rule.decode is not None:
            decode = rule.decode
            for offset, row in enumerate(rows):
                value = row[index]
                if value is not None:
                    try:
                        row[index] = decode(value)
                    except _BadValue as error:
                        raise JsonImportError(
                            f"{table} row {first + offset + 1}, {rule.name}: {error}; "
                            f"{NOTHING_WRITTEN}"
                        ) from None


def _fail_at(
    table: str,
    rule: _ColumnRule,
    rows: list[Any],
    first: int,
    index: int,
    fits: Callable[[Any], bool],
) -> None:
    for offset, row in enumerate(rows):
        value = row[index]
        if value is not None and not fits(value):
            expected = (
                "one of " + ", ".join(sorted(rule.allowed_values))
                if rule.allowed_values and isinstance(value, str)
                else " or ".join(sorted(kind.__name__ for kind in rule.allowed_types or ()))
            )
            raise JsonImportError(
                f"{table} row {first + offset + 1}, {rule.name}: {_describe(value)} is not "
                f"{expected}; {NOTHING_WRITTEN}"
            )


# --- the document ----------------------------------------------------------------------


def read_document(path: Path) -> dict[str, Any]:
    """Parse the file and check its header; nothing is written yet."""
    try:
        with path.open("r", encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise JsonImportError(f"no file {path}") from None
    except OSError as error:
        raise JsonImportError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise JsonImportError(f"{path} is not UTF-8 text; {NOTHING_WRITTEN}") from None
    except json.JSONDecodeError as error:
        raise JsonImportError(
            f"{path} is not complete JSON (line {error.lineno}, column {error.colno}: "
            f"{error.msg}); is it truncated? {NOTHING_WRITTEN}"
        ) from None
    check_header(document, str(path))
    return document


def check_header(document: Any, name: str) -> None:
    """Refuse anything but an acctmap export of a format and schema this build reads."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise JsonImportError(
            f"{name} is not an acctmap JSON export (from `acctmap export json`); {NOTHING_WRITTEN}"
        )
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise JsonImportError(
            f"{name} has an unknown format version {version!r}; {NOTHING_WRITTEN}"
        )
    if version > FORMAT_VERSION:
        raise JsonImportError(
            f"{name} is format version {version}, written by a newer acctmap; this acctmap "
            f"reads format version {FORMAT_VERSION}. Upgrade acctmap; {NOTHING_WRITTEN}"
        )
    revision = document.get("schema_revision")
    if not isinstance(revision, str) or not revision.isdigit():
        raise JsonImportError(
            f"{name} has an unknown schema revision {revision!r}; {NOTHING_WRITTEN}"
        )
    if int(revision) > int(SCHEMA_HEAD):
        raise JsonImportError(
            f"{name} holds schema {revision}, newer than this acctmap's {SCHEMA_HEAD}. "
            f"Upgrade acctmap; {NOTHING_WRITTEN}"
        )
    if not isinstance(document.get("tables"), dict):
        raise JsonImportError(f"{name} has no tables; {NOTHING_WRITTEN}")


def _table_plan(tables: dict[str, Any]) -> list[tuple[sa.Table, list[str], list[Any]]]:
    """Match the document's tables and columns to ours, parents first."""
    known = {table.name: table for table in dump_tables()}
    for name in tables:
        if name not in known and name not in TRANSIENT_TABLES:
            raise JsonImportError(
                f"the export holds a table {name!r} this acctmap does not know; {NOTHING_WRITTEN}"
            )
    plan = []
    for name, table in known.items():
        entry = tables.get(name)
        if entry is None:
            continue
        if not isinstance(entry, dict):
            raise JsonImportError(f"table {name} is not an object; {NOTHING_WRITTEN}")
        columns, rows = entry.get("columns"), entry.get("rows")
        if not isinstance(columns, list) or not isinstance(rows, list):
            raise JsonImportError(f"table {name} needs columns and rows; {NOTHING_WRITTEN}")
        unknown = [column for column in columns if column not in table.columns]
        if unknown or len(set(columns)) != len(columns):
            raise JsonImportError(
                f"table {name} has unknown or repeated columns {unknown or columns}; "
                f"{NOTHING_WRITTEN}"
            )
        plan.append((table, columns, rows))
    return plan


# --- loading ---------------------------------------------------------------------------


def load_json_dump(database: Database, path: Path) -> LoadSummary:
    """Load the export at ``path`` into ``database``, which must hold no rows.

    Raises:
        JsonImportError: why nothing was imported.
    """
    document = read_document(path)
    plan = _table_plan(document["tables"])
    summary = LoadSummary(schema_revision=document["schema_revision"])
    try:
        with load_transaction(database) as connection:
            existing = count_rows(connection, dump_tables())
            if existing:
                held = ", ".join(f"{n} {name}" for name, n in list(existing.items())[:3])
                if len(existing) > 3:
                    held += ", ..."
                raise JsonImportError(
                    f"database {database.name} is not empty ({held}); import json loads "
                    f"only into an empty database. Use a new --db; {NOTHING_WRITTEN}"
                )
            for table, columns, rows in plan:
                summary.rows[table.name] = _load_table(connection, table, columns, rows)
                rows.clear()  # release the parsed rows as we go
    except BrokenReferences as error:
        raise JsonImportError(f"the export's {error}; {NOTHING_WRITTEN}") from None
    except sa.exc.IntegrityError as error:
        raise JsonImportError(
            f"the export breaks a database rule ({_first_line(error.orig)}); {NOTHING_WRITTEN}"
        ) from None
    except sa.exc.StatementError as error:
        raise JsonImportError(
            f"a value cannot be stored ({_first_line(error.orig)}); {NOTHING_WRITTEN}"
        ) from None
    return summary


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error is not None else "unknown error"


def _load_table(
    connection: sa.Connection, table: sa.Table, columns: list[str], rows: list[Any]
) -> int:
    rules = [_rule(table.columns[name]) for name in columns]
    deferred = [name for name in self_references(table) if name in columns]
    deferred_at = [columns.index(name) for name in deferred]
    keys = [column.name for column in table.primary_key.columns]
    if deferred and not set(keys) <= set(columns):
        raise JsonImportError(f"table {table.name} has no primary key column; {NOTHING_WRITTEN}")
    key_at = [columns.index(name) for name in keys]
    later: dict[str, list[dict[str, Any]]] = {name: [] for name in deferred}
    for first in range(0, len(rows), BATCH_ROWS):
        batch = rows[first : first + BATCH_ROWS]
        _check_batch(table.name, rules, batch, first)
        for name, index in zip(deferred, deferred_at, strict=True):
            for row in batch:
                if row[index] is not None:
                    update = {f"key_{key}": row[at] for key, at in zip(keys, key_at, strict=True)}
                    update[f"value_{name}"] = row[index]
                    later[name].append(update)
                    row[index] = None
        insert_rows(connection, table, columns, batch)
    for name, updates in later.items():
        set_self_references(connection, table, name, updates)
    return len(rows)
