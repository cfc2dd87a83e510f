"""The demo generator: coverage of the domain, deliberate weaknesses, determinism, scale."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel, func, select

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountNote,
    AccountPlan,
    AccountProblem,
    AccountSolution,
    AccountTeam,
    ActivityPlanItem,
    Competitor,
    Concern,
    Contact,
    ContactIdentity,
    DiscoveryQuestion,
    Milestone,
    NextAction,
    Partner,
    Relationship,
    Seat,
    TeamMember,
    name_key,
)
from acctmap_tui.demo import (
    MAX_ACCOUNTS,
    WEAK_ACCOUNTS,
    _DemoGenerator,
    generate_demo,
    is_demo_database,
)
from acctmap_tui.domain.vocabulary import (
    STANDARD_DISCOVERY_QUESTIONS,
    BuyingRole,
    ItemStatus,
    RelationshipKind,
    Stage,
    TargetType,
    TeamRole,
)
from tests.scratch import new_databases

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 3, 15)
END_OF_TODAY = datetime(2026, 3, 16, tzinfo=UTC)


@pytest.fixture
def demo(database: Database) -> Database:
    """The default demo, generated for a fixed day."""
    generate_demo(database, today=TODAY)
    return database


def _full_plan_ids(session: Session) -> list[int]:
    return sorted(session.exec(select(AccountPlan.account_id)))


def _contacts(session: Session, account_id: int) -> list[Contact]:
    return list(session.exec(select(Contact).where(Contact.account_id == account_id)))


def _weaknesses(session: Session, account_id: int) -> set[str]:
    """The four mistakes, checked with plain queries, named like ``WeakAccount.weakness``."""
    account = session.get(Account, account_id)
    assert account is not None
    economic_buyers = [
        contact
        for contact in _contacts(session, account_id)
        if contact.buying_role is BuyingRole.ECONOMIC_BUYER and contact.left_on is None
    ]
    engaged = session.exec(
        select(func.count(sa.distinct(Relationship.target_contact_id))).where(
            Relationship.account_id == account_id,
            Relationship.kind == RelationshipKind.ENGAGEMENT,
        )
    ).one()
    competitors = session.exec(
        select(func.count()).select_from(Competitor).where(Competitor.account_id == account_id)
    ).one()
    solution = session.get(AccountSolution, account_id)
    problem = session.get(AccountProblem, account_id)
    overview = (account.industry, account.employees, account.annual_revenue, account.hq_city)
    reviewed = account.last_reviewed_at
    found = set()
    if not economic_buyers:
        found.add("no_economic_buyer")
    if engaged < 2:
        found.add("single_threaded")
    if reviewed is None or (TODAY - reviewed.date()).days > 90:
        found.add("stale_review")
    if not competitors or solution is None or not solution.next_best_alternative:
        found.add("no_competition")
    if None in overview or problem is None or not problem.statement:
        found.add("no_research")
    return found


def _has_cycle(edges: dict[int, list[int]]) -> bool:
    visiting, done = set(), set()

    def visit(node: int) -> bool:
        if node in done:
            return False
        if node in visiting:
            return True
        visiting.add(node)
        found = any(visit(target) for target in edges.get(node, []))
        visiting.discard(node)
        done.add(node)
        return found

    return any(visit(node) for node in sorted(edges))


def _dump(database: Database) -> dict[str, list[tuple]]:
    """Every table's stored values, in primary-key order."""
    with database.engine.connect() as connection:
        return {
            table.name: connection.exec_driver_sql(
                f'SELECT * FROM "{table.name}" ORDER BY '
                + ", ".join(column.name for column in table.primary_key.columns)
            ).all()
            for table in SQLModel.metadata.sorted_tables
        }


