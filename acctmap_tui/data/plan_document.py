"""One account's whole plan, loaded into plain frozen dataclasses for documents.

:func:`load_plan_document` reads everything the plan-as-a-document export shows
(overview, the five elements, milestones, open next actions) in a fixed number of
queries, whatever the size of the account, and resolves every id to the name a
reader needs (owners, managers, relationship owners). The result holds no ORM
objects, so it can leave the session and be formatted anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy.orm import aliased
from sqlmodel import Session, select

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
    Partner,
    Seat,
    TeamMember,
)
from acctmap_tui.domain.qualification import (
    QualificationFacts,
    QualificationLetter,
    assess_qualification,
)
from acctmap_tui.domain.vocabulary import (
    AdoptionLevel,
    BuyingRole,
    ConcernStatus,
    ItemStatus,
    MilestoneKind,
    RelationshipLevel,
    Sentiment,
    Stage,
    TargetType,
    TeamRole,
)

# --- the account itself ----------------------------------------------------------------


@dataclass(frozen=True)
class CompanyOverview:
    """The company overview of the design brief."""

    industry: str | None = None
    website: str | None = None
    hq_city: str | None = None
    hq_region: str | None = None
    hq_country: str | None = None
    annual_revenue: Decimal | None = None
    revenue_growth: float | None = None
    """Year-on-year growth as a fraction: 0.12 is 12 %."""
    employees: int | None = None
    customers: str | None = None
    partners: str | None = None

    @property
    def headquarters(self) -> str | None:
        parts = [p for p in (self.hq_city, self.hq_region, self.hq_country) if p]
        return ", ".join(parts) or None


@dataclass(frozen=True)
class StrategyDetails:
    """The seed template's text columns and the strategy details of its step 4."""

    ideal_first_meeting: str | None = None
    value_proposition: str | None = None
    strategy: str | None = None
    executive_sponsorship: str | None = None
    key_challenges: str | None = None
    messaging: str | None = None
    products_and_pricing: str | None = None
    proof_points: str | None = None
    incentives: str | None = None
    nurture_campaigns: str | None = None
    budget_and_resources: str | None = None


@dataclass(frozen=True)
class Qualification:
    """The MEDDPICC letters the plan does not already answer."""

    decision_criteria: str | None = None
    decision_process: str | None = None
    paper_process: str | None = None


# --- element 1: problem -----------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveryAnswer:
    question: str
    answer: str | None = None
    is_standard: bool = False


@dataclass(frozen=True)
class ProblemElement:
    """Why change?"""

    statement: str | None = None
    confirmed: bool = False
    confirmed_by: str | None = None
    confirmed_on: date | None = None
    questions: tuple[DiscoveryAnswer, ...] = ()


# --- element 2: impact ------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactElement:
    """Why now?"""

    timeline: str | None = None
    compelling_event: str | None = None
    compelling_event_on: date | None = None
    driving_factors: str | None = None
    cost_of_inaction: str | None = None
    value_amount: Decimal | None = None
    value_description: str | None = None
    value_validated: bool = False
    validated_by: str | None = None
    validated_on: date | None = None


# --- element 3: solution ----------------------------------------------------------------


@dataclass(frozen=True)
class CompetitorEntry:
    name: str
    strengths: str | None = None
    weaknesses: str | None = None
    their_position: str | None = None


@dataclass(frozen=True)
class ConcernEntry:
    concern: str
    response: str | None = None
    status: ConcernStatus = ConcernStatus.OPEN


@dataclass(frozen=True)
class SolutionElement:
    """Why us? With the existing-customer fields (empty for other target types)."""

    use_case_scope: str | None = None
    next_best_alternative: str | None = None
    unique_selling_points: str | None = None
    customer_since: date | None = None
    renewal_done: bool | None = None
    renewal_on: date | None = None
    products_used: str | None = None
    adoption_level: AdoptionLevel | None = None
    adoption_gap_reason: str | None = None
    competitors: tuple[CompetitorEntry, ...] = ()
    concerns: tuple[ConcernEntry, ...] = ()


# --- element 4: people ------------------------------------------------------------------


@dataclass(frozen=True)
class ContactEntry:
    """A contact with every id resolved to a name."""

    id: int
    name: str
    title: str | None = None
    department: str | None = None
    buying_role: BuyingRole | None = None
    influence: int | None = None
    sentiment: Sentiment | None = None
    met: bool = False
    reports_to: str | None = None
    dotted_line_to: str | None = None
    relationship_owner: str | None = None
    """Who on our side owns the relationship."""
    level_current: RelationshipLevel | None = None
    level_target: RelationshipLevel | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class SeatEntry:
    """A seat on the customer's side; ``holder`` is ``None`` for a seat not yet identified."""

    role_title: str
    buying_role: BuyingRole | None = None
    holder: str | None = None
    reports_to: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class PartnerEntry:
    name: str
    kind: str | None = None
    influence: int | None = None
    notes: str | None = None


@dataclass(frozen=True)
class TeamEntry:
    """Someone on our side of the account, in one role."""

    name: str
    role: TeamRole


