"""Why a database cannot be written, said in one line the user can act on.

SQLite reports "attempt to write a readonly database", "database is locked" or
"database or disk is full"; those say nothing about *which* file, *whose* it is or
*what to do*. This module turns them into one line that names the file, its owner
and mode, and the command that fixes it, for the TUI (a form keeps the typed values
and shows the line) and the CLI (the line on stderr and exit 1) alike.

On a PostgreSQL team server the same goes for "connection refused", "password
authentication failed" or a connection the server dropped: the line names the server
(host and port, never the password), the user or database concerned, and the command
or setting to check (see :func:`describe_server_failure`).

No SQLAlchemy or Textual here: the errors are read by their text, SQLite error name
and SQLSTATE, so the launcher can use this module without loading the database stack.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import re
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

BUSY_TIMEOUT_MS = 5000
"""How long a write waits for another process's transaction before giving up."""

EXPLANATION_ATTRIBUTE = "acctmap_explanation"
"""Set on an exception by the engine (see ``db._create_engine``) at the moment it fails."""

_PLACEHOLDER_GROUP = "GROUP"


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def _my_groups() -> set[int]:
    return {os.getegid(), *os.getgroups()}


def suggest_group(path: Path) -> str:
    """The group to name in ``acctmap share``: one the reader is in, else a placeholder.

    The file's own group when the reader belongs to it and it is not the owner's
    personal group (same name as the owner); else a group holding both the reader
    and the owner; else ``GROUP`` for the owner to fill in.
    """
    try:
        info = path.stat()
    except OSError:
        return _PLACEHOLDER_GROUP
    owner = _user_name(info.st_uid)
    mine = _my_groups()
    file_group = _group_name(info.st_gid)
    if info.st_gid in mine and file_group != owner:
        return file_group
    me = _user_name(os.geteuid())
    try:
        groups = grp.getgrall()
    except OSError:  # pragma: no cover - NSS failures
        groups = []
    for group in groups:
        members = set(group.gr_mem)
        if group.gr_gid in mine and owner in members and me in members | {owner}:
            return group.gr_name
    return _PLACEHOLDER_GROUP


def share_command(path: Path, group: str | None = None) -> str:
    """The command that makes ``path`` writable for its group (see ``acctmap share``)."""
    return f"acctmap share {shlex.quote(str(path))} --group {group or suggest_group(path)}"


def describe_file(path: Path) -> str:
    """``owned by ana (mode 0640)``: who can change the file's permissions, and how it is set."""
    try:
        info = path.stat()
    except OSError as error:
        return f"unreadable ({error.strerror or error})"
    return f"owned by {_user_name(info.st_uid)} (mode {stat.S_IMODE(info.st_mode):04o})"


def read_only_reason(path: Path) -> str | None:
    """The one-line notice when this user cannot write ``path``, else None.

    SQLite in WAL mode writes two files beside the database (``-wal``, ``-shm``), so a
    folder the user cannot create files in makes the database read-only too, unless
    those files already exist and are writable.
    """
    if not path.exists():
        return None
    if not os.access(path, os.W_OK):
        return (
            f"Read-only: {path} is {describe_file(path)}; "
            f"ask the owner to run: {share_command(path)}"
        )
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
        if all(c.exists() and os.access(c, os.R_OK | os.W_OK) for c in companions):
            return None
        return (
            f"Read-only: the folder {folder} is {describe_file(folder)}, so {path.name}'s "
            f"-wal and -shm files cannot be created; ask the owner to run: "
            f"{share_command(path)}"
        )
    return None


WAL_FORMAT = 2
"""Header bytes 18 and 19 (file format read and write versions) are 2 in WAL mode."""


