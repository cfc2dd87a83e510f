"""The CSV import dialog, from the command palette, at 80x24 on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from textual.widgets import Button, Input

from acctmap_tui.app import AcctmapApp
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, Contact
from acctmap_tui.screens.import_csv import ImportCsvScreen
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.helpers import SIZE, screen_text, settle

ACCOUNTS_CSV = (
    "Account Name,Annual Revenue,BillingCity,Stage,Probability (%),Amount,Rating\r\n"
    'Helios Solar,"$12,000,000",Denver,Negotiation/Review,70,150000,Hot\r\n'
    "Iris Analytics,4.5M,Boston,Closed Won,100,90000,\r\n"
)


async def _open_dialog(app: AcctmapApp, pilot, command: str) -> ImportCsvScreen:  # type: ignore[no-untyped-def]
    await pilot.press("ctrl+p", *command)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ImportCsvScreen)
    return app.screen


async def _type_path(app: AcctmapApp, pilot, path: Path) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_palette_path_preview_confirm_imports_the_accounts(
    app: AcctmapApp, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "crm.csv"
    path.write_text(ACCOUNTS_CSV, encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_dialog(app, pilot, "import accounts")
        await _type_path(app, pilot, path)
        text = screen_text(app)
        assert "Account Name" in text and "name" in text
        assert "Kept as extra data (unknown): Rating" in text
        assert "Would create 2 accounts, update 0, skip 0." in text
        confirm = app.screen.query_one("#import-confirm", Button)
        assert not confirm.disabled
        assert app.focused is confirm
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        await settle(pilot)
        names = {row.name for row in app.query_one(AccountTable).rows}
        assert {"Helios Solar", "Iris Analytics"} <= names
        assert "Helios Solar" in screen_text(app)
    with database.session() as session:
        stored = session.execute(
            sa.select(Account.name, Account.win_probability, Account.extra).where(
                Account.name == "Helios Solar"
            )
        ).one()
    assert stored.win_probability == 0.7
    assert stored.extra == {"Rating": "Hot"}


async def test_errors_are_shown_and_nothing_can_be_imported(
    app: AcctmapApp, database: Database, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Account Name,Stage\nNew One,Prospecting\nNew Two,Sideways\n", "utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_dialog(app, pilot, "import accounts")
        await _type_path(app, pilot, path)
        text = screen_text(app)
        assert "1 error: nothing can be imported." in text
        assert "row 3, column 'Stage', value 'Sideways'" in text
        assert screen.query_one("#import-confirm", Button).disabled
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    with database.session() as session:
        count = session.execute(
            sa.select(sa.func.count()).select_from(Account).where(Account.name == "New One")
        ).scalar_one()
    assert count == 0


async def test_a_missing_file_is_explained_and_the_dialog_stays(
    app: AcctmapApp, tmp_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await _open_dialog(app, pilot, "import accounts")
        await _type_path(app, pilot, tmp_path / "nope.csv")
        assert "Cannot import:" in screen_text(app)
        assert "no such file" in screen_text(app)
        assert app.screen is screen


async def test_contacts_import_from_the_palette(
    app: AcctmapApp, database: Database, account_ids: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "First Name,Last name,Job Title,Associated Company,Reports To\n"
        "Nina,Holt,Ops Analyst,Acme Logistics,Tom Reyes\n"
        "Tom,Reyes,Ops Manager,Acme Logistics,Luis Ortega\n",
        "utf-8",
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_dialog(app, pilot, "import contacts")
        await _type_path(app, pilot, path)
        assert "Would create 2 contacts" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    with database.session() as session:
        rows = dict(
            session.execute(
                sa.select(Contact.name, Contact.reports_to_id).where(
                    Contact.account_id == account_ids["Acme Logistics"]
                )
            ).all()
        )
        ids = dict(session.execute(sa.select(Contact.name, Contact.id)).all())
    assert rows["Nina Holt"] == ids["Tom Reyes"]
    assert rows["Tom Reyes"] == ids["Luis Ortega"]
