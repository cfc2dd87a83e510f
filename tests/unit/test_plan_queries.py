"""Plan facts from the database: the four checks fire and clear as the data changes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountPlan,
    AccountProblem,
    AccountSolution,
    AccountTeam,
    ActivityPlanItem,
    Competitor,
    Concern,
    Contact,
    DiscoveryQuestion,
    Milestone,
    NextAction,
    Relationship,
    Seat,
    TeamMember,
    name_key,
)
from acctmap_tui.data.plan_queries import load_all_plan_facts, load_plan_facts
from acctmap_tui.demo import WEAK_ACCOUNTS, generate_demo
from acctmap_tui.domain.plan_health import (
    CHECKS,
    INADEQUATE_RESEARCH,
    INCOMPLETE_COMPETITOR_ANALYSIS,
    INCONSISTENT_UPDATES,
    OVERLOOKED_STAKEHOLDERS,
    OVERVIEW_FIELDS,
    PlanHealth,
    assess_plan,
)
from acctmap_tui.domain.vocabulary import (
    STANDARD_DISCOVERY_QUESTIONS,
    AdoptionLevel,
    BuyingRole,
    ConcernStatus,
    ItemStatus,
    RelationshipKind,
    TargetType,
    TeamRole,
)
from acctmap_tui.interchange.health import health_as_json

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 27)
RECENTLY = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _add_full_account(
    database: Database,
    name: str = "Acme Corp",
    *,
    target_type: TargetType = TargetType.NEW_PROSPECT,
) -> int:
    """An account with every element filled and none of the four mistakes."""
    with database.session() as session:
        member = session.scalar(sa.select(TeamMember).where(TeamMember.name == "Susan Park"))
        if member is None:
            member = TeamMember(name="Susan Park", username="susan")
            session.add(member)
            session.flush()
        account = Account(
            name=name,
            name_key=name_key(name),
            target_type=target_type,
            owner_id=member.id,
            last_reviewed_at=RECENTLY,
            annual_revenue=Decimal("50000000"),
            revenue_growth=0.12,
            employees=400,
            customers="Retailers",
            partners="Big SI",
            hq_city="Chicago",
            hq_region="Illinois",
            hq_country="United States",
            industry="Logistics",
            website="https://acme.example",
        )
        session.add(account)
        session.flush()
        account_id = account.id
        assert account_id is not None
        economic_buyer = Contact(
            account_id=account_id,
            name="Ann Lee",
            title="CFO",
            buying_role=BuyingRole.ECONOMIC_BUYER,
            met=True,
        )
        champion = Contact(
            account_id=account_id, name="Bob Ray", title="VP Ops", buying_role=BuyingRole.CHAMPION
        )
        session.add_all([economic_buyer, champion])
        session.flush()
        existing = target_type is TargetType.EXISTING_CUSTOMER
        session.add_all(
            [
                AccountTeam(
                    account_id=account_id, member_id=member.id, role=TeamRole.ACCOUNT_EXECUTIVE
                ),
                Relationship(
                    account_id=account_id,
                    kind=RelationshipKind.ENGAGEMENT,
                    source_member_id=member.id,
                    target_contact_id=champion.id,
                    strength=4,
                ),
                AccountProblem(
                    account_id=account_id,
                    statement="On-time delivery slipped to 84 %.",
                    confirmed=True,
                    confirmed_by="Bob Ray",
                    confirmed_on=date(2026, 10, 1),
                ),
                *(
                    DiscoveryQuestion(
                        account_id=account_id,
                        position=position,
                        question=question,
                        answer=f"Answer {position}",
                        is_standard=True,
                    )
                    for position, question in enumerate(STANDARD_DISCOVERY_QUESTIONS)
                ),
                AccountImpact(
                    account_id=account_id,
                    timeline="Decide by March",
                    compelling_event="Peak season",
                    compelling_event_on=date(2027, 3, 1),
                    driving_factors="Margin pressure",
                    cost_of_inaction="$1M a year",
                    value_amount=Decimal("2000000"),
                    value_description="$2M over three years",
                    value_validated=True,
                    validated_by="Ann Lee",
                    validated_on=date(2026, 11, 1),
                ),
                AccountSolution(
                    account_id=account_id,
                    use_case_scope="Route planning",
                    next_best_alternative="Keep the spreadsheets",
                    unique_selling_points="Fast; proven",
                    customer_since=date(2020, 1, 1) if existing else None,
                    renewal_done=True if existing else None,
                    renewal_on=date(2026, 6, 1) if existing else None,
                    products_used="Planner" if existing else None,
                    adoption_level=AdoptionLevel.FULL if existing else None,
                ),
                Competitor(account_id=account_id, name="RouteCo", strengths="Cheap"),
                Concern(
                    account_id=account_id,
                    concern="Price",
                    response="ROI in 9 months",
                    status=ConcernStatus.ANSWERED,
                ),
                AccountPlan(
                    account_id=account_id,
                    strategy_short_term="Win the pilot",
                    strategy_long_term="Expand to all depots",
                    proposal_details="Planner for 200 users",
                    proposal_tailoring="Priced per depot",
                    activity_plan_reviewed_by="Bob Ray",
                    activity_plan_reviewed_on=date(2026, 11, 2),
                    activity_plan_approved_by="Ann Lee",
                    activity_plan_approved_on=date(2026, 11, 3),
                    escalation_path="Susan -> VP Sales -> Ann Lee",
                ),
                ActivityPlanItem(
                    account_id=account_id,
                    step="Pilot kick-off",
                    due_on=TODAY + timedelta(days=10),
                    status=ItemStatus.PLANNED,
                ),
                ActivityPlanItem(
                    account_id=account_id,
                    step="Discovery workshop",
                    due_on=TODAY - timedelta(days=20),
                    status=ItemStatus.DONE,
                ),
                Milestone(account_id=account_id, title="Budget approval", due_on=date(2027, 1, 5)),
            ]
        )
        session.commit()
        return account_id


def _health(database: Database, account_id: int) -> PlanHealth:
    with database.session() as session:
        facts = load_plan_facts(account_id, session=session)
    assert facts is not None
    return assess_plan(facts, TODAY)


def _titles(health: PlanHealth, check: str) -> list[str]:
    return [finding.title for finding in health.findings if finding.check == check]


def _update(database: Database, model: type, key: object, **values: object) -> None:
    with database.session() as session:
        record = session.get(model, key)
        for field, value in values.items():
            setattr(record, field, value)
        session.commit()


def test_a_full_account_is_complete_and_has_no_findings(database: Database) -> None:
    account_id = _add_full_account(database)

    health = _health(database, account_id)

    assert health.findings == ()
    assert [item.percent for item in health.completeness] == [100] * 6
    assert health.overall_percent == 100


def test_inadequate_research_fires_and_clears(database: Database) -> None:
    account_id = _add_full_account(database)
    _update(database, Account, account_id, **dict.fromkeys(OVERVIEW_FIELDS))
    _update(database, AccountProblem, account_id, statement="   ")
    with database.session() as session:
        session.execute(sa.update(DiscoveryQuestion).values(answer=None))
        session.commit()

    broken = _health(database, account_id)
    assert _titles(broken, INADEQUATE_RESEARCH) == [
        "Company overview is empty",
        "No problem statement",
        "No discovery answers",
    ]
    assert [f.element for f in broken.findings] == ["overview", "problem", "problem"]
    assert broken.failed_checks == (INADEQUATE_RESEARCH,)

    _update(database, Account, account_id, website="https://acme.example")
    _update(database, AccountProblem, account_id, statement="Late deliveries")
    with database.session() as session:
        question = session.scalars(sa.select(DiscoveryQuestion).limit(1)).one()
        question.answer = "Fuel costs"
        session.commit()

    assert _titles(_health(database, account_id), INADEQUATE_RESEARCH) == []


def test_overlooked_stakeholders_fires_and_clears(database: Database) -> None:
    account_id = _add_full_account(database)
    with database.session() as session:
        buyer = session.scalars(sa.select(Contact).where(Contact.name == "Ann Lee")).one()
        buyer.buying_role = BuyingRole.INFLUENCER
        buyer.met = False
        session.add(
            Seat(account_id=account_id, role_title="CEO", buying_role=BuyingRole.ECONOMIC_BUYER)
        )
        session.commit()
        buyer_id = buyer.id

    broken = _health(database, account_id)
    assert _titles(broken, OVERLOOKED_STAKEHOLDERS) == ["No economic buyer", "Single-threaded"]
    no_buyer, single = broken.findings
    assert "CEO" in no_buyer.detail
    assert "Only Bob Ray is engaged" in single.detail
    assert {no_buyer.element, single.element} == {"people"}

    # A buyer who has left does not count either.
    _update(
        database,
        Contact,
        buyer_id,
        buying_role=BuyingRole.ECONOMIC_BUYER,
        met=True,
        left_on=date(2026, 1, 1),
    )
    assert _titles(_health(database, account_id), OVERLOOKED_STAKEHOLDERS) == [
        "No economic buyer",
        "Single-threaded",
    ]

    _update(database, Contact, buyer_id, left_on=None)
    assert _titles(_health(database, account_id), OVERLOOKED_STAKEHOLDERS) == []


def test_an_engagement_relationship_counts_as_engaged(database: Database) -> None:
    account_id = _add_full_account(database)
    with database.session() as session:
        buyer = session.scalars(sa.select(Contact).where(Contact.name == "Ann Lee")).one()
        buyer.met = False
        session.commit()
        buyer_id = buyer.id
    assert _titles(_health(database, account_id), OVERLOOKED_STAKEHOLDERS) == ["Single-threaded"]

    # Contacts knowing each other is not engagement by our team.
    with database.session() as session:
        champion_id = session.scalar(sa.select(Contact.id).where(Contact.name == "Bob Ray"))
        session.add(
            Relationship(
                account_id=account_id,
                kind=RelationshipKind.KNOWS,
                source_contact_id=champion_id,
                target_contact_id=buyer_id,
            )
        )
        session.commit()
    assert _titles(_health(database, account_id), OVERLOOKED_STAKEHOLDERS) == ["Single-threaded"]

    with database.session() as session:
        member_id = session.scalar(sa.select(TeamMember.id))
        session.add(
            Relationship(
                account_id=account_id,
                kind=RelationshipKind.ENGAGEMENT,
                source_member_id=member_id,
                target_contact_id=buyer_id,
            )
        )
        session.commit()
    assert _titles(_health(database, account_id), OVERLOOKED_STAKEHOLDERS) == []


def test_inconsistent_updates_fires_and_clears(database: Database) -> None:
    account_id = _add_full_account(database)
    _update(database, Account, account_id, last_reviewed_at=RECENTLY - timedelta(days=120))
    with database.session() as session:
        session.add_all(
            [
                ActivityPlanItem(
                    account_id=account_id,
                    step="Send the proposal",
                    due_on=TODAY - timedelta(days=3),
                    status=ItemStatus.BLOCKED,
                ),
                NextAction(
                    account_id=account_id,
                    description="Call Ann",
                    due_on=TODAY - timedelta(days=1),
                ),
            ]
        )
        session.commit()
        item_id = session.scalar(
            sa.select(ActivityPlanItem.id).where(ActivityPlanItem.step == "Send the proposal")
        )

    broken = _health(database, account_id)
    assert _titles(broken, INCONSISTENT_UPDATES) == [
        "Not reviewed recently",
        "Activity plan items overdue",
    ]
    stale, overdue = broken.findings
    assert "127 days ago" in stale.detail
    assert "1 open next action overdue" in stale.detail
    assert "2026-11-24" in overdue.detail
    assert (stale.element, overdue.element) == ("overview", "plan")

    _update(database, Account, account_id, last_reviewed_at=None)
    assert "never been reviewed" in _health(database, account_id).findings[0].detail

    _update(database, Account, account_id, last_reviewed_at=RECENTLY)
    _update(database, ActivityPlanItem, item_id, status=ItemStatus.DONE)
    # The overdue next action alone does not raise the finding.
    assert _titles(_health(database, account_id), INCONSISTENT_UPDATES) == []


def test_incomplete_competitor_analysis_fires_and_clears(database: Database) -> None:
    account_id = _add_full_account(database)
    _update(database, AccountSolution, account_id, next_best_alternative=None)
    assert _titles(_health(database, account_id), INCOMPLETE_COMPETITOR_ANALYSIS) == []
    with database.session() as session:
        session.execute(sa.delete(Competitor))
        session.commit()

    broken = _health(database, account_id)
    assert _titles(broken, INCOMPLETE_COMPETITOR_ANALYSIS) == ["No competitor analysis"]
    assert broken.findings[0].element == "solution"

    _update(database, AccountSolution, account_id, next_best_alternative="Do nothing")
    assert _titles(_health(database, account_id), INCOMPLETE_COMPETITOR_ANALYSIS) == []


def test_an_account_with_nothing_planned(database: Database) -> None:
    with database.session() as session:
        session.add(Account(name="Bare Co", name_key=name_key("Bare Co")))
        session.commit()
        account_id = session.scalar(sa.select(Account.id))
    assert account_id is not None

    health = _health(database, account_id)

    assert health.failed_checks == CHECKS
    assert health.element("overview").percent == 8  # only the target type: 1 of 12
    assert [item.percent for item in health.completeness[1:]] == [0] * 5


def test_existing_customer_fields_are_read(database: Database) -> None:
    account_id = _add_full_account(database, target_type=TargetType.EXISTING_CUSTOMER)
    assert _health(database, account_id).element("solution").percent == 100

    _update(database, AccountSolution, account_id, adoption_level=AdoptionLevel.PARTIAL)
    solution = _health(database, account_id).element("solution")
    assert solution.missing == ("Why adoption is not full",)

    _update(database, AccountSolution, account_id, adoption_gap_reason="Training")
    assert _health(database, account_id).element("solution").percent == 100


def test_deleted_and_unknown_accounts_have_no_facts(database: Database) -> None:
    kept = _add_full_account(database, "Kept Co")
    gone = _add_full_account(database, "Gone Co")
    _update(database, Account, gone, deleted_at=RECENTLY)

    with database.session() as session:
        assert set(load_all_plan_facts(session=session)) == {kept}
        assert load_plan_facts(gone, session=session) is None
        assert load_plan_facts(999, session=session) is None


# --- the demo ------------------------------------------------------------------------------

_WEAKNESS_FINDINGS = {
    "no_economic_buyer": (OVERLOOKED_STAKEHOLDERS, "No economic buyer"),
    "single_threaded": (OVERLOOKED_STAKEHOLDERS, "Single-threaded"),
    "stale_review": (INCONSISTENT_UPDATES, "Not reviewed recently"),
    "no_competition": (INCOMPLETE_COMPETITOR_ANALYSIS, "No competitor analysis"),
    "no_research": (INADEQUATE_RESEARCH, "No problem statement"),
}
_FULL_PLAN_IDS = range(1, WEAK_ACCOUNTS[0].index + 1)
"""The demo's first full-plan accounts: generation indexes 0-5, just before the weak ones."""