def is_wal_file(path: Path) -> bool:
    """Whether the database at ``path`` is in WAL mode (read from its header)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == WAL_FORMAT


def needs_snapshot_read(path: Path) -> bool:
    """Whether a read-only open of ``path`` must be an immutable snapshot.

    A live read of a WAL database whose ``-shm`` file is missing creates ``-wal`` and
    ``-shm`` files owned by the reader; when the reader cannot write the database,
    those files have its mode, and its owner could no longer write them. (In a folder
    the reader cannot write, the open fails outright.) Nobody has the file open then,
    so a snapshot is what a live read would show anyway, until someone opens it.
    """
    return (
        read_only_reason(path) is not None
        and is_wal_file(path)
        and not path.with_name(path.name + "-shm").exists()
    )


def read_uri(path: Path) -> str:
    """The ``file:`` URI for reading ``path`` without leaving files its owner cannot use."""
    immutable = "&immutable=1" if needs_snapshot_read(path) else ""
    return f"{path.absolute().as_uri()}?mode=ro{immutable}"


def read_only_message(path: Path | None) -> str:
    """The notice for a database opened read-only, whatever the reason."""
    if path is None:
        return "Read-only: the database was opened read-only; nothing can be saved"
    return read_only_reason(path) or f"Read-only: {path} was opened read-only; nothing can be saved"


def _error_parts(error: BaseException) -> tuple[str, str]:
    """The driver's message (first line) and SQLite error name, through SQLAlchemy's wrapper."""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()[0] if str(original).strip() else type(error).__name__
    name = getattr(original, "sqlite_errorname", "") or ""
    return text, name


def _gone(path: Path | None) -> bool:
    return path is not None and not path.exists()


def moved_message(path: Path) -> str:
    """The line for a database file deleted, moved or replaced under the app."""
    return (
        f"{path} was deleted or moved while acctmap had it open; nothing can be saved to "
        "it until it is back (e.g. acctmap restore BACKUP) and acctmap is reopened"
    )


def describe_failure(
    error: BaseException,
    *,
    path: Path | None = None,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    server: ServerAddress | None = None,
    disconnected: bool = False,
) -> str:
    """Classify a database failure into one line (no trailing full stop).

    ``server`` names the PostgreSQL server the error came from; ``disconnected`` says
    the driver reported the connection as gone (SQLAlchemy's ``is_disconnect``).
    """
    if server is not None or _is_server_error(error):
        explained = describe_server_failure(error, server, disconnected=disconnected)
        if explained is not None:
            return explained
        text, _name = _error_parts(error)
        return f"the PostgreSQL server{_at(server)} refused it ({text})"
    text, name = _error_parts(error)
    lowered = text.lower()
    where = str(path) if path is not None else "the database"
    if name == "SQLITE_READONLY_DBMOVED" or (
        _gone(path)
        and any(
            marker in lowered
            for marker in ("readonly", "unable to open", "disk i/o", "no such table")
        )
    ):
        if path is None:
            return "the database file was deleted or moved while acctmap had it open"
        return moved_message(path)
    if "readonly" in lowered or "read-only" in lowered:
        return read_only_message(path)
    if "locked" in lowered or "busy" in lowered:
        seconds = f"{busy_timeout_ms / 1000:g}"
        return f"{where} is locked by another process (it has been busy for {seconds} s)"
    if "disk is full" in lowered or name == "SQLITE_FULL" or "no space left" in lowered:
        return (
            f"the disk holding {where} is full; free some space (or ask for a bigger quota) "
            "and try again"
        )
    return f"the database refused it ({text})"


def explain_database_error(
    error: BaseException, *, path: Path | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> str:
    """One line on why the database refused a read or a write.

    An error raised through an acctmap engine already carries its explanation, made
    when it happened, with the database's own path and busy timeout; ``path`` and
    ``busy_timeout_ms`` are for errors from elsewhere.
    """
    explained = getattr(error, EXPLANATION_ATTRIBUTE, None)
    if isinstance(explained, str):
        return explained
    return describe_failure(error, path=path, busy_timeout_ms=busy_timeout_ms)


def attach_explanation(
    error: BaseException,
    *,
    path: Path | None,
    busy_timeout_ms: int,
    server: ServerAddress | None = None,
    disconnected: bool = False,
) -> None:
    """Remember on ``error`` why it happened, while the file's state is still the cause."""
    explanation = describe_failure(
        error,
        path=path,
        busy_timeout_ms=busy_timeout_ms,
        server=server,
        disconnected=disconnected,
    )
    with contextlib.suppress(AttributeError):  # exceptions with __slots__ cannot carry it
        setattr(error, EXPLANATION_ATTRIBUTE, explanation)


# --- PostgreSQL -----------------------------------------------------------------------


@dataclass(frozen=True)
class ServerAddress:
    """A PostgreSQL database as a message names it: never with its password."""

    host: str
    port: int
    user: str
    database: str

    @property
    def where(self) -> str:
        """``host:port``, as ``pg_isready`` and the user's URL spell it."""
        return f"{self.host}:{self.port}"


RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
"""Serialization failure and deadlock: the transaction was rolled back, run it again."""

_LOST_CONNECTION_MARKERS = (
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection is lost",
    "consuming input failed",
    "could not receive data from server",
    "ssl connection has been closed",
    "connection reset by peer",
    "broken pipe",
)

_UNREACHABLE_MARKERS = (
    ("connection refused", "connection refused"),
    ("failed to resolve host", "host name not found"),
    ("could not translate host name", "host name not found"),
    ("name or service not known", "host name not found"),
    ("timeout expired", "no answer in time"),
    ("timed out", "no answer in time"),
    ("no route to host", "no route to host"),
    ("network is unreachable", "network unreachable"),
    ("no such file or directory", "no server on the local socket"),
)


def sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE code of a PostgreSQL error, through SQLAlchemy's wrapper."""
    for candidate in (getattr(error, "orig", None), error):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str) and code:
            return code
    return None


