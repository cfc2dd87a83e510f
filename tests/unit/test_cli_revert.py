"""`acctmap revert ID`: undo one change picked from `acctmap history`, asking first."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.account_store import create_account, get_account, update_account
from acctmap_tui.data.db import Database
from acctmap_tui.domain.vocabulary import Stage

pytestmark = pytest.mark.both_engines

runner = CliRunner()


def _stage_changed(database: Database, *stages: Stage) -> tuple[int, list[int]]:
    """Acme at Proposal, then moved through ``stages``; returns its id and the stage entries."""
    with database.session() as session:
        acme = create_account(
            {"name": "Acme Corp", "stage": Stage.PROPOSAL}, session=session, user="susan"
        )
        session.commit()
        assert acme.id is not None
        for user, stage in zip(("raj", "mia", "raj"), stages, strict=False):
            update_account(
                acme.id, {"stage": stage}, expected_version=acme.version, session=session, user=user
            )
            session.commit()
    return acme.id, _stage_entries(database)


def _stage_entries(database: Database) -> list[int]:
    records = json.loads(
        runner.invoke(app, ["history", "--format", "json", "--db", database.url]).output
    )
    return [r["id"] for r in records if r["field"] == "stage"]


def _stage(database: Database, account_id: int) -> Stage:
    with database.session() as session:
        return get_account(account_id, session=session).stage


def test_history_shows_ids_and_revert_yes_undoes_the_change(database: Database) -> None:
    acme, [entry] = _stage_changed(database, Stage.NEGOTIATION)
    table = runner.invoke(app, ["history", "--db", database.url])
    assert table.exit_code == 0
    row = next(line for line in table.output.splitlines() if "negotiation" in line)
    assert row.split()[0] == str(entry)

    result = runner.invoke(
        app, ["revert", str(entry), "--yes", "--user", "mia", "--db", database.url]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Stage of Account set back to 'Proposal' (recorded as #")
    assert _stage(database, acme) is Stage.PROPOSAL
    records = json.loads(
        runner.invoke(app, ["history", "--format", "json", "--db", database.url]).output
    )
    revert = records[-1]
    assert (revert["action"], revert["reverts_id"], revert["user"]) == ("revert", entry, "mia")
    assert (revert["old"], revert["new"]) == ("negotiation", "proposal")

    again = runner.invoke(app, ["revert", str(entry), "--yes", "--db", database.url])
    assert again.exit_code == 1 and "already 'Proposal'; nothing to revert" in again.output


def test_a_value_changed_since_is_shown_and_needs_a_second_yes(database: Database) -> None:
    acme, [first, _later] = _stage_changed(database, Stage.NEGOTIATION, Stage.WON)
    refused = runner.invoke(app, ["revert", str(first), "--yes", "--db", database.url])
    assert refused.exit_code == 1
    assert "it is now 'Won', not 'Negotiation'" in refused.output and "--force" in refused.output
    assert _stage(database, acme) is Stage.WON

    declined = runner.invoke(app, ["revert", str(first), "--db", database.url], input="n\n")
    assert declined.exit_code == 1 and "cancelled" in declined.output
    assert "Set it back to 'Proposal' anyway, replacing 'Won'?" in declined.output
    assert _stage(database, acme) is Stage.WON

    confirmed = runner.invoke(app, ["revert", str(first), "--db", database.url], input="y\n")
    assert confirmed.exit_code == 0, confirmed.output
    assert _stage(database, acme) is Stage.PROPOSAL


def test_force_and_unknown_entries(database: Database) -> None:
    acme, [first, _later] = _stage_changed(database, Stage.NEGOTIATION, Stage.LOST)
    forced = runner.invoke(app, ["revert", str(first), "--yes", "--force", "--db", database.url])
    assert forced.exit_code == 0, forced.output
    assert _stage(database, acme) is Stage.PROPOSAL
    unknown = runner.invoke(app, ["revert", "999", "--yes", "--db", database.url])
    assert unknown.exit_code == 1
    assert "History entry #999 does not exist; `acctmap history` lists" in unknown.output
