"""`acctmap export csv accounts|contacts`: every column, safe in a spreadsheet, RFC 4180."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, Contact, TeamMember, name_key
from acctmap_tui.data.types import utc_now
from acctmap_tui.interchange.account_map import FORMULA_TRIGGERS
from acctmap_tui.interchange.csv_export import write_csv

TEXT_TYPES = (sa.String, sa.Text)


def _text_columns(table: sa.Table) -> list[str]:
    """The free-text columns (enumerations hold fixed values, never formulas)."""
    return [
        column.name
        for column in table.columns
        if isinstance(getattr(column.type, "impl_instance", column.type), TEXT_TYPES)
        and not isinstance(column.type, sa.Enum)
        and column.name != "extra"
    ]


def _hostile(columns: list[str]) -> dict[str, str]:
    return {name: f"{FORMULA_TRIGGERS[i % 6]}{name}" for i, name in enumerate(columns)}


@pytest.fixture
def hostile(database: Database) -> Database:
    account_text = _hostile(_text_columns(Account.__table__))
    contact_text = _hostile(_text_columns(Contact.__table__))
    with database.session() as session:
        session.add(TeamMember(id=1, name="=Owner"))
        session.flush()
        account_text["name_key"] = name_key(account_text["name"])
        session.add(
            Account(
                id=1,
                **account_text,
                revenue_potential=Decimal("-5"),
                annual_revenue=Decimal("1234.5"),
                win_probability=0.35,
                revenue_growth=-0.2,
                employees=-3,
                owner_id=1,
                extra={"k": "=v"},
            )
        )
        session.add(Account(id=2, name="Gone", name_key="gone", deleted_at=utc_now()))
        session.flush()
        session.add(Contact(id=1, account_id=1, name="@Boss", influence=5, met=True))
        session.flush()
        session.add(Contact(id=2, **contact_text | {"account_id": 1, "reports_to_id": 1}))
        session.add(Contact(id=3, account_id=2, name="In the bin"))
        session.commit()
    return database


def _read(database: Database, kind: str, **options: bool) -> list[dict[str, str]]:
    buffer = io.StringIO(newline="")
    write_csv(database, kind, buffer, **options)
    return list(csv.DictReader(io.StringIO(buffer.getvalue(), newline="")))


def test_every_text_column_of_an_account_is_neutralised(hostile: Database) -> None:
    (row,) = _read(hostile, "accounts")
    with hostile.session() as session:
        account = session.get(Account, 1)
    assert account is not None
    for column in _text_columns(Account.__table__):
        stored = getattr(account, column)
        assert stored[0] in FORMULA_TRIGGERS, column
        assert row[column] == "'" + stored, column
    assert row["owner_name"] == "'=Owner"
    assert row["extra"] == '{"k": "=v"}'


def test_numbers_stay_numbers(hostile: Database) -> None:
    (row,) = _read(hostile, "accounts")
    assert row["revenue_potential"] == "-5.00"
    assert row["annual_revenue"] == "1234.50"
    assert row["win_probability"] == "0.35"
    assert row["revenue_growth"] == "-0.2"
    assert row["employees"] == "-3"
    assert row["closed_amount"] == ""
    assert row["id"] == "1" and row["version"] == "1"


def test_every_column_is_there_with_model_names(hostile: Database) -> None:
    buffer = io.StringIO(newline="")
    write_csv(hostile, "accounts", buffer)
    header = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert set(header) == {c.name for c in Account.__table__.columns} | {"owner_name"}
    assert header[:2] == ["id", "name"]
    assert header.index("owner_name") == header.index("owner_id") + 1
    assert buffer.getvalue().endswith("\r\n")


def test_contacts_carry_account_and_manager_names(hostile: Database) -> None:
    rows = _read(hostile, "contacts")
    assert [row["id"] for row in rows] == ["1", "2"]  # the binned account's contact is left out
    boss, report = rows
    assert boss["account_name"] == report["account_name"]
    assert boss["account_name"].startswith("'")
    assert report["manager_name"] == "'@Boss"
    assert boss["manager_name"] == ""
    assert boss["met"] == "true" and boss["influence"] == "5"
    for column, value in _hostile(_text_columns(Contact.__table__)).items():
        assert report[column] == "'" + value, column


def test_deleted_accounts_on_request(hostile: Database) -> None:
    assert [row["name"] for row in _read(hostile, "accounts", include_deleted=True)][1] == "Gone"
    assert len(_read(hostile, "contacts", include_deleted=True)) == 3


def test_awkward_text_reads_back_unchanged(database: Database) -> None:
    awkward = 'Comma, "quotes", new\nline, and ünïcödé 🚀'
    with database.session() as session:
        session.add(Account(name=awkward, name_key=name_key(awkward), notes="a\r\nb"))
        session.commit()
    (row,) = _read(database, "accounts")
    assert row["name"] == awkward
    assert row["notes"] == "a\r\nb"


def test_cli_writes_a_file_with_a_bom(hostile: Database, tmp_path: Path) -> None:
    target = tmp_path / "contacts.csv"
    hostile.close()
    result = CliRunner().invoke(
        app, ["export", "csv", "contacts", "--db", hostile.url, "--bom", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,account_id,account_name,")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3


def test_cli_to_stdout_without_bom(hostile: Database) -> None:
    hostile.close()
    result = CliRunner().invoke(app, ["export", "csv", "accounts", "--db", hostile.url])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.startswith(b"id,name,")
    bad = CliRunner().invoke(app, ["export", "csv", "deals", "--db", hostile.url])
    assert bad.exit_code == 2
