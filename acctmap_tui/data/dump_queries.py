"""Whole-database reads and writes for the JSON dump and load, in SQLAlchemy Core.

Kept here so :mod:`acctmap_tui.interchange` deals in tables and rows, never in
sessions, transactions or dialects. Rows are streamed in primary-key order so a
dump is deterministic and memory stays flat however large the database is.

Reading goes around the ORM column types on purpose: parsing every timestamp into a
``datetime`` only to print it again cost most of a 10,000-account dump. Columns are
read as the driver returns them and brought to one plain form whatever the engine
(see :func:`plain_reader`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel

from acctmap_tui.data import models  # noqa: F401  (registers every table on the metadata)
from acctmap_tui.data.db import Database, DatabaseError, reset_id_sequences
from acctmap_tui.data.types import JSONText, Money, UTCDateTime

TRANSIENT_TABLES = frozenset({"presence"})
"""Tables left out of a dump: presence is who has the database open right now, and
means nothing in another database. ``alembic_version`` is not on the metadata at all;
the dump records the schema revision in its header instead."""

BATCH_ROWS = 5000
"""Rows fetched (and inserted) per round trip: large enough to be fast, small enough
to keep memory flat."""


def dump_tables() -> list[sa.Table]:
    """Every persistent table, parents before children (so foreign keys hold on load)."""
    return [
        table for table in SQLModel.metadata.sorted_tables if table.name not in TRANSIENT_TABLES
    ]


def self_references(table: sa.Table) -> list[str]:
    """The columns of ``table`` that point at ``table`` itself (e.g. reports-to).

    Rows in key order may point forward, so a load inserts these as NULL and fills them
    in once the whole table is there: portable, unlike deferring constraints.
    """
    return sorted({key.parent.name for key in table.foreign_keys if key.column.table is table})


@contextmanager
def read_snapshot(database: Database) -> Iterator[sa.Connection]:
    """A connection on which every query sees the same committed state.

    SQLite's driver opens no transaction for reads, so one is begun explicitly; on a
    server, repeatable read keeps one snapshot across the per-table queries.
    """
    with database.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        else:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            connection.begin()
        try:
            yield connection
        finally:
            connection.rollback()


def schema_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision stamped in the database."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


TIMESTAMP_TEXT_LENGTH = len("2024-05-01T09:30:00.000000+00:00")
DATE_TEXT_LENGTH = len("2024-05-01")


def _timestamp_text(value: str | datetime) -> str:
    """A stored UTC timestamp as ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00``."""
    if isinstance(value, str):
        if len(value) == TIMESTAMP_TEXT_LENGTH and value[10] == "T":
            return value
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(sep="T", timespec="microseconds") + "+00:00"


def _date_text(value: str | date) -> str:
    if isinstance(value, str):
        return (
            value if len(value) == DATE_TEXT_LENGTH else date.fromisoformat(value[:10]).isoformat()
        )
    return value.isoformat()


def _sqlite_timestamp_text(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    """SQLAlchemy's SQLite storage form (``2024-05-01 09:30:00.000000``) made ISO in SQL.

    Anything else stored there is left for :func:`_timestamp_text` to parse.
    """
    text = sa.type_coerce(column, sa.String())
    return sa.case(
        (
            sa.and_(sa.func.length(text) == 26, sa.func.substr(text, 11, 1) == " "),
            sa.func.substr(text, 1, 10) + "T" + sa.func.substr(text, 12) + "+00:00",
        ),
        else_=text,
    )


@dataclass(frozen=True)
class PlainReader:
    """How one column is selected and brought to its plain form."""

    selected: sa.ColumnElement[Any]
    convert: Callable[[Any], Any] | None = None
    """Applied to non-NULL values; None: the driver's value is already plain."""
    plain_length: int | None = None
    """Text of this length is already plain: a batch holding only such values (the
    usual case) is not converted value by value."""


def plain_reader(column: sa.Column[Any], dialect: str) -> PlainReader:
    """How to select ``column`` and bring a non-NULL value to its plain form.

    Plain forms: timestamps as UTC ISO 8601 text with microseconds, dates as ISO
    text, money as integer cents, enumerations as their stored value, JSON columns as
    their JSON text; other columns as their type gives them (int, float, bool, str).
    """
    column_type = column.type
    as_text = sa.type_coerce(column, sa.String()).label(column.name)
    if isinstance(column_type, UTCDateTime):
        if dialect == "sqlite":
            selected = _sqlite_timestamp_text(column).label(column.name)
            return PlainReader(selected, _timestamp_text, TIMESTAMP_TEXT_LENGTH)
        return PlainReader(as_text, _timestamp_text)
    if isinstance(column_type, sa.Date):
        return PlainReader(as_text, _date_text, DATE_TEXT_LENGTH)
    if isinstance(column_type, Money):
        return PlainReader(sa.type_coerce(column, sa.BigInteger()).label(column.name))
    if isinstance(column_type, sa.Enum | JSONText):
        return PlainReader(as_text)
    if isinstance(column_type, sa.Boolean):
        return PlainReader(column, bool)  # SQLite's driver gives 0 and 1
    return PlainReader(column)


