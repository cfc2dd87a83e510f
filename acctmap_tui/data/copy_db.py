"""``acctmap copy-db``: move a whole database between SQLite and PostgreSQL, losslessly.

Every persistent table is copied in dependency order (parents first) with its ids,
so every reference holds; ``presence`` is skipped on purpose: it says who has the
*source* open right now, which means nothing in another database (the same rule as
the JSON export, :data:`~acctmap_tui.data.dump_queries.TRANSIENT_TABLES`).

Values travel in their stored form, never through the ORM's Python types: rows are
read as the JSON export reads them (:func:`~acctmap_tui.data.dump_queries.iter_row_batches`:
money as integer cents, timestamps as UTC ISO text, enumerations and JSON as their
text) and bound through each column's storage type (:func:`storage_table`). Nothing
is rounded or re-encoded on the way, so the JSON export of both sides is
byte-identical (:func:`first_difference` checks it).

All or nothing:

* a server destination (PostgreSQL) is written in ONE transaction: nothing is
  visible until the commit, and any error rolls everything back (``--replace``
  empties it inside that same transaction);
* an SQLite destination is built in a temporary file beside the target, which is
  renamed over the target only once complete and committed: a failure or a kill
  leaves the old file untouched (the temporary file is removed on error; one left
  by a kill is removed by the next copy to that target).

The source is only read, from one consistent snapshot, and must be at this build's
schema revision: a copy never mixes schemas.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import sqlalchemy as sa

from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.dump_queries import (
    count_rows,
    dump_tables,
    insert_rows,
    iter_row_batches,
    load_transaction,
    read_snapshot,
)
from acctmap_tui.data.location import display_name, resolve_url, sqlite_file
from acctmap_tui.data.schema_version import SCHEMA_HEAD
from acctmap_tui.errors import AcctmapError, DatabaseError

NOTHING_WRITTEN = "nothing was written"


class CopyError(AcctmapError):
    """The copy was refused or failed; the destination was left as it was."""


class CopyProgress(Protocol):
    """Told how far the copy has got (the CLI draws a progress bar from it)."""

    def started(self, counts: dict[str, int]) -> None:
        """Rows to copy per table, in copy order, before the first row is written."""

    def advanced(self, table: str, rows: int) -> None:
        """``rows`` more rows of ``table`` were written."""


@dataclass
class CopySummary:
    """What a copy wrote, for the final line."""

    source: str
    destination: str
    rows: dict[str, int] = field(default_factory=dict)
    """Rows copied per table, in copy order (tables with none included)."""
    seconds: float = 0.0

    def line(self) -> str:
        """``Copied 10,000 accounts, 86,308 contacts and 185,003 other rows from … in 12.3 s``."""
        accounts = self.rows.get("account", 0)
        contacts = self.rows.get("contact", 0)
        others = sum(self.rows.values()) - accounts - contacts
        return (
            f"Copied {accounts:,} accounts, {contacts:,} contacts and {others:,} other rows "
            f"({len(self.rows)} tables) from {self.source} to {self.destination} "
            f"in {self.seconds:.1f} s"
        )


# --- storage form ---------------------------------------------------------------------


def storage_type(column: sa.Column[Any]) -> sa.types.TypeEngine[Any]:
    """The type ``column`` is stored as, without the Python-side conversion on top.

    Money is its integer cents, UTC timestamps naive UTC datetimes, JSON its text,
    enumerations their text (unvalidated: whatever is stored is copied).
    """
    column_type = column.type
    if isinstance(column_type, sa.types.TypeDecorator):
        return column_type.impl_instance
    if isinstance(column_type, sa.Enum):
        return sa.String(column_type.length)
    return column_type


def storage_table(table: sa.Table) -> sa.Table:
    """A stand-in for ``table``: same name, columns and primary key, in storage types."""
    return sa.Table(
        table.name,
        sa.MetaData(),
        *(
            sa.Column(column.name, storage_type(column), primary_key=column.primary_key)
            for column in table.columns
        ),
    )


def _timestamp(text: str) -> datetime:
    """Plain UTC ISO text (``…+00:00``) as the naive UTC datetime the column stores."""
    return datetime.fromisoformat(text[:26])


def _binders(table: sa.Table) -> list[tuple[int, Callable[[Any], Any]]]:
    """Per column index, how a plain value (see ``plain_reader``) becomes a bound one."""
    binders: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(table.columns):
        stored = storage_type(column)
        if isinstance(stored, sa.DateTime):
            binders.append((index, _timestamp))
        elif isinstance(stored, sa.Date):
            binders.append((index, date.fromisoformat))
    return binders


# --- opening both sides ---------------------------------------------------------------


def _parsed(url: str, option: str) -> sa.URL:
    try:
        return sa.make_url(url)
    except sa.exc.ArgumentError:
        raise CopyError(
            f"{option}: {url!r} is neither a database file path nor a valid database URL "
            "(e.g. postgresql+psycopg://user@host/dbname)"
        ) from None


def _identity(url: sa.URL) -> tuple[Any, ...]:
    """What names one database whatever the spelling (driver, password, default port)."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database or ""
        if database and database != ":memory:":
            database = os.path.realpath(database)
        return (backend, database)
    port = url.port or {"postgresql": 5432}.get(backend)
    host = url.host or "localhost"
    host = "localhost" if host in ("127.0.0.1", "::1") else host
    return (backend, host, port, url.database)


