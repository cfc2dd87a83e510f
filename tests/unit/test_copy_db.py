"""`acctmap copy-db`: lossless, all or nothing, in both directions between SQLite and PostgreSQL.

"Lossless" is checked the way the issue states it: the JSON export of the source and
of the copy are byte-identical. PostgreSQL tests use scratch databases on the server
named by ACCTMAP_TEST_PG_URL (the ``pg_server`` fixture in tests/conftest.py) and
skip with that reason when it is unset.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data import copy_db
from acctmap_tui.data.copy_db import CopyError, copy_database, first_difference
from acctmap_tui.data.db import Database, copy_sqlite, open_database
from acctmap_tui.data.models import Account, ChangeLogEntry, Contact, Presence, name_key
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.vocabulary import ChangeAction
from acctmap_tui.interchange.json_dump import write_json_dump
from tests.pg import PgServer

ODD_TEXT = 'Zoë "Ω" O\'Brien,\nline two\r\n\ttab \\ back \u2028 🚀 =1+1'
HUGE = Decimal("92233720368547758.07")


def _add_edge_rows(database: Database) -> None:
    """Values that a careless copy would change, and a row that must not be copied."""
    with database.session() as session:
        late = Contact(id=5000, account_id=1, name=ODD_TEXT, extra={"b": [1, 2.5], "a": None})
        session.add(late)
        session.add(
            Account(
                id=5000,
                name="Edge Ltd",
                name_key=name_key("Edge Ltd"),
                revenue_potential=HUGE,
                closed_amount=Decimal("-0.05"),
                revenue_growth=-0.123456789012345,
                last_reviewed_at=datetime(2025, 2, 28, 23, 59, 59, 1, tzinfo=UTC),
                closed_on=date(1, 1, 1),
            )
        )
        session.flush()
        # The first contact reports to one later in key order: a forward self-reference.
        session.execute(sa.update(Contact).where(Contact.id == 1).values(reports_to_id=5000))
        session.add(
            ChangeLogEntry(id=900, user="me", action=ChangeAction.UPDATE, entity="a", entity_id="1")
        )
        session.add(
            ChangeLogEntry(
                id=901,
                user="me",
                action=ChangeAction.REVERT,
                entity="a",
                entity_id="1",
                reverts_id=900,
            )
        )
        session.add(Presence(user="someone", host="h", pid=1))
        session.commit()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 30-account demo with edge rows, built once per module (copied for each test)."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = open_database(path)
    try:
        generate_demo(database, accounts=30, seed=7, today=date(2026, 1, 15))
        _add_edge_rows(database)
    finally:
        database.close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "source.db"
    copy_sqlite(demo_template, path)
    return path


@pytest.fixture
def pg_scratch(pg_server: PgServer) -> Iterator[Any]:
    """Makes empty PostgreSQL databases (no schema) for this test; all dropped afterwards."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(pg_server.scratch_database(migrated=False))


def _export(target: str | Path) -> str:
    database = open_database(target)
    try:
        buffer = io.StringIO()
        write_json_dump(database, buffer)
        return buffer.getvalue()
    finally:
        database.close()


def _count(target: str | Path, table: str) -> int:
    database = open_database(target)
    try:
        with database.engine.connect() as connection:
            return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    finally:
        database.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".copy-" in p.name)


class RecordedProgress:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.done: dict[str, int] = {}

    def started(self, counts: dict[str, int]) -> None:
        self.counts = counts

    def advanced(self, table: str, rows: int) -> None:
        self.done[table] = self.done.get(table, 0) + rows


# --- SQLite to SQLite ---------------------------------------------------------------------