def iter_row_batches(
    connection: sa.Connection, table: sa.Table, batch_rows: int = BATCH_ROWS
) -> Iterator[list[Sequence[Any]]]:
    """The table's rows in primary-key order and plain form, ``batch_rows`` at a time."""
    columns = list(table.columns)
    yield from _plain_batches(
        connection, columns, lambda select: select.order_by(*table.primary_key.columns), batch_rows
    )


def _plain_batches(
    connection: sa.Connection,
    columns: Sequence[sa.Column[Any]],
    finish: Callable[[sa.Select[Any]], sa.Select[Any]],
    batch_rows: int = BATCH_ROWS,
) -> Iterator[list[Sequence[Any]]]:
    """Rows of ``columns`` in plain form; ``finish`` adds joins, filters and order."""
    readers = [plain_reader(column, connection.dialect.name) for column in columns]
    converters = [
        (index, reader.convert, reader.plain_length)
        for index, reader in enumerate(readers)
        if reader.convert is not None
    ]
    statement = finish(sa.select(*(reader.selected for reader in readers)))
    for partition in _fetch_batches(connection, statement, batch_rows):
        needed = [
            (index, convert)
            for index, convert, length in converters
            if length is None or not _all_plain(partition, index, length)
        ]
        if not needed:
            yield partition
            continue
        batch = []
        for row in partition:
            values = list(row)
            for index, convert in needed:
                value = values[index]
                if value is not None:
                    values[index] = convert(value)
            batch.append(values)
        yield batch


def _all_plain(rows: Sequence[Sequence[Any]], index: int, length: int) -> bool:
    """Whether every value in the column is NULL or text of the plain length."""
    return all(type(v) is str and len(v) == length for row in rows if (v := row[index]) is not None)


# --- flat exports of accounts and contacts (CSV) ------------------------------------------

AUDIT_COLUMNS = ("created_at", "updated_at", "version")
"""Moved to the end of a flat export: what a spreadsheet user reads first is the record."""


def _flat_columns(table: sa.Table, names_after: dict[str, sa.Column[Any]]) -> list[sa.Column[Any]]:
    """The table's columns, audit columns last, each ``*_id`` followed by its name if given."""
    ordered = [c for c in table.columns if c.name not in AUDIT_COLUMNS]
    ordered += [table.columns[name] for name in AUDIT_COLUMNS if name in table.columns]
    columns: list[sa.Column[Any]] = []
    for column in ordered:
        columns.append(column)
        if column.name in names_after:
            columns.append(names_after[column.name])
    return columns


def flat_export(
    kind: str, *, include_deleted: bool = False
) -> tuple[list[sa.Column[Any]], Callable[[sa.Select[Any]], sa.Select[Any]]]:
    """The columns of a flat account or contact export and how to finish its query.

    Accounts carry their owner's name (``owner_name``); contacts their account's name
    (``account_name``) and their manager's (``manager_name``, whom they report to).
    Accounts in the bin (and their contacts) are left out unless asked for.
    """
    account = models.Account.__table__
    member = models.TeamMember.__table__.alias("owner")
    if kind == "accounts":
        owner_name = member.c.name.label("owner_name")
        columns = _flat_columns(account, {"owner_id": owner_name})

        def finish_accounts(select: sa.Select[Any]) -> sa.Select[Any]:
            select = select.select_from(
                account.outerjoin(member, member.c.id == account.c.owner_id)
            )
            if not include_deleted:
                select = select.where(account.c.deleted_at.is_(None))
            return select.order_by(account.c.id)

        return columns, finish_accounts
    contact = models.Contact.__table__
    manager = contact.alias("manager")
    columns = _flat_columns(
        contact,
        {
            "account_id": account.c.name.label("account_name"),
            "reports_to_id": manager.c.name.label("manager_name"),
        },
    )

    def finish_contacts(select: sa.Select[Any]) -> sa.Select[Any]:
        select = select.select_from(
            contact.join(account, account.c.id == contact.c.account_id).outerjoin(
                manager, manager.c.id == contact.c.reports_to_id
            )
        )
        if not include_deleted:
            select = select.where(account.c.deleted_at.is_(None))
        return select.order_by(contact.c.id)

    return columns, finish_contacts


def iter_flat_export(
    database: Database, kind: str, *, include_deleted: bool = False
) -> tuple[list[sa.Column[Any]], Iterator[list[Sequence[Any]]]]:
    """The columns of a flat export and its rows in plain form, streamed from one snapshot."""
    columns, finish = flat_export(kind, include_deleted=include_deleted)

    def batches() -> Iterator[list[Sequence[Any]]]:
        with read_snapshot(database) as connection:
            yield from _plain_batches(connection, columns, finish)

    return columns, batches()


