"""The command line through Typer's CliRunner: exit codes, messages and stored data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acctmap_tui import __version__
from acctmap_tui.cli import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _dump(path: Path) -> list[tuple[str, list[tuple]]]:
    """Every acctmap table's rows in primary-key order."""
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        dump = [
            (table, connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall())
            for table in tables
        ]
    connection.close()
    return dump


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"acctmap {__version__}"


def test_demo_no_open_builds_a_wal_database_with_plans(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    result = runner.invoke(app, ["demo", "--no-open", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert "accounts" in result.stdout
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        accounts = connection.execute("SELECT count(*) FROM account").fetchone()[0]
        managed = connection.execute(
            "SELECT count(*) FROM contact WHERE reports_to_id IS NOT NULL"
        ).fetchone()[0]
        plans = connection.execute("SELECT count(*) FROM account_plan").fetchone()[0]
    connection.close()
    assert accounts >= 20
    assert managed > 0
    assert plans > 0


def test_demo_twice_with_the_same_seed_gives_the_same_data(
    runner: CliRunner, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    for path in (first, second):
        result = runner.invoke(app, ["demo", "--no-open", "--seed", "11", "--db", str(path)])
        assert result.exit_code == 0, result.output
    assert _dump(first) == _dump(second)
    again = runner.invoke(app, ["demo", "--no-open", "--seed", "11", "--db", str(first)])
    assert again.exit_code == 0, again.output
    assert _dump(first) == _dump(second)


def test_demo_without_db_uses_the_demo_file_not_the_real_database(
    runner: CliRunner, isolated_environment: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = tmp_path / "real.db"
    monkeypatch.setenv("ACCTMAP_DB", str(real))
    result = runner.invoke(app, ["demo", "--no-open", "--accounts", "3"])
    assert result.exit_code == 0, result.output
    demo_files = list(isolated_environment.rglob("acctmap/demo.db"))
    assert len(demo_files) == 1
    assert not real.exists()


def test_demo_refuses_a_database_with_real_accounts(runner: CliRunner, tmp_path: Path) -> None:
    from acctmap_tui.data.db import open_database
    from acctmap_tui.data.models import Account

    path = tmp_path / "mine.db"
    database = open_database(path)
    with database.session() as session:
        session.add(Account(name="My Customer", name_key="my customer"))
        session.commit()
    database.close()

    result = runner.invoke(app, ["demo", "--no-open", "--db", str(path)])
    assert result.exit_code == 1
    assert "already holds 1 accounts that are not demo data" in result.stderr
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT name FROM account").fetchall() == [("My Customer",)]
    connection.close()


def test_db_in_missing_folders_is_created(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "nonexistent-dir" / "sub" / "x.db"
    result = runner.invoke(app, ["info", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file()
    assert "schema:       0002" in result.stdout


def test_db_given_before_the_command_is_used(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    result = runner.invoke(app, ["--db", str(path), "info"])
    assert result.exit_code == 0, result.output
    assert str(path) in result.stdout


def test_text_file_as_db_fails_with_one_line_and_is_unchanged(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("meeting notes\n")
    for arguments in (
        ["--db", str(path)],
        ["info", "--db", str(path)],
        ["demo", "--no-open", "--db", str(path)],
    ):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 1, arguments
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("acctmap: ") and "not an acctmap database" in lines[0]
    assert path.read_text() == "meeting notes\n"


def test_uncreatable_db_path_fails_with_one_line(runner: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("")
    result = runner.invoke(app, ["info", "--db", str(blocker / "sub" / "x.db")])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot create database" in result.stderr


def test_unknown_url_scheme_fails_with_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["info", "--db", "nosuchdb://host/x"])
    assert result.exit_code == 1
    assert "no database driver" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_info_names_the_user_from_the_option_or_environment(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = str(tmp_path / "u.db")
    assert "user:         tester" in runner.invoke(app, ["info", "--db", path]).stdout
    result = runner.invoke(app, ["--user", "maria", "info", "--db", path])
    assert "user:         maria" in result.stdout