@pytest.fixture
def demo(database: Database) -> Database:
    generate_demo(database, accounts=25, seed=7, today=TODAY)
    return database


def _demo_healths(database: Database) -> dict[int, PlanHealth]:
    with database.session() as session:
        facts = load_all_plan_facts(session=session)
    return {account_id: assess_plan(item, TODAY) for account_id, item in facts.items()}


def test_every_weak_demo_account_has_its_finding(demo: Database) -> None:
    healths = _demo_healths(demo)

    for weak in WEAK_ACCOUNTS:
        health = healths[weak.index + 1]
        check, title = _WEAKNESS_FINDINGS[weak.weakness]
        assert (check, title) in {(f.check, f.title) for f in health.findings}, weak
        # Apart from its weakness, each is as sound as a full plan.
        assert health.failed_checks == (check,), (weak, health.findings)


def test_full_plan_demo_accounts_have_none_of_the_four_mistakes(demo: Database) -> None:
    healths = _demo_healths(demo)

    for account_id in _FULL_PLAN_IDS:
        assert healths[account_id].findings == (), healths[account_id].name
        assert healths[account_id].overall_percent >= 90


def test_demo_json_reports_weak_accounts_and_not_full_plans(demo: Database) -> None:
    healths = _demo_healths(demo)
    records = {
        record["account_id"]: record
        for record in json.loads(health_as_json(list(healths.values())))
    }

    assert len(records) == 25
    for weak in WEAK_ACCOUNTS:
        assert records[weak.index + 1]["findings"], weak
    for account_id in _FULL_PLAN_IDS:
        assert records[account_id]["findings"] == []


def test_one_account_equals_its_entry_in_the_bulk_load(demo: Database) -> None:
    with demo.session() as session:
        everything = load_all_plan_facts(session=session)
        for account_id in (1, 7, 8, 11, 12, 25):
            assert load_plan_facts(account_id, session=session) == everything[account_id]
