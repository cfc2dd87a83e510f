"""Backup, restore and integrity check of an SQLite database file.

Backups use SQLite's online backup API, which copies a consistent snapshot while
other processes keep writing (WAL readers never block writers). Copies are private to
their owner (0600): stakeholder notes are sensitive. A server database (PostgreSQL)
is backed up with ``acctmap export json`` or ``pg_dump`` instead.

Restore writes the backup *into* the live file through the same API, so SQLite's own
locking and journal keep it atomic (no file is swapped under an open connection and no
stale ``-wal`` can be replayed over the new content); the previous content is first
copied beside the file.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from acctmap_tui.data.location import resolve_url, sqlite_file
from acctmap_tui.data.schema_version import SCHEMA_HEAD
from acctmap_tui.errors import DatabaseError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0
"""How long to wait for another process's write before the copy or restore gives up."""

PRESENCE_FRESH = timedelta(minutes=2)
"""A presence row with a heartbeat this recent means someone has the database open."""


def sqlite_target(target: str | os.PathLike[str] | None) -> Path:
    """The database file that ``--db`` names.

    Raises:
        DatabaseError: the database is not a local SQLite file.
    """
    url = resolve_url(target)
    path = sqlite_file(url)
    if path is None:
        raise DatabaseError(
            f"{url.split('://', 1)[0]} database: backup, restore and check work on an SQLite "
            "file; use `acctmap export json` (or the server's own tools, e.g. pg_dump)"
        )
    return path


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    uri = f"{path.absolute().as_uri()}{'?mode=ro' if read_only else ''}"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S)


PRIVATE_FOLDER_MODE = 0o700