def test_default_demo_covers_every_stage_target_type_and_role(database: Database) -> None:
    summary = generate_demo(database, today=TODAY)
    with database.session() as session:
        accounts = list(session.exec(select(Account)))
        members = list(session.exec(select(TeamMember)))
        team_roles = set(session.exec(select(AccountTeam.role)))
        contact_count = session.exec(select(func.count()).select_from(Contact)).one()
        relationship_count = session.exec(select(func.count()).select_from(Relationship)).one()
    assert summary.accounts == len(accounts) == 25
    assert summary.team_members == len(members)
    assert 4 <= len(members) <= 6
    assert summary.contacts == contact_count
    assert summary.relationships == relationship_count
    assert {account.stage for account in accounts} == set(Stage)
    assert {account.target_type for account in accounts} == set(TargetType)
    assert {
        TeamRole.SDR,
        TeamRole.ACCOUNT_EXECUTIVE,
        TeamRole.SOLUTIONS_ARCHITECT,
        TeamRole.MARKETING_CAMPAIGN_MANAGER,
    } <= team_roles
    for account in accounts:
        closed = account.stage.is_closed
        assert (account.closed_amount is not None) is closed, account.name
        assert (account.closed_on is not None) is closed, account.name
        assert account.owner_id in {member.id for member in members}
        assert 0 <= (account.win_probability or 0) <= 1
        assert isinstance(account.revenue_potential, Decimal)


def test_full_plans_are_the_accounts_with_the_highest_expected_value(demo: Database) -> None:
    with demo.session() as session:
        full_plan_ids = _full_plan_ids(session)
        accounts = list(session.exec(select(Account)))
    by_expected_value = sorted(
        accounts,
        key=lambda account: account.revenue_potential * Decimal(str(account.win_probability)),
        reverse=True,
    )
    assert len(full_plan_ids) == 6
    assert sorted(account.id for account in by_expected_value[:6]) == full_plan_ids


def test_full_plan_org_charts_have_one_ceo_root_and_no_cycles(demo: Database) -> None:
    with demo.session() as session:
        for account_id in _full_plan_ids(session):
            contacts = {contact.id: contact for contact in _contacts(session, account_id)}
            assert 8 <= len(contacts) <= 30
            roots = [contact for contact in contacts.values() if contact.reports_to_id is None]
            assert [root.title for root in roots] == ["Chief Executive Officer"]
            edges: dict[int, list[int]] = {}
            for contact in contacts.values():
                for manager_id in (contact.reports_to_id, contact.dotted_line_to_id):
                    if manager_id is not None:
                        assert manager_id in contacts, "reporting lines stay in the account"
                        edges.setdefault(contact.id, []).append(manager_id)
            assert not _has_cycle(edges)
            roles = Counter(contact.buying_role for contact in contacts.values())
            assert roles[BuyingRole.ECONOMIC_BUYER] == 1
            assert roles[BuyingRole.CHAMPION] == 1
            assert roles[BuyingRole.TECHNICAL_BUYER] == 1
            assert any(contact.dotted_line_to_id for contact in contacts.values())
            for contact in contacts.values():
                assert contact.influence is None or 1 <= contact.influence <= 5
                assert contact.email and contact.email.count("@") == 1


def test_full_plans_fill_every_plan_element(demo: Database) -> None:
    with demo.session() as session:
        for account_id in _full_plan_ids(session):
            account = session.get(Account, account_id)
            assert account is not None and not account.stage.is_closed
            problem = session.get(AccountProblem, account_id)
            assert problem and problem.statement and problem.confirmed and problem.confirmed_by
            impact = session.get(AccountImpact, account_id)
            assert impact and impact.compelling_event and impact.compelling_event_on
            assert impact.value_amount and impact.timeline
            solution = session.get(AccountSolution, account_id)
            assert solution and solution.next_best_alternative and solution.unique_selling_points
            if account.target_type is TargetType.EXISTING_CUSTOMER:
                assert solution.customer_since and solution.products_used
                assert solution.adoption_level is not None
            plan = session.get(AccountPlan, account_id)
            assert plan and plan.strategy_short_term and plan.activity_plan_approved_by
            assert 1 <= len(_rows(session, Competitor, account_id)) <= 3
            assert all(concern.response for concern in _rows(session, Concern, account_id))
            contact_ids = {contact.id for contact in _contacts(session, account_id)}
            items = _rows(session, ActivityPlanItem, account_id)
            assert 4 <= len(items) <= 6
            assert all(item.our_owner_id and item.their_owner_id in contact_ids for item in items)
            assert _rows(session, Milestone, account_id)
            assert _rows(session, AccountNote, account_id)
            actions = _rows(session, NextAction, account_id)
            assert any(a.done_at is None and a.due_on and a.due_on < TODAY for a in actions)
            assert any(a.done_at is None and a.due_on and a.due_on >= TODAY for a in actions)
            assert any(a.done_at is not None for a in actions)
            partners = _rows(session, Partner, account_id)
            assert [partner.kind for partner in partners] == ["Systems integrator"]
            assert session.exec(
                select(Relationship).where(
                    Relationship.source_partner_id == partners[0].id,
                    Relationship.kind == RelationshipKind.INFLUENCES,
                )
            ).first()