@dataclass(frozen=True)
class PeopleElement:
    """Who are the key stakeholders? Theirs, the empty seats, third parties, and ours."""

    contacts: tuple[ContactEntry, ...] = ()
    """Current contacts, most influential first."""
    former_contacts: tuple[ContactEntry, ...] = ()
    """Contacts who left the account."""
    seats: tuple[SeatEntry, ...] = ()
    partners: tuple[PartnerEntry, ...] = ()
    team: tuple[TeamEntry, ...] = ()

    @property
    def empty_seats(self) -> tuple[SeatEntry, ...]:
        return tuple(seat for seat in self.seats if seat.holder is None)


# --- element 5: plan --------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityItem:
    """A step of the mutual activity plan, owners as names."""

    step: str
    our_owner: str | None = None
    their_owner: str | None = None
    due_on: date | None = None
    status: ItemStatus = ItemStatus.PLANNED
    notes: str | None = None


@dataclass(frozen=True)
class PlanElement:
    """Strategy, proposal, the mutual activity plan and its approval, escalation."""

    strategy_short_term: str | None = None
    strategy_long_term: str | None = None
    proposal_details: str | None = None
    proposal_tailoring: str | None = None
    activity_plan_reviewed_by: str | None = None
    activity_plan_reviewed_on: date | None = None
    activity_plan_approved_by: str | None = None
    activity_plan_approved_on: date | None = None
    escalation_path: str | None = None
    activity_plan: tuple[ActivityItem, ...] = ()


# --- dates and actions ------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneEntry:
    title: str
    kind: MilestoneKind = MilestoneKind.MILESTONE
    due_on: date | None = None
    done: bool = False
    notes: str | None = None


@dataclass(frozen=True)
class ActionEntry:
    """An open next action."""

    description: str
    owner: str | None = None
    due_on: date | None = None


@dataclass(frozen=True)
class PlanDocument:
    """Everything of one account that its plan document shows."""

    account_id: int
    name: str
    target_type: TargetType
    stage: Stage
    currency: str = "USD"
    revenue_potential: Decimal | None = None
    win_probability: float | None = None
    closed_amount: Decimal | None = None
    closed_on: date | None = None
    owner: str | None = None
    last_reviewed_at: datetime | None = None
    overview: CompanyOverview = CompanyOverview()
    strategy: StrategyDetails = StrategyDetails()
    qualification: Qualification = Qualification()
    problem: ProblemElement = ProblemElement()
    impact: ImpactElement = ImpactElement()
    solution: SolutionElement = SolutionElement()
    people: PeopleElement = PeopleElement()
    plan: PlanElement = PlanElement()
    milestones: tuple[MilestoneEntry, ...] = ()
    """Sorted by date, undated last."""
    next_actions: tuple[ActionEntry, ...] = ()
    """Open actions only, earliest due first, undated last."""

    @property
    def is_existing_customer(self) -> bool:
        return self.target_type is TargetType.EXISTING_CUSTOMER

    @property
    def expected_value(self) -> Decimal | None:
        """Revenue potential x win probability, or ``None`` when either is unknown."""
        if self.revenue_potential is None or self.win_probability is None:
            return None
        return (self.revenue_potential * Decimal(str(self.win_probability))).quantize(
            Decimal("0.01")
        )

    @property
    def meddpicc(self) -> tuple[QualificationLetter, ...]:
        """The eight MEDDPICC letters as this plan answers them."""
        return assess_qualification(
            QualificationFacts(
                currency=self.currency,
                value_amount=self.impact.value_amount,
                value_description=self.impact.value_description,
                problem_statement=self.problem.statement,
                cost_of_inaction=self.impact.cost_of_inaction,
                contacts=self.people.contacts,
                competitors=[competitor.name for competitor in self.solution.competitors],
                next_best_alternative=self.solution.next_best_alternative,
                decision_criteria=self.qualification.decision_criteria,
                decision_process=self.qualification.decision_process,
                paper_process=self.qualification.paper_process,
            )
        )


# --- loading ----------------------------------------------------------------------------

_T = TypeVar("_T")


def _copy(cls: type[_T], record: Any, **extra: Any) -> _T:
    """``cls`` filled from the same-named attributes of ``record`` (if any) and ``extra``."""
    values: dict[str, Any] = {}
    if record is not None:
        for field in fields(cls):  # type: ignore[arg-type]
            if field.name not in extra and hasattr(record, field.name):
                values[field.name] = getattr(record, field.name)
    return cls(**values, **extra)


def _undated_last(day: date | None) -> tuple[bool, date]:
    return (day is None, day or date.min)


