"""The database layer on real SQLite files: models, pragmas, migrations and refusals."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel, select

from acctmap_tui.data.db import (
    Database,
    DatabaseError,
    open_database,
    resolve_url,
    upgrade,
)
from acctmap_tui.data.models import (
    Account,
    AccountProblem,
    AppSetting,
    ChangeLogEntry,
    Contact,
    Relationship,
    Seat,
    TeamMember,
    name_key,
)
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    ChangeAction,
    RelationshipKind,
    Sentiment,
    Stage,
    TargetType,
)
from tests.pg import PgServer

pytestmark = pytest.mark.both_engines


def _account(name: str, **fields: object) -> Account:
    return Account(name=name, name_key=name_key(name), **fields)


def test_account_round_trip_keeps_money_exact_and_times_in_utc(database: Database) -> None:
    reviewed = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    with database.session() as session:
        owner = TeamMember(name="Susan Park", username="susan")
        session.add(owner)
        session.flush()
        session.add(
            _account(
                "ABC Company",
                target_type=TargetType.ENGAGED_PROSPECT,
                stage=Stage.WON,
                revenue_potential=Decimal("100000.10"),
                win_probability=0.7,
                closed_amount=Decimal("0.30"),
                closed_on=date(2026, 2, 1),
                owner_id=owner.id,
                last_reviewed_at=reviewed,
                extra={"Region Code": "EMEA", "Score": 7},
            )
        )
        session.commit()

    with database.session() as session:
        stored = session.exec(select(Account)).one()
    assert stored.revenue_potential == Decimal("100000.10")
    assert isinstance(stored.revenue_potential, Decimal)
    assert stored.closed_amount == Decimal("0.30")
    assert stored.win_probability == 0.7
    assert stored.stage is Stage.WON
    assert stored.target_type is TargetType.ENGAGED_PROSPECT
    assert stored.last_reviewed_at == reviewed
    assert stored.last_reviewed_at.tzinfo is UTC
    assert stored.extra == {"Region Code": "EMEA", "Score": 7}
    with database.engine.connect() as connection:
        raw = connection.exec_driver_sql(
            "SELECT revenue_potential, stage, last_reviewed_at FROM account"
        ).one()
    assert raw[0] == 10_000_010  # whole cents, never a float
    assert raw[1] == "won"
    if database.engine.dialect.name == "sqlite":
        assert raw[2].startswith("2026-03-01 07:30:00")
    else:  # a timestamp column holding UTC, the same instant as on SQLite
        assert raw[2] == datetime(2026, 3, 1, 7, 30)


def test_money_with_fractions_of_a_cent_or_floats_is_refused(database: Database) -> None:
    with database.session() as session:
        session.add(_account("Fractions", revenue_potential=Decimal("1.005")))
        with pytest.raises(sa.exc.StatementError, match="more than two decimal places"):
            session.commit()
    with database.session() as session:
        session.add(_account("Floats", revenue_potential=1.5))
        with pytest.raises(sa.exc.StatementError, match="not a float"):
            session.commit()


def test_naive_timestamps_are_refused(database: Database) -> None:
    with database.session() as session:
        session.add(_account("Naive", last_reviewed_at=datetime(2026, 1, 1)))
        with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
            session.commit()


def test_updates_bump_the_version(database: Database) -> None:
    with database.session() as session:
        account = _account("Versioned")
        session.add(account)
        session.commit()
        first_update = account.updated_at
        account.strategy = "Executive briefing"
        session.commit()
        assert account.version == 2
        assert account.updated_at >= first_update


@pytest.mark.parametrize(
    "fields",
    [{"win_probability": 1.5}, {"win_probability": -0.1}, {"fit_timing": 6}],
    ids=["probability-above-1", "probability-negative", "fit-above-5"],
)
def test_out_of_range_values_are_refused_by_the_database(
    database: Database, fields: dict[str, object]
) -> None:
    with database.session() as session:
        session.add(_account("Out of range", **fields))
        with pytest.raises(sa.exc.IntegrityError, match="(?i)check constraint"):
            session.commit()


def test_duplicate_names_are_refused_ignoring_case_and_spaces(database: Database) -> None:
    with database.session() as session:
        session.add(_account("Acme Corp"))
        session.commit()
        session.add(_account("  ACME   corp "))
        with pytest.raises(sa.exc.IntegrityError, match="(?i)unique"):
            session.commit()


def test_people_graph_round_trip_and_cascade(database: Database) -> None:
    with database.session() as session:
        member = TeamMember(name="Mark Diaz")
        account = _account("Globex")
        session.add_all([member, account])
        session.flush()
        ceo = Contact(
            account_id=account.id,
            name="Ada CEO",
            title="CEO",
            buying_role=BuyingRole.ECONOMIC_BUYER,
            sentiment=Sentiment.SUPPORTER,
            influence=5,
        )
        session.add(ceo)
        session.flush()
        cfo = Contact(account_id=account.id, name="Bo CFO", title="CFO", reports_to_id=ceo.id)
        session.add(cfo)
        session.flush()
        session.add(
            Relationship(
                account_id=account.id,
                kind=RelationshipKind.ENGAGEMENT,
                source_member_id=member.id,
                target_contact_id=cfo.id,
                strength=4,
            )
        )
        session.add(Seat(account_id=account.id, role_title="CTO", reports_to_id=ceo.id))
        session.add(AccountProblem(account_id=account.id, statement="Churn is rising"))
        session.commit()
        account_id = account.id

    with database.session() as session:
        cfo = session.exec(select(Contact).where(Contact.title == "CFO")).one()
        assert session.get(Contact, cfo.reports_to_id).name == "Ada CEO"
        assert session.exec(select(Seat)).one().contact_id is None
        session.delete(session.get(Account, account_id))
        session.commit()
    with database.session() as session:
        for model in (Contact, Relationship, Seat, AccountProblem):
            assert session.exec(select(model)).all() == [], model.__name__


def test_a_relationship_needs_exactly_one_source(database: Database) -> None:
    with database.session() as session:
        account = _account("Initech")
        session.add(account)
        session.flush()
        target = Contact(account_id=account.id, name="Peter")
        session.add(target)
        session.flush()
        session.add(Relationship(kind=RelationshipKind.KNOWS, target_contact_id=target.id))
        with pytest.raises(sa.exc.IntegrityError, match="one_source"):
            session.commit()


def test_history_outlives_the_account(database: Database) -> None:
    with database.session() as session:
        account = _account("Umbrella")
        session.add(account)
        session.flush()
        session.add(
            ChangeLogEntry(
                user="tester",
                action=ChangeAction.CREATE,
                entity="account",
                entity_id=str(account.id),
                account_id=account.id,
            )
        )
        session.commit()
        session.delete(account)
        session.commit()
        assert len(session.exec(select(ChangeLogEntry)).all()) == 1


def test_sqlite_pragmas(database: Database, db_path: Path) -> None:
    """SQLite only (it takes ``db_path``): the file's journal, keys and lock wait."""
    assert database.file_path == db_path
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_new_database_file_and_folders_are_created_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "team.db"
    database = open_database(path)
    database.close()
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert database.schema_state().is_current