def _schema_problem(option: str, database: Database) -> str | None:
    """Why the source cannot be copied as it stands, or None when it is at this build's schema."""
    current = database.schema_state().current
    if current == SCHEMA_HEAD:
        return None
    if current is None:
        return f"{option}: {database.name} holds no acctmap database (no schema revision); check it"
    if current.isdigit() and SCHEMA_HEAD.isdigit() and current > SCHEMA_HEAD:
        return (
            f"{option}: {database.name} is at schema {current}, newer than this acctmap's "
            f"{SCHEMA_HEAD}; upgrade acctmap and copy again"
        )
    return (
        f"{option}: {database.name} is at schema {current}, this acctmap copies schema "
        f"{SCHEMA_HEAD}; open it once with this acctmap (e.g. `acctmap accounts --db ...`) "
        "to upgrade it, then copy again"
    )


def open_source(target: str | os.PathLike[str]) -> Database:
    """The source database, opened for reading only and checked to be at this schema.

    Raises:
        CopyError: it is missing, unreachable or at another schema revision.
    """
    url = resolve_url(target)
    _parsed(url, "--from")
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise CopyError(f"--from: no database file at {path}; give an existing acctmap database")
    try:
        database = open_database(url, migrate=False, read_only=True)
    except DatabaseError as error:
        raise CopyError(f"--from: {error}") from None
    try:
        problem = _schema_problem("--from", database)
    except sa.exc.SQLAlchemyError as error:
        database.close()
        raise CopyError(f"--from: cannot read {database.name}: {_first_line(error)}") from None
    if problem is not None:
        database.close()
        raise CopyError(problem)
    return database


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def _held(counts: dict[str, int]) -> str:
    held = ", ".join(f"{rows:,} {name}" for name, rows in list(counts.items())[:3])
    return held + (", ..." if len(counts) > 3 else "")


def _not_empty(name: str, counts: dict[str, int]) -> CopyError:
    return CopyError(
        f"--to: {name} already holds data ({_held(counts)}); pass --replace to empty it "
        f"and copy, or choose an empty database; {NOTHING_WRITTEN}"
    )


# --- copying ----------------------------------------------------------------------------


def _copy_table(
    reading: sa.Connection, writing: sa.Connection, table: sa.Table, progress: CopyProgress | None
) -> int:
    """Copy one table in batches, rows whole and in key order.

    A row may point forward within its own table (a contact reporting to a later
    one): that is fine, as references are checked once the load is complete (SQLite:
    ``load_transaction``; PostgreSQL: :func:`_references_checked_at_end`).
    """
    stored = storage_table(table)
    columns = [column.name for column in table.columns]
    binders = _binders(table)
    copied = 0
    for batch in iter_row_batches(reading, table):
        rows = [list(row) for row in batch]
        if binders:
            for row in rows:
                for index, bind in binders:
                    if row[index] is not None:
                        row[index] = bind(row[index])
        _write_rows(writing, stored, columns, rows)
        copied += len(rows)
        if progress is not None:
            progress.advanced(table.name, len(rows))
    return copied