def make_private_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parents owner-only (0700); existing ones stay as is.

    ``Path.mkdir(parents=True)`` would give the parents the umask's mode (often 0755),
    letting others list the names of the databases inside.
    """
    missing: list[Path] = []
    while not folder.exists() and folder.parent != folder:
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=PRIVATE_FOLDER_MODE)
        except FileExistsError:
            continue
        os.chmod(created, PRIVATE_FOLDER_MODE)  # a umask such as 0077 is fine; 0022 too


def _private_file(path: Path) -> None:
    """Create ``path`` empty and owner-only (umask cannot widen what is not granted)."""
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


def _online_copy(source: Path, destination: Path) -> None:
    """A consistent, self-contained copy: one file, no ``-wal`` beside it."""
    with _connect(source) as src:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    src.close()


def backup_file(source: Path, destination: Path, *, overwrite: bool = False) -> Path:
    """Copy the live database ``source`` to ``destination`` (0600); returns the copy.

    The copy is written beside ``destination`` under a temporary name and renamed, so
    a failed backup never leaves a half-written file under the chosen name.

    Raises:
        DatabaseError: the source is missing or not a database, or the target exists.
    """
    _require_database_file(source)
    if destination.is_dir():
        raise DatabaseError(f"{destination} is a folder; name the backup file")
    if destination.exists() and not overwrite:
        raise DatabaseError(f"{destination} already exists; choose another name or --overwrite")
    if destination.resolve() == source.resolve():
        raise DatabaseError("the backup cannot be the database itself")
    temporary = destination.with_name(f".{destination.name}.partial")
    temporary.unlink(missing_ok=True)
    try:
        _private_file(temporary)
        _online_copy(source, temporary)
        temporary.replace(destination)
    except sqlite3.Error as error:
        raise DatabaseError(f"cannot back up {source}: {error}") from None
    except OSError as error:
        raise DatabaseError(f"cannot write {destination}: {error.strerror or error}") from None
    finally:
        temporary.unlink(missing_ok=True)
    return destination


def _require_database_file(path: Path) -> None:
    if not path.is_file():
        raise DatabaseError(f"no database file at {path}")
    with path.open("rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise DatabaseError(f"{path} is not an SQLite database file")


# --- checking ----------------------------------------------------------------------------


@dataclass
class CheckReport:
    """What ``PRAGMA integrity_check`` and ``foreign_key_check`` found, and the schema."""

    path: Path
    schema_revision: str | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(path: Path) -> CheckReport:
    """Check an SQLite file without changing it (it is opened read-only)."""
    report = CheckReport(path)
    try:
        _require_database_file(path)
    except DatabaseError as error:
        report.problems.append(str(error))
        return report
    try:
        connection = _connect(path, read_only=True)
    except sqlite3.Error as error:
        report.problems.append(f"cannot open: {error}")
        return report
    try:
        _check_integrity(connection, report)
        if report.ok:
            _check_schema(connection, report)
        if report.ok:
            _check_references(connection, report)
    except sqlite3.Error as error:
        report.problems.append(f"unreadable: {error}")
    finally:
        connection.close()
    return report


def _check_integrity(connection: sqlite3.Connection, report: CheckReport) -> None:
    found = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
    if found != ["ok"]:
        report.problems += [f"integrity: {line}" for line in found]


def _check_schema(connection: sqlite3.Connection, report: CheckReport) -> None:
    stamped = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    if not stamped:
        report.problems.append("not an acctmap database (no schema revision)")
        return
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    report.schema_revision = revision[0] if revision else None
    current = report.schema_revision
    if current is None or not current.isdigit():
        report.problems.append(f"unknown schema revision {current!r}")
    elif int(current) > int(SCHEMA_HEAD):
        report.problems.append(
            f"schema {current} is newer than this acctmap's {SCHEMA_HEAD}; upgrade acctmap"
        )
    elif current != SCHEMA_HEAD:
        report.notes.append(f"schema {current} will be upgraded to {SCHEMA_HEAD} when opened")


def _check_references(connection: sqlite3.Connection, report: CheckReport) -> None:
    broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    for table, rowid, parent, _ in broken[:20]:
        report.problems.append(f"reference: {table} row {rowid} points at a missing {parent}")
    if len(broken) > 20:
        report.problems.append(f"reference: {len(broken) - 20} more broken references")


# --- restoring ---------------------------------------------------------------------------


def open_sessions(path: Path, now: datetime | None = None) -> list[str]:
    """Who the presence table says has ``path`` open (heartbeat within two minutes).

    Scripts do not register; only running apps do. Best effort: an unreadable or
    presence-less file gives an empty list.
    """
    if not path.exists():
        return []
    since = (now or datetime.now(UTC)) - PRESENCE_FRESH
    try:
        connection = _connect(path, read_only=True)
        try:
            rows = connection.execute(
                "SELECT user, host, pid FROM presence WHERE heartbeat_at >= ? ORDER BY id",
                (since.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds"),),
            ).fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return []
    return [f"{user}@{host} (pid {pid})" for user, host, pid in rows]


def previous_copy_path(path: Path, now: datetime | None = None) -> Path:
    """Where restore keeps the database it replaces: beside it, stamped with the time."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.name}.pre-restore-{stamp}.bak")


def validate_backup(source: Path) -> CheckReport:
    """Check a file before restoring it: integrity, acctmap schema, references.

    Raises:
        DatabaseError: the file cannot be restored, with every reason found.
    """
    report = check_file(source)
    if not report.ok:
        raise DatabaseError(
            f"{source} cannot be restored: {'; '.join(report.problems[:3])}; nothing was changed"
        )
    return report


def restore_file(source: Path, target: Path) -> Path | None:
    """Replace the database ``target`` with the backup ``source``.

    The current database, if any, is first copied beside it (see
    :func:`previous_copy_path`); that path is returned.

    Raises:
        DatabaseError: the backup is not a usable acctmap database, or the copy failed.
    """
    validate_backup(source)
    if target.exists() and target.resolve() == source.resolve():
        raise DatabaseError("the backup is the database itself; nothing was changed")
    previous = None
    if target.exists():
        previous = backup_file(target, previous_copy_path(target))
    else:
        make_private_folders(target.parent)
        _private_file(target)
    try:
        with _connect(source, read_only=True) as src:
            dst = _connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        src.close()
    except sqlite3.Error as error:
        kept = f"; the previous database is kept at {previous}" if previous else ""
        raise DatabaseError(f"restore failed: {error}{kept}") from None
    return previous