def test_migrations_create_exactly_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_opening_an_older_schema_upgrades_it_keeping_data_and_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = open_database(path, migrate=False)
    upgrade(old, "0001")
    with old.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO account (id, name, name_key, target_type, stage, currency, "
            "revenue_potential, created_at, updated_at, version) VALUES "
            "(1, 'Old Co', 'old co', 'new_prospect', 'proposal', 'USD', 12345, "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
        )
    old.close()

    database = open_database(path)
    assert database.schema_state().is_current
    with database.session() as session:
        account = session.exec(select(Account)).one()
    assert (account.name, account.stage, account.revenue_potential) == (
        "Old Co",
        Stage.PROPOSAL,
        Decimal("123.45"),
    )
    index_names = {index["name"] for index in sa.inspect(database.engine).get_indexes("account")}
    assert "ix_account_stage" in index_names
    database.close()

    backups = list(tmp_path.glob("old.db.0001-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert copy.execute("SELECT name FROM account").fetchall() == [("Old Co",)]
    copy.close()


def _pg_triggers(database: Database) -> set[tuple[str, str]]:
    """(table, trigger) pairs of the user-defined triggers in a PostgreSQL database."""
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT c.relname, t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
        ).all()
    return {(table, trigger) for table, trigger in rows}


def test_migrations_create_and_upgrade_a_postgresql_database(pg_url: str) -> None:
    """An empty server database is migrated step by step, keeping the rows of each step."""
    old = open_database(pg_url, migrate=False)
    try:
        upgrade(old, "0001")
        assert old.schema_state().current == "0001"
        with old.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO account (name, name_key, target_type, stage, currency, "
                "revenue_potential, created_at, updated_at, version) VALUES "
                "('Old Co', 'old co', 'new_prospect', 'proposal', 'USD', 12345, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1)"
            )
        assert _pg_triggers(old) == set()
    finally:
        old.close()

    database = open_database(pg_url)
    try:
        assert database.schema_state().is_current
        assert database.file_path is None  # nothing to back up beside a file
        with database.session() as session:
            account = session.exec(select(Account)).one()
            assert (account.name, account.stage, account.revenue_potential) == (
                "Old Co",
                Stage.PROPOSAL,
                Decimal("123.45"),
            )
        indexes = {index["name"] for index in sa.inspect(database.engine).get_indexes("account")}
        assert "ix_account_stage" in indexes
        # Migration 0003: commits that write the change log or a setting notify listeners.
        assert {("change_log", "change_log_notify"), ("app_setting", "app_setting_notify")} <= (
            _pg_triggers(database)
        )
        with database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
    finally:
        database.close()


def test_a_setting_written_on_postgresql_notifies_listeners(pg_server: PgServer) -> None:
    """The trigger of migration 0003 fires on commit: a listening client hears it.

    (SQLite apps read ``PRAGMA data_version`` instead; there is nothing to listen to.)
    """
    import psycopg

    with pg_server.scratch_database(migrated=True) as url:
        database = open_database(url)
        driver_url = database.engine.url.set(drivername="postgresql")
        try:
            with psycopg.connect(driver_url.render_as_string(hide_password=False)) as listener:
                listener.autocommit = True
                listener.execute("LISTEN acctmap_changes")
                with database.session() as session:
                    session.add(AppSetting(key="scoring", value="{}"))
                    session.commit()
                heard = [note.payload for note in listener.notifies(timeout=5, stop_after=1)]
        finally:
            database.close()
    assert heard == ["app_setting"]


def test_a_newer_schema_on_postgresql_is_refused_and_left_untouched(pg_url: str) -> None:
    open_database(pg_url).close()
    raw = sa.create_engine(pg_url, poolclass=sa.NullPool)
    try:
        with raw.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
        with pytest.raises(DatabaseError, match="newer acctmap.*9999_future.*unchanged"):
            open_database(pg_url)
        with raw.connect() as connection:
            stamped = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert stamped.scalar_one() == "9999_future"
    finally:
        raw.dispose()


def test_another_programs_postgresql_database_is_refused(pg_url: str) -> None:
    raw = sa.create_engine(pg_url, poolclass=sa.NullPool)
    try:
        with raw.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE songs (title TEXT)")
        with pytest.raises(DatabaseError, match="not acctmap's"):
            open_database(pg_url)
        assert sa.inspect(raw).get_table_names() == ["songs"]
    finally:
        raw.dispose()


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns

    with pytest.raises(DatabaseError, match="newer acctmap.*9999_future.*unchanged"):
        open_database(path)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    assert not list(tmp_path.glob("*.bak"))


def test_a_text_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    with pytest.raises(DatabaseError, match="not an acctmap database"):
        open_database(path)
    assert path.read_text() == "not a database\n"


def test_another_programs_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE songs (title TEXT)")
    connection.close()
    with pytest.raises(DatabaseError, match="not acctmap's"):
        open_database(path)
    with sqlite3.connect(path) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    connection.close()
    assert tables == [("songs",)]


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a folder"):
        open_database(tmp_path)


def test_an_uncreatable_path_gives_one_clear_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="cannot create database") as raised:
        open_database(blocker / "sub" / "x.db")
    assert "\n" not in str(raised.value)