def _quoted(connection: sa.Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _write_rows(
    writing: sa.Connection, table: sa.TableClause, columns: list[str], rows: list[list[Any]]
) -> None:
    """Insert rows (values in ``columns`` order, already in storage form).

    PostgreSQL gets them through ``COPY``: with ``executemany`` the 10,000-account
    demo (280,000 rows) took about a minute to copy, far over the 30 s budget.
    """
    if writing.dialect.name != "postgresql" or writing.dialect.driver != "psycopg":
        assert isinstance(table, sa.Table)
        insert_rows(writing, table, columns, rows)
        return
    names = ", ".join(_quoted(writing, name) for name in columns)
    statement = f"COPY {_quoted(writing, table.name)} ({names}) FROM STDIN"
    cursor = writing.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    finally:
        cursor.close()


def _copy_all(
    source: Database,
    destination: Database,
    *,
    replace: bool,
    progress: CopyProgress | None,
    check_empty: bool = True,
) -> dict[str, int]:
    """Copy every persistent table from ``source`` into ``destination`` in one transaction."""
    tables = dump_tables()
    copied: dict[str, int] = {}
    with read_snapshot(source) as reading, load_transaction(destination) as writing:
        existing = count_rows(writing, tables)
        if existing and check_empty and not replace:
            raise _not_empty(destination.name, existing)
        if existing:
            _empty_all_tables(writing)
        counts = {table.name: count_rows(reading, [table]).get(table.name, 0) for table in tables}
        if progress is not None:
            progress.started(counts)
        with _references_checked_at_end(writing):
            for table in tables:
                copied[table.name] = _copy_table(reading, writing, table, progress)
    return copied


def _empty_all_tables(writing: sa.Connection) -> None:
    """Delete every row (``presence`` too), inside the copy's transaction."""
    from sqlmodel import SQLModel

    tables = list(reversed(SQLModel.metadata.sorted_tables))
    if writing.dialect.name == "postgresql":
        # TRUNCATE is transactional on PostgreSQL, and far quicker than DELETE.
        names = ", ".join(_quoted(writing, table.name) for table in tables)
        writing.exec_driver_sql(f"TRUNCATE {names}")
        return
    for table in tables:
        writing.execute(table.delete())


@contextmanager
def _references_checked_at_end(writing: sa.Connection) -> Iterator[None]:
    """On PostgreSQL, check foreign keys once per constraint after the load, not per row.

    Each foreign key is dropped and added back (with its own definition) inside the
    copy's transaction, so other sessions never see the tables without them; adding
    one back checks every row with a single query instead of one per row (pg_restore
    loads the same way), and rows pointing forward in their own table can go in whole.
    On SQLite ``load_transaction`` does the same with ``PRAGMA foreign_key_check``.
    """
    if writing.dialect.name != "postgresql":
        yield
        return
    constraints = writing.exec_driver_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' "
        "AND connamespace = current_schema()::regnamespace ORDER BY conrelid, conname"
    ).all()
    for table, name, _ in constraints:
        writing.exec_driver_sql(f"ALTER TABLE {table} DROP CONSTRAINT {_quoted(writing, name)}")
    yield
    for table, name, definition in constraints:
        writing.exec_driver_sql(
            f"ALTER TABLE {table} ADD CONSTRAINT {_quoted(writing, name)} {definition}"
        )


def copy_database(
    source: str | os.PathLike[str],
    destination: str | os.PathLike[str],
    *,
    replace: bool = False,
    progress: CopyProgress | None = None,
) -> CopySummary:
    """Copy every persistent table of ``source`` into ``destination``, keeping ids.

    ``source`` and ``destination`` are database file paths or SQLAlchemy URLs (as
    ``--db`` takes them). The destination's schema is created or upgraded first; it
    must hold no data unless ``replace`` is given.

    Raises:
        CopyError: a one-line reason; the destination was left as it was.
    """
    started = time.perf_counter()
    source_url = resolve_url(source)
    destination_url = resolve_url(destination)
    if _identity(_parsed(source_url, "--from")) == _identity(_parsed(destination_url, "--to")):
        raise CopyError(
            f"--from and --to both name {display_name(source_url)}; give two different databases"
        )
    source_db = open_source(source_url)
    try:
        summary = CopySummary(source=source_db.name, destination=display_name(destination_url))
        target = sqlite_file(destination_url)
        try:
            if target is None:
                summary.rows = _copy_to_server(source_db, destination_url, replace, progress)
            else:
                summary.rows = _copy_to_file(source_db, target, replace, progress)
        except sa.exc.SQLAlchemyError as error:
            raise CopyError(
                f"copy to {summary.destination} failed ({_first_line(error)}); {NOTHING_WRITTEN}"
            ) from None
    finally:
        source_db.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _open_destination(url: str) -> Database:
    try:
        return open_database(url)
    except DatabaseError as error:
        raise CopyError(f"--to: {error}") from None


def _copy_to_server(
    source: Database, url: str, replace: bool, progress: CopyProgress | None
) -> dict[str, int]:
    destination = _open_destination(url)
    try:
        return _copy_all(source, destination, replace=replace, progress=progress)
    finally:
        destination.close()