def _rows(session: Session, model: type[SQLModel], account_id: int) -> list:
    return list(session.exec(select(model).where(model.account_id == account_id)))


def test_every_account_has_the_seven_standard_discovery_questions(demo: Database) -> None:
    with demo.session() as session:
        questions = list(session.exec(select(DiscoveryQuestion)))
        full_plan_ids = set(_full_plan_ids(session))
    by_account: dict[int, list[DiscoveryQuestion]] = {}
    for question in questions:
        by_account.setdefault(question.account_id, []).append(question)
    assert len(by_account) == 25
    for account_id, rows in by_account.items():
        rows.sort(key=lambda row: row.position)
        assert tuple(row.question for row in rows) == STANDARD_DISCOVERY_QUESTIONS
        assert all(row.is_standard for row in rows)
        if account_id in full_plan_ids:
            assert all(row.answer for row in rows)
    assert any(row.answer is None for row in questions)


def test_weak_accounts_have_exactly_their_weakness_and_full_plans_none(demo: Database) -> None:
    assert {weak.weakness for weak in WEAK_ACCOUNTS} == {
        "no_economic_buyer",
        "single_threaded",
        "stale_review",
        "no_competition",
        "no_research",
    }
    with demo.session() as session:
        for weak in WEAK_ACCOUNTS:
            assert _weaknesses(session, weak.index + 1) == {weak.weakness}, weak
        for account_id in _full_plan_ids(session):
            assert _weaknesses(session, account_id) == set()
            account = session.get(Account, account_id)
            assert account and account.last_reviewed_at
            assert (TODAY - account.last_reviewed_at.date()).days <= 30
            overdue = [
                item
                for item in _rows(session, ActivityPlanItem, account_id)
                if item.status is not ItemStatus.DONE and item.due_on and item.due_on < TODAY
            ]
            assert overdue == []


def test_weak_accounts_show_the_documented_details(demo: Database) -> None:
    with demo.session() as session:
        weak = {account.weakness: account.index + 1 for account in WEAK_ACCOUNTS}
        empty_seat = session.exec(
            select(Seat).where(Seat.account_id == weak["no_economic_buyer"])
        ).all()
        assert [seat.role_title for seat in empty_seat if seat.contact_id is None] == [
            "Chief Financial Officer"
        ]
        engaged = session.exec(
            select(Relationship.target_contact_id).where(
                Relationship.account_id == weak["single_threaded"],
                Relationship.kind == RelationshipKind.ENGAGEMENT,
            )
        ).all()
        assert len(engaged) == 1
        stale = session.get(Account, weak["stale_review"])
        assert stale and stale.last_reviewed_at
        assert stale.last_reviewed_at.date() == date(2025, 11, 15)


