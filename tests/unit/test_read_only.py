"""A database the user cannot write opens read-only and says why, in one line.

The permission cases run as another user when the suite runs as root (see
``other_user``); the forced read-only case needs no permissions at all.
"""

from __future__ import annotations

import contextlib
import io
import os
import pwd
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.db_errors import explain_database_error
from acctmap_tui.data.models import TeamMember
from acctmap_tui.data.quick_read import read_first_map
from acctmap_tui.launcher import report_errors
from tests.unit.other_user import reachable_folder, run_as_other_user

OWNER = pwd.getpwuid(os.geteuid()).pw_name


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    with reachable_folder(tmp_path) as reachable:
        yield reachable
        reachable.chmod(0o755)  # so the folder can be cleaned up


def _make_database(path: Path, members: int = 2) -> None:
    database = open_database(path)
    with database.session() as session:
        session.add_all(TeamMember(name=f"Member {n}", username=f"m{n}") for n in range(members))
        session.commit()
    database.close()


def _members(database: Database) -> int:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM team_member").scalar_one()


def _try_to_write(database: Database) -> str:
    """Add a member; the one line the user would see when that fails."""
    try:
        with database.session() as session:
            session.add(TeamMember(name="Intruder", username="intruder"))
            session.commit()
    except sa.exc.OperationalError as error:
        return explain_database_error(error)
    return "written"


def _open_and_try(path: Path) -> dict[str, object]:
    # The quick first-screen read at launch, then the real open, as the app does.
    quick = read_first_map(f"sqlite:///{path}", today=date.today())
    database = open_database(path)
    try:
        return {
            "quick_read": quick is not None,
            "read_only": database.read_only,
            "reason": database.read_only_reason,
            "members": _members(database),
            "write": _try_to_write(database),
        }
    finally:
        database.close()


def test_a_file_the_user_cannot_write_opens_read_only_with_owner_mode_and_fix(
    folder: Path,
) -> None:
    path = folder / "team.db"
    _make_database(path)
    _open_and_try(folder / "warm-up.db")  # loads every module the other user needs
    path.chmod(0o644)
    folder.chmod(0o777)  # the reader could create -wal/-shm here: it must not

    seen = run_as_other_user(lambda: _open_and_try(path))

    expected = (
        f"Read-only: {path} is owned by {OWNER} (mode 0644); "
        f"ask the owner to run: acctmap share {path} --group "
    )
    assert seen["read_only"] is True
    assert seen["quick_read"] is True
    assert str(seen["reason"]).startswith(expected)
    assert seen["members"] == 2
    assert seen["write"] == seen["reason"]  # a write attempt says the same one line
    # Nothing was written, and no -wal/-shm owned by the reader was left beside it.
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("team")) == ["team.db"]
    with contextlib.closing(sqlite3.connect(path)) as check:
        assert check.execute("SELECT count(*) FROM team_member").fetchone() == (2,)


def test_a_folder_without_room_for_the_wal_files_makes_it_read_only(folder: Path) -> None:
    path = folder / "team.db"
    _make_database(path, members=3)
    _open_and_try(folder / "warm-up.db")
    path.chmod(0o666)  # the file is writable; SQLite also needs -wal and -shm beside it
    folder.chmod(0o555)

    seen = run_as_other_user(lambda: _open_and_try(path))

    assert seen["read_only"] is True
    assert str(seen["reason"]).startswith(
        f"Read-only: the folder {folder} is owned by {OWNER} (mode 0555), so team.db's -wal "
        "and -shm files cannot be created; ask the owner to run: acctmap share"
    )
    assert seen["members"] == 3
    assert str(seen["write"]).startswith("Read-only: the folder")


def test_a_read_only_user_sees_changes_still_in_the_owners_write_ahead_log(
    folder: Path,
) -> None:
    path = folder / "team.db"
    _make_database(path)
    _open_and_try(folder / "warm-up.db")
    owner = open_database(path)  # the owner's app has it open: -wal and -shm exist
    try:
        with owner.session() as session:
            session.add(TeamMember(name="Only in the WAL", username="wal"))
            session.commit()
        assert path.with_name("team.db-wal").stat().st_size > 0
        path.chmod(0o644)
        for companion in ("team.db-wal", "team.db-shm"):
            path.with_name(companion).chmod(0o644)

        seen = run_as_other_user(lambda: _open_and_try(path))
    finally:
        owner.close()

    assert seen["read_only"] is True
    assert seen["members"] == 3  # read live through the WAL, not a stale snapshot
    assert str(seen["write"]).startswith("Read-only:")


def test_a_cli_write_on_a_read_only_database_is_one_line_and_exit_1(folder: Path) -> None:
    path = folder / "team.db"
    _make_database(path)
    _open_and_try(folder / "warm-up.db")
    path.chmod(0o644)

    def run(*args: str) -> tuple[int, str, str]:
        from acctmap_tui.cli import app

        out, err = io.StringIO(), io.StringIO()
        code = 0
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                report_errors(lambda: app([*args, "--db", str(path)], prog_name="acctmap"))
            except SystemExit as exit_:
                code = exit_.code if isinstance(exit_.code, int) else 1
        return code, out.getvalue(), err.getvalue()

    run("scoring", "--db", str(folder / "warm-up.db"), "--value-weight", "0.5")
    write = run_as_other_user(lambda: run("scoring", "--value-weight", "0.5"))
    read = run_as_other_user(lambda: run("accounts", "--format", "csv"))

    code, _, err = write
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith(f"acctmap: Read-only: {path} is owned by {OWNER} (mode 0644)")
    assert "Traceback" not in err
    assert read[0] == 0


def test_forced_read_only_refuses_writes_even_for_root(tmp_path: Path) -> None:
    path = tmp_path / "team.db"
    _make_database(path)

    database = open_database(path, read_only=True)
    try:
        assert database.read_only
        assert _members(database) == 2
        message = _try_to_write(database)
    finally:
        database.close()

    assert message == f"Read-only: {path} was opened read-only; nothing can be saved"
    reopened = open_database(path)
    try:
        assert not reopened.read_only
        assert reopened.read_only_reason is None
        assert _members(reopened) == 2
    finally:
        reopened.close()


def test_a_read_only_database_needing_an_upgrade_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_database(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
        connection.commit()

    from acctmap_tui.errors import DatabaseError

    with pytest.raises(DatabaseError, match=r"Read-only: .*needs upgrading to schema"):
        open_database(path, read_only=True)
