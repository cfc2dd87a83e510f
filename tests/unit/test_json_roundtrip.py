"""`acctmap export json` / `import json`: lossless, deterministic, all or nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database
from acctmap_tui.data.dump_queries import dump_tables
from acctmap_tui.data.models import (
    Account,
    AccountTeam,
    AppSetting,
    ChangeLogEntry,
    Contact,
    Presence,
    Relationship,
    Seat,
    TeamMember,
    name_key,
)
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    ChangeAction,
    RelationshipKind,
    Sentiment,
    Stage,
    TargetType,
    TeamRole,
)
from acctmap_tui.interchange.json_dump import FORMAT_VERSION, write_json_dump
from acctmap_tui.interchange.json_load import JsonImportError, load_json_dump
from tests.scratch import NewDatabase, new_databases

pytestmark = pytest.mark.both_engines

HUGE = Decimal("92233720368547758.07")
"""The largest amount a 64-bit count of cents holds."""
ODD_TEXT = 'Zoë "Ω" O\'Brien,\nline two\r\n\ttab \\ back \u2028 sep 🚀 =1+1'


def _dump(database: Database) -> str:
    buffer = io.StringIO()
    write_json_dump(database, buffer)
    return buffer.getvalue()


def _round_trip(
    database: Database, tmp_path: Path, new_database: NewDatabase
) -> tuple[str, str, Database]:
    first = _dump(database)
    source = tmp_path / "export.json"
    source.write_text(first, encoding="utf-8")
    copy = new_database("copy")
    load_json_dump(copy, source)
    return first, _dump(copy), copy


def _row_total(database: Database) -> int:
    with database.engine.connect() as connection:
        return sum(
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in dump_tables()
        )


@pytest.fixture
def new_database(request: pytest.FixtureRequest, engine: str) -> Iterator[NewDatabase]:
    """Copies and import targets on the engine under test (see tests/scratch.py)."""
    with new_databases(request, engine) as factory:
        yield factory


@pytest.fixture
def demo(database: Database) -> Database:
    generate_demo(database, accounts=25, seed=7, today=date(2026, 1, 15))
    return database


def test_demo_round_trip_is_byte_identical(
    demo: Database, tmp_path: Path, new_database: NewDatabase
) -> None:
    first, second, copy = _round_trip(demo, tmp_path, new_database)
    try:
        assert first == second
        assert _row_total(copy) == _row_total(demo)
        document = json.loads(first)
        for table in ("account_plan", "relationship", "seat", "contact_identity", "partner"):
            assert document["tables"][table]["rows"], table
    finally:
        copy.close()


def test_header_and_tables_come_from_the_metadata(demo: Database) -> None:
    document = json.loads(_dump(demo))
    assert document["format"] == "acctmap-json"
    assert document["format_version"] == FORMAT_VERSION
    assert document["schema_revision"] == demo.schema_state().head
    expected = [t.name for t in SQLModel.metadata.sorted_tables if t.name != "presence"]
    assert list(document["tables"]) == expected
    ids = [
        row[document["tables"]["contact"]["columns"].index("id")]
        for row in document["tables"]["contact"]["rows"]
    ]
    assert ids == sorted(ids)


def _edge_database(database: Database) -> None:
    """Every nullable column NULL somewhere, and extreme values elsewhere."""
    moment = datetime(2025, 2, 28, 23, 59, 59, 1, tzinfo=UTC)
    with database.session() as session:
        session.add(TeamMember(id=1, name=ODD_TEXT, created_at=moment, updated_at=moment))
        session.add(TeamMember(id=2, name="Null Person", username=None, active=False))
        session.flush()
        session.add(
            Account(
                id=1,
                name=ODD_TEXT,
                name_key=name_key(ODD_TEXT),
                target_type=TargetType.LOST_ACCOUNT,
                stage=Stage.WON,
                revenue_potential=HUGE,
                closed_amount=Decimal("-5.00"),
                annual_revenue=-HUGE,
                win_probability=0.1,
                revenue_growth=-0.123456789012345,
                closed_on=date(1, 1, 1),
                owner_id=1,
                extra={"z": [1, 2.5, None, True], "a": {"nested": "ü\n"}, "": ""},
                notes="",
                last_reviewed_at=datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
            )
        )
        session.add(Account(id=7, name="Bare", name_key="bare"))  # every optional field NULL
        session.flush()
        # Contact 3 reports to contact 9, which comes later in key order.
        session.add(Contact(id=3, account_id=1, name="Report", reports_to_id=None))
        session.add(
            Contact(
                id=9,
                account_id=1,
                name=ODD_TEXT,
                buying_role=BuyingRole.ECONOMIC_BUYER,
                sentiment=Sentiment.BLOCKER,
                met=True,
                extra={"crm": "x"},
            )
        )
        session.flush()
        session.execute(sa.update(Contact).where(Contact.id == 3).values(reports_to_id=9))
        session.add(Seat(account_id=1, role_title="CFO", contact_id=None))
        session.add(AccountTeam(account_id=1, member_id=2, role=TeamRole.SDR))
        session.add(
            Relationship(
                account_id=None,
                kind=RelationshipKind.ENGAGEMENT,
                source_member_id=1,
                target_contact_id=9,
                strength=5,
            )
        )
        session.add(
            ChangeLogEntry(
                id=5,
                user="me",
                action=ChangeAction.UPDATE,
                entity="account",
                entity_id="1",
                field="name",
                old_value=None,
                new_value=json.dumps(ODD_TEXT),
                reverts_id=None,
            )
        )
        session.add(
            ChangeLogEntry(
                id=6,
                user="me",
                action=ChangeAction.REVERT,
                entity="account",
                entity_id="1",
                reverts_id=5,
            )
        )
        session.add(AppSetting(key="weights", value='{"b": 1, "a": 2}'))
        session.add(Presence(user="someone", host="h", pid=1))
        session.commit()


def test_edge_values_round_trip(
    database: Database, tmp_path: Path, new_database: NewDatabase
) -> None:
    _edge_database(database)
    first, second, copy = _round_trip(database, tmp_path, new_database)
    try:
        assert first == second
        assert '"92233720368547758.07"' in first and '"-92233720368547758.07"' in first
        assert '"-5.00"' in first
        assert '"0001-01-01"' in first and '"9999-12-31T23:59:59.999999+00:00"' in first
        assert '"presence"' not in first
        with copy.session() as session:
            account = session.get(Account, 1)
            assert account is not None
            assert account.name == ODD_TEXT
            assert account.revenue_potential == HUGE
            assert account.closed_amount == Decimal("-5.00")
            assert account.win_probability == 0.1
            assert account.extra == {"z": [1, 2.5, None, True], "a": {"nested": "ü\n"}, "": ""}
            assert account.notes == ""
            bare = session.get(Account, 7)
            assert bare is not None and bare.revenue_potential is None and bare.extra is None
            report = session.get(Contact, 3)
            assert report is not None and report.reports_to_id == 9
            revert = session.get(ChangeLogEntry, 6)
            assert revert is not None and revert.reverts_id == 5
            member = session.get(TeamMember, 2)
            assert member is not None and member.active is False
            assert session.get(Presence, 1) is None
            # New rows get fresh ids after the loaded ones.
            session.add(TeamMember(name="New"))
            session.commit()
            assert session.execute(sa.select(sa.func.max(TeamMember.id))).scalar_one() == 3
    finally:
        copy.close()


def test_import_into_a_non_empty_database_is_refused(demo: Database, tmp_path: Path) -> None:
    source = tmp_path / "export.json"
    source.write_text(_dump(demo), encoding="utf-8")
    before = _row_total(demo)
    with pytest.raises(JsonImportError, match="not empty"):
        load_json_dump(demo, source)
    assert _row_total(demo) == before


def test_a_truncated_file_is_refused_and_nothing_written(
    demo: Database, tmp_path: Path, new_database: NewDatabase
) -> None:
    text = _dump(demo)
    source = tmp_path / "cut.json"
    source.write_text(text[: len(text) // 2], encoding="utf-8")
    target = new_database("target")
    try:
        with pytest.raises(JsonImportError, match="not complete JSON"):
            load_json_dump(target, source)
        assert _row_total(target) == 0
    finally:
        target.close()


def _document(demo: Database) -> dict:
    return json.loads(_dump(demo))


def _load_edited(
    document: dict, tmp_path: Path, new_database: NewDatabase
) -> tuple[Database, pytest.ExceptionInfo]:
    source = tmp_path / "edited.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    target = new_database("edited")
    with pytest.raises(JsonImportError) as caught:
        load_json_dump(target, source)
    return target, caught


def test_a_bad_value_late_in_the_file_leaves_nothing_written(
    demo: Database, tmp_path: Path, new_database: NewDatabase
) -> None:
    document = _document(demo)
    seats = document["tables"]["seat"]
    seats["rows"][-1][seats["columns"].index("buying_role")] = "chief_vibes_officer"
    target, caught = _load_edited(document, tmp_path, new_database)
    try:
        assert "seat row" in str(caught.value) and "buying_role" in str(caught.value)
        assert "nothing was imported" in str(caught.value)
        assert _row_total(target) == 0
    finally:
        target.close()


def test_a_broken_reference_leaves_nothing_written(
    demo: Database, tmp_path: Path, new_database: NewDatabase
) -> None:
    document = _document(demo)
    contacts = document["tables"]["contact"]
    contacts["rows"][0][contacts["columns"].index("account_id")] = 99_999
    target, caught = _load_edited(document, tmp_path, new_database)
    try:
        assert "references do not hold" in str(caught.value)
        assert "a contact row pointing at a missing account" in str(caught.value)
        assert _row_total(target) == 0
    finally:
        target.close()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format_version": 2}, "format version 2"),
        ({"format_version": "1"}, "unknown format version '1'"),
        ({"schema_revision": "9999"}, "schema 9999, newer"),
        ({"format": "something-else"}, "not an acctmap JSON export"),
    ],
)
def test_unknown_versions_are_refused(
    demo: Database, tmp_path: Path, new_database: NewDatabase, change: dict, message: str
) -> None:
    document = _document(demo) | change
    target, caught = _load_edited(document, tmp_path, new_database)
    try:
        assert message in str(caught.value)
        assert _row_total(target) == 0
    finally:
        target.close()


def test_unknown_table_is_refused(
    demo: Database, tmp_path: Path, new_database: NewDatabase
) -> None:
    document = _document(demo)
    document["tables"]["mystery"] = {"columns": ["id"], "rows": [[1]]}
    target, caught = _load_edited(document, tmp_path, new_database)
    target.close()
    assert "'mystery'" in str(caught.value)


def test_cli_export_and_import(demo: Database, tmp_path: Path, new_database: NewDatabase) -> None:
    runner = CliRunner()
    export = tmp_path / "all.json"
    demo.close()
    result = runner.invoke(app, ["export", "json", "--db", demo.url, "-o", str(export)])
    assert result.exit_code == 0, result.output
    assert export.stat().st_mode & 0o777 == 0o600
    imported = new_database("imported")
    imported.close()
    target = imported.url
    result = runner.invoke(app, ["import", "json", str(export), "--db", target])
    assert result.exit_code == 0, result.output
    assert "25 accounts" in result.stdout
    result = runner.invoke(app, ["export", "json", "--db", target])
    assert result.exit_code == 0
    assert result.stdout == export.read_text(encoding="utf-8")
    again = runner.invoke(app, ["import", "json", str(export), "--db", target])
    assert again.exit_code == 1
    assert "is not empty" in again.stderr
    missing = runner.invoke(app, ["import", "json", str(tmp_path / "nope.json"), "--db", target])
    assert missing.exit_code == 1 and "no file" in missing.stderr
