"""Opening the database: URL resolution, engine set-up, checks, migrations and sessions.

This is the only module that knows the embedded default is SQLite. Everything else
receives a :class:`Database` and asks it for sessions, so the same code runs on a
team PostgreSQL server.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from acctmap_tui.data import models  # noqa: F401  (registers every table on the metadata)
from acctmap_tui.data.backup import make_private_folders
from acctmap_tui.data.db_errors import (
    BUSY_TIMEOUT_MS,
    EXPLANATION_ATTRIBUTE,
    ServerAddress,
    attach_explanation,
    is_wal_file,
    moved_message,
    read_only_message,
    read_only_reason,
)
from acctmap_tui.data.location import display_name, resolve_url, shown_url
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


MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_HEADER = b"SQLite format 3\x00"
PRIVATE_FILE_MODE = 0o600
SHARED_FILE_MODE = 0o660


@dataclass(frozen=True)
class SqliteAccess:
    """How this process may open an SQLite file: read-write, or read-only and why.

    ``snapshot`` is a read-only WAL database whose ``-shm`` file does not exist: opening
    it live would create ``-wal``/``-shm`` files owned by this reader (which would lock
    the owner out) or fail outright in a folder the reader cannot write, so it is read
    as an immutable snapshot instead: changes made later appear after reopening.
    """

    read_only: bool = False
    reason: str | None = None
    snapshot: bool = False

    def uri(self, path: Path) -> str:
        """The ``file:`` URI that opens ``path`` this way, never creating the file."""
        if not self.read_only:
            return f"{path.absolute().as_uri()}?mode=rw"
        return f"{path.absolute().as_uri()}?mode=ro{'&immutable=1' if self.snapshot else ''}"


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

    def __init__(
        self,
        url: str,
        engine: sa.Engine,
        *,
        access: SqliteAccess | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self.url = url
        self.engine = engine
        self.name = display_name(url)
        self.busy_timeout_ms = busy_timeout_ms
        """How long a write waits for another process before it fails as "locked"."""
        self._access = access or SqliteAccess()

    @property
    def read_only(self) -> bool:
        """Whether this process cannot write the database (it was opened read-only)."""
        return self._access.read_only

    @property
    def read_only_reason(self) -> str | None:
        """The one-line notice: who owns the file, its mode and the command that fixes it."""
        return self._access.reason if self._access.read_only else None

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
    read_only: bool = False,
) -> Database:
    """Open (creating if needed) and migrate the database named by ``target``.

    An older schema is upgraded after a backup copy is written beside the file; a
    schema newer than this build is refused and the file left untouched. A file this
    user cannot write (or whose folder cannot take the ``-wal``/``-shm`` files) is
    opened read-only, as is any file when ``read_only`` is asked for; see
    :attr:`Database.read_only_reason`.

    Raises:
        DatabaseError: with a one-line explanation of what is wrong and what to do.
    """
    url = resolve_url(target)
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise DatabaseError(
            f"database URL {shown_url(url)!r} is not valid: expected a file path or a URL "
            "such as postgresql+psycopg://user@host/dbname"
        ) from None
    try:
        return _open(url, parsed, busy_timeout_ms, migrate=migrate, read_only=read_only)
    except DatabaseError as error:
        message = _without_password(str(error), parsed)
        if message != str(error):
            raise DatabaseError(message) from None
        raise


def _without_password(message: str, url: sa.URL) -> str:
    """``message`` with the URL's password masked, should a driver quote the URL back."""
    if not url.password:
        return message
    password = str(url.password)
    for quoted in (f":{password}@", f"password={password}", f"password='{password}'"):
        message = message.replace(quoted, quoted.replace(password, "***"))
    return message