def _is_server_error(error: BaseException) -> bool:
    original = getattr(error, "orig", None) or error
    return type(original).__module__.split(".")[0] in {"psycopg", "psycopg2"}


def _at(server: ServerAddress | None) -> str:
    return f" at {server.where}" if server is not None else ""


def _quoted_after(text: str, word: str) -> str | None:
    """The name in ``word "name"`` as PostgreSQL quotes it in its messages."""
    found = re.search(rf'{word} "([^"]*)"', text)
    return found.group(1) if found else None


def describe_server_failure(
    error: BaseException, server: ServerAddress | None, *, disconnected: bool = False
) -> str | None:
    """One line for what went wrong with a PostgreSQL server and what to check, else None.

    Connection failures carry no SQLSTATE (the server never answered, or answered
    before a session existed), so they are read from the driver's text.
    """
    text, _name = _error_parts(error)
    lowered = text.lower()
    code = sqlstate(error)
    host = server.host if server else "HOST"
    port = server.port if server else 5432
    user = server.user if server else "USER"
    if code == "28P01" or "password authentication failed" in lowered:
        who = _quoted_after(text, "user") or user
        return (
            f"the PostgreSQL server{_at(server)} refused the password for user {who}: "
            "check the password in the URL or ~/.pgpass / PGPASSWORD"
        )
    if "no password supplied" in lowered:
        return (
            f"the PostgreSQL server{_at(server)} wants a password for user {user}: put it in "
            "~/.pgpass or PGPASSWORD (or the URL)"
        )
    role = _quoted_after(text, "role")
    if role is not None and "does not exist" in lowered:
        return (
            f"the PostgreSQL server{_at(server)} has no user (role) {role}: name an existing "
            f"one in the URL, or have an administrator run: createuser -h {host} -p {port} "
            f"{role}"
        )
    missing = _quoted_after(text, "database")
    if missing is not None and "does not exist" in lowered:
        return (
            f"database {missing} does not exist on {host}:{port}: create it with: "
            f"createdb -h {host} -p {port} -U {user} {missing}"
        )
    if code == "42501" or "permission denied" in lowered:
        return _permission_message(text, server, user)
    if code in RETRYABLE_SQLSTATES:
        kind = "deadlock" if code == "40P01" else "serialization failure"
        return (
            f"another save on the PostgreSQL server{_at(server)} collided with this one "
            f"({kind}) and retrying did not get through; nothing was saved"
        )
    for marker, cause in _UNREACHABLE_MARKERS:
        if marker in lowered:
            return (
                f"cannot reach the PostgreSQL server at {host}:{port} ({cause}): is it "
                f"running, and is the host right? (check with: pg_isready -h {host} -p {port})"
            )
    if (
        disconnected
        or (code is not None and code[:2] in {"08", "57"})
        or any(marker in lowered for marker in _LOST_CONNECTION_MARKERS)
    ):
        return (
            f"lost the connection to the PostgreSQL server{_at(server)}; acctmap reconnects "
            "on the next try"
        )
    return None


def _permission_message(text: str, server: ServerAddress | None, user: str) -> str:
    """Who lacks which privilege, and the statement its owner runs to grant it."""
    database = server.database if server else "DATABASE"
    found = re.search(r"permission denied (?:for|to) ([\w ]+?)(?: \"?([\w.]+)\"?)?$", text)
    target = found.group(0).removeprefix("permission denied ") if found else "it"
    if "schema" in text:
        grant = f"GRANT USAGE, CREATE ON SCHEMA public TO {user}"
    elif "database" in text and "create" not in text:
        grant = f"GRANT CONNECT ON DATABASE {database} TO {user}"
    else:
        grant = (
            f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {user}; "
            f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {user}"
        )
    return (
        f"user {user} is not allowed to use database {database}{_at(server)} (permission "
        f"denied {target}): ask the database's owner to run: {grant}"
    )
