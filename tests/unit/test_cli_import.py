"""`acctmap import accounts|contacts` through the command line: exit codes, output, data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import open_database
from acctmap_tui.data.models import Account, Contact

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"
SAMPLES = Path(__file__).resolve().parent.parent.parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, db: Path, *args: str | Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), "import", *map(str, args)])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def accounts_json(runner: CliRunner, db: Path) -> list[dict]:
    result = runner.invoke(app, ["accounts", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def contacts_of(db: Path, account: str) -> dict[str, str | None]:
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


def test_salesforce_accounts_then_contacts(runner: CliRunner, db_path: Path) -> None:
    result = invoke(runner, db_path, "accounts", FIXTURES / "salesforce-accounts.csv")
    assert result.exit_code == 0, result.output
    assert "Read salesforce-accounts.csv: 8 rows (utf-8, comma-separated)" in result.stdout
    assert "Unknown columns, kept in each record's extra data: Type, Rating" in result.stdout
    assert "Created 8 accounts" in result.stdout
    stored = {row["name"]: row for row in accounts_json(runner, db_path)}
    assert stored["Acme Logistics"]["stage"] == "proposal"
    assert stored["Acme Logistics"]["revenue_potential"] == 120000
    assert stored["Acme Logistics"]["win_probability"] == 0.6
    assert stored["Acme Logistics"]["owner"] == "Susan Park"
    assert stored["Glacier Pharma"]["stage"] == "early_discussions"  # Id. Decision Makers
    assert stored["Delta Retail"]["stage"] == "won"

    # ReportsToId names managers that come later in the file.
    result = invoke(runner, db_path, "contacts", FIXTURES / "salesforce-contacts.csv")
    assert result.exit_code == 0, result.output
    assert "Created 7 contacts" in result.stdout
    assert contacts_of(db_path, "Acme Logistics") == {
        "Luis Ortega": "Dana Whitfield",
        "Dana Whitfield": "Marcus Lee",
        "Marcus Lee": None,
        "Priya Nair": "Luis Ortega",
    }
    assert contacts_of(db_path, "Cobalt Mining") == {
        "Omar Haddad": "Inés García",
        "Inés García": None,
    }


def test_hubspot_companies_and_contacts(runner: CliRunner, db_path: Path) -> None:
    result = invoke(runner, db_path, "accounts", FIXTURES / "hubspot-companies-bom.csv")
    assert result.exit_code == 0, result.output
    stages = {row["name"]: row["stage"] for row in accounts_json(runner, db_path)}
    assert stages == {
        "Iris Analytics": "prospecting",  # Sales Qualified Lead
        "Juniper Bank": "early_discussions",  # Opportunity
        "Kestrel Aerospace": "won",  # Customer
        "Lumen Schools": "prospecting",  # Lead
        "Meridian Hotels": "won",  # Evangelist
    }
    result = invoke(runner, db_path, "contacts", FIXTURES / "hubspot-contacts.csv")
    assert result.exit_code == 0, result.output
    assert contacts_of(db_path, "Iris Analytics") == {
        "Ava Brooks": "Noah Kim",
        "Noah Kim": "Grace Liu",
        "Grace Liu": None,
    }


def test_the_sample_files_import_cleanly(runner: CliRunner, db_path: Path) -> None:
    for kind, name in [
        ("accounts", "salesforce-accounts.csv"),
        ("contacts", "salesforce-contacts.csv"),
        ("accounts", "hubspot-companies.csv"),
        ("contacts", "hubspot-contacts.csv"),
        ("accounts", "account-map-template.csv"),
    ]:
        result = invoke(runner, db_path, kind, SAMPLES / name)
        assert result.exit_code == 0, (name, result.output)


def test_our_own_map_export_imports_back(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    result = invoke(runner, source, "accounts", FIXTURES / "template.csv")
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "map", "--db", str(source), "--format", "csv"])
    assert result.exit_code == 0, result.output
    exported = tmp_path / "map.csv"
    exported.write_text(result.stdout, encoding="utf-8", newline="")

    result = invoke(runner, db_path, "accounts", exported)
    assert result.exit_code == 0, result.output
    assert "Unknown columns" not in result.stdout

    def comparable(rows: list[dict]) -> list[tuple]:
        keys = ("name", "stage", "owner", "revenue_potential", "win_probability", "key_contacts",
                "ideal_first_meeting", "value_proposition", "strategy", "next_action")  # fmt: skip
        return sorted(tuple(json.dumps(row[key]) for key in keys) for row in rows)

    assert comparable(accounts_json(runner, db_path)) == comparable(accounts_json(runner, source))
    # The accounts list as CSV (computed columns and all) imports back too, as an update.
    result = runner.invoke(app, ["accounts", "--db", str(source), "--format", "csv"])
    listing = tmp_path / "accounts.csv"
    listing.write_text(result.stdout, encoding="utf-8", newline="")
    result = invoke(runner, db_path, "accounts", listing, "--on-conflict", "update")
    assert result.exit_code == 0, result.output
    assert "updated 0, unchanged 2" in result.stdout


def test_an_error_on_the_last_row_leaves_the_file_byte_for_byte(
    runner: CliRunner, db_path: Path, tmp_path: Path
) -> None:
    assert invoke(runner, db_path, "accounts", FIXTURES / "salesforce-accounts.csv").exit_code == 0
    before = digest(db_path)
    rows = [f"New Co {n},{n}000" for n in range(1, 3000)] + ["Broken Co,a lot"]
    bad = tmp_path / "bad.csv"
    bad.write_text("Account Name,Amount\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = invoke(runner, db_path, "accounts", bad)
    assert result.exit_code == 1
    assert "row 3001, column 'Amount', value 'a lot': not an amount" in result.stderr
    assert "1 error in bad.csv; nothing was imported" in result.stderr
    assert digest(db_path) == before
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0


def test_a_dry_run_shows_the_plan_and_changes_nothing(runner: CliRunner, db_path: Path) -> None:
    assert (
        invoke(runner, db_path, "accounts", FIXTURES / "hubspot-companies-bom.csv").exit_code == 0
    )
    before = digest(db_path)
    result = invoke(runner, db_path, "accounts", FIXTURES / "salesforce-accounts.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "  Account Name      → name\n" in result.stdout
    assert "  Rating            → extra (unknown column)\n" in result.stdout
    assert "row 2      create  Acme Logistics" in result.stdout
    # The owners are team members already (the HubSpot file named them).
    assert "Dry run: would create 8 accounts, update 0, skip 0." in result.stdout
    assert "Nothing was changed." in result.stdout
    assert digest(db_path) == before


def test_on_conflict_fail_skip_update(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text("Account Name,Industry\nAcme,Freight\n", encoding="utf-8")
    assert invoke(runner, db_path, "accounts", first).exit_code == 0
    again = tmp_path / "again.csv"
    again.write_text("Account Name,Industry\nacme,Logistics\nNew Co,Retail\n", encoding="utf-8")

    failed = invoke(runner, db_path, "accounts", again)
    assert failed.exit_code == 1
    assert "row 2, column 'Account Name', value 'acme': account 'Acme' already exists" in (
        failed.stderr
    )

    skipped = invoke(runner, db_path, "accounts", again, "--on-conflict", "skip")
    assert skipped.exit_code == 0, skipped.output
    assert "Created 1 account, updated 0, unchanged 0, skipped 1." in skipped.stdout

    third = tmp_path / "third.csv"
    third.write_text("Account Name,Industry\nACME,Logistics\n", encoding="utf-8")
    updated = invoke(runner, db_path, "accounts", third, "--on-conflict", "update")
    assert updated.exit_code == 0, updated.output
    assert "updated 1" in updated.stdout
    stored = {row["name"]: row for row in accounts_json(runner, db_path)}
    assert stored["ACME"]["industry"] == "Logistics"


def test_decimal_comma_and_windows_1252(runner: CliRunner, db_path: Path) -> None:
    path = FIXTURES / "europe-semicolon-cp1252.csv"
    plain = invoke(runner, db_path, "accounts", path)
    assert plain.exit_code == 1
    assert "value '€1.234.567,89': not an amount" in plain.stderr
    result = invoke(runner, db_path, "accounts", path, "--decimal-comma")
    assert result.exit_code == 0, result.output
    assert "(windows-1252, semicolon-separated)" in result.stdout
    stored = {row["name"]: row for row in accounts_json(runner, db_path)}
    assert stored["Société Générale Démo"]["revenue_potential"] == 1234567.89
    assert stored["Société Générale Démo"]["win_probability"] == 0.705
    assert stored["Société Générale Démo"]["key_contacts"] == ["Zoë Müller, DAF"]
    assert stored["Café Crème SA"]["revenue_potential"] == 250000


def test_utf16_tab_and_quirks(runner: CliRunner, db_path: Path) -> None:
    assert invoke(runner, db_path, "accounts", FIXTURES / "utf16-tab.csv").exit_code == 0
    result = invoke(runner, db_path, "accounts", FIXTURES / "quirks.csv")
    assert result.exit_code == 0, result.output
    names = {row["name"] for row in accounts_json(runner, db_path)}
    assert names == {"Åsa Fisk AB", "Ωmega Labs", "Quoted Co", "Trailing Co", "Last Co"}


def test_ragged_rows_fail_with_their_rows(runner: CliRunner, db_path: Path) -> None:
    result = invoke(runner, db_path, "accounts", FIXTURES / "ragged.csv")
    assert result.exit_code == 1
    assert "row 3, value 'Texas': 4 cells but the header has 3 columns" in result.stderr
    assert "row 4: only 2 cells but the header has 3 columns" in result.stderr


def test_map_overrides_and_unknown_columns(runner: CliRunner, db_path: Path) -> None:
    path = FIXTURES / "salesforce-accounts.csv"
    result = invoke(
        runner, db_path, "accounts", path, "--map", "Rating=ignore", "--map", "Type=extra"
    )
    assert result.exit_code == 0, result.output
    assert "Unknown columns, kept in each record's extra data: Type\n" in result.stdout
    database = open_database(db_path)
    with database.session() as session:
        extra = session.execute(
            sa.select(Account.extra).where(Account.name == "Acme Logistics")
        ).scalar_one()
    database.close()
    assert extra == {"Type": "Customer - Direct"}


def test_usage_errors_exit_2_and_file_errors_exit_1(
    runner: CliRunner, db_path: Path, tmp_path: Path
) -> None:
    path = FIXTURES / "template.csv"
    bad_map = invoke(runner, db_path, "accounts", path, "--map", "Owner=shoe size")
    assert bad_map.exit_code == 2
    assert "'shoe size' is not a field of accounts" in bad_map.stderr
    missing = invoke(runner, db_path, "accounts", tmp_path / "nope.csv")
    assert missing.exit_code == 1
    assert "no such file; nothing was imported" in missing.stderr
    no_account = tmp_path / "people.csv"
    no_account.write_text("Name,Title\nAnn,CEO\n", encoding="utf-8")
    result = invoke(runner, db_path, "contacts", no_account)
    assert result.exit_code == 1
    assert "the header has no account column" in result.stderr


def test_contact_errors_name_the_row(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account Name\nAcme\n", encoding="utf-8")
    assert invoke(runner, db_path, "accounts", accounts).exit_code == 0
    people = tmp_path / "people.csv"
    people.write_text(
        "Name,Account,Reports To\nAnn,Acme,Bob\nBob,Acme,Ann\nCy,Acme,Nobody\nDee,Nowhere,\n",
        encoding="utf-8",
    )
    before = digest(db_path)
    result = invoke(runner, db_path, "contacts", people)
    assert result.exit_code == 1
    assert "row 2, column 'Reports To', value 'Bob': Reports to: Ann → Bob → Ann would be a" in (
        result.stderr
    )
    assert "row 4, column 'Reports To', value 'Nobody': unknown manager" in result.stderr
    assert "row 5, column 'Account', value 'Nowhere': no account has this name" in result.stderr
    assert "3 errors in people.csv; nothing was imported" in result.stderr
    assert digest(db_path) == before


def test_export_csv_imports_back(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.db"
    assert invoke(runner, source, "accounts", FIXTURES / "salesforce-accounts.csv").exit_code == 0
    assert invoke(runner, source, "contacts", FIXTURES / "salesforce-contacts.csv").exit_code == 0
    for kind in ("accounts", "contacts"):
        target = tmp_path / f"{kind}.csv"
        result = runner.invoke(
            app, ["export", "csv", kind, "--db", str(source), "-o", str(target), "--bom"]
        )
        assert result.exit_code == 0, result.output
        result = invoke(runner, db_path, kind, target)
        assert result.exit_code == 0, result.output
        assert "Unknown columns" not in result.stdout  # ids and audit columns are not data
    assert contacts_of(db_path, "Acme Logistics") == contacts_of(source, "Acme Logistics")
    database = open_database(db_path)
    with database.session() as session:
        acme = session.execute(
            sa.select(Account).where(Account.name == "Acme Logistics")
        ).scalar_one()
        phone = session.execute(
            sa.select(Contact.phone).where(Contact.name == "Luis Ortega")
        ).scalar_one()
    database.close()
    assert acme.source_id == "001Dn00000AcmeL01"
    assert acme.extra == {"Rating": "Hot", "Type": "Customer - Direct"}
    assert phone == "+1 312 555 0141"  # the export's formula guard is undone
