"""Upcoming dates: the window and order (pure), the query on a real file, and the CLI body."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountSolution,
    ActivityPlanItem,
    Contact,
    Milestone,
    NextAction,
    TeamMember,
    name_key,
)
from acctmap_tui.data.upcoming_queries import load_dated_items
from acctmap_tui.domain.upcoming import (
    DatedItem,
    DateKind,
    describe_days,
    short_days,
    upcoming_dates,
    window_end,
)
from acctmap_tui.domain.vocabulary import ItemStatus, MilestoneKind, TargetType
from acctmap_tui.upcoming_cli import upcoming_command

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 3, 10)


def _item(days: int, account: str = "Acme", kind: DateKind = DateKind.MILESTONE) -> DatedItem:
    return DatedItem(TODAY + timedelta(days=days), 1, account, kind, f"item {days}")


# --- pure: window and order ------------------------------------------------------------------


def test_dates_are_in_order_overdue_first_within_30_days() -> None:
    items = [_item(5), _item(-3), _item(30), _item(31), _item(0), _item(-40), _item(12)]
    rows = upcoming_dates(items, TODAY)
    assert [row.days for row in rows] == [-40, -3, 0, 5, 12, 30]
    assert [row.overdue for row in rows] == [True, True, False, False, False, False]


def test_the_window_can_be_changed() -> None:
    rows = upcoming_dates([_item(5), _item(8), _item(-1)], TODAY, days=7)
    assert [row.days for row in rows] == [-1, 5]
    assert window_end(TODAY, 0) == TODAY
    with pytest.raises(ValueError):
        window_end(TODAY, -1)


def test_same_day_ties_are_ordered_by_account_then_kind() -> None:
    items = [
        _item(2, "zeta", DateKind.MILESTONE),
        _item(2, "Alpha", DateKind.NEXT_ACTION),
        _item(2, "Alpha", DateKind.ACTIVITY),
    ]
    rows = upcoming_dates(items, TODAY)
    assert [(r.item.account_name, r.item.kind) for r in rows] == [
        ("Alpha", DateKind.ACTIVITY),
        ("Alpha", DateKind.NEXT_ACTION),
        ("zeta", DateKind.MILESTONE),
    ]


@pytest.mark.parametrize(
    ("days", "words", "short"),
    [
        (0, "today", "today"),
        (1, "tomorrow", "in 1d"),
        (9, "in 9 days", "in 9d"),
        (-1, "1 day overdue", "1d overdue"),
        (-12, "12 days overdue", "12d overdue"),
    ],
)
def test_distances_in_words(days: int, words: str, short: str) -> None:
    assert describe_days(days) == words
    assert short_days(days) == short


def test_kinds_say_where_they_are_edited() -> None:
    assert DateKind.COMPELLING_EVENT.section == "impact"
    assert DateKind.RENEWAL.section == "solution"
    assert DateKind.ACTIVITY.section == "plan"
    assert DateKind.NEXT_ACTION.section is None
    assert DateKind.RENEWAL_MILESTONE.label == "Renewal"


# --- the query ----------------------------------------------------------------------------------


def _day(days: int) -> date:
    return TODAY + timedelta(days=days)


@pytest.fixture
def dated(database: Database) -> Database:
    """Two live accounts and a deleted one, with open and done items of every kind."""
    with database.session() as session:
        susan = TeamMember(name="Susan Park", username="susan")
        mia = TeamMember(name="Mia Chen", username="mia")
        session.add_all([susan, mia])
        session.flush()
        acme = Account(
            name="Acme",
            name_key=name_key("Acme"),
            owner_id=susan.id,
            target_type=TargetType.EXISTING_CUSTOMER,
        )
        bolt = Account(name="Bolt", name_key=name_key("Bolt"))
        gone = Account(
            name="Gone",
            name_key=name_key("Gone"),
            deleted_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        session.add_all([acme, bolt, gone])
        session.flush()
        assert acme.id and bolt.id and gone.id
        champion = Contact(account_id=bolt.id, name="Luis Ortega")
        session.add(champion)
        session.flush()
        session.add_all(
            [
                Milestone(account_id=acme.id, title="QBR", due_on=_day(3)),
                Milestone(
                    account_id=acme.id, title="Old QBR", due_on=_day(-5), kind=MilestoneKind.EVENT
                ),
                Milestone(account_id=acme.id, title="Done", due_on=_day(1), done=True),
                Milestone(account_id=acme.id, title="Far", due_on=_day(90)),
                Milestone(account_id=acme.id, title="Undated"),
                Milestone(account_id=gone.id, title="Deleted account", due_on=_day(2)),
                AccountImpact(
                    account_id=acme.id, compelling_event="Peak season", compelling_event_on=_day(20)
                ),
                AccountImpact(account_id=gone.id, compelling_event_on=_day(4)),
                AccountSolution(account_id=acme.id, renewal_on=_day(25), products_used="Routing"),
                AccountSolution(account_id=bolt.id, renewal_on=_day(6)),  # not a customer
                ActivityPlanItem(account_id=bolt.id, step="Demo", due_on=_day(7), position=0),
                ActivityPlanItem(
                    account_id=bolt.id,
                    step="Workshop",
                    due_on=_day(8),
                    position=1,
                    their_owner_id=champion.id,
                    status=ItemStatus.IN_PROGRESS,
                ),
                ActivityPlanItem(
                    account_id=bolt.id,
                    step="Done step",
                    due_on=_day(2),
                    position=2,
                    status=ItemStatus.DONE,
                ),
                NextAction(
                    account_id=bolt.id, description="Call", due_on=_day(-1), owner_id=mia.id
                ),
                NextAction(
                    account_id=bolt.id,
                    description="Called",
                    due_on=_day(1),
                    done_at=datetime(2026, 3, 1, tzinfo=UTC),
                ),
            ]
        )
        session.commit()
    return database


def test_the_query_skips_done_items_and_deleted_accounts(dated: Database) -> None:
    with dated.session() as session:
        items = load_dated_items(session=session, until=window_end(TODAY))
    rows = upcoming_dates(items, TODAY)
    assert [
        (r.days, r.item.account_name, r.item.kind, r.item.what, r.item.owner) for r in rows
    ] == [
        (-5, "Acme", DateKind.EVENT, "Old QBR", "Susan Park"),
        (-1, "Bolt", DateKind.NEXT_ACTION, "Call", "Mia Chen"),
        (3, "Acme", DateKind.MILESTONE, "QBR", "Susan Park"),
        (7, "Bolt", DateKind.ACTIVITY, "Demo", None),
        (8, "Bolt", DateKind.ACTIVITY, "Workshop", "Luis Ortega (theirs)"),
        (20, "Acme", DateKind.COMPELLING_EVENT, "Peak season", "Susan Park"),
        (25, "Acme", DateKind.RENEWAL, "Renewal: Routing", "Susan Park"),
    ]


def test_a_done_renewal_is_not_upcoming(dated: Database) -> None:
    with dated.session() as session:
        solution = session.get(AccountSolution, 1)
        assert solution is not None
        solution.renewal_done = True
        session.add(solution)
        session.commit()
        items = load_dated_items(session=session, until=window_end(TODAY))
    assert DateKind.RENEWAL not in {item.kind for item in items}


# --- the CLI body -------------------------------------------------------------------------------


def test_upcoming_command_prints_json(dated: Database, capsys: pytest.CaptureFixture[str]) -> None:
    upcoming_command(dated, days=7, output_format="json", today=TODAY)
    records = json.loads(capsys.readouterr().out)
    assert [(r["date"], r["days"], r["overdue"], r["kind"]) for r in records] == [
        (_day(-5).isoformat(), -5, True, "event"),
        (_day(-1).isoformat(), -1, True, "next_action"),
        (_day(3).isoformat(), 3, False, "milestone"),
        (_day(7).isoformat(), 7, False, "activity"),
    ]
    assert records[1]["account"] == "Bolt" and records[1]["owner"] == "Mia Chen"


def test_upcoming_command_prints_a_table(
    dated: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    upcoming_command(dated, days=30, output_format="table", today=TODAY)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Date", "When", "Account", "Kind", "What", "Owner"]
    assert "! 5 days overdue" in lines[1] and "Old QBR" in lines[1]
    assert "Renewal: Routing" in lines[-1] and "in 25 days" in lines[-1]


def test_upcoming_command_with_nothing_due(
    database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    upcoming_command(database, days=30, output_format="table", today=TODAY)
    assert capsys.readouterr().out == "Nothing due in the next 30 days and nothing overdue.\n"


def test_upcoming_command_refuses_bad_options(database: Database) -> None:
    with pytest.raises(ValueError, match="--days"):
        upcoming_command(database, days=-1)
    with pytest.raises(ValueError, match="--format"):
        upcoming_command(database, output_format="csv")