def _existing_file_data(target: Path) -> dict[str, int]:
    """Rows per table already in the target file (which must be an acctmap database)."""
    try:
        database = open_database(target, migrate=False, read_only=True)
    except DatabaseError as error:
        raise CopyError(f"--to: {error}") from None
    try:
        with database.engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
            if names and "alembic_version" not in names:
                raise CopyError(
                    f"--to: {target} holds tables that are not acctmap's; choose another "
                    f"file; {NOTHING_WRITTEN}"
                )
            return count_rows(connection, [t for t in dump_tables() if t.name in names])
    except sa.exc.SQLAlchemyError as error:
        raise CopyError(f"--to: cannot read {target}: {_first_line(error)}") from None
    finally:
        database.close()


def _empty_write_ahead_log(target: Path) -> None:
    """Fold the target's ``-wal`` into it and truncate it, so no old page outlives the rename.

    A non-empty ``-wal`` left beside the new file would be replayed into it.
    """
    if not Path(f"{target}-wal").exists():
        return
    connection = sqlite3.connect(target, timeout=5)
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as error:
        raise CopyError(f"--to: cannot prepare {target} for replacing: {error}") from None
    finally:
        connection.close()
    if busy:
        raise CopyError(
            f"--to: {target} is in use by another program; close acctmap there and "
            f"copy again; {NOTHING_WRITTEN}"
        )


@contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A fresh path next to ``target`` (same file system, so the rename is atomic).

    Files left by a copy that was killed (its process is gone) are removed first.
    """
    _remove_abandoned_copies(target)
    temporary = target.with_name(f"{target.name}.copy-{os.getpid()}.tmp")
    paths = [Path(f"{temporary}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    for path in paths:
        path.unlink(missing_ok=True)
    try:
        yield temporary
    finally:
        for path in paths:
            path.unlink(missing_ok=True)


def _remove_abandoned_copies(target: Path) -> None:
    prefix = f"{target.name}.copy-"
    for path in target.parent.glob(f"{glob.escape(prefix)}*.tmp*"):
        pid = path.name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # alive, but another user's: not ours to remove


def _copy_to_file(
    source: Database, target: Path, replace: bool, progress: CopyProgress | None
) -> dict[str, int]:
    if target.is_dir():
        raise CopyError(f"--to: {target} is a folder; give a database file path")
    existed = target.exists()
    if existed:
        existing = _existing_file_data(target)
        if existing and not replace:
            raise _not_empty(str(target), existing)
    with _temporary_beside(target) as temporary:
        destination = _open_destination(str(temporary))
        try:
            copied = _copy_all(
                source, destination, replace=False, progress=progress, check_empty=False
            )
            with destination.engine.connect() as connection:
                # One self-contained file: no -wal to carry along with the rename.
                connection.exec_driver_sql("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        if existed:
            if not replace:
                existing = _existing_file_data(target)  # written to while we copied?
                if existing:
                    raise _not_empty(str(target), existing)
            _empty_write_ahead_log(target)
            _keep_mode_and_group(target, temporary)
        os.replace(temporary, target)
    return copied


def _keep_mode_and_group(target: Path, replacement: Path) -> None:
    """Give the new file the old one's permissions (and group, where allowed)."""
    info = target.stat()
    os.chmod(replacement, info.st_mode & 0o777)
    with contextlib.suppress(OSError):  # not in that group: the file keeps ours
        os.chown(replacement, -1, info.st_gid)


# --- verifying ---------------------------------------------------------------------------


def first_difference(
    source: str | os.PathLike[str], destination: str | os.PathLike[str]
) -> str | None:
    """Compare the JSON exports of both databases; the first differing line, or None.

    Each export is written to a temporary file and the two are read line by line, so
    memory stays flat (a 10,000-account export is about 60 MB).

    Raises:
        CopyError: either database cannot be opened.
    """
    from acctmap_tui.interchange.json_dump import write_json_dump

    with tempfile.TemporaryDirectory(prefix="acctmap-verify-") as folder:
        files = []
        for option, target in (("--from", source), ("--to", destination)):
            try:
                database = open_database(resolve_url(target), migrate=False, read_only=True)
            except DatabaseError as error:
                raise CopyError(f"{option}: {error}") from None
            file = Path(folder) / f"{option.strip('-')}.json"
            try:
                with file.open("w", encoding="utf-8") as handle:
                    write_json_dump(database, handle)
            finally:
                database.close()
            files.append(file)
        with files[0].open(encoding="utf-8") as left, files[1].open(encoding="utf-8") as right:
            return _first_differing_line(left, right)


def _first_differing_line(left: Iterable[str], right: Iterable[str]) -> str | None:
    for number, (one, other) in enumerate(itertools.zip_longest(left, right), start=1):
        if one is None or other is None:
            shorter = "source" if one is None else "copy"
            return f"line {number}: the {shorter}'s export ends here"
        if one != other:
            return f"line {number}: source {one.strip()[:200]!r}, copy {other.strip()[:200]!r}"
    return None