def test_sqlite_copy_is_byte_identical_in_json_and_skips_presence(
    demo_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copy.db"
    progress = RecordedProgress()
    summary = copy_database(demo_path, target, progress=progress)

    source_export = _export(demo_path)
    assert _export(target) == source_export
    assert first_difference(demo_path, target) is None
    document = json.loads(source_export)
    assert summary.rows["account"] == len(document["tables"]["account"]["rows"]) == 31
    assert summary.rows["contact"] == len(document["tables"]["contact"]["rows"])
    assert "presence" not in summary.rows
    assert _count(demo_path, "presence") == 1
    assert _count(target, "presence") == 0
    assert progress.done == {name: rows for name, rows in progress.counts.items() if rows}
    assert progress.counts == summary.rows
    assert summary.line().startswith("Copied 31 accounts, ")
    assert _leftovers(tmp_path) == []
    copied = open_database(target)
    try:
        with copied.session() as session:
            assert session.get(Contact, 1).reports_to_id == 5000
            assert session.get(Account, 5000).revenue_potential == HUGE
    finally:
        copied.close()


def test_destination_with_data_is_refused_then_replaced(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "team.db"
    other = open_database(target)
    generate_demo(other, accounts=3, seed=1, today=date(2026, 1, 15))
    other.close()
    os.chmod(target, 0o640)
    before = _export(target)

    with pytest.raises(CopyError, match=r"already holds data .*--replace"):
        copy_database(demo_path, target)
    assert _export(target) == before

    copy_database(demo_path, target, replace=True)
    assert _export(target) == _export(demo_path)
    assert target.stat().st_mode & 0o777 == 0o640  # the team's permissions are kept
    assert not Path(f"{target}-wal").exists() or Path(f"{target}-wal").stat().st_size == 0
    assert _leftovers(tmp_path) == []


def _fail_at(monkeypatch: pytest.MonkeyPatch, failing_table: str) -> None:
    """Make writing ``failing_table`` fail as a database error would, after earlier tables."""
    write_rows = copy_db._write_rows

    def failing(writing: sa.Connection, table: Any, columns: list[str], rows: list[Any]) -> None:
        if table.name == failing_table:
            raise sa.exc.OperationalError("INSERT", None, Exception("disk I/O error"))
        write_rows(writing, table, columns, rows)

    monkeypatch.setattr(copy_db, "_write_rows", failing)


def test_failure_midway_leaves_the_sqlite_target_untouched(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "team.db"
    other = open_database(target)
    generate_demo(other, accounts=3, seed=1, today=date(2026, 1, 15))
    other.close()
    before = _digest(target)
    _fail_at(monkeypatch, "relationship")

    with pytest.raises(CopyError, match="disk I/O error.*nothing was written"):
        copy_database(demo_path, target, replace=True)

    assert _digest(target) == before
    assert _leftovers(tmp_path) == []
    assert _count(target, "account") == 3


def test_failure_midway_creates_no_file(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_at(monkeypatch, "contact")
    with pytest.raises(CopyError):
        copy_database(demo_path, tmp_path / "new.db")
    assert not (tmp_path / "new.db").exists()
    assert _leftovers(tmp_path) == []


def test_source_at_another_schema_is_refused(demo_path: Path, tmp_path: Path) -> None:
    database = open_database(demo_path)
    with database.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0002'"))
    database.close()
    with pytest.raises(CopyError, match=r"--from: source.db is at schema 0002.*open it once"):
        copy_database(demo_path, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_first_difference_names_the_line(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    copy_database(demo_path, target)
    database = open_database(target)
    with database.engine.begin() as connection:
        connection.execute(sa.text("UPDATE account SET name = 'Changed' WHERE id = 2"))
    database.close()
    difference = first_difference(demo_path, target)
    assert difference is not None
    assert difference.startswith("line ")
    assert "Changed" in difference


# --- PostgreSQL --------------------------------------------------------------------------


def test_round_trip_through_postgresql_is_byte_identical(
    demo_path: Path, tmp_path: Path, pg_scratch: Any
) -> None:
    server_url = pg_scratch()
    back = tmp_path / "back.db"

    copy_database(demo_path, server_url)
    copy_database(server_url, back)

    source_export = _export(demo_path)
    assert _export(server_url) == source_export
    assert _export(back) == source_export
    assert _count(server_url, "presence") == 0
    # Id sequences were moved past the copied ids: a new row does not collide.
    server = open_database(server_url)
    try:
        with server.session() as session:
            account = Account(name="After copy", name_key="after copy")
            session.add(account)
            session.commit()
            assert account.id == 5001
    finally:
        server.close()


def test_postgresql_destination_is_all_or_nothing(
    demo_path: Path, pg_scratch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server_url = pg_scratch()
    foreign_keys = "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"

    with monkeypatch.context() as patch:
        _fail_at(patch, "relationship")
        with pytest.raises(CopyError, match="disk I/O error"):
            copy_database(demo_path, server_url)
    assert _count(server_url, "account") == 0  # created and migrated, but still empty
    assert _count(server_url, "contact") == 0

    small = demo_path.with_name("small.db")
    small_db = open_database(small)
    generate_demo(small_db, accounts=3, seed=1, today=date(2026, 1, 15))
    small_db.close()
    copy_database(small, server_url)
    before = _export(server_url)
    database = open_database(server_url)
    with database.engine.connect() as connection:
        keys_before = connection.execute(sa.text(foreign_keys)).scalar_one()
    database.close()

    with pytest.raises(CopyError, match=r"already holds data"):
        copy_database(demo_path, server_url)
    with monkeypatch.context() as patch:
        _fail_at(patch, "relationship")
        with pytest.raises(CopyError, match="disk I/O error"):
            copy_database(demo_path, server_url, replace=True)
    assert _export(server_url) == before  # the emptying was rolled back with the rest

    copy_database(demo_path, server_url, replace=True)
    assert _export(server_url) == _export(demo_path)
    database = open_database(server_url)
    with database.engine.connect() as connection:
        assert connection.execute(sa.text(foreign_keys)).scalar_one() == keys_before > 0
    database.close()


# --- the command --------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_cli_copies_and_verifies(runner: CliRunner, demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    result = runner.invoke(
        app, ["copy-db", "--from", str(demo_path), "--to", str(target), "--verify"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Copied 31 accounts, ")
    assert "from source.db to copy.db in " in result.stdout
    assert "Verified" in result.stdout
    assert _export(target) == _export(demo_path)


def test_cli_verify_fails_on_a_lossy_copy(
    runner: CliRunner, demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def shifted(text: str) -> datetime:  # a bug that moves every timestamp by a microsecond
        return datetime.fromisoformat(text[:26]).replace(microsecond=7)

    monkeypatch.setattr(copy_db, "_timestamp", shifted)
    result = runner.invoke(
        app, ["copy-db", "--from", str(demo_path), "--to", str(tmp_path / "c.db"), "--verify"]
    )
    assert result.exit_code == 1
    assert "acctmap: --verify: the JSON exports differ at line " in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--from", "{tmp}/missing.db", "--to", "{tmp}/c.db"], "--from: no database file at"),
        (["--from", "{src}", "--to", "{src}"], "--from and --to both name source.db"),
        (
            ["--from", "{src}", "--to", "postgresql+psycopg://nobody@127.0.0.1:1/none"],
            "--to: cannot reach the PostgreSQL server at 127.0.0.1:1 (connection refused)",
        ),
        (["--from", "{src}", "--to", "{tmp}"], "--to: {tmp} is a folder"),
    ],
    ids=["missing-source", "same-database", "unreachable-server", "folder"],
)
def test_cli_errors_are_one_line(
    runner: CliRunner, demo_path: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    filled = [a.format(tmp=tmp_path, src=demo_path) for a in arguments]
    result = runner.invoke(app, ["copy-db", *filled])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"acctmap: {message.format(tmp=tmp_path)}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "c.db").exists()


# --- killed midway -------------------------------------------------------------------------

KILLED_CHILD = """
import sys, time
from acctmap_tui.data import copy_db
write_rows = copy_db._write_rows
def stalling(writing, table, columns, rows):
    if table.name == "relationship":
        print("ready", flush=True)
        time.sleep(60)
    write_rows(writing, table, columns, rows)
copy_db._write_rows = stalling
copy_db.copy_database(sys.argv[1], sys.argv[2], replace=True)
"""


def _kill_midway(source: Path, destination: str) -> None:
    """Run a copy in another process and SIGKILL it while it writes a late table."""
    import signal
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(source), destination],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()


def test_killed_copy_leaves_the_sqlite_target_untouched(demo_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "team.db"
    other = open_database(target)
    generate_demo(other, accounts=3, seed=1, today=date(2026, 1, 15))
    other.close()
    before = _digest(target)

    _kill_midway(demo_path, str(target))

    assert _digest(target) == before
    assert _count(target, "account") == 3
    assert _leftovers(tmp_path)  # the killed copy's temporary file...
    copy_database(demo_path, target, replace=True)
    assert _leftovers(tmp_path) == []  # ...is cleared by the next copy
    assert _export(target) == _export(demo_path)


def test_killed_copy_leaves_postgresql_empty(demo_path: Path, pg_scratch: Any) -> None:
    server_url = pg_scratch()
    _kill_midway(demo_path, server_url)
    assert _count(server_url, "account") == 0
    assert _count(server_url, "contact") == 0


def test_progress_bar_shows_the_table_and_its_rows() -> None:
    from rich.console import Console

    from acctmap_tui.copy_db_cli import RichCopyProgress, _progress_bar

    bar = _progress_bar()
    bar.live.console = Console(file=io.StringIO())
    progress = RichCopyProgress(bar)
    progress.started({"account": 10, "contact": 5})
    progress.advanced("account", 10)
    progress.advanced("contact", 2)
    (task,) = bar.tasks
    assert (task.completed, task.total) == (12, 15)
    assert " ".join(task.description.split()) == "contact 2 / 5"


def test_first_differing_line_when_one_export_is_shorter() -> None:
    from acctmap_tui.data.copy_db import _first_differing_line

    assert _first_differing_line(["a\n", "b\n"], ["a\n", "b\n"]) is None
    assert _first_differing_line(["a\n", "b\n"], ["a\n"]) == "line 2: the copy's export ends here"
    assert _first_differing_line(["a\n"], ["a\n", "c\n"]) == "line 2: the source's export ends here"
