"""``acctmap share``: one database for a Unix group, for account reviews over SSH.

Several people logged into one host each run acctmap on the same file. For that the
folder must be group-owned and setgid (mode 2770), so the ``-wal`` and ``-shm`` files
SQLite creates beside the database stay in the group, and the files themselves
group-writable (0660): SQLite gives ``-wal``/``-shm`` the database file's mode, so
once the database is 0660 every member can write them too.

The work is plain functions (:func:`share_database`), tested without a terminal; the
Typer command only prints what they did.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from acctmap_tui.errors import AcctmapError

SHARED_FOLDER_MODE = 0o2770
"""rwx for owner and group, setgid so new files inherit the group, nothing for others."""
SHARED_FILE_MODE = 0o660
SQLITE_HEADER = b"SQLite format 3\x00"
COMPANION_SUFFIXES = ("-wal", "-shm")


class ShareError(AcctmapError):
    """The database could not be shared; the text says why and the command that fixes it."""


@dataclass(frozen=True)
class SharedGroup:
    """The group named by ``--group``, resolved."""

    name: str
    gid: int


def resolve_group(group: str) -> SharedGroup:
    """The group by name (or number).

    Raises:
        ShareError: no such group on this system.
    """
    try:
        entry = grp.getgrgid(int(group)) if group.isdigit() else grp.getgrnam(group)
    except KeyError:
        raise ShareError(
            f"--group: there is no group {group!r} on this system; `getent group` lists them "
            f"(an administrator can create it: sudo groupadd {shlex.quote(group)})"
        ) from None
    return SharedGroup(entry.gr_name, entry.gr_gid)


def is_acctmap_database(path: Path) -> bool:
    """An SQLite file stamped with acctmap's schema revision (read without changing it)."""
    import sqlite3

    try:
        with path.open("rb") as handle:
            if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return False
        # Without a -shm nobody has it open: read it immutable, so no -wal/-shm files
        # owned by us are created beside it. With one, read it live (the WAL may hold
        # the schema).
        live = path.with_name(path.name + "-shm").exists()
        options = "mode=ro" if live else "mode=ro&immutable=1"
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?{options}", uri=True)
        try:
            found = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except (OSError, sqlite3.Error):
        return False
    return found is not None


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _describe(path: Path) -> str:
    info = path.stat()
    return f"owned by {_user_name(info.st_uid)} (mode {stat.S_IMODE(info.st_mode):04o})"


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):/")
"""A database URL given as the path (``Path`` folds its ``//`` into one ``/``)."""


def database_files(path: Path) -> tuple[Path, list[Path]]:
    """The folder to share and the databases in it that ``path`` names.

    Raises:
        ShareError: nothing there, no acctmap database, or a server URL.
    """
    url = _URL_SCHEME.match(str(path))
    if url is not None and not path.exists():
        raise ShareError(
            f"{url.group(1)} database: share gives a Unix group an SQLite file; a server "
            "database is shared through its own users and grants (ask its administrator); "
            "nothing was changed"
        )
    if path.is_dir():
        databases = sorted(p for p in path.iterdir() if p.is_file() and is_acctmap_database(p))
        if not databases:
            raise ShareError(f"{path} holds no acctmap database; nothing was changed")
        return path, databases
    if not path.exists():
        raise ShareError(f"there is no file {path}; nothing was changed")
    if not is_acctmap_database(path):
        raise ShareError(
            f"{path} is not an acctmap database (no acctmap schema in it); nothing was changed"
        )
    return path.parent, [path]


def _files_of(database: Path) -> list[Path]:
    """The database, its -wal/-shm files and the backups acctmap wrote beside it."""
    companions = [database.with_name(database.name + s) for s in COMPANION_SUFFIXES]
    backups = sorted(database.parent.glob(f"{database.name}.*.bak"))
    return [database, *(p for p in companions if p.exists()), *backups]


def _fix_command(group: SharedGroup, folder: Path, files: list[Path]) -> str:
    quoted = " ".join(shlex.quote(str(p)) for p in files)
    return (
        f"sudo chgrp {group.name} {shlex.quote(str(folder))} {quoted} && "
        f"sudo chmod 2770 {shlex.quote(str(folder))} && sudo chmod 0660 {quoted}"
    )


def _apply(target: Path, mode: int, group: SharedGroup, folder: Path, files: list[Path]) -> None:
    try:
        os.chown(target, -1, group.gid)
        os.chmod(target, mode)
    except PermissionError:
        me = _user_name(os.geteuid())
        raise ShareError(
            f"cannot give {target} to group {group.name}: it is {_describe(target)} and you "
            f"are {me}; its owner (or an administrator) can run: "
            f"{_fix_command(group, folder, files)}"
        ) from None


def _unreachable_parents(folder: Path, group: SharedGroup) -> list[str]:
    """Parent folders the group's members cannot pass through to reach ``folder``."""
    blocked = []
    for parent in folder.absolute().parents:
        info = parent.stat()
        passable = info.st_mode & stat.S_IXOTH or (
            info.st_gid == group.gid and info.st_mode & stat.S_IXGRP
        )
        if not passable:
            blocked.append(f"{parent} ({_describe(parent)})")
    return blocked


def share_database(path: Path, group_name: str) -> list[str]:
    """Make the database(s) at ``path`` readable and writable by ``group_name``.

    The folder becomes group-owned, mode 2770; each database, its ``-wal``/``-shm``
    and its backups group-owned, mode 0660. Returns one line per thing done.

    Raises:
        ShareError: an unknown group, a path that is no acctmap database, or not
            allowed to change the files (naming owner, mode and the fixing command).
    """
    group = resolve_group(group_name)
    folder, databases = database_files(path)
    files = [f for database in databases for f in _files_of(database)]
    if os.geteuid() != 0 and group.gid not in {os.getegid(), *os.getgroups()}:
        me = _user_name(os.geteuid())
        raise ShareError(
            f"you ({me}) are not in group {group.name}, so you cannot give files to it; "
            f"an administrator can add you (sudo usermod -aG {group.name} {me}, then log in "
            f"again) or run: {_fix_command(group, folder, files)}"
        )
    _apply(folder, SHARED_FOLDER_MODE, group, folder, files)
    done = [
        f"folder {folder}: group {group.name}, mode 2770 "
        f"(setgid: files created in it stay in group {group.name})"
    ]
    for file in files:
        _apply(file, SHARED_FILE_MODE, group, folder, files)
        done.append(f"file {file.name}: group {group.name}, mode 0660")
    blocked = _unreachable_parents(folder, group)
    if blocked:
        done.append(
            f"warning: members of {group.name} cannot reach {folder} through "
            f"{', '.join(blocked)}; let them pass (chmod o+x) or move the folder, "
            "e.g. under /srv"
        )
    for database in databases:
        done.append(
            f"Members of {group.name} can now open it: acctmap --db {shlex.quote(str(database))}"
        )
    return done


def share(
    path: Annotated[
        Path, typer.Argument(help="The database file, or the folder holding the database(s).")
    ],
    group: Annotated[
        str, typer.Option("--group", "-g", help="The Unix group whose members may edit it.")
    ],
) -> None:
    """Let a Unix group read and write a database, for reviews over SSH.

    Makes the folder group-owned with mode 2770 (setgid, so the -wal and -shm files
    SQLite creates stay in the group) and the database, its -wal/-shm files and its
    backups group-owned with mode 0660.
    """
    from acctmap_tui.cli import fail

    try:
        lines = share_database(path, group)
    except ShareError as error:
        fail(str(error))
    for line in lines:
        typer.echo(line)