def _fetch_batches(
    connection: sa.Connection, statement: sa.Select[Any], batch_rows: int
) -> Iterator[list[Sequence[Any]]]:
    """Raw driver rows, streamed.

    On SQLite the driver's own cursor streams and skips building result rows, which
    halves the time of a dump; elsewhere ``yield_per`` asks for a server-side cursor.
    """
    if connection.dialect.name != "sqlite":
        result = connection.execution_options(yield_per=batch_rows).execute(statement)
        for partition in result.partitions(batch_rows):
            yield [tuple(row) for row in partition]
        return
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(batch_rows):
            yield batch
    finally:
        cursor.close()


def count_rows(connection: sa.Connection, tables: Sequence[sa.Table]) -> dict[str, int]:
    """Rows per table, for the tables that hold any."""
    counts = {}
    for table in tables:
        count = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        if count:
            counts[table.name] = count
    return counts


class BrokenReferences(DatabaseError):
    """Loaded rows point at rows that do not exist."""


@contextmanager
def load_transaction(database: Database) -> Iterator[sa.Connection]:
    """One transaction for a whole load: all of it is written, or none of it.

    On SQLite the write lock is taken at once (so the emptiness check and the load see
    the same database) and references are checked once before commit rather than row by
    row, which is a third faster. Id sequences are moved past the loaded ids (PostgreSQL).

    Raises:
        BrokenReferences: rows refer to rows that are not there; nothing is committed.
    """
    with database.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                try:
                    yield connection
                except sa.exc.IntegrityError as error:
                    # PostgreSQL checks each reference as the row goes in: the same
                    # report as SQLite's check below, for the first broken one.
                    broken_reference = _broken_reference(error)
                    if broken_reference is None:
                        raise
                    raise broken_reference from None
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        table, _, parent, _ = broken[0]
                        raise BrokenReferences(
                            f"{len(broken)} references do not hold (first: a {table} row "
                            f"pointing at a missing {parent})"
                        )
                reset_id_sequences(connection)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()


FOREIGN_KEY_VIOLATION = "23503"
"""PostgreSQL's SQLSTATE for a row pointing at a row that is not there."""


def _broken_reference(error: sa.exc.IntegrityError) -> BrokenReferences | None:
    """PostgreSQL's foreign-key violation, told as :class:`BrokenReferences`; else None."""
    if getattr(error.orig, "sqlstate", None) != FOREIGN_KEY_VIOLATION:
        return None
    diagnostics = getattr(error.orig, "diag", None)
    table_name = getattr(diagnostics, "table_name", None)
    constraint = getattr(diagnostics, "constraint_name", None)
    table = SQLModel.metadata.tables.get(table_name or "")
    parents = [
        key.column.table.name
        for key in (table.foreign_keys if table is not None else ())
        if key.constraint is not None and key.constraint.name == constraint
    ]
    parent = parents[0] if parents else "row"
    return BrokenReferences(
        f"references do not hold (first: a {table_name or 'loaded'} row "
        f"pointing at a missing {parent})"
    )


def insert_rows(
    connection: sa.Connection, table: sa.Table, columns: Sequence[str], rows: list[list[Any]]
) -> None:
    """Insert rows given as values in ``columns`` order, with one executemany.

    The values are what the columns' types bind (``Decimal`` money, aware datetimes).
    On SQLite the types' bind processors are applied here and the driver is called
    directly: building a parameter dictionary per row cost more than the inserts.
    """
    if not rows:
        return
    if connection.dialect.name != "sqlite":
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=list(columns))
    order = [columns.index(name) for name in compiled.positiontup or ()]
    processors = [(i, table.columns[columns[i]].type.bind_processor(dialect)) for i in order]
    parameters: list[list[Any]] = [[row[i] for i in order] for row in rows]
    for position, (_, process) in enumerate(processors):
        if process is not None:
            for values in parameters:
                values[position] = process(values[position])
    sql = str(compiled)
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, parameters)
    except dialect.loaded_dbapi.Error as error:
        # Raised as SQLAlchemy raises it, so callers handle one family of errors.
        raise sa.exc.DBAPIError.instance(
            sql, None, error, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
        ) from error
    finally:
        cursor.close()


def set_self_references(
    connection: sa.Connection, table: sa.Table, column: str, rows: list[dict[str, Any]]
) -> None:
    """Fill in a self-referencing column: ``rows`` hold the primary key and the value."""
    if not rows:
        return
    keys = list(table.primary_key.columns)
    statement = (
        table.update()
        .where(*(key == sa.bindparam(f"key_{key.name}") for key in keys))
        .values({column: sa.bindparam(f"value_{column}")})
    )
    connection.execute(statement, rows)
