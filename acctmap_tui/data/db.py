"""Opening the database: URL resolution, engine set-up, checks, migrations and sessions.

This is the only module that knows the embedded default is SQLite. Everything else
receives a :class:`Database` and asks it for sessions, so the same code runs on a
team PostgreSQL server.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from acctmap_tui.data import models  # noqa: F401  (registers every table on the metadata)
from acctmap_tui.data.location import display_name, resolve_url
from acctmap_tui.data.schema_version import SCHEMA_HEAD
from acctmap_tui.errors import DatabaseError

__all__ = [
    "SCHEMA_HEAD",
    "Database",
    "DatabaseError",
    "display_name",
    "open_database",
    "resolve_url",
]

if TYPE_CHECKING:
    from alembic.config import Config


BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's transaction before giving up."""

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands against the migrations this build ships."""

    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def _sqlite_path(url: sa.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


class Database:
    """An open, migrated database and the way to get sessions on it."""

    def __init__(self, url: str, engine: sa.Engine) -> None:
        self.url = url
        self.engine = engine
        self.name = display_name(url)

    @property
    def file_path(self) -> Path | None:
        """The database file, when the database is a local file."""
        return _sqlite_path(self.engine.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One short unit of work; objects stay readable after commit."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def schema_state(self) -> SchemaState:
        with self.engine.connect() as connection:
            return _schema_state(connection)

    def clear(self) -> None:
        """Delete every row of every table, keeping the schema (used to rebuild a demo)."""
        from sqlmodel import SQLModel

        with self.engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())

    def close(self) -> None:
        self.engine.dispose()


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    migrate: bool = True,
) -> Database:
    """Open (creating if needed) and migrate the database named by ``target``.

    An older schema is upgraded after a backup copy is written beside the file; a
    schema newer than this build is refused and the file left untouched.

    Raises:
        DatabaseError: with a one-line explanation of what is wrong and what to do.
    """
    url = resolve_url(target)
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as error:
        raise DatabaseError(f"database URL {url!r} is not valid: {error}") from None
    path = _sqlite_path(parsed)
    if path is not None:
        _prepare_sqlite_file(path, busy_timeout_ms)
    try:
        engine = _create_engine(parsed, busy_timeout_ms)
    except (ImportError, sa.exc.NoSuchModuleError) as error:
        raise DatabaseError(
            f"no database driver for {parsed.drivername!r} URLs is installed ({error}); "
            "for PostgreSQL install acctmap[postgres]"
        ) from None
    database = Database(url, engine)
    try:
        if migrate:
            _migrate(database)
        else:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
    except DatabaseError:
        engine.dispose()
        raise
    except sa.exc.OperationalError as error:
        engine.dispose()
        raise DatabaseError(_explain_operational_error(database.name, error)) from None
    return database


def _create_engine(url: sa.URL, busy_timeout_ms: int) -> sa.Engine:
    if url.get_backend_name() != "sqlite":
        return sa.create_engine(url, pool_pre_ping=True)
    engine = sa.create_engine(
        url,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    return engine


def _prepare_sqlite_file(path: Path, busy_timeout_ms: int) -> None:
    """Create the file (owner-only) or check that the existing one is a usable database.

    The check reads only, so a file that is not ours is never modified.
    """
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Stakeholder notes are sensitive: a new personal database is private.
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass
        except OSError as error:
            raise DatabaseError(
                f"cannot create database {path}: {error.strerror or error}"
            ) from None
        return
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"cannot read database {path}: permission denied")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not an acctmap database (not an SQLite file); left unchanged"
        )
    if not os.access(path, os.W_OK):
        raise DatabaseError(f"database {path} is read-only for you; check its owner and mode")
    probe = sqlite3.connect(
        f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=busy_timeout_ms / 1000
    )
    try:
        # Refuse a newer schema here, before the engine's pragmas (WAL) touch the file.
        stamped = probe.execute(
            "SELECT name FROM sqlite_master WHERE name = 'alembic_version'"
        ).fetchone()
        if stamped:
            (revision,) = probe.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision != SCHEMA_HEAD and not _is_known_revision(revision):
                raise DatabaseError(_newer_schema_message(path.name, revision))
    except sqlite3.DatabaseError as error:
        raise DatabaseError(_explain_sqlite_error(path, error)) from None
    finally:
        probe.close()


def _explain_sqlite_error(path: Path, error: sqlite3.Error) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return f"database {path} is locked by another program; try again when it has finished"
    if "not a database" in text or "malformed" in text:
        return f"{path} is not a usable acctmap database ({text}); left unchanged"
    return f"cannot open database {path}: {text}"


def _explain_operational_error(name: str, error: sa.exc.OperationalError) -> str:
    text = str(error.orig) if error.orig is not None else str(error)
    if "locked" in text or "busy" in text:
        return f"database {name} is locked by another program; try again when it has finished"
    return f"cannot use database {name}: {text.strip().splitlines()[0]}"


def reset_id_sequences(connection: sa.Connection) -> None:
    """After rows were inserted with explicit ids, move each id sequence past them.

    SQLite derives the next id from the table itself; PostgreSQL keeps a separate
    sequence that bulk loads with explicit ids (demo, JSON import) leave behind.
    """
    if connection.dialect.name != "postgresql":
        return
    from sqlmodel import SQLModel

    for table in SQLModel.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
            continue
        column = keys[0].name
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'coalesce(max("{column}"), 0) + 1, false) FROM "{table.name}"'
            ),
            {"table": table.name, "column": column},
        )


# --- migrations ----------------------------------------------------------------------


def alembic_config() -> Config:
    """The migration configuration, pointing at the scripts shipped in the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _current_revision(connection: sa.Connection) -> str | None:
    """The schema revision stamped in the database, read without Alembic."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _schema_state(connection: sa.Connection) -> SchemaState:
    return SchemaState(current=_current_revision(connection), head=SCHEMA_HEAD)


def _newer_schema_message(name: str, revision: str) -> str:
    return (
        f"database {name} was written by a newer acctmap (schema {revision}, this "
        f"version knows up to {SCHEMA_HEAD}); upgrade acctmap to open it. "
        "The file was left unchanged"
    )


def _is_known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _has_tables(connection: sa.Connection) -> bool:
    return bool(sa.inspect(connection).get_table_names())


def _migrate(database: Database) -> None:
    with database.engine.connect() as connection:
        state = _schema_state(connection)
        if state.is_current:
            return
        has_tables = _has_tables(connection)
    if state.current is not None and not _is_known_revision(state.current):
        raise DatabaseError(_newer_schema_message(database.name, state.current))
    if state.current is None and has_tables:
        raise DatabaseError(
            f"database {database.name} holds tables that are not acctmap's; left unchanged"
        )
    if state.current is not None:
        backup_before_upgrade(database, state.current)
    upgrade(database)


def upgrade(database: Database, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in one transaction where the engine allows."""
    from alembic import command

    config = alembic_config()
    sqlite = database.engine.url.get_backend_name() == "sqlite"
    with database.engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild tables; enforcing keys mid-rebuild would cascade.
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise DatabaseError(
                        f"migrating {database.name} would break {len(broken)} references; "
                        "nothing was changed"
                    )
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()


def backup_before_upgrade(database: Database, revision: str) -> Path | None:
    """Copy the database beside itself before migrating it; returns the copy's path."""
    path = database.file_path
    if path is None:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    destination = path.with_name(f"{path.name}.{revision}-{stamp}.bak")
    copy_sqlite(path, destination)
    return destination


def copy_sqlite(source: Path, destination: Path) -> None:
    """A consistent copy of a live SQLite database (online backup), private to its owner."""
    os.close(os.open(destination, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()
