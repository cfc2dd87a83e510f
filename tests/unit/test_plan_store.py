"""Loading and saving a whole account plan: one transaction, history, version checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from acctmap_tui.data.account_store import AccountNotFoundError, create_account, delete_account
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountProblem,
    AccountTeam,
    ChangeLogEntry,
    Competitor,
    DiscoveryQuestion,
    Milestone,
    TeamMember,
    name_key,
)
from acctmap_tui.data.plan_store import (
    ItemChange,
    ListChanges,
    PlanChanges,
    PlanConflictError,
    load_plan,
    save_plan,
)
from acctmap_tui.domain.plan_fields import (
    PLAN_FIELDS,
    PlanList,
    PlanRecord,
    format_value,
    parse_value,
)
from acctmap_tui.domain.vocabulary import (
    STANDARD_DISCOVERY_QUESTIONS,
    ChangeAction,
    MilestoneKind,
    TeamRole,
)

pytestmark = pytest.mark.both_engines


def _account(database: Database, name: str = "Acme") -> int:
    with database.session() as session:
        account = create_account({"name": name}, session=session, user="raj")
        session.commit()
        assert account.id is not None
        return account.id


def _save(database: Database, account_id: int, changes: PlanChanges, user: str = "susan") -> None:
    with database.session() as session:
        versions = load_plan(account_id, session=session).versions
    with database.session() as session:
        save_plan(account_id, changes, expected_versions=versions, session=session, user=user)
        session.commit()


def _history(database: Database, entity: str) -> list[ChangeLogEntry]:
    with database.session() as session:
        return list(
            session.exec(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.entity == entity)
                .order_by(ChangeLogEntry.id)
            )
        )


def test_a_new_account_plan_lists_the_seven_standard_questions(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        plan = load_plan(account_id, session=session)
    questions = plan.lists[PlanList.QUESTIONS]
    assert [q.values["question"] for q in questions] == list(STANDARD_DISCOVERY_QUESTIONS)
    assert all(q.id is not None for q in questions)
    assert plan.records[PlanRecord.PROBLEM] is None
    assert plan.records[PlanRecord.ACCOUNT]["name"] == "Acme"


def test_an_account_without_questions_gets_them_proposed_and_created_on_save(
    database: Database,
) -> None:
    with database.session() as session:
        account = Account(name="Bare", name_key=name_key("Bare"))
        session.add(account)
        session.commit()
        account_id = account.id
    assert account_id is not None
    with database.session() as session:
        plan = load_plan(account_id, session=session)
    proposed = plan.lists[PlanList.QUESTIONS]
    assert len(proposed) == 7 and all(q.id is None for q in proposed)
    items = [ItemChange(None, {"question": q.values["question"], "answer": None}) for q in proposed]
    items[0].values["answer"] = "Fuel costs"
    _save(database, account_id, PlanChanges(lists={PlanList.QUESTIONS: ListChanges(items)}))
    with database.session() as session:
        stored = list(session.exec(select(DiscoveryQuestion).order_by(DiscoveryQuestion.position)))
    assert [q.is_standard for q in stored] == [True] * 7
    assert stored[0].answer == "Fuel costs"


def test_save_writes_every_record_and_list_in_one_go_with_history(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        member = TeamMember(name="Susan Park", username="susan")
        session.add(member)
        session.commit()
        member_id = member.id
    changes = PlanChanges(
        records={
            PlanRecord.ACCOUNT: {"industry": "Logistics", "annual_revenue": Decimal("1200000")},
            PlanRecord.PROBLEM: {"statement": "Empty miles", "confirmed": True},
            PlanRecord.IMPACT: {"compelling_event_on": date(2026, 10, 1)},
            PlanRecord.PLAN: {"strategy_short_term": "Pilot"},
        },
        lists={
            PlanList.COMPETITORS: ListChanges([ItemChange(None, {"name": "RouteMax"})]),
            PlanList.MILESTONES: ListChanges(
                [
                    ItemChange(
                        None,
                        {"title": "Kick-off", "kind": MilestoneKind.EVENT, "done": False},
                    )
                ]
            ),
            PlanList.TEAM: ListChanges(
                [ItemChange(None, {"member_id": member_id, "role": TeamRole.SDR})]
            ),
        },
    )
    _save(database, account_id, changes)
    with database.session() as session:
        plan = load_plan(account_id, session=session)
    assert plan.records[PlanRecord.ACCOUNT]["industry"] == "Logistics"
    assert plan.records[PlanRecord.ACCOUNT]["annual_revenue"] == Decimal("1200000.00")
    assert plan.records[PlanRecord.PROBLEM]["statement"] == "Empty miles"
    assert plan.records[PlanRecord.PROBLEM]["confirmed"] is True
    assert plan.records[PlanRecord.IMPACT]["compelling_event_on"] == date(2026, 10, 1)
    assert plan.records[PlanRecord.PLAN]["strategy_short_term"] == "Pilot"
    assert [c.values["name"] for c in plan.lists[PlanList.COMPETITORS]] == ["RouteMax"]
    assert plan.lists[PlanList.TEAM][0].values["role"] is TeamRole.SDR
    assert plan.team_members == {member_id: "Susan Park"}

    [created_problem] = _history(database, "account_problem")
    assert created_problem.action is ChangeAction.CREATE and created_problem.user == "susan"
    industry = [e for e in _history(database, "account") if e.field == "industry"]
    assert industry and industry[0].new_value == '"Logistics"'
    assert len(_history(database, "competitor")) == 1
    assert len(_history(database, "milestone")) == 1
    assert len(_history(database, "account_team")) == 1


def test_reorder_edit_and_delete_of_list_items(database: Database) -> None:
    account_id = _account(database)
    _save(
        database,
        account_id,
        PlanChanges(
            lists={
                PlanList.COMPETITORS: ListChanges(
                    [ItemChange(None, {"name": name}) for name in ("A", "B", "C")]
                )
            }
        ),
    )
    with database.session() as session:
        a, b, c = load_plan(account_id, session=session).lists[PlanList.COMPETITORS]
    changes = ListChanges(
        [ItemChange(c.id, {"name": "C2"}), ItemChange(a.id, {"name": "A"})], deleted=[b.id]
    )
    _save(database, account_id, PlanChanges(lists={PlanList.COMPETITORS: changes}))
    with database.session() as session:
        stored = list(session.exec(select(Competitor).order_by(Competitor.position, Competitor.id)))
    assert [(x.name, x.position) for x in stored] == [("C2", 0), ("A", 1)]
    deleted = [e for e in _history(database, "competitor") if e.action is ChangeAction.DELETE]
    assert len(deleted) == 1 and '"B"' in (deleted[0].old_value or "")


def test_a_version_conflict_writes_nothing_and_names_who_changed_what(
    database: Database,
) -> None:
    account_id = _account(database)
    _save(database, account_id, PlanChanges(records={PlanRecord.PROBLEM: {"statement": "v1"}}))
    with database.session() as session:
        versions = load_plan(account_id, session=session).versions
    _save(
        database,
        account_id,
        PlanChanges(records={PlanRecord.PROBLEM: {"statement": "theirs"}}),
        user="raj",
    )
    mine = PlanChanges(
        records={
            PlanRecord.PROBLEM: {"statement": "mine"},
            PlanRecord.IMPACT: {"timeline": "Q3"},
        }
    )
    with database.session() as session, pytest.raises(PlanConflictError) as raised:
        save_plan(account_id, mine, expected_versions=versions, session=session, user="susan")
    [conflict] = raised.value.conflicts
    assert conflict.changed_by == "raj"
    assert conflict.current is not None and conflict.current["statement"] == "theirs"
    assert "raj changed the problem" in str(raised.value)
    with database.session() as session:
        assert session.get(AccountProblem, account_id).statement == "theirs"  # type: ignore[union-attr]
        assert session.get(AccountImpact, account_id) is None  # nothing of the save written


def test_an_item_deleted_by_someone_else_is_a_conflict(database: Database) -> None:
    account_id = _account(database)
    _save(
        database,
        account_id,
        PlanChanges(lists={PlanList.MILESTONES: ListChanges([ItemChange(None, {"title": "X"})])}),
    )
    with database.session() as session:
        plan = load_plan(account_id, session=session)
    [item] = plan.lists[PlanList.MILESTONES]
    with database.session() as session:
        session.delete(session.get(Milestone, item.id))
        session.commit()
    changes = PlanChanges(
        lists={PlanList.MILESTONES: ListChanges([ItemChange(item.id, {"title": "Y"})])}
    )
    with database.session() as session, pytest.raises(PlanConflictError) as raised:
        save_plan(
            account_id, changes, expected_versions=plan.versions, session=session, user="susan"
        )
    assert raised.value.conflicts[0].current is None
    assert "deleted milestone 'Y'" in str(raised.value)


def test_a_deleted_account_has_no_plan(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        delete_account(account_id, session=session, user="raj")
        session.commit()
    with database.session() as session, pytest.raises(AccountNotFoundError):
        load_plan(account_id, session=session)


def test_team_rows_are_not_duplicated(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        member = TeamMember(name="Mia")
        session.add(member)
        session.commit()
        member_id = member.id
    row = {"member_id": member_id, "role": TeamRole.SOLUTIONS_ARCHITECT}
    for _ in range(2):
        _save(
            database,
            account_id,
            PlanChanges(lists={PlanList.TEAM: ListChanges([ItemChange(None, dict(row))])}),
        )
    with database.session() as session:
        assert len(list(session.exec(select(AccountTeam)))) == 1


@pytest.mark.parametrize("plan_field", PLAN_FIELDS, ids=lambda f: f.key)
def test_every_plan_field_formats_to_text_that_parses_back(plan_field) -> None:  # type: ignore[no-untyped-def]
    samples = {
        "money": Decimal("1200000.50"),
        "percent": 0.125,
        "integer": 5400,
        "date": date(2026, 1, 31),
        "text": "Oslo",
        "long_text": "two\nlines",
    }
    form = plan_field.form
    if form.enum is not None:
        value = parse_value(form, form.options[0])
    else:
        value = samples[form.kind.value]
    assert parse_value(form, format_value(form, value)) == value
