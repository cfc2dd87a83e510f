"""File modes: a personal database is private; a shared one stays shared with its group."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.backup import backup_file
from acctmap_tui.data.db import Database, backup_before_upgrade, open_database
from acctmap_tui.data.models import TeamMember
from acctmap_tui.share_cli import ShareError, share_database
from tests.unit.other_user import IS_ROOT, reachable_folder, run_as_other_user

runner = CliRunner()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write(database: Database, name: str) -> None:
    with database.session() as session:
        session.add(TeamMember(name=name, username=name.lower()))
        session.commit()


def _sharing_group() -> grp.struct_group:
    """The current user's primary group; as root another one, so inheritance shows."""
    if not IS_ROOT:
        return grp.getgrgid(os.getegid())
    for name in ("users", "nogroup", "staff"):
        with contextlib.suppress(KeyError):
            return grp.getgrnam(name)
    pytest.skip("no group other than root's own to share with")


def test_a_new_personal_database_its_wal_shm_and_folders_are_owner_only(
    tmp_path: Path,
) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "data" / "acctmap" / "acctmap.db"
    old_umask = os.umask(0o022)  # the usual umask would leave group and others read access
    try:
        database = open_database(path)
        try:
            _write(database, "Ana")
            wal, shm = path.with_name("acctmap.db-wal"), path.with_name("acctmap.db-shm")
            assert wal.exists() and shm.exists()
            assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
        finally:
            database.close()
    finally:
        os.umask(old_umask)
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "acctmap") == 0o700
    assert mode(tmp_path) == 0o755  # a folder that already existed is left alone


def test_backups_of_a_personal_database_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "acctmap.db"
    database = open_database(path)
    try:
        _write(database, "Ana")
        copy = backup_file(path, tmp_path / "copy.db")
        before_upgrade = backup_before_upgrade(database, "0001")
    finally:
        database.close()
    assert mode(copy) == 0o600
    assert before_upgrade is not None and mode(before_upgrade) == 0o600


def test_share_makes_folder_setgid_2770_and_files_0660_and_later_wal_stays_shared(
    tmp_path: Path,
) -> None:
    group = _sharing_group()
    folder = tmp_path / "team"
    path = folder / "team.db"
    database = open_database(path)
    _write(database, "Ana")
    before_upgrade = backup_before_upgrade(database, "0001")
    assert before_upgrade is not None
    database.close()
    assert mode(path) == 0o600

    result = runner.invoke(app, ["share", str(path), "--group", group.gr_name])

    assert result.exit_code == 0, result.output
    assert f"folder {folder}: group {group.gr_name}, mode 2770" in result.output
    assert f"file team.db: group {group.gr_name}, mode 0660" in result.output
    assert mode(folder) == 0o2770
    for shared in (path, before_upgrade):
        assert (mode(shared), shared.stat().st_gid) == (0o660, group.gr_gid)
    assert folder.stat().st_gid == group.gr_gid

    # Later: the -wal and -shm SQLite creates take the group (setgid) and the mode.
    assert not path.with_name("team.db-wal").exists()
    reopened = open_database(path)
    try:
        _write(reopened, "Raj")
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(f"team.db{suffix}")
            assert mode(companion) & 0o060 == 0o060, suffix  # group-writable
            assert companion.stat().st_gid == group.gr_gid, suffix
        # A new database made in the shared folder is for the group too.
        second = open_database(folder / "second.db")
        second.close()
        assert mode(folder / "second.db") == 0o660
        assert (folder / "second.db").stat().st_gid == group.gr_gid
    finally:
        reopened.close()


def test_share_refuses_an_unknown_group_and_a_file_that_is_not_a_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "team.db"
    open_database(path).close()
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")

    unknown = runner.invoke(app, ["share", str(path), "--group", "no-such-group-x"])
    not_db = runner.invoke(app, ["share", str(notes), "--group", _sharing_group().gr_name])
    missing = runner.invoke(app, ["share", str(tmp_path / "gone.db"), "--group", "users"])

    assert unknown.exit_code == 1
    assert "there is no group 'no-such-group-x'" in unknown.output
    assert not_db.exit_code == 1
    assert f"{notes} is not an acctmap database" in not_db.output
    assert notes.read_text() == "not a database\n" and mode(notes) != 0o660
    assert missing.exit_code == 1
    assert mode(path) == 0o600  # nothing was changed by the refusals


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    with reachable_folder(tmp_path) as reachable:
        yield reachable


def test_share_without_permission_names_owner_mode_and_the_fixing_command(
    folder: Path,
) -> None:
    path = folder / "team.db"
    open_database(path).close()
    path.chmod(0o644)
    with contextlib.suppress(ShareError):  # loads what the other user needs
        share_database(folder / "none.db", "root")
    # As root: nobody, in its own group, cannot give root's files to it. Otherwise the
    # files are ours, so the refusal to test is for a group we are not in.
    group = grp.getgrgid(run_as_other_user(os.getegid)).gr_name if IS_ROOT else "root"

    def attempt() -> str:
        try:
            share_database(path, group)
        except ShareError as error:
            return str(error)
        return "shared"

    message = run_as_other_user(attempt)

    if IS_ROOT:
        assert message.startswith(f"cannot give {folder} to group {group}: it is owned by root")
        assert f"sudo chgrp {group} {folder} {path}" in message
    else:
        assert f"you ({pwd.getpwuid(os.geteuid()).pw_name}) are not in group root" in message
    assert mode(path) == 0o644
    assert not mode(folder) & stat.S_ISGID