def _open(
    url: str, parsed: sa.URL, busy_timeout_ms: int, *, migrate: bool, read_only: bool
) -> Database:
    path = _sqlite_path(parsed)
    access = SqliteAccess()
    if path is not None:
        access = _prepare_sqlite_file(path, busy_timeout_ms, read_only=read_only)
    try:
        engine = _create_engine(parsed, busy_timeout_ms, access)
    except (ImportError, sa.exc.NoSuchModuleError) as error:
        if parsed.drivername in ("postgres", "pgsql"):
            raise DatabaseError(
                f"database URLs for PostgreSQL start with postgresql+psycopg://, not "
                f"{parsed.drivername}:// (e.g. postgresql+psycopg://user@host/dbname)"
            ) from None
        raise DatabaseError(
            f"no database driver for {parsed.drivername!r} URLs is installed ({error}); "
            "for PostgreSQL install acctmap[postgres]"
        ) from None
    database = Database(url, engine, access=access, busy_timeout_ms=busy_timeout_ms)
    try:
        if migrate and access.read_only:
            _require_current_schema(database)
        elif migrate:
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
    except sa.exc.DBAPIError as error:
        if path is not None:
            raise
        # On a server, "permission denied for schema public" comes as a ProgrammingError.
        engine.dispose()
        raise DatabaseError(_explain_operational_error(database.name, error)) from None
    return database


def _create_engine(
    url: sa.URL, busy_timeout_ms: int, access: SqliteAccess | None = None
) -> sa.Engine:
    if url.get_backend_name() != "sqlite":
        return _create_server_engine(url, busy_timeout_ms)
    access = access or SqliteAccess()
    path = _sqlite_path(url)
    options: dict[str, Any] = {
        "connect_args": {"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    }
    if path is not None and not url.query:
        uri = access.uri(path)

        def connect() -> sqlite3.Connection:
            # mode=rw: a file deleted under the app is an error, not a new empty database.
            return sqlite3.connect(
                uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False
            )

        options = {"creator": connect}
    engine = sa.create_engine(url, **options)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            if access.read_only:
                # Setting the journal mode would be a write; query_only also refuses
                # writes where the file itself would allow them (e.g. for root).
                cursor.execute("PRAGMA query_only = ON")
            else:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    if path is not None and not access.read_only:
        identity = _file_identity(path)

        @sa.event.listens_for(engine, "commit")
        def _before_commit(connection: sa.Connection) -> None:
            # SQLite keeps writing to a deleted file's inode (and its -wal) without a
            # word: the change would look saved and be lost. Refuse the commit instead,
            # rolling back first (SQLAlchemy treats a failed commit as the end).
            if identity is not None and _file_identity(path) != identity:
                connection.connection.driver_connection.rollback()  # type: ignore[union-attr]
                raise _moved_error(path)

    @sa.event.listens_for(engine, "handle_error")
    def _on_error(context: sa.engine.ExceptionContext) -> None:
        # Explained now, while the file's state (gone, locked, read-only) is the cause.
        error = context.sqlalchemy_exception or context.original_exception
        attach_explanation(error, path=path, busy_timeout_ms=busy_timeout_ms)

    return engine


def server_address(url: sa.URL) -> ServerAddress:
    """The host, port, user and database a server URL names (its password left out)."""
    socket_host = url.query.get("host")
    host = url.host or (socket_host if isinstance(socket_host, str) else None) or "localhost"
    return ServerAddress(
        host=host,
        port=url.port or 5432,
        user=url.username or os.environ.get("PGUSER") or _login_name(),
        database=url.database or "",
    )


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        return "USER"


def _create_server_engine(url: sa.URL, busy_timeout_ms: int) -> sa.Engine:
    """An engine on a database server that survives the server dropping its connections.

    ``pool_pre_ping`` tests a pooled connection before each unit of work, so after a
    server restart or a dropped link the next session reconnects instead of failing;
    a failure inside a unit of work is explained (see ``db_errors``) and its
    connection discarded by SQLAlchemy, so trying again reconnects too.
    """
    engine = sa.create_engine(url, pool_pre_ping=True)
    server = server_address(url)

    @sa.event.listens_for(engine, "handle_error")
    def _on_error(context: sa.engine.ExceptionContext) -> None:
        error = context.sqlalchemy_exception or context.original_exception
        attach_explanation(
            error,
            path=None,
            busy_timeout_ms=busy_timeout_ms,
            server=server,
            disconnected=context.is_disconnect,
        )

    return engine


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _moved_error(path: Path) -> sa.exc.OperationalError:
    """The error a commit to a deleted or replaced database file fails with."""
    error = sa.exc.OperationalError(
        "COMMIT", None, sqlite3.OperationalError(f"database file {path} was deleted or moved")
    )
    setattr(error, EXPLANATION_ATTRIBUTE, moved_message(path))
    return error


def _is_shared_folder(folder: Path) -> bool:
    """A setgid, group-writable folder: files made in it are for the whole group."""
    try:
        mode = folder.stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_ISGID) and bool(mode & stat.S_IWGRP)


def _create_database_file(path: Path) -> None:
    """An empty file, owner-only (0600), or group-shared (0660) in a shared folder.

    SQLite gives the ``-wal`` and ``-shm`` files it creates the database file's mode,
    so their privacy follows from this one.
    """
    make_private_folders(path.parent)
    mode = SHARED_FILE_MODE if _is_shared_folder(path.parent) else PRIVATE_FILE_MODE
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
    try:
        os.fchmod(descriptor, mode)  # not narrowed by the umask
    finally:
        os.close(descriptor)


def _access_for(path: Path, *, forced: bool) -> SqliteAccess:
    """Read-write, or read-only (with the reason) when this user cannot write the file."""
    reason = read_only_reason(path)
    if reason is None and not forced:
        return SqliteAccess()
    if reason is None:
        reason = read_only_message(path)
    snapshot = is_wal_file(path) and not path.with_name(path.name + "-shm").exists()
    return SqliteAccess(read_only=True, reason=reason, snapshot=snapshot)


def _prepare_sqlite_file(
    path: Path, busy_timeout_ms: int, *, read_only: bool = False
) -> SqliteAccess:
    """Create the file (owner-only) or check that the existing one is a usable database.

    The check reads only, so a file that is not ours is never modified. Returns how
    the file can be opened: read-write, or read-only with the reason.
    """
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if not path.exists():
        if read_only:
            raise DatabaseError(f"no database file at {path} to open read-only")
        try:
            _create_database_file(path)
        except FileExistsError:
            pass
        except OSError as error:
            raise DatabaseError(
                f"cannot create database {path}: {error.strerror or error}"
            ) from None
        return SqliteAccess()
    if not os.access(path, os.R_OK):
        raise DatabaseError(f"cannot read database {path}: permission denied")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not an acctmap database (not an SQLite file); left unchanged"
        )
    access = _access_for(path, forced=read_only)
    probe_access = access if access.read_only else SqliteAccess(read_only=True)
    probe = sqlite3.connect(probe_access.uri(path), uri=True, timeout=busy_timeout_ms / 1000)
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
    return access


