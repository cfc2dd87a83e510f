"""The command line through Typer's CliRunner: exit codes, messages and stored data.

Commands run on both engines (``--db database.url``); tests about the SQLite file
itself (WAL, creating folders, a text file given as a database) take ``db_path``
or ``tmp_path`` and stay on SQLite.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from acctmap_tui import __version__
from acctmap_tui.cli import app
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, AccountPlan, Contact, name_key
from tests.unit.cli_engines import other_database, table_dump

pytestmark = pytest.mark.both_engines


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _count(database: Database, statement: sa.Select) -> int:
    with database.session() as session:
        return session.execute(statement).scalar_one()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"acctmap {__version__}"


def test_demo_no_open_builds_a_database_with_plans(runner: CliRunner, database: Database) -> None:
    result = runner.invoke(app, ["demo", "--no-open", "--db", database.url])
    assert result.exit_code == 0, result.output
    assert "25 accounts" in result.stdout
    assert _count(database, sa.select(sa.func.count()).select_from(Account)) == 25
    managed = sa.select(sa.func.count()).where(Contact.reports_to_id.is_not(None))
    assert _count(database, managed) > 0
    assert _count(database, sa.select(sa.func.count()).select_from(AccountPlan)) > 0


def test_demo_on_a_file_is_a_wal_database(runner: CliRunner, db_path: Path) -> None:
    """Write-ahead logging is what lets readers and a writer share the file."""
    result = runner.invoke(app, ["demo", "--no-open", "--accounts", "3", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    connection.close()


def test_demo_twice_with_the_same_seed_gives_the_same_data(
    runner: CliRunner, database: Database, request: pytest.FixtureRequest
) -> None:
    second = other_database(request, "second")
    for target in (database.url, second):
        result = runner.invoke(app, ["demo", "--no-open", "--seed", "11", "--db", target])
        assert result.exit_code == 0, result.output
    other = open_database(second)
    try:
        assert table_dump(database) == table_dump(other)
        again = runner.invoke(app, ["demo", "--no-open", "--seed", "11", "--db", database.url])
        assert again.exit_code == 0, again.output
        assert table_dump(database) == table_dump(other)
    finally:
        other.close()


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


def test_demo_without_db_leaves_the_acctmap_db_database_alone(
    runner: CliRunner,
    database: Database,
    isolated_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ACCTMAP_DB may name the team's server: the demo still goes to its own file."""
    monkeypatch.setenv("ACCTMAP_DB", database.url)
    before = table_dump(database)
    result = runner.invoke(app, ["demo", "--no-open", "--accounts", "3"])
    assert result.exit_code == 0, result.output
    assert len(list(isolated_environment.rglob("acctmap/demo.db"))) == 1
    assert table_dump(database) == before


def test_demo_refuses_a_database_with_real_accounts(runner: CliRunner, database: Database) -> None:
    with database.session() as session:
        session.add(Account(name="My Customer", name_key=name_key("My Customer")))
        session.commit()

    result = runner.invoke(app, ["demo", "--no-open", "--db", database.url])
    assert result.exit_code == 1
    assert "already holds 1 accounts that are not demo data" in result.stderr
    with database.session() as session:
        assert session.execute(sa.select(Account.name)).all() == [("My Customer",)]


