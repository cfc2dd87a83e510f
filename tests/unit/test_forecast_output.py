"""The forecast as the CLI prints it: JSON with exact numbers, and the terminal table."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal

from rich.console import Console

from acctmap_tui.domain.forecast import summarise
from acctmap_tui.domain.vocabulary import Stage
from acctmap_tui.interchange.forecast import (
    NO_ACCOUNTS_TEXT,
    forecast_as_json,
    forecast_as_table,
)
from tests.unit.test_forecast import MIXED, account


def printed(renderable: object, width: int = 80) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text()


def test_json_has_one_object_per_currency_with_groups_open_won_and_lost() -> None:
    records = json.loads(forecast_as_json(summarise(MIXED, "stage")))
    assert records == [
        {
            "currency": "USD",
            "by": "stage",
            "groups": [
                {
                    "key": "prospecting",
                    "label": "Prospecting",
                    "accounts": 2,
                    "revenue_potential": 90000,
                    "weighted": 9000,
                },
                {
                    "key": "early_discussions",
                    "label": "Early discussions",
                    "accounts": 1,
                    "revenue_potential": 60000,
                    "weighted": 15000,
                },
                {
                    "key": "proposal",
                    "label": "Proposal",
                    "accounts": 1,
                    "revenue_potential": 120000,
                    "weighted": 72000,
                },
                {
                    "key": "negotiation",
                    "label": "Negotiation",
                    "accounts": 1,
                    "revenue_potential": 250000,
                    "weighted": 187500,
                },
            ],
            "open": {"accounts": 5, "revenue_potential": 520000, "weighted": 283500},
            "won": {"accounts": 1, "amount": 95000},
            "lost": {"accounts": 2, "amount": 40000},
        }
    ]


def test_json_keys_owner_and_tier_groups_by_name_and_number() -> None:
    [by_owner] = json.loads(forecast_as_json(summarise(MIXED, "owner")))
    assert [(g["key"], g["label"]) for g in by_owner["groups"]] == [
        ("Mia Chen", "Mia Chen"),
        ("Susan Park", "Susan Park"),
        (None, "(no owner)"),
        ("Raj Patel", "Raj Patel"),
    ]
    [by_tier] = json.loads(forecast_as_json(summarise(MIXED, "tier")))
    assert [(g["key"], g["label"], g["weighted"]) for g in by_tier["groups"]] == [
        (1, "Tier 1", 259500),
        (2, "Tier 2", 15000),
        (3, "Tier 3", 9000),
    ]


def test_json_amounts_are_numbers_whole_as_integers_and_cents_exact() -> None:
    rows = [
        account(Stage.PROPOSAL, "1234.50", 0.5),  # 617.25
        account(Stage.PROPOSAL, "0.05", 0.5),  # 0.025 -> 0.02 (half-even)
        account(Stage.WON, closed="9999999.99"),
    ]
    text = forecast_as_json(summarise(rows, "stage"))
    [record] = json.loads(text, parse_float=Decimal)
    assert record["open"] == {
        "accounts": 2,
        "revenue_potential": Decimal("1234.55"),
        "weighted": Decimal("617.27"),
    }
    assert record["won"]["amount"] == Decimal("9999999.99")
    assert '"weighted": 0\n' in text  # the empty stages: 0, not 0.0 or "0.00"
    assert '"amount": 9999999.99' in text


def test_json_keeps_currencies_apart_and_is_an_empty_list_for_no_accounts() -> None:
    rows = [account(Stage.PROPOSAL, "100.00", 0.5, currency="EUR"), *MIXED]
    assert [r["currency"] for r in json.loads(forecast_as_json(summarise(rows)))] == [
        "EUR",
        "USD",
    ]
    assert json.loads(forecast_as_json([])) == []


def test_json_writes_names_as_they_are() -> None:
    rows = [account(Stage.PROPOSAL, "100.00", 0.5, owner="Zoë Ångström")]
    assert '"Zoë Ångström"' in forecast_as_json(summarise(rows, "owner"))


def test_table_lists_groups_total_and_won_and_lost_in_words() -> None:
    text = printed(forecast_as_table(summarise(MIXED, "stage")))
    lines = [line.rstrip() for line in text.splitlines()]
    assert lines[0] == "Open pipeline by stage (USD)"
    assert lines[1].split() == ["Stage", "Accounts", "Potential", "Weighted"]
    rows = {line.split("  ")[0]: line.split()[-3:] for line in lines[3:7]}
    assert rows == {
        "Prospecting": ["2", "$90,000", "$9,000"],
        "Early discussions": ["1", "$60,000", "$15,000"],
        "Proposal": ["1", "$120,000", "$72,000"],
        "Negotiation": ["1", "$250,000", "$187,500"],
    }
    assert lines[8].split() == ["Total", "5", "$520,000", "$283,500"]
    assert lines[9] == "Won: 1 account, $95,000   Lost: 2 accounts, $40,000"


def test_table_has_a_section_per_currency() -> None:
    rows = [account(Stage.PROPOSAL, "100.00", 0.5, currency="CHF"), *MIXED]
    text = printed(forecast_as_table(summarise(rows, "owner")))
    assert "Open pipeline by owner (CHF)" in text
    assert "Open pipeline by owner (USD)" in text
    totals = [line.split() for line in text.splitlines() if line.startswith("Total")]
    assert totals == [
        ["Total", "1", "100", "CHF", "50", "CHF"],
        ["Total", "5", "$520,000", "$283,500"],
    ]


def test_table_draws_with_ascii_only_when_asked() -> None:
    text = printed(forecast_as_table(summarise(MIXED, "tier"), ascii_only=True))
    assert "─" not in text
    assert "-----" in text
    assert "Tier 1" in text


def test_table_keeps_long_owner_names_whole() -> None:
    name = "Maximiliane Alexandra Featherstonehaugh-Smythe"
    rows = [account(Stage.PROPOSAL, "100.00", 0.5, owner=name)]
    assert name in printed(forecast_as_table(summarise(rows, "owner")), width=200)


def test_table_for_no_accounts_says_what_to_do() -> None:
    assert printed(forecast_as_table([])).strip() == NO_ACCOUNTS_TEXT


def test_json_output_loads_neither_rich_nor_textual() -> None:
    probe = (
        "import sys\n"
        "from acctmap_tui.interchange.forecast import forecast_as_json\n"
        "print(forecast_as_json([]))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'textual'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "[]"]