def _explain_sqlite_error(path: Path, error: sqlite3.Error) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return f"database {path} is locked by another program; try again when it has finished"
    if "readonly" in text:
        return read_only_message(path)
    if "not a database" in text or "malformed" in text:
        return f"{path} is not a usable acctmap database ({text}); left unchanged"
    return f"cannot open database {path}: {text}"


def _explain_operational_error(name: str, error: sa.exc.DBAPIError) -> str:
    text = str(error.orig) if error.orig is not None else str(error)
    if error.orig is not None and type(error.orig).__module__.startswith("psycopg"):
        # Explained by the engine when it failed, with the server's host and user.
        return str(getattr(error, EXPLANATION_ATTRIBUTE, None) or text.strip().splitlines()[0])
    if "readonly" in text:
        return str(getattr(error, EXPLANATION_ATTRIBUTE, None) or text)
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


def _require_current_schema(database: Database) -> None:
    """A read-only database cannot be upgraded: open it only at this build's schema."""
    state = database.schema_state()
    if state.is_current:
        return
    if state.current is not None and not _is_known_revision(state.current):
        raise DatabaseError(_newer_schema_message(database.name, state.current))
    raise DatabaseError(
        f"{database.read_only_reason}; it also needs upgrading to schema {state.head} "
        f"(it is at {state.current or 'none'}), which only someone who can write it can do "
        "by opening it once"
    )


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
    """A consistent copy of a live SQLite database (online backup).

    The copy is private (0600) unless the database is shared with its group, whose
    members then can read it too (0660): it holds what they could already see.
    """
    mode = PRIVATE_FILE_MODE | (source.stat().st_mode & 0o060)
    descriptor = os.open(destination, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, mode)
    try:
        os.fchmod(descriptor, mode)
    finally:
        os.close(descriptor)
    with sqlite3.connect(source) as src, sqlite3.connect(destination) as dst:
        src.backup(dst)
    src.close()
    dst.close()