def test_db_in_missing_folders_is_created(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "nonexistent-dir" / "sub" / "x.db"
    result = runner.invoke(app, ["info", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file()
    assert "schema:       0003" in result.stdout


def test_db_given_before_the_command_is_used(runner: CliRunner, database: Database) -> None:
    result = runner.invoke(app, ["--db", database.url, "info"])
    assert result.exit_code == 0, result.output
    assert f"database:     {database.url}\n" in result.stdout


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
    runner: CliRunner, database: Database
) -> None:
    assert "user:         tester" in runner.invoke(app, ["info", "--db", database.url]).stdout
    result = runner.invoke(app, ["--user", "maria", "info", "--db", database.url])
    assert "user:         maria" in result.stdout


def test_every_command_reads_acctmap_db(
    runner: CliRunner, database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ACCTMAP_DB alone (no --db) points every command at the team's database."""
    from acctmap_tui.data.account_store import create_account

    with database.session() as session:
        create_account({"name": "Acme Corp"}, session=session, user="susan")
        session.commit()
    monkeypatch.setenv("ACCTMAP_DB", database.url)
    info = runner.invoke(app, ["info"])
    assert info.exit_code == 0, info.output
    assert f"database:     {database.url}\n" in info.stdout
    listed = runner.invoke(app, ["accounts", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    assert "Acme Corp" in listed.stdout
    history = runner.invoke(app, ["history", "acme corp"])
    assert history.exit_code == 0 and "susan" in history.stdout
    exported = tmp_path / "team.json"
    result = runner.invoke(app, ["export", "json", "-o", str(exported)])
    assert result.exit_code == 0, result.output
    assert '"Acme Corp"' in exported.read_text(encoding="utf-8")


SERVER_URL = "postgresql+psycopg://team@db.invalid/acctmap"
"""A server URL: the file-only commands must refuse it before connecting anywhere."""


@pytest.mark.parametrize(
    "arguments",
    [["backup", "copy.db"], ["restore", "copy.db", "--yes"], ["check"]],
    ids=["backup", "restore", "check"],
)
@pytest.mark.parametrize("given_by", ["--db", "ACCTMAP_DB"])
def test_file_only_commands_on_a_server_say_what_works_instead(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    arguments: list[str],
    given_by: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "copy.db").write_bytes(b"")
    if given_by == "--db":
        arguments = [*arguments, "--db", SERVER_URL]
    else:
        monkeypatch.setenv("ACCTMAP_DB", SERVER_URL)
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "acctmap: postgresql+psycopg database: backup, restore and check work on an SQLite "
        "file; use `acctmap export json` (or the server's own tools, e.g. pg_dump)"
    ]
    assert (tmp_path / "copy.db").read_bytes() == b""


def test_file_only_commands_leave_a_real_server_database_alone(
    runner: CliRunner, database: Database, tmp_path: Path
) -> None:
    """On SQLite this is an ordinary check; on PostgreSQL all three refuse, changing nothing."""
    before = table_dump(database)
    backup = tmp_path / "copy.db"
    made = runner.invoke(app, ["backup", str(backup), "--db", database.url])
    checked = runner.invoke(app, ["check", "--db", database.url])
    if database.file_path is not None:
        assert made.exit_code == 0 and checked.exit_code == 0, made.output + checked.output
        return
    restored = runner.invoke(app, ["restore", str(backup), "--yes", "--db", database.url])
    for result in (made, checked, restored):
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1 and "acctmap export json" in result.stderr
    assert not backup.exists()
    assert table_dump(database) == before


def _recorded_launch(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, object]]:
    """Patch the launcher's run_tui: record what it would open the app on, and close it."""
    import acctmap_tui.launcher as launcher

    launches: list[tuple[object, object]] = []

    def run_tui(database, settings, first_rows=None, first_screen=None) -> int:  # type: ignore[no-untyped-def]
        launches.append((database, first_rows if first_screen is None else first_screen))
        if hasattr(database, "schema_state"):
            assert database.schema_state().is_current
        database.close()
        return 0

    monkeypatch.setattr(launcher, "run_tui", run_tui)
    return launches


def test_opening_the_app_on_a_server_skips_the_sqlite_fast_paths(
    runner: CliRunner, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick read and the first-screen cache read SQLite files; a server is opened fully."""
    from acctmap_tui.data import first_screen, quick_read
    from acctmap_tui.data.db import Database as OpenedDatabase
    from acctmap_tui.data.deferred import DeferredDatabase
    from acctmap_tui.launcher import launch_app, plain_launch, settings_for

    with database.session() as session:
        session.add(Account(name="Acme Corp", name_key=name_key("Acme Corp")))
        session.commit()
    on_file = database.file_path is not None
    if not on_file:

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("an SQLite-only fast path ran for a server URL")

        monkeypatch.setattr(quick_read, "read_first_map", refuse)
        monkeypatch.setattr(first_screen, "read_first_screen", refuse)
        monkeypatch.setattr(first_screen, "stamp_of", refuse)
    launches = _recorded_launch(monkeypatch)

    assert plain_launch(["--db", database.url]) == (database.url, None, False)
    assert launch_app(database.url, settings_for("tester")) == 0
    result = runner.invoke(app, ["--db", database.url])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("ACCTMAP_DB", database.url)
    assert runner.invoke(app, []).exit_code == 0

    assert len(launches) == 3
    for opened, first_page in launches:
        if on_file:
            assert isinstance(opened, DeferredDatabase) and first_page is not None
        else:
            assert isinstance(opened, OpenedDatabase) and first_page is None
            assert opened.url == database.url


def test_share_on_a_server_url_says_it_is_for_files(runner: CliRunner) -> None:
    result = runner.invoke(app, ["share", SERVER_URL, "--group", "root"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "acctmap: postgresql+psycopg database: share gives a Unix group an SQLite file; a "
        "server database is shared through its own users and grants (ask its administrator); "
        "nothing was changed"
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://sales:p%40ss@db:5433/team?sslmode=require",
         "postgresql+psycopg://sales:***@db:5433/team?sslmode=require"),
        ("postgresql+psycopg://sales@db/team", "postgresql+psycopg://sales@db/team"),
        ("sqlite:////home/ana/acctmap.db", "sqlite:////home/ana/acctmap.db"),
    ],
)  # fmt: skip
def test_a_printed_url_never_shows_the_password(url: str, shown: str) -> None:
    from acctmap_tui.data.location import shown_url

    assert shown_url(url) == shown


def test_info_and_demo_hide_the_server_password(
    runner: CliRunner, database: Database, engine: str
) -> None:
    if engine == "sqlite":
        pytest.skip("a file path carries no password")
    # The test server trusts local connections, so any password is accepted (and ignored).
    url = sa.make_url(database.url).set(password="s3cret")
    with_password = url.render_as_string(hide_password=False)
    info = runner.invoke(app, ["info", "--db", with_password])
    demo = runner.invoke(app, ["demo", "--no-open", "--accounts", "2", "--db", with_password])
    for result in (info, demo):
        assert result.exit_code == 0, result.output
        assert "s3cret" not in result.output
        assert url.render_as_string(hide_password=True) in result.stdout


def test_export_json_from_a_file_imports_into_a_server_identically(
    runner: CliRunner, db_path: Path, pg_url: str, tmp_path: Path
) -> None:
    """The JSON export is the way between engines: a demo file → PostgreSQL → the same bytes."""
    made = runner.invoke(app, ["demo", "--no-open", "--accounts", "8", "--db", str(db_path)])
    assert made.exit_code == 0, made.output
    from_file, from_server = tmp_path / "file.json", tmp_path / "server.json"
    exported = runner.invoke(app, ["export", "json", "--db", str(db_path), "-o", str(from_file)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(app, ["import", "json", str(from_file), "--db", pg_url])
    assert imported.exit_code == 0, imported.output
    again = runner.invoke(app, ["export", "json", "--db", pg_url, "-o", str(from_server)])
    assert again.exit_code == 0, again.output
    assert from_server.read_bytes() == from_file.read_bytes()
    listed = [
        runner.invoke(app, ["accounts", "--format", "json", "--db", target]).stdout
        for target in (str(db_path), pg_url)
    ]
    assert listed[0] == listed[1] and '"rank": 8' in listed[0]
