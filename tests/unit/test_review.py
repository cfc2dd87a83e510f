"""Review mode without a terminal: the set and its order, the summary, and the two writes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import col, select

from acctmap_tui.data.account_store import AccountNotFoundError, delete_account, update_account
from acctmap_tui.data.action_store import add_action
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.map_queries import SCORING_SETTING, load_ranked_map
from acctmap_tui.data.models import (
    Account,
    AccountNote,
    AppSetting,
    ChangeLogEntry,
    Milestone,
    NextAction,
    name_key,
)
from acctmap_tui.data.review_queries import load_review_summary
from acctmap_tui.data.review_store import add_decision, mark_reviewed
from acctmap_tui.domain.account_map import sort_rows
from acctmap_tui.domain.review import (
    ChangeLine,
    ReviewTarget,
    ReviewWalk,
    describe_change,
    listed_review_set,
    review_sections,
    reviewed_text,
    tier_review_set,
)
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.domain.vocabulary import ChangeAction, NoteKind, Stage

pytestmark = pytest.mark.both_engines

USER = "tester"
TODAY = date.today()


def populate_review_map(database: Database) -> dict[str, int]:
    """Three Tier 1 accounts and one Tier 2, stored out of priority order.

    The team's tier shares put 3 of 4 accounts in Tier 1; expected value alone
    ranks them (no fit is scored): Acme, Beta, Cargo, then Delta.
    """
    accounts = [
        ("Cargo Co", "100000", 0.5),
        ("Delta Ltd", "10000", 0.1),
        ("Acme Corp", "500000", 0.8),
        ("Beta Labs", "300000", 0.5),
    ]
    with database.session() as session:
        session.add(
            AppSetting(
                key=SCORING_SETTING,
                value=json.dumps({"tier1_share": 0.75, "tier2_share": 0.25}),
            )
        )
        records = [
            Account(
                name=name,
                name_key=name_key(name),
                revenue_potential=Decimal(revenue),
                win_probability=probability,
            )
            for name, revenue, probability in accounts
        ]
        session.add_all(records)
        session.commit()
        return {record.name: record.id for record in records if record.id is not None}


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    return populate_review_map(database)


# --- the set and the walk --------------------------------------------------------------------


def test_default_set_is_tier_1_in_priority_order(database: Database, ids: dict[str, int]) -> None:
    rows = load_ranked_map(database, today=TODAY)
    targets = tier_review_set(rows)
    assert [target.name for target in targets] == ["Acme Corp", "Beta Labs", "Cargo Co"]
    assert targets[0] == ReviewTarget(ids["Acme Corp"], "Acme Corp")
    assert [target.name for target in tier_review_set(rows, tier=2)] == ["Delta Ltd"]


def test_listed_set_keeps_the_lists_order(database: Database, ids: dict[str, int]) -> None:
    rows = sort_rows(load_ranked_map(database, today=TODAY), "name", descending=True)
    assert [target.name for target in listed_review_set(rows)] == [
        "Delta Ltd",
        "Cargo Co",
        "Beta Labs",
        "Acme Corp",
    ]


def test_walk_steps_within_the_set_and_counts_marks() -> None:
    walk = ReviewWalk([ReviewTarget(1, "Acme"), ReviewTarget(2, "Beta"), ReviewTarget(3, "Cargo")])
    assert walk.heading() == "Account 1 of 3 · Acme"
    assert not walk.step(-1)
    assert walk.step(1) and walk.step(1)
    assert not walk.step(1)
    assert walk.current.name == "Cargo" and walk.is_last
    walk.marked.update({1, 3})
    assert walk.progress() == "3 of 3 · 2 marked reviewed"
    assert walk.progress(" - ") == "3 of 3 - 2 marked reviewed"
    with pytest.raises(ValueError, match="at least one"):
        ReviewWalk([])


# --- writes -------------------------------------------------------------------------------------


def test_mark_reviewed_sets_the_stamp_and_records_it(
    database: Database, ids: dict[str, int]
) -> None:
    acme = ids["Acme Corp"]
    now = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
    with database.session() as session:
        before = session.get(Account, acme)
        assert before is not None and before.last_reviewed_at is None
        version = before.version
        mark_reviewed(acme, session=session, user=USER, now=now)
        session.commit()
    with database.session() as session:
        stored = session.get(Account, acme)
        assert stored is not None
        assert stored.last_reviewed_at == now
        assert stored.version == version + 1
        entries = session.exec(
            select(ChangeLogEntry).where(ChangeLogEntry.account_id == acme)
        ).all()
    assert [(e.user, e.action, e.entity, e.field) for e in entries] == [
        (USER, ChangeAction.UPDATE, "account", "last_reviewed_at")
    ]
    assert entries[0].old_value == "null"
    assert json.loads(entries[0].new_value or "") == now.isoformat()


def test_mark_reviewed_leaves_the_commit_to_the_caller(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        mark_reviewed(ids["Acme Corp"], session=session, user=USER, now=datetime.now(UTC))
        session.rollback()
    with database.session() as session:
        stored = session.get(Account, ids["Acme Corp"])
        assert stored is not None and stored.last_reviewed_at is None
        assert session.exec(select(ChangeLogEntry)).all() == []


def test_mark_reviewed_refuses_a_deleted_account_and_a_naive_time(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        delete_account(ids["Delta Ltd"], session=session, user=USER)
        session.commit()
    with database.session() as session, pytest.raises(AccountNotFoundError, match="deleted"):
        mark_reviewed(ids["Delta Ltd"], session=session, user=USER, now=datetime.now(UTC))
    with database.session() as session, pytest.raises(ValueError, match="timezone"):
        mark_reviewed(ids["Acme Corp"], session=session, user=USER, now=datetime(2026, 1, 1))


def test_add_decision_is_stored_with_its_history(database: Database, ids: dict[str, int]) -> None:
    acme = ids["Acme Corp"]
    with database.session() as session:
        note = add_decision(acme, "  Go for a pilot\nin Q3  \n", session=session, user=USER)
        session.commit()
        note_id = note.id
    with database.session() as session:
        stored = session.get(AccountNote, note_id)
        assert stored is not None
        assert (stored.account_id, stored.kind, stored.author, stored.body) == (
            acme,
            NoteKind.DECISION,
            USER,
            "Go for a pilot\nin Q3",
        )
        entry = session.exec(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "account_note")
        ).one()
    assert (entry.action, entry.account_id, entry.user) == (ChangeAction.CREATE, acme, USER)
    assert json.loads(entry.new_value or "")["body"] == "Go for a pilot\nin Q3"


def test_a_blank_decision_is_refused_naming_the_field(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session, pytest.raises(ValueInputError) as caught:
        add_decision(ids["Acme Corp"], "   \n ", session=session, user=USER)
    assert str(caught.value).startswith("Decision: ")
    assert "what was decided" in str(caught.value)
    with database.session() as session:
        assert session.exec(select(AccountNote)).all() == []


# --- the summary ---------------------------------------------------------------------------------


def _day(days: int) -> date:
    return TODAY + timedelta(days=days)


def test_summary_holds_what_changed_since_the_review_and_whats_open(
    database: Database, ids: dict[str, int]
) -> None:
    acme = ids["Acme Corp"]
    with database.session() as session:
        mark_reviewed(acme, session=session, user="mia", now=datetime.now(UTC))
        session.commit()
    with database.session() as session:
        account = session.get(Account, acme)
        assert account is not None
        update_account(
            acme,
            {"stage": Stage.PROPOSAL},
            expected_version=account.version,
            session=session,
            user=USER,
        )
        session.commit()
    with database.session() as session:
        add_action(acme, "Call the CFO", owner_id=None, due_on=_day(-2), session=session, user=USER)
        add_action(acme, "Send proposal", owner_id=None, due_on=_day(5), session=session, user=USER)
        add_decision(acme, "Go for a pilot", session=session, user=USER)
        session.add_all(
            [
                NextAction(account_id=acme, description="Done", done_at=datetime.now(UTC)),
                Milestone(account_id=acme, title="Board meeting", due_on=_day(10)),
                Milestone(account_id=acme, title="Far away", due_on=_day(45)),
                Milestone(account_id=acme, title="Finished", due_on=_day(3), done=True),
                Milestone(account_id=ids["Beta Labs"], title="Other account", due_on=_day(4)),
            ]
        )
        session.commit()

    with database.session() as session:
        summary = load_review_summary(acme, session=session, today=TODAY)
    assert summary is not None
    assert summary.name == "Acme Corp"
    assert summary.last_reviewed_by == "mia"
    assert summary.health is not None and summary.health.account_id == acme
    # stage, two actions, one decision; the review mark itself is not a change to review.
    assert summary.changes_since_review == 4
    assert [describe_change(change) for change in summary.recent_changes] == [
        "added account note 'Go for a pilot'",
        "added next action 'Send proposal'",
        "added next action 'Call the CFO'",
    ]
    assert [(a.description, a.is_overdue(TODAY)) for a in summary.open_actions] == [
        ("Call the CFO", True),
        ("Send proposal", False),
    ]
    assert [entry.item.what for entry in summary.upcoming] == ["Board meeting"]
    assert [(n.kind, n.author, n.body) for n in summary.notes] == [
        (NoteKind.DECISION, USER, "Go for a pilot")
    ]

    sections = {s.key: s for s in review_sections(summary, TODAY)}
    assert sections["changes"].lines[0].startswith("4 changes since the review on ")
    assert sections["changes"].lines[-1].endswith("(+1 more)")
    assert sections["actions"].lines[0] == "2 open · 1 overdue"
    assert sections["actions"].lines[1] == f"! {_day(-2).isoformat()} overdue · Call the CFO"
    assert sections["dates"].lines == (
        f"{_day(10).isoformat()} (in 10 days) · Milestone: Board meeting",
    )
    assert sections["decisions"].lines[0].endswith(f"{USER}: Go for a pilot")


def test_a_fresh_review_has_nothing_to_review_and_a_deleted_account_no_summary(
    database: Database, ids: dict[str, int]
) -> None:
    acme, delta = ids["Acme Corp"], ids["Delta Ltd"]
    with database.session() as session:
        before = load_review_summary(acme, session=session, today=TODAY)
        mark_reviewed(acme, session=session, user=USER, now=datetime.now(UTC))
        delete_account(delta, session=session, user=USER)
        session.commit()
    assert before is not None and before.last_reviewed_at is None
    assert review_sections(before, TODAY)[1].lines == ("No changes",)
    with database.session() as session:
        after = load_review_summary(acme, session=session, today=TODAY)
        assert load_review_summary(delta, session=session, today=TODAY) is None
    assert after is not None and after.changes_since_review == 0
    assert review_sections(after, TODAY)[1].lines == ("No changes since the last review",)


def test_one_user_sees_the_others_review_and_decision(
    database: Database, ids: dict[str, int]
) -> None:
    """Two processes' worth of connections on one database: each sees the other's commits."""
    acme = ids["Acme Corp"]
    mine, theirs = open_database(database.url), open_database(database.url)
    try:
        with theirs.session() as session:
            mark_reviewed(acme, session=session, user="mia", now=datetime.now(UTC))
            add_decision(acme, "Bring in the SI partner", session=session, user="mia")
            session.commit()
        with mine.session() as session:
            summary = load_review_summary(acme, session=session, today=TODAY)
            notes = session.exec(select(AccountNote).order_by(col(AccountNote.id))).all()
    finally:
        mine.close()
        theirs.close()
    assert summary is not None
    when, who = summary.last_reviewed_at, summary.last_reviewed_by
    assert reviewed_text(when, who, datetime.now(UTC), USER) == "Reviewed just now by mia"
    assert [note.body for note in notes] == ["Bring in the SI partner"]
    assert summary.changes_since_review == 1  # the decision, recorded after the stamp


# --- words ---------------------------------------------------------------------------------------


def test_reviewed_text_says_when_and_who() -> None:
    now = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
    assert reviewed_text(None, None, now, "susan") == "Never reviewed"
    assert reviewed_text(now, "susan", now, "susan") == "Reviewed just now by you"
    three_hours = now - timedelta(hours=3)
    assert reviewed_text(three_hours, "mia", now, "susan") == "Reviewed 3 hours ago by mia"
    long_ago = datetime(2026, 1, 2, tzinfo=UTC)
    assert reviewed_text(long_ago, None, now, "susan") == "Reviewed on 2026-01-02"


def test_describe_change_reads_updates_and_deletes() -> None:
    at = datetime(2026, 5, 4, tzinfo=UTC)
    stage = ChangeLine(
        at, "mia", ChangeAction.UPDATE, "account", "stage", '"proposal"', '"negotiation"'
    )
    assert describe_change(stage) == "stage: proposal → negotiation"
    assert describe_change(stage, ascii_only=True) == "stage: proposal -> negotiation"
    due = ChangeLine(
        at, "mia", ChangeAction.UPDATE, "next_action", "due_on", "null", '"2026-06-01"'
    )
    assert describe_change(due) == "next action due on: - → 2026-06-01"
    gone = ChangeLine(at, "mia", ChangeAction.DELETE, "contact", None, '{"name": "Dana"}', None)
    assert describe_change(gone) == "deleted contact 'Dana'"
