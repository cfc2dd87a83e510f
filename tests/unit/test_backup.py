"""`acctmap backup`, `restore` and `check` on real SQLite files.

They copy, replace and inspect the file itself, so their tests take ``db_path`` and
stay on SQLite; on a PostgreSQL database they refuse in one line that names
`acctmap export json` and pg_dump instead (tested on a real server below).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.backup import backup_file, check_file
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, Presence
from acctmap_tui.demo import generate_demo

pytestmark = pytest.mark.both_engines

WRITER = textwrap.dedent(
    """
    import sqlite3, sys
    from pathlib import Path

    database, stop = sys.argv[1], Path(sys.argv[2])
    connection = sqlite3.connect(database, timeout=30)
    connection.execute("PRAGMA journal_mode = WAL")
    written = 0
    while not stop.exists():
        connection.execute(
            "INSERT INTO app_setting (key, value, updated_at) VALUES (?, ?, ?)",
            (f"load-{written}", "x" * 500, "2026-01-01 00:00:00.000000"),
        )
        connection.commit()
        written += 1
        if written == 1:
            print("ready", flush=True)
    print(written, flush=True)
    """
)


@pytest.fixture
def demo(database: Database) -> Database:
    generate_demo(database, accounts=25, seed=7, today=date(2026, 1, 15))
    return database


def _accounts(path: Path | str) -> set[str]:
    database = open_database(path)
    try:
        with database.session() as session:
            return set(session.execute(sa.select(Account.name)).scalars())
    finally:
        database.close()


def test_backup_while_another_process_writes(demo: Database, db_path: Path, tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        copies = [backup_file(db_path, tmp_path / f"copy-{n}.db") for n in range(3)]
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=60)
    assert writer.returncode == 0
    assert int(out.split()[-1]) >= 1
    for copy in copies:
        assert copy.stat().st_mode & 0o777 == 0o600
        assert not Path(f"{copy}-wal").exists()
        assert check_file(copy).ok, check_file(copy).problems
        with sqlite3.connect(copy) as connection:
            (loads,) = connection.execute(
                "SELECT count(*) FROM app_setting WHERE key LIKE 'load-%'"
            ).fetchone()
            assert loads >= 1
        connection.close()
        assert len(_accounts(copy)) == 25


def test_cli_backup_refuses_to_overwrite(demo: Database, db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "backup.db"
    runner = CliRunner()
    first = runner.invoke(app, ["backup", str(target), "--db", str(db_path)])
    assert first.exit_code == 0, first.output
    assert target.stat().st_mode & 0o777 == 0o600
    again = runner.invoke(app, ["backup", str(target), "--db", str(db_path)])
    assert again.exit_code == 1
    assert "already exists" in again.stderr
    forced = runner.invoke(app, ["backup", str(target), "--db", str(db_path), "--overwrite"])
    assert forced.exit_code == 0, forced.output


def test_backup_of_a_server_database_points_elsewhere() -> None:
    result = CliRunner().invoke(app, ["backup", "x.db", "--db", "postgresql://host/team"])
    assert result.exit_code == 1
    assert "export json" in result.stderr and "pg_dump" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [["backup", "{dir}/copy.db"], ["restore", "{dir}/copy.db", "--yes"], ["check"]],
    ids=["backup", "restore", "check"],
)
def test_file_commands_on_a_postgresql_database_refuse_in_one_line(
    pg_url: str, tmp_path: Path, arguments: list[str]
) -> None:
    """On a real server database: one clear line naming what to use, nothing written."""
    database = open_database(pg_url)
    with database.session() as session:
        session.add(Account(name="Kept", name_key="kept"))
        session.commit()
    database.close()
    command = [argument.format(dir=tmp_path) for argument in arguments]
    result = CliRunner().invoke(app, [*command, "--db", pg_url])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (line,) = result.stderr.strip().splitlines()
    assert "postgresql+psycopg database" in line and "work on an SQLite file" in line
    assert "acctmap export json" in line and "pg_dump" in line
    assert not (tmp_path / "copy.db").exists()
    assert _accounts(pg_url) == {"Kept"}


def _add_account(path: Path, name: str) -> None:
    database = open_database(path)
    try:
        with database.session() as session:
            session.add(Account(name=name, name_key=name.casefold()))
            session.commit()
    finally:
        database.close()


def test_restore_replaces_and_keeps_the_previous(
    demo: Database, db_path: Path, tmp_path: Path
) -> None:
    demo.close()
    saved = tmp_path / "saved.db"
    backup_file(db_path, saved)
    _add_account(db_path, "After the backup")
    result = CliRunner().invoke(app, ["restore", str(saved), "--db", str(db_path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "After the backup" not in _accounts(db_path)
    (previous,) = db_path.parent.glob(f"{db_path.name}.pre-restore-*.bak")
    assert f"kept at {previous}" in result.stdout
    assert "After the backup" in _accounts(previous)
    assert previous.stat().st_mode & 0o777 == 0o600
    assert check_file(db_path).ok


def test_restore_asks_first(demo: Database, db_path: Path, tmp_path: Path) -> None:
    demo.close()
    saved = tmp_path / "saved.db"
    backup_file(db_path, saved)
    _add_account(db_path, "Keep me")
    result = CliRunner().invoke(app, ["restore", str(saved), "--db", str(db_path)], input="n\n")
    assert result.exit_code == 1
    assert "cancelled" in result.stderr
    assert "Keep me" in _accounts(db_path)
    assert not list(db_path.parent.glob("*.pre-restore-*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,stage\nAcme,won\n", "not an SQLite database"),
        (None, "not an acctmap database"),
    ],
)
def test_restore_refuses_what_is_not_an_acctmap_database(
    demo: Database, db_path: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    demo.close()
    impostor = tmp_path / "impostor.db"
    if content is None:
        with sqlite3.connect(impostor) as connection:
            connection.execute("CREATE TABLE account (id INTEGER PRIMARY KEY)")
        connection.close()
    else:
        impostor.write_bytes(content)
    before = db_path.read_bytes()
    result = CliRunner().invoke(app, ["restore", str(impostor), "--db", str(db_path), "--yes"])
    assert result.exit_code == 1
    assert message in result.stderr and "nothing was changed" in result.stderr
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob("*.pre-restore-*"))


def test_restore_refused_while_the_app_has_it_open(
    demo: Database, db_path: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.db"
    backup_file(db_path, saved)
    with demo.session() as session:
        session.add(Presence(user="ana", host="box", pid=4242))
        session.commit()
    demo.close()
    result = CliRunner().invoke(app, ["restore", str(saved), "--db", str(db_path), "--yes"])
    assert result.exit_code == 1
    assert "ana@box (pid 4242)" in result.stderr


def test_check_reports_ok(demo: Database, db_path: Path) -> None:
    demo.close()
    result = CliRunner().invoke(app, ["check", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "schema:     0003" in result.stdout
    assert "OK: integrity check and foreign-key check passed" in result.stdout


def test_check_reports_a_truncated_file(demo: Database, db_path: Path, tmp_path: Path) -> None:
    copy = backup_file(db_path, tmp_path / "copy.db")
    data = copy.read_bytes()
    copy.write_bytes(data[: len(data) * 2 // 3])
    result = CliRunner().invoke(app, ["check", "--db", str(copy)])
    assert result.exit_code == 1
    assert "problem:" in result.stdout
    assert "problem(s) found in copy.db" in result.stderr


def test_check_reports_broken_references(demo: Database, db_path: Path, tmp_path: Path) -> None:
    copy = backup_file(db_path, tmp_path / "copy.db")
    with sqlite3.connect(copy) as connection:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("UPDATE contact SET account_id = 99999 WHERE id = 1")
    connection.close()
    report = check_file(copy)
    assert not report.ok
    assert any("contact row 1 points at a missing account" in p for p in report.problems)
    result = CliRunner().invoke(app, ["check", "--db", str(copy)])
    assert result.exit_code == 1


def test_check_of_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--db", str(tmp_path / "absent.db")])
    assert result.exit_code == 1
    assert "no database file" in result.stdout
    assert not (tmp_path / "absent.db").exists()