def test_seats_relationships_and_the_former_champion(demo: Database) -> None:
    with demo.session() as session:
        seats = list(session.exec(select(Seat)))
        relationships = list(session.exec(select(Relationship)))
        identities = list(session.exec(select(ContactIdentity)))
        contacts = {contact.id: contact for contact in session.exec(select(Contact))}
    assert any(seat.contact_id is None for seat in seats)
    assert any(seat.contact_id is not None for seat in seats)
    kinds = Counter(relationship.kind for relationship in relationships)
    assert kinds[RelationshipKind.KNOWS] and kinds[RelationshipKind.INFLUENCES]
    engagements = [r for r in relationships if r.kind is RelationshipKind.ENGAGEMENT]
    assert all(r.source_member_id and 1 <= r.strength <= 5 for r in engagements)
    assert any(r.last_touch_at and (TODAY - r.last_touch_at.date()).days > 365 for r in engagements)
    for relationship in relationships:
        assert contacts[relationship.target_contact_id].account_id == relationship.account_id
        if relationship.source_contact_id is not None:
            source = contacts[relationship.source_contact_id]
            assert source.account_id == relationship.account_id
    assert len(identities) == 1
    now_there = contacts[identities[0].contact_id]
    left = contacts[identities[0].same_as_contact_id]
    assert now_there.account_id != left.account_id
    assert now_there.email == left.email
    assert left.left_on is not None and left.buying_role is BuyingRole.CHAMPION
    assert now_there.left_on is None


def test_nothing_is_dated_after_the_given_day(demo: Database) -> None:
    """Timestamps come from ``today``, never from the clock."""
    with demo.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column in table.columns:
                if column.name in ("created_at", "updated_at", "last_touch_at", "done_at"):
                    latest = connection.execute(sa.select(func.max(column))).scalar()
                    assert latest is None or latest < END_OF_TODAY, (table.name, column.name)


def test_same_seed_and_day_give_identical_tables(
    database: Database, request: pytest.FixtureRequest, engine: str
) -> None:
    generate_demo(database, seed=11, today=TODAY)
    with new_databases(request, engine) as new_database:
        twin, other = new_database("twin"), new_database("other")
        generate_demo(twin, seed=11, today=TODAY)
        generate_demo(other, seed=12, today=TODAY)
        reference = _dump(database)
        assert _dump(twin) == reference
        assert _dump(other)["account"] != reference["account"]
        assert _dump(other)["contact"] != reference["contact"]


def test_every_stage_and_target_type_appear_from_seventeen_accounts(
    database: Database,
) -> None:
    generate_demo(database, accounts=17, today=TODAY)
    with database.session() as session:
        assert set(session.exec(select(Account.stage))) == set(Stage)
        assert set(session.exec(select(Account.target_type))) == set(TargetType)


def test_company_names_stay_distinct_at_the_largest_size() -> None:
    """Checked on the generator itself: a database that large takes minutes to fill."""
    names = _DemoGenerator(accounts=MAX_ACCOUNTS, seed=3, today=TODAY).company_names
    assert len({name_key(name) for name, _industry in names}) == MAX_ACCOUNTS >= 200_000


def test_refuses_a_database_that_holds_data(database: Database) -> None:
    assert not is_demo_database(database)
    generate_demo(database, today=TODAY)
    assert is_demo_database(database)
    with pytest.raises(ValueError, match="empty database"):
        generate_demo(database, today=TODAY)


def test_refuses_an_impossible_number_of_accounts(database: Database) -> None:
    with pytest.raises(ValueError, match="accounts"):
        generate_demo(database, accounts=0)
    assert not is_demo_database(database)


def test_a_tiny_demo_is_all_full_plans(database: Database) -> None:
    summary = generate_demo(database, accounts=3, today=TODAY)
    with database.session() as session:
        assert _full_plan_ids(session) == [1, 2, 3]
        assert session.exec(select(ContactIdentity)).all() == []
    assert summary.accounts == 3


def test_a_thousand_accounts_have_about_ten_contacts_each(database: Database) -> None:
    reports: list[tuple[int, int]] = []
    summary = generate_demo(
        database,
        accounts=1000,
        today=TODAY,
        progress=lambda done, total: reports.append((done, total)),
    )
    assert reports == [(250, 1000), (500, 1000), (750, 1000), (1000, 1000)]
    assert summary.accounts == 1000
    assert 7 <= summary.contacts / summary.accounts <= 12
    with database.session() as session:
        assert len(_full_plan_ids(session)) == 10
        emails = Counter(session.exec(select(Contact.email)))
    assert [count for count in emails.values() if count > 1] == [2]
