"""`acctmap import accounts|contacts` through the command line: exit codes, output, data.

On both engines: "nothing was imported" is checked as every table's rows unchanged,
and on SQLite also as the file unchanged byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account, Contact
from tests.unit.cli_engines import TableDump, other_database, table_dump

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"
SAMPLES = Path(__file__).resolve().parent.parent.parent / "data"

pytestmark = pytest.mark.both_engines


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, db: str, *args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", db, "import", *map(str, args)])


def stored(database: Database) -> tuple[TableDump, str | None]:
    """Every table's rows, and on SQLite a digest of the file and its write-ahead log.

    What "nothing changed" compares: a write that was rolled back would still have
    left pages in the log.
    """
    path = database.file_path
    if path is None:
        return table_dump(database), None
    digest = hashlib.sha256(path.read_bytes())
    wal = Path(f"{path}-wal")
    digest.update(wal.read_bytes() if wal.exists() else b"")
    return table_dump(database), digest.hexdigest()


def accounts_json(runner: CliRunner, db: str) -> list[dict]:
    result = runner.invoke(app, ["accounts", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def contacts_of(db: str, account: str) -> dict[str, str | None]:
    """Each contact of the account, with the name of whom they report to."""
    database = open_database(db)
    try:
        with database.session() as session:
            rows = session.execute(
                sa.select(Contact.id, Contact.name, Contact.reports_to_id)
                .join(Account, Account.id == Contact.account_id)
                .where(Account.name == account)
            ).all()
    finally:
        database.close()
    names = {contact_id: name for contact_id, name, _ in rows}
    return {name: names.get(manager) if manager else None for _, name, manager in rows}


def test_salesforce_accounts_then_contacts(runner: CliRunner, database: Database) -> None:
    result = invoke(runner, database.url, "accounts", FIXTURES / "salesforce-accounts.csv")
    assert result.exit_code == 0, result.output
    assert "Read salesforce-accounts.csv: 8 rows (utf-8, comma-separated)" in result.stdout
    assert "Unknown columns, kept in each record's extra data: Type, Rating" in result.stdout
    assert "Created 8 accounts" in result.stdout
    stored = {row["name"]: row for row in accounts_json(runner, database.url)}
    assert stored["Acme Logistics"]["stage"] == "proposal"
    assert stored["Acme Logistics"]["revenue_potential"] == 120000
    assert stored["Acme Logistics"]["win_probability"] == 0.6
    assert stored["Acme Logistics"]["owner"] == "Susan Park"
    assert stored["Glacier Pharma"]["stage"] == "early_discussions"  # Id. Decision Makers
    assert stored["Delta Retail"]["stage"] == "won"

    # ReportsToId names managers that come later in the file.
    result = invoke(runner, database.url, "contacts", FIXTURES / "salesforce-contacts.csv")
    assert result.exit_code == 0, result.output
    assert "Created 7 contacts" in result.stdout
    assert contacts_of(database.url, "Acme Logistics") == {
        "Luis Ortega": "Dana Whitfield",
        "Dana Whitfield": "Marcus Lee",
        "Marcus Lee": None,
        "Priya Nair": "Luis Ortega",
    }
    assert contacts_of(database.url, "Cobalt Mining") == {
        "Omar Haddad": "Inés García",
        "Inés García": None,
    }


def test_hubspot_companies_and_contacts(runner: CliRunner, database: Database) -> None:
    result = invoke(runner, database.url, "accounts", FIXTURES / "hubspot-companies-bom.csv")
    assert result.exit_code == 0, result.output
    stages = {row["name"]: row["stage"] for row in accounts_json(runner, database.url)}
    assert stages == {
        "Iris Analytics": "prospecting",  # Sales Qualified Lead
        "Juniper Bank": "early_discussions",  # Opportunity
        "Kestrel Aerospace": "won",  # Customer
        "Lumen Schools": "prospecting",  # Lead
        "Meridian Hotels": "won",  # Evangelist
    }
    result = invoke(runner, database.url, "contacts", FIXTURES / "hubspot-contacts.csv")
    assert result.exit_code == 0, result.output
    assert contacts_of(database.url, "Iris Analytics") == {
        "Ava Brooks": "Noah Kim",
        "Noah Kim": "Grace Liu",
        "Grace Liu": None,
    }


def test_the_sample_files_import_cleanly(runner: CliRunner, database: Database) -> None:
    for kind, name in [
        ("accounts", "salesforce-accounts.csv"),
        ("contacts", "salesforce-contacts.csv"),
        ("accounts", "hubspot-companies.csv"),
        ("contacts", "hubspot-contacts.csv"),
        ("accounts", "account-map-template.csv"),
    ]:
        result = invoke(runner, database.url, kind, SAMPLES / name)
        assert result.exit_code == 0, (name, result.output)


def test_our_own_map_export_imports_back(
    runner: CliRunner, database: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = other_database(request, "source")
    result = invoke(runner, source, "accounts", FIXTURES / "template.csv")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "map", "--db", source, "--format", "csv"])
    assert result.exit_code == 0, result.output
    exported = tmp_path / "map.csv"
    exported.write_text(result.stdout, encoding="utf-8", newline="")

    result = invoke(runner, database.url, "accounts", exported)
    assert result.exit_code == 0, result.output
    assert "Unknown columns" not in result.stdout

    def comparable(rows: list[dict]) -> list[tuple]:
        keys = ("name", "stage", "owner", "revenue_potential", "win_probability", "key_contacts",
                "ideal_first_meeting", "value_proposition", "strategy", "next_action")  # fmt: skip
        return sorted(tuple(json.dumps(row[key]) for key in keys) for row in rows)

    assert comparable(accounts_json(runner, database.url)) == comparable(
        accounts_json(runner, source)
    )
    # The accounts list as CSV (computed columns and all) imports back too, as an update.
    result = runner.invoke(app, ["accounts", "--db", source, "--format", "csv"])
    listing = tmp_path / "accounts.csv"
    listing.write_text(result.stdout, encoding="utf-8", newline="")
    result = invoke(runner, database.url, "accounts", listing, "--on-conflict", "update")
    assert result.exit_code == 0, result.output
    assert "updated 0, unchanged 2" in result.stdout


def test_an_error_on_the_last_row_leaves_the_file_byte_for_byte(
    runner: CliRunner, database: Database, tmp_path: Path
) -> None:
    assert (
        invoke(runner, database.url, "accounts", FIXTURES / "salesforce-accounts.csv").exit_code
        == 0
    )
    before = stored(database)
    rows = [f"New Co {n},{n}000" for n in range(1, 3000)] + ["Broken Co,a lot"]
    bad = tmp_path / "bad.csv"
    bad.write_text("Account Name,Amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = invoke(runner, database.url, "accounts", bad)
    assert result.exit_code == 1
    assert "row 3001, column 'Amount', value 'a lot': not an amount" in result.stderr
    assert "1 error in bad.csv; nothing was imported" in result.stderr
    assert stored(database) == before


def test_a_dry_run_shows_the_plan_and_changes_nothing(
    runner: CliRunner, database: Database
) -> None:
    assert (
        invoke(runner, database.url, "accounts", FIXTURES / "hubspot-companies-bom.csv").exit_code
        == 0
    )
    before = stored(database)
    result = invoke(
        runner, database.url, "accounts", FIXTURES / "salesforce-accounts.csv", "--dry-run"
    )
    assert result.exit_code == 0, result.output
    assert "  Account Name      → name\n" in result.stdout
    assert "  Rating            → extra (unknown column)\n" in result.stdout
    assert "row 2      create  Acme Logistics" in result.stdout
    # The owners are team members already (the HubSpot file named them).
    assert "Dry run: would create 8 accounts, update 0, skip 0." in result.stdout
    assert "Nothing was changed." in result.stdout
    assert stored(database) == before


def test_on_conflict_fail_skip_update(
    runner: CliRunner, database: Database, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Account Name,Industry\nAcme,Freight\n", encoding="utf-8")
    assert invoke(runner, database.url, "accounts", first).exit_code == 0
    again = tmp_path / "again.csv"
    again.write_text("Account Name,Industry\nacme,Logistics\nNew Co,Retail\n", encoding="utf-8")

    failed = invoke(runner, database.url, "accounts", again)
    assert failed.exit_code == 1
    assert "row 2, column 'Account Name', value 'acme': account 'Acme' already exists" in (
        failed.stderr
    )

    skipped = invoke(runner, database.url, "accounts", again, "--on-conflict", "skip")
    assert skipped.exit_code == 0, skipped.output
    assert "Created 1 account, updated 0, unchanged 0, skipped 1." in skipped.stdout

    third = tmp_path / "third.csv"
    third.write_text("Account Name,Industry\nACME,Logistics\n", encoding="utf-8")
    updated = invoke(runner, database.url, "accounts", third, "--on-conflict", "update")
    assert updated.exit_code == 0, updated.output
    assert "updated 1" in updated.stdout
    stored = {row["name"]: row for row in accounts_json(runner, database.url)}
    assert stored["ACME"]["industry"] == "Logistics"


def test_decimal_comma_and_windows_1252(runner: CliRunner, database: Database) -> None:
    path = FIXTURES / "europe-semicolon-cp1252.csv"
    plain = invoke(runner, database.url, "accounts", path)
    assert plain.exit_code == 1
    assert "value '€1.234.567,89': not an amount" in plain.stderr
    result = invoke(runner, database.url, "accounts", path, "--decimal-comma")
    assert result.exit_code == 0, result.output
    assert "(windows-1252, semicolon-separated)" in result.stdout
    stored = {row["name"]: row for row in accounts_json(runner, database.url)}
    assert stored["Société Générale Démo"]["revenue_potential"] == 1234567.89
    assert stored["Société Générale Démo"]["win_probability"] == 0.705
    assert stored["Société Générale Démo"]["key_contacts"] == ["Zoë Müller, DAF"]
    assert stored["Café Crème SA"]["revenue_potential"] == 250000


def test_utf16_tab_and_quirks(runner: CliRunner, database: Database) -> None:
    assert invoke(runner, database.url, "accounts", FIXTURES / "utf16-tab.csv").exit_code == 0
    result = invoke(runner, database.url, "accounts", FIXTURES / "quirks.csv")
    assert result.exit_code == 0, result.output
    names = {row["name"] for row in accounts_json(runner, database.url)}
    assert names == {"Åsa Fisk AB", "Ωmega Labs", "Quoted Co", "Trailing Co", "Last Co"}


def test_ragged_rows_fail_with_their_rows(runner: CliRunner, database: Database) -> None:
    result = invoke(runner, database.url, "accounts", FIXTURES / "ragged.csv")
    assert result.exit_code == 1
    assert "row 3, value 'Texas': 4 cells but the header has 3 columns" in result.stderr
    assert "row 4: only 2 cells but the header has 3 columns" in result.stderr


def test_map_overrides_and_unknown_columns(runner: CliRunner, database: Database) -> None:
    path = FIXTURES / "salesforce-accounts.csv"
    result = invoke(
        runner, database.url, "accounts", path, "--map", "Rating=ignore", "--map", "Type=extra"
    )
    assert result.exit_code == 0, result.output
    assert "Unknown columns, kept in each record's extra data: Type\n" in result.stdout
    with database.session() as session:
        extra = session.execute(
            sa.select(Account.extra).where(Account.name == "Acme Logistics")
        ).scalar_one()
    assert extra == {"Type": "Customer - Direct"}


def test_usage_errors_exit_2_and_file_errors_exit_1(
    runner: CliRunner, database: Database, tmp_path: Path
) -> None:
    path = FIXTURES / "template.csv"
    bad_map = invoke(runner, database.url, "accounts", path, "--map", "Owner=shoe size")
    assert bad_map.exit_code == 2
    assert "'shoe size' is not a field of accounts" in bad_map.stderr
    missing = invoke(runner, database.url, "accounts", tmp_path / "nope.csv")
    assert missing.exit_code == 1
    assert "no such file; nothing was imported" in missing.stderr
    no_account = tmp_path / "people.csv"
    no_account.write_text("Name,Title\nAnn,CEO\n", encoding="utf-8")
    result = invoke(runner, database.url, "contacts", no_account)
    assert result.exit_code == 1
    assert "the header has no account column" in result.stderr


def test_contact_errors_name_the_row(runner: CliRunner, database: Database, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account Name\nAcme\n", encoding="utf-8")
    assert invoke(runner, database.url, "accounts", accounts).exit_code == 0
    people = tmp_path / "people.csv"
    people.write_text(
        "Name,Account,Reports To\nAnn,Acme,Bob\nBob,Acme,Ann\nCy,Acme,Nobody\nDee,Nowhere,\n",
        encoding="utf-8",
    )
    before = stored(database)
    result = invoke(runner, database.url, "contacts", people)
    assert result.exit_code == 1
    assert "row 2, column 'Reports To', value 'Bob': Reports to: Ann → Bob → Ann would be a" in (
        result.stderr
    )
    assert "row 4, column 'Reports To', value 'Nobody': unknown manager" in result.stderr
    assert "row 5, column 'Account', value 'Nowhere': no account has this name" in result.stderr
    assert "3 errors in people.csv; nothing was imported" in result.stderr
    assert stored(database) == before


def test_export_csv_imports_back(
    runner: CliRunner, database: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = other_database(request, "source")
    assert invoke(runner, source, "accounts", FIXTURES / "salesforce-accounts.csv").exit_code == 0
    assert invoke(runner, source, "contacts", FIXTURES / "salesforce-contacts.csv").exit_code == 0
    for kind in ("accounts", "contacts"):
        target = tmp_path / f"{kind}.csv"
        result = runner.invoke(
            app, ["export", "csv", kind, "--db", source, "-o", str(target), "--bom"]
        )
        assert result.exit_code == 0, result.output
        result = invoke(runner, database.url, kind, target)
        assert result.exit_code == 0, result.output
        assert "Unknown columns" not in result.stdout  # ids and audit columns are not data
    assert contacts_of(database.url, "Acme Logistics") == contacts_of(source, "Acme Logistics")
    with database.session() as session:
        acme = session.execute(
            sa.select(Account).where(Account.name == "Acme Logistics")
        ).scalar_one()
        phone = session.execute(
            sa.select(Contact.phone).where(Contact.name == "Luis Ortega")
        ).scalar_one()
    assert acme.source_id == "001Dn00000AcmeL01"
    assert acme.extra == {"Rating": "Hot", "Type": "Customer - Direct"}
    assert phone == "+1 312 555 0141"  # the export's formula guard is undone


def _when_blocked(database: Database, then: Callable[[], None]) -> threading.Thread:
    """Run ``then`` in a thread once another connection waits for a lock (SQLite: shortly)."""

    def waiting() -> bool:
        if database.file_path is not None:
            return True  # SQLite's busy handler retries quietly; give it a moment instead
        with database.engine.connect() as connection:
            return bool(
                connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock'"
                    )
                ).scalar()
            )

    def run() -> None:
        time.sleep(0.3)
        deadline = time.monotonic() + 30
        while not waiting() and time.monotonic() < deadline:
            time.sleep(0.05)
        then()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_an_import_waits_for_another_users_unsaved_account(
    runner: CliRunner, database: Database, tmp_path: Path
) -> None:
    """What the import checks stays true while it writes, on a file and on a server.

    Another user has added Acme but not yet committed. The import waits for them,
    then sees Acme as stored (so it is skipped, not duplicated) and gives its own
    accounts ids of their own.
    """
    from acctmap_tui.data.account_store import create_account

    other = open_database(database.url)
    session = Session(other.engine)
    try:
        create_account({"name": "Acme"}, session=session, user="raj")
        session.flush()  # written, not committed: SQLite's write lock / PostgreSQL's row
        csv_file = tmp_path / "accounts.csv"
        csv_file.write_text("Account Name\nAcme\nNew Co\nThird Co\n", encoding="utf-8")
        committer = _when_blocked(database, session.commit)
        result = invoke(runner, database.url, "accounts", csv_file, "--on-conflict", "skip")
        committer.join()
    finally:
        session.close()
        other.close()
    assert result.exit_code == 0, result.output
    assert "Created 2 accounts, updated 0, unchanged 0, skipped 1." in result.stdout
    with database.session() as check:
        stored = check.execute(sa.select(Account.name).order_by(Account.id)).scalars().all()
    assert stored == ["Acme", "New Co", "Third Co"]