def test_a_locked_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    open_database(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO app_setting VALUES ('k', '1', '2026-01-01 00:00:00')")
        with pytest.raises(DatabaseError, match="locked by another program"):
            open_database(path, busy_timeout_ms=100)
    finally:
        holder.close()


def test_url_resolution_prefers_option_then_environment_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_environment: Path
) -> None:
    assert resolve_url(tmp_path / "a.db") == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    monkeypatch.setenv("ACCTMAP_DB", str(tmp_path / "env.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("ACCTMAP_DB")
    default = resolve_url(None)
    assert default.startswith(f"sqlite:///{isolated_environment}")
    assert default.endswith("acctmap/acctmap.db")


def test_relative_paths_are_made_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("rel.db") == f"sqlite:///{tmp_path / 'rel.db'}"
    assert os.path.isabs(resolve_url("rel.db").removeprefix("sqlite:///"))


def test_clear_keeps_the_schema(database: Database) -> None:
    with database.session() as session:
        session.add(_account("To clear"))
        session.commit()
    database.clear()
    with database.session() as session:
        assert session.exec(select(Account)).all() == []
    assert database.schema_state().is_current


def test_schema_head_constant_matches_the_migrations() -> None:
    from alembic.script import ScriptDirectory

    from acctmap_tui.data.db import SCHEMA_HEAD, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == SCHEMA_HEAD


def test_a_newer_schema_in_rollback_journal_mode_is_not_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "future-journal.db"
    open_database(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
        connection.execute("UPDATE alembic_version SET version_num = 'zzzz'")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="newer acctmap"):
        open_database(path)
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


def test_an_up_to_date_database_opens_without_loading_alembic(db_path: Path) -> None:
    import subprocess
    import sys

    open_database(db_path).close()
    probe = (
        "import sys\n"
        "from acctmap_tui.data.db import open_database\n"
        f"open_database({str(db_path)!r}).close()\n"
        "print('alembic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
