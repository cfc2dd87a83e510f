"""`acctmap export plan` and `acctmap export map` through the command line, on both engines."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from acctmap_tui.cli import app
from acctmap_tui.data.db import Database
from acctmap_tui.demo import generate_demo

ELEMENT_HEADINGS = [
    "## 1. Problem: why change?",
    "## 2. Impact: why now?",
    "## 3. Solution: why us?",
    "## 4. People: who are the key stakeholders?",
    "## 5. Plan",
]


pytestmark = pytest.mark.both_engines


@pytest.fixture
def demo_db(database: Database) -> str:
    """A 25-account demo; the ``--db`` that names it (a file path or a server URL)."""
    generate_demo(database, accounts=25, seed=7, today=date.today())
    return database.url


def _top_account(db: str) -> str:
    result = CliRunner().invoke(app, ["accounts", "--db", db, "--format", "json"])
    return json.loads(result.stdout)[0]["name"]


def test_plan_has_the_five_elements_stakeholders_and_activity_plan(demo_db: str) -> None:
    name = _top_account(demo_db)
    result = CliRunner().invoke(app, ["export", "plan", name.upper(), "--db", demo_db])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"# {name} — account plan")
    positions = [text.index(heading) for heading in ELEMENT_HEADINGS]
    assert positions == sorted(positions)
    assert "| Name | Title | Role | Influence | Sentiment | Met | Reports to |" in text
    assert "### Mutual activity plan" in text
    assert "| Step | Our owner | Their owner | Due | Status |" in text
    assert "## Plan health" in text


def test_plan_to_a_file(demo_db: str, tmp_path: Path) -> None:
    target = tmp_path / "plan.md"
    result = CliRunner().invoke(
        app, ["export", "plan", _top_account(demo_db), "--db", demo_db, "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert result.stdout == ""
    assert not list(tmp_path.glob(".*.partial"))


def test_unknown_account_is_one_line_and_exit_1(demo_db: str) -> None:
    result = CliRunner().invoke(app, ["export", "plan", "No Such Co", "--db", demo_db])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "acctmap: no account named 'No Such Co'; `acctmap accounts` lists them"
    )


def test_map_in_the_seed_template_columns(demo_db: str) -> None:
    runner = CliRunner()
    markdown = runner.invoke(app, ["export", "map", "--db", demo_db, "--top", "3"])
    assert markdown.exit_code == 0
    lines = markdown.stdout.strip().splitlines()
    assert lines[0] == (
        "| Account Name | Key Contacts | Revenue Potential | Win Probability | Current Status "
        "| Ideal First Meeting | Value Proposition | Strategy | Actions | Owner |"
    )
    assert len(lines) == 2 + 3
    result = runner.invoke(app, ["export", "map", "--db", demo_db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 25
    assert rows[0]["Account Name"] == _top_account(demo_db)
    assert rows[0]["Win Probability"].endswith("%")


def test_health_json_flags_the_weak_demo_accounts_and_not_the_full_plans(demo_db: str) -> None:
    from acctmap_tui.demo import WEAK_ACCOUNTS

    result = CliRunner().invoke(app, ["health", "--db", demo_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    records = {record["account_id"]: record for record in json.loads(result.stdout)}
    assert len(records) == 25
    for full_plan in range(1, 7):  # the demo's fully planned accounts
        assert records[full_plan]["findings"] == [], records[full_plan]["name"]
    weak_ids = [weak.index + 1 for weak in WEAK_ACCOUNTS]
    assert weak_ids
    for account_id in weak_ids:
        assert records[account_id]["findings"], records[account_id]["name"]
    expected = {
        "inadequate_research",
        "overlooked_stakeholders",
        "inconsistent_updates",
        "incomplete_competitor_analysis",
    }
    found = {f["check"] for account_id in weak_ids for f in records[account_id]["findings"]}
    assert found == expected


def test_health_of_one_account_and_as_a_table(demo_db: str) -> None:
    runner = CliRunner()
    name = _top_account(demo_db)
    one = runner.invoke(app, ["health", name, "--db", demo_db])
    assert one.exit_code == 0 and name in one.stdout
    table = runner.invoke(app, ["health", "--db", demo_db])
    assert table.exit_code == 0
    assert "Research" in table.stdout and "Competition" in table.stdout
    missing = runner.invoke(app, ["health", "Nobody", "--db", demo_db])
    assert missing.exit_code == 1 and "no account named 'Nobody'" in missing.stderr
