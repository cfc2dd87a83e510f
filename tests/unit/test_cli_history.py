"""`acctmap history`: every recorded change, per account, since a date, as table or JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.account_store import create_account, update_account
from acctmap_tui.data.db import Database

pytestmark = pytest.mark.both_engines

runner = CliRunner()


def _history_db(database: Database) -> None:
    with database.session() as session:
        acme = create_account({"name": "Acme Corp"}, session=session, user="susan")
        create_account({"name": "Globex"}, session=session, user="raj")
        session.commit()
        assert acme.id is not None
        update_account(
            acme.id,
            {"strategy": "Land in ops"},
            expected_version=acme.version,
            session=session,
            user="mia",
        )
        session.commit()


def test_history_of_one_account_as_json(database: Database) -> None:
    _history_db(database)
    result = runner.invoke(app, ["history", "acme corp", "--format", "json", "--db", database.url])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert {r["account"] for r in records} == {"Acme Corp"}
    change = next(r for r in records if r["field"] == "strategy")
    assert change["user"] == "mia" and change["old"] is None and change["new"] == "Land in ops"
    assert change["action"] == "update"
    everything = json.loads(
        runner.invoke(app, ["history", "--format", "json", "--db", database.url]).output
    )
    assert {r["account"] for r in everything} == {"Acme Corp", "Globex"}


def test_history_table_since_and_bad_input(database: Database) -> None:
    today = datetime.now(UTC).date().isoformat()  # taken first: every change is on or after it
    _history_db(database)
    table = runner.invoke(app, ["history", "--db", database.url])
    assert table.exit_code == 0 and "Land in ops" in table.output and "mia" in table.output
    since_today = runner.invoke(app, ["history", "--since", today, "--db", database.url])
    assert since_today.exit_code == 0 and "Land in ops" in since_today.output
    later = runner.invoke(app, ["history", "--since", "2999-01-01", "--db", database.url])
    assert later.exit_code == 0 and "No changes recorded since 2999-01-01." in later.output
    bad = runner.invoke(app, ["history", "--since", "2026-13-01", "--db", database.url])
    assert bad.exit_code == 2 and "'2026-13-01'" in bad.output
    unknown = runner.invoke(app, ["history", "Nobody", "--db", database.url])
    assert unknown.exit_code == 1 and "'Nobody'" in unknown.output