def load_plan_document(account_id: int, *, session: Session) -> PlanDocument | None:
    """The whole plan of a live account, or ``None`` if it does not exist or is deleted.

    One query for the account with its owner and the four one-to-one plan elements,
    then one per list (team, questions, competitors, concerns, contacts, seats,
    partners, activity plan, milestones, open actions): eleven in all.
    """
    head = session.exec(
        select(
            Account, TeamMember.name, AccountProblem, AccountImpact, AccountSolution, AccountPlan
        )
        .select_from(Account)
        .join(TeamMember, Account.owner_id == TeamMember.id, isouter=True)
        .join(AccountProblem, AccountProblem.account_id == Account.id, isouter=True)
        .join(AccountImpact, AccountImpact.account_id == Account.id, isouter=True)
        .join(AccountSolution, AccountSolution.account_id == Account.id, isouter=True)
        .join(AccountPlan, AccountPlan.account_id == Account.id, isouter=True)
        .where(Account.id == account_id)
    ).first()
    if head is None:
        return None
    account, owner, problem, impact, solution, plan = head
    if account.deleted_at is not None:
        return None

    team_rows = session.exec(
        select(TeamMember.name, AccountTeam.role)
        .join(TeamMember, AccountTeam.member_id == TeamMember.id)
        .where(AccountTeam.account_id == account_id)
    ).all()
    role_order = list(TeamRole)
    team = tuple(
        sorted(
            (TeamEntry(name, role) for name, role in team_rows),
            key=lambda entry: (role_order.index(entry.role), entry.name.casefold()),
        )
    )

    questions = tuple(
        _copy(DiscoveryAnswer, question)
        for question in session.exec(
            select(DiscoveryQuestion)
            .where(DiscoveryQuestion.account_id == account_id)
            .order_by(DiscoveryQuestion.position, DiscoveryQuestion.id)
        )
    )
    competitors = tuple(
        _copy(CompetitorEntry, competitor)
        for competitor in session.exec(
            select(Competitor)
            .where(Competitor.account_id == account_id)
            .order_by(Competitor.position, Competitor.id)
        )
    )
    concerns = tuple(
        _copy(ConcernEntry, concern)
        for concern in session.exec(
            select(Concern)
            .where(Concern.account_id == account_id)
            .order_by(Concern.position, Concern.id)
        )
    )

    contact_rows = session.exec(
        select(Contact, TeamMember.name)
        .join(TeamMember, Contact.relationship_owner_id == TeamMember.id, isouter=True)
        .where(Contact.account_id == account_id)
        .order_by(Contact.id)
    ).all()
    names = {contact.id: contact.name for contact, _owner in contact_rows}
    entries = [
        _copy(
            ContactEntry,
            contact,
            reports_to=names.get(contact.reports_to_id),
            dotted_line_to=names.get(contact.dotted_line_to_id),
            relationship_owner=relationship_owner,
        )
        for contact, relationship_owner in contact_rows
    ]
    entries.sort(key=lambda c: (-(c.influence or 0), c.name.casefold(), c.id))
    people = PeopleElement(
        contacts=tuple(c for c in entries if c.left_on is None),
        former_contacts=tuple(c for c in entries if c.left_on is not None),
        seats=tuple(
            _copy(
                SeatEntry,
                seat,
                holder=names.get(seat.contact_id),
                reports_to=names.get(seat.reports_to_id),
            )
            for seat in session.exec(
                select(Seat).where(Seat.account_id == account_id).order_by(Seat.id)
            )
        ),
        partners=tuple(
            _copy(PartnerEntry, partner)
            for partner in session.exec(
                select(Partner).where(Partner.account_id == account_id).order_by(Partner.id)
            )
        ),
        team=team,
    )

    their_owner = aliased(Contact)
    items = tuple(
        _copy(ActivityItem, item, our_owner=ours, their_owner=theirs)
        for item, ours, theirs in session.exec(
            select(ActivityPlanItem, TeamMember.name, their_owner.name)
            .join(TeamMember, ActivityPlanItem.our_owner_id == TeamMember.id, isouter=True)
            .join(their_owner, ActivityPlanItem.their_owner_id == their_owner.id, isouter=True)
            .where(ActivityPlanItem.account_id == account_id)
            .order_by(ActivityPlanItem.position, ActivityPlanItem.id)
        )
    )

    milestones = sorted(
        (
            _copy(MilestoneEntry, milestone)
            for milestone in session.exec(
                select(Milestone).where(Milestone.account_id == account_id).order_by(Milestone.id)
            )
        ),
        key=lambda m: _undated_last(m.due_on),
    )
    actions = sorted(
        (
            ActionEntry(description, owner_name, due_on)
            for description, owner_name, due_on in session.exec(
                select(NextAction.description, TeamMember.name, NextAction.due_on)
                .join(TeamMember, NextAction.owner_id == TeamMember.id, isouter=True)
                .where(NextAction.account_id == account_id, NextAction.done_at.is_(None))  # type: ignore[union-attr]
                .order_by(NextAction.id)
            )
        ),
        key=lambda a: _undated_last(a.due_on),
    )

    return _copy(
        PlanDocument,
        account,
        account_id=account.id,
        owner=owner,
        overview=_copy(CompanyOverview, account),
        strategy=_copy(StrategyDetails, account),
        qualification=_copy(Qualification, account),
        problem=_copy(ProblemElement, problem, questions=questions),
        impact=_copy(ImpactElement, impact),
        solution=_copy(SolutionElement, solution, competitors=competitors, concerns=concerns),
        people=people,
        plan=_copy(PlanElement, plan, activity_plan=items),
        milestones=tuple(milestones),
        next_actions=tuple(actions),
    )
