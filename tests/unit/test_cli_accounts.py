"""`acctmap accounts`: the ranked account map from the command line, on both engines."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, TeamMember, name_key
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.vocabulary import Stage

REQUIRED_KEYS = {
    "name",
    "target_type",
    "stage",
    "owner",
    "revenue_potential",
    "win_probability",
    "expected_value",
    "fit_score",
    "priority_score",
    "tier",
    "last_reviewed",
    "stale",
}

pytestmark = pytest.mark.both_engines


@pytest.fixture
def demo_db(database: Database) -> str:
    """A 25-account demo; the ``--db`` that names it (a file path or a server URL)."""
    generate_demo(database, accounts=25, seed=3, today=date.today())
    return database.url


def _json(arguments: list[str]) -> list[dict]:
    result = CliRunner().invoke(app, [*arguments, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_is_ranked_with_the_documented_keys(demo_db: str) -> None:
    records = _json(["accounts", "--db", demo_db])
    assert len(records) == 25
    assert [r["rank"] for r in records] == list(range(1, 26))
    for record in records:
        assert set(record) >= REQUIRED_KEYS
        assert isinstance(record["revenue_potential"], int | float | None)
        assert record["win_probability"] is None or 0 <= record["win_probability"] <= 1
        assert record["tier"] in (1, 2, 3)
    priorities = [r["priority_score"] for r in records]
    assert priorities == sorted(priorities, reverse=True)
    assert sum(r["tier"] == 1 for r in records) == 5  # 20% of 25


def test_top_n_and_top_percent(demo_db: str) -> None:
    everything = _json(["accounts", "--db", demo_db])
    assert _json(["accounts", "--db", demo_db, "--top", "3"]) == everything[:3]
    assert _json(["accounts", "--db", demo_db, "--top", "20%"]) == everything[:5]
    tier1 = _json(["accounts", "--db", demo_db, "--tier", "1"])
    assert tier1 == everything[:5]


def test_filters_and_sort(demo_db: str) -> None:
    everything = _json(["accounts", "--db", demo_db])
    proposals = _json(["accounts", "--db", demo_db, "--stage", "Proposal"])
    assert proposals == [r for r in everything if r["stage"] == "proposal"]
    owner = everything[0]["owner"]
    mine = _json(["accounts", "--db", demo_db, "--owner", owner.upper()])
    assert mine == [r for r in everything if r["owner"] == owner]
    stale = _json(["accounts", "--db", demo_db, "--stale"])
    assert stale and all(r["stale"] for r in stale)
    by_revenue = _json(["accounts", "--db", demo_db, "--sort", "revenue_potential", "--desc"])
    revenues = [r["revenue_potential"] for r in by_revenue if r["revenue_potential"] is not None]
    assert revenues == sorted(revenues, reverse=True)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--top", "0"], "--top: '0' is not a number"),
        (["--top", "150%"], "--top: '150%'"),
        (["--sort", "colour"], "--sort: 'colour' is not a column"),
        (["--stage", "Sleeping"], "--stage: 'Sleeping' is not a Stage"),
    ],
)
def test_bad_options_name_the_option_and_value(
    demo_db: str, arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["accounts", "--db", demo_db, *arguments])
    assert result.exit_code == 2
    assert message in result.stderr


def test_table_and_csv(demo_db: str) -> None:
    table = CliRunner().invoke(app, ["accounts", "--db", demo_db, "--top", "2"])
    assert table.exit_code == 0
    first = _json(["accounts", "--db", demo_db, "--top", "1"])[0]["name"]
    assert first in table.stdout
    result = CliRunner().invoke(app, ["accounts", "--db", demo_db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 25 and rows[0]["name"] == first


def test_csv_neutralises_formulas_and_keeps_numbers(database: Database) -> None:
    with database.session() as session:
        owner = TeamMember(name="@owner")
        session.add(owner)
        session.flush()
        session.add(
            Account(
                name='=HYPERLINK("http://x")',
                name_key=name_key("=hyperlink"),
                strategy="+1 call",
                owner_id=owner.id,
                stage=Stage.PROPOSAL,
                revenue_potential=Decimal("1200000"),
                win_probability=0.7,
            )
        )
        session.commit()
    result = CliRunner().invoke(app, ["accounts", "--db", database.url, "--format", "csv"])
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["name"] == '\'=HYPERLINK("http://x")'
    assert row["strategy"] == "'+1 call"
    assert row["owner"] == "'@owner"
    assert row["revenue_potential"] == "1200000"
    assert row["expected_value"] == "840000"
    assert row["win_probability"] == "0.7"


@pytest.mark.parametrize("by", ["stage", "owner", "tier"])
def test_forecast_adds_up_to_the_account_map(demo_db: str, by: str) -> None:
    accounts = _json(["accounts", "--db", demo_db])
    (summary,) = _json(["forecast", "--db", demo_db, "--by", by])
    open_accounts = [a for a in accounts if a["stage"] not in ("won", "lost")]
    weighted = sum(Decimal(str(a["expected_value"])) for a in open_accounts)
    assert Decimal(str(summary["open"]["weighted"])) == weighted
    assert summary["open"]["accounts"] == len(open_accounts)
    assert sum(group["accounts"] for group in summary["groups"]) == len(open_accounts)
    assert summary["won"]["accounts"] == sum(a["stage"] == "won" for a in accounts)
    if by == "tier":
        tier1 = [a for a in open_accounts if a["tier"] == 1]
        group = next(g for g in summary["groups"] if g["key"] == 1)
        assert group["accounts"] == len(tier1)


def test_forecast_table(demo_db: str) -> None:
    result = CliRunner().invoke(app, ["forecast", "--db", demo_db])
    assert result.exit_code == 0
    assert "Open pipeline by stage" in result.stdout and "Won:" in result.stdout


def _delete_acme(database: Database) -> None:
    """An account "Acme Corp", deleted: what undelete brings back."""
    from acctmap_tui.data.account_store import delete_account

    with database.session() as session:
        session.add(Account(name="Acme Corp", name_key=name_key("Acme Corp")))
        session.commit()
        account = session.exec(select(Account)).one()
        delete_account(account.id, session=session, user="tester")
        session.commit()


def test_deleted_accounts_are_listed_and_restored_from_the_cli(database: Database) -> None:
    db = database.url
    _delete_acme(database)
    runner = CliRunner()
    listed = runner.invoke(app, ["deleted", "--db", db])
    assert listed.exit_code == 0 and "Acme Corp" in listed.stdout
    assert _json(["accounts", "--db", db]) == []
    restored = runner.invoke(app, ["undelete", "  acme CORP ", "--db", db])
    assert restored.exit_code == 0, restored.output
    assert "Restored Acme Corp" in restored.stdout
    assert [r["name"] for r in _json(["accounts", "--db", db])] == ["Acme Corp"]
    again = runner.invoke(app, ["undelete", "Acme Corp", "--db", db])
    assert again.exit_code == 1 and "is not deleted" in again.stderr
    missing = runner.invoke(app, ["undelete", "Nobody", "--db", db])
    assert missing.exit_code == 1 and "no account named 'Nobody'" in missing.stderr
    assert runner.invoke(app, ["deleted", "--db", db]).stdout.strip() == "No deleted accounts."


def test_scoring_settings_change_the_ranking(database: Database) -> None:
    db = database.url
    generate_demo(database, accounts=20, seed=5, today=date.today())
    runner = CliRunner()
    shown = json.loads(runner.invoke(app, ["scoring", "--db", db]).stdout)
    assert shown["value_weight"] == 0.6 and shown["tier1_share"] == 0.2
    before = _json(["accounts", "--db", db])
    assert sum(r["tier"] == 1 for r in before) == 4
    changed = runner.invoke(
        app,
        [
            "scoring",
            "--db",
            db,
            "--tier1-share",
            "0.1",
            "--value-weight",
            "1",
            "--fit-weight",
            "fit_timing=3",
        ],
    )
    assert changed.exit_code == 0, changed.output
    after = _json(["accounts", "--db", db])
    assert sum(r["tier"] == 1 for r in after) == 2
    values = [Decimal(str(r["expected_value"])) for r in after]
    assert values == sorted(values, reverse=True)  # priority is all expected value now
    bad = runner.invoke(app, ["scoring", "--db", db, "--value-weight", "2"])
    assert bad.exit_code == 2 and "value weight 2.0 is not between 0 and 1" in bad.stderr
    reset = json.loads(runner.invoke(app, ["scoring", "--db", db, "--reset"]).stdout)
    assert reset["tier1_share"] == 0.2


def test_undelete_is_run_again_when_the_server_breaks_a_deadlock_with_it(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a team server a restore can meet a colleague's save in a deadlock; it retries."""
    import psycopg
    import sqlalchemy as sa

    from acctmap_tui.data import account_store

    _delete_acme(database)
    real_restore = account_store.restore_account
    calls: list[int] = []

    def deadlocked_once(account_id: int, **kwargs: object) -> Account:
        calls.append(account_id)
        if len(calls) == 1:
            original = psycopg.OperationalError("deadlock detected")
            original.sqlstate = "40P01"  # type: ignore[misc]
            raise sa.exc.OperationalError("UPDATE account", {}, original)
        return real_restore(account_id, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(account_store, "restore_account", deadlocked_once)
    restored = CliRunner().invoke(app, ["undelete", "Acme Corp", "--db", database.url])
    assert restored.exit_code == 0, restored.output
    assert "Restored Acme Corp" in restored.stdout
    assert len(calls) == 2, "the first attempt was rolled back and run again"
    assert [r["name"] for r in _json(["accounts", "--db", database.url])] == ["Acme Corp"]
