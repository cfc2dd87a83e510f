"""The account map in memory: ranking, staleness, fuzzy and quick filters, sorting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from acctmap_tui.domain.account_map import (
    COLUMNS,
    AccountMapRow,
    MapFilter,
    fuzzy_patterns,
    is_stale,
    rank_rows,
    sort_rows,
)
from acctmap_tui.domain.vocabulary import Stage, TargetType

TODAY = date(2026, 11, 27)


def _row(account_id: int, name: str, **fields: object) -> AccountMapRow:
    defaults: dict[str, object] = {
        "target_type": TargetType.NEW_PROSPECT,
        "stage": Stage.PROSPECTING,
        "owner": "Susan Park",
        "owner_username": "susan",
        "currency": "USD",
        "revenue_potential": Decimal("1000"),
        "win_probability": 0.5,
        "key_contacts": (),
        "ideal_first_meeting": None,
        "value_proposition": None,
        "strategy": None,
        "industry": None,
        "next_action": None,
        "next_action_due": None,
        "overdue_actions": 0,
        "last_reviewed_at": datetime(2026, 11, 1, tzinfo=UTC),
    }
    defaults.update(fields)
    return AccountMapRow(id=account_id, name=name, **defaults)  # type: ignore[arg-type]


@pytest.fixture
def rows() -> list[AccountMapRow]:
    return rank_rows(
        [
            _row(
                1,
                "ABC Company",
                revenue_potential=Decimal("100000"),
                win_probability=0.7,
                key_contacts=("John Smith, CEO",),
                industry="Software",
                strategy="Free trial + executive briefing",
            ),
            _row(
                2,
                "XYZ Inc.",
                revenue_potential=Decimal("250000"),
                win_probability=0.6,
                stage=Stage.EARLY_DISCUSSIONS,
                owner="Mark Diaz",
                owner_username="mark",
                key_contacts=("Jane Thomas, CMO",),
                strategy="ABM nurture campaign",
                target_type=TargetType.ENGAGED_PROSPECT,
            ),
            _row(
                3,
                "Globex",
                revenue_potential=None,
                win_probability=None,
                owner=None,
                owner_username=None,
                last_reviewed_at=None,
                overdue_actions=2,
                next_action="Call the CFO",
                next_action_due=date(2026, 11, 1),
            ),
            _row(
                4,
                "Initech",
                stage=Stage.WON,
                revenue_potential=Decimal("5000"),
                win_probability=1.0,
                last_reviewed_at=datetime(2026, 7, 1, tzinfo=UTC),
            ),
        ],
        TODAY,
    )


def test_ranked_by_priority_with_scores_and_tiers(rows: list[AccountMapRow]) -> None:
    assert [row.name for row in rows] == ["XYZ Inc.", "ABC Company", "Initech", "Globex"]
    assert [row.score.rank for row in rows if row.score] == [1, 2, 3, 4]
    assert rows[0].expected_value == Decimal("150000.00")
    assert rows[0].tier == 1 and all(row.tier != 1 for row in rows[1:])


def test_staleness_follows_the_quarterly_review() -> None:
    reviewed = datetime(2026, 8, 29, 12, tzinfo=UTC)  # exactly 90 days before TODAY
    assert not is_stale(reviewed, TODAY)
    assert is_stale(reviewed - timedelta(days=1), TODAY)
    assert is_stale(None, TODAY)
    assert is_stale(reviewed, TODAY, stale_after_days=30)


def test_stale_flag_set_by_ranking(rows: list[AccountMapRow]) -> None:
    assert {row.name for row in rows if row.stale} == {"Globex", "Initech"}


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", {"ABC Company", "XYZ Inc.", "Globex", "Initech"}),
        ("xyz", {"XYZ Inc."}),
        ("abcc", {"ABC Company"}),  # characters in order, gaps allowed
        ("jane", {"XYZ Inc."}),  # key contact
        ("mark", {"XYZ Inc."}),  # owner
        ("early", {"XYZ Inc."}),  # stage label
        ("softw", {"ABC Company"}),  # industry
        ("nurture", {"XYZ Inc."}),  # strategy
        ("trial abc", {"ABC Company"}),  # every word must match
        ("ZZZ", set()),
        ("(", set()),  # regex characters are literal
    ],
)
def test_fuzzy_filter(rows: list[AccountMapRow], text: str, names: set[str]) -> None:
    assert {row.name for row in MapFilter(text=text).apply(rows)} == names


def test_fuzzy_patterns_are_literal_and_stay_within_a_field() -> None:
    assert fuzzy_patterns("   ") == []
    (pattern,) = fuzzy_patterns("a.c")
    assert pattern.search("xa.cx") and not pattern.search("abc")
    (pattern,) = fuzzy_patterns("jt")
    assert pattern.search("jane thomas") and not pattern.search("jane\nthomas")


def test_quick_filters_combine(rows: list[AccountMapRow]) -> None:
    assert {r.name for r in MapFilter(mine_user="susan").apply(rows)} == {"ABC Company", "Initech"}
    assert {r.name for r in MapFilter(mine_user="Susan Park").apply(rows)} == {
        "ABC Company",
        "Initech",
    }
    assert {r.name for r in MapFilter(owner_name="MARK").apply(rows)} == {"XYZ Inc."}
    assert {r.name for r in MapFilter(tiers=frozenset({1})).apply(rows)} == {"XYZ Inc."}
    assert {r.name for r in MapFilter(stages=frozenset({Stage.WON})).apply(rows)} == {"Initech"}
    engaged = MapFilter(target_types=frozenset({TargetType.ENGAGED_PROSPECT}))
    assert {r.name for r in engaged.apply(rows)} == {"XYZ Inc."}
    assert {r.name for r in MapFilter(stale_only=True).apply(rows)} == {"Globex", "Initech"}
    assert {r.name for r in MapFilter(overdue_only=True).apply(rows)} == {"Globex"}
    both = MapFilter(mine_user="susan", stale_only=True)
    assert {r.name for r in both.apply(rows)} == {"Initech"}
    assert MapFilter(mine_user="susan", overdue_only=True).apply(rows) == []


def test_chips_name_every_active_quick_filter() -> None:
    chosen = MapFilter(
        text="acme",
        mine_user="susan",
        tiers=frozenset({2, 1}),
        stages=frozenset({Stage.PROPOSAL}),
        stale_only=True,
        overdue_only=True,
        target_types=frozenset({TargetType.LOST_ACCOUNT}),
    )
    assert chosen.chips() == [
        "Mine",
        "Tier 1",
        "Tier 2",
        "Proposal",
        "Lost account",
        "Stale",
        "Overdue",
    ]
    assert MapFilter().is_empty and not chosen.is_empty


@pytest.mark.parametrize("column", [column.key for column in COLUMNS])
def test_every_column_sorts_both_ways_with_empty_values_last(
    rows: list[AccountMapRow], column: str
) -> None:
    ascending = sort_rows(rows, column)
    descending = sort_rows(rows, column, descending=True)
    assert sorted(r.id for r in ascending) == [1, 2, 3, 4]
    key = next(c for c in COLUMNS if c.key == column).sort_value
    present = [key(r) for r in ascending if key(r) not in (None, "")]
    assert present == sorted(present)
    present_desc = [key(r) for r in descending if key(r) not in (None, "")]
    assert present_desc == sorted(present_desc, reverse=True)
    for ordered in (ascending, descending):
        values = [key(r) for r in ordered]
        first_empty = next((i for i, v in enumerate(values) if v in (None, "")), len(values))
        assert all(v in (None, "") for v in values[first_empty:])


def test_sort_by_revenue(rows: list[AccountMapRow]) -> None:
    assert [r.name for r in sort_rows(rows, "revenue_potential", descending=True)] == [
        "XYZ Inc.",
        "ABC Company",
        "Initech",
        "Globex",
    ]


def test_column_texts_format_money_and_probability(rows: list[AccountMapRow]) -> None:
    texts = {c.key: c.text(rows[0]) for c in COLUMNS}
    assert texts["revenue_potential"] == "$250,000"
    assert texts["expected_value"] == "$150,000"
    assert texts["win_probability"] == "60%"
    assert texts["tier"] == "T1"
    globex = next(r for r in rows if r.name == "Globex")
    assert next(c for c in COLUMNS if c.key == "next_action").text(globex) == (
        "! 2026-11-01 Call the CFO"
    )
    assert next(c for c in COLUMNS if c.key == "last_reviewed").text(globex) == "never (stale)"
