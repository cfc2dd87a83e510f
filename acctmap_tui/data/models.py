"""Every table of acctmap, in one place.

The model holds the whole domain of the design brief from the first schema on:
the account map, the company overview, the five plan elements, people and their
relationships, our team, actions, milestones, notes, history and presence. Later
features add screens over these tables rather than new tables.

Conventions: money is :class:`~acctmap_tui.data.types.Money` (exact cents),
probabilities are floats in 0..1, timestamps are UTC-aware, enumerations are stored
as their string values. Editable records carry ``version`` (bumped on every update)
so concurrent edits can be detected.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from acctmap_tui.data.types import JSONText, Money, UTCDateTime, enum_column_type, utc_now
from acctmap_tui.domain.vocabulary import (
    AdoptionLevel,
    BuyingRole,
    ChangeAction,
    ConcernStatus,
    ItemStatus,
    MilestoneKind,
    NoteKind,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
    Stage,
    TargetType,
    TeamRole,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Named constraints, so migrations can alter them on SQLite and PostgreSQL alike."""

SQLModel.metadata.naming_convention = NAMING_CONVENTION


def _created() -> Any:
    return Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False)


def _timestamp(*, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


def _money() -> Any:
    return Field(default=None, sa_type=Money, nullable=True)


def _text() -> Any:
    return Field(default=None, sa_type=sa.Text, nullable=True)


def _enum(enum_cls: type, default: Any = None, *, nullable: bool = True) -> Any:
    return Field(default=default, sa_type=enum_column_type(enum_cls), nullable=nullable)


def _fk(target: str, *, ondelete: str, index: bool = True, nullable: bool = True) -> Any:
    return Field(
        default=None, foreign_key=target, ondelete=ondelete, index=index, nullable=nullable
    )


def _score(low: int, high: int) -> Any:
    return Field(default=None, ge=low, le=high, nullable=True)


FIT_CRITERIA: tuple[str, ...] = (
    "fit_company_size",
    "fit_stakeholders",
    "fit_offering",
    "fit_problems",
    "fit_timing",
    "fit_channel",
)
"""The account columns of the seed's six prioritisation criteria, each scored 0..5."""


def name_key(name: str) -> str:
    """The form of a name used to detect duplicates: case and outer spaces ignored."""
    return " ".join(name.split()).casefold()


class Versioned(SQLModel):
    """Audit columns of an editable record."""

    created_at: datetime = _created()
    updated_at: datetime = _created()
    version: int = Field(default=1, nullable=False)
    """Bumped on every update; a save naming an older version is a conflict."""


# --- our side -------------------------------------------------------------------


class TeamMember(Versioned, table=True):
    """A person on our side: seller, SDR, solutions architect, marketer, executive."""

    __tablename__ = "team_member"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(nullable=False, unique=True)
    username: str | None = Field(default=None, unique=True)
    """The operating-system login, so "my accounts" finds the person at the keyboard."""
    email: str | None = None
    title: str | None = None
    active: bool = Field(default=True, nullable=False)


# --- the account map --------------------------------------------------------------


class Account(Versioned, table=True):
    """One row of the account map, with its company overview and strategy details."""

    __tablename__ = "account"
    __table_args__ = (
        sa.CheckConstraint(
            "win_probability IS NULL OR (win_probability >= 0 AND win_probability <= 1)",
            name="win_probability_range",
        ),
        *(
            sa.CheckConstraint(f"{column} IS NULL OR {column} BETWEEN 0 AND 5", name=column)
            for column in FIT_CRITERIA
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(nullable=False)
    name_key: str = Field(nullable=False, unique=True)
    """``name`` folded by :func:`name_key`; unique so "Acme" and " acme " cannot coexist."""
    target_type: TargetType = _enum(TargetType, TargetType.NEW_PROSPECT, nullable=False)
    stage: Stage = Field(
        default=Stage.PROSPECTING, sa_type=enum_column_type(Stage), nullable=False, index=True
    )
    currency: str = Field(default="USD", max_length=3, nullable=False)
    revenue_potential: Decimal | None = _money()
    win_probability: float | None = None
    closed_amount: Decimal | None = _money()
    """The amount won or lost, once the stage is Won or Lost."""
    closed_on: date | None = None
    owner_id: int | None = _fk("team_member.id", ondelete="SET NULL")

    # The seed template's columns.
    ideal_first_meeting: str | None = _text()
    value_proposition: str | None = _text()
    strategy: str | None = _text()

    # Strategy details (seed step 4).
    executive_sponsorship: str | None = _text()
    key_challenges: str | None = _text()
    messaging: str | None = _text()
    products_and_pricing: str | None = _text()
    proof_points: str | None = _text()
    incentives: str | None = _text()
    nurture_campaigns: str | None = _text()
    budget_and_resources: str | None = _text()

    # Fit rubric (seed step 2), each 0..5.
    fit_company_size: int | None = _score(0, 5)
    fit_stakeholders: int | None = _score(0, 5)
    fit_offering: int | None = _score(0, 5)
    fit_problems: int | None = _score(0, 5)
    fit_timing: int | None = _score(0, 5)
    fit_channel: int | None = _score(0, 5)

    last_reviewed_at: datetime | None = _timestamp()

    # Company overview.
    annual_revenue: Decimal | None = _money()
    revenue_growth: float | None = None
    """Year-on-year growth as a fraction: 0.12 is 12 %."""
    employees: int | None = None
    customers: str | None = _text()
    partners: str | None = _text()
    hq_city: str | None = None
    hq_region: str | None = None
    hq_country: str | None = None
    industry: str | None = None
    website: str | None = None

    # Qualification letters the plan does not already answer (MEDDPICC).
    decision_criteria: str | None = _text()
    decision_process: str | None = _text()
    paper_process: str | None = _text()

    source_id: str | None = Field(default=None, index=True)
    """The record's ID in the CRM it was imported from."""
    extra: dict | None = Field(default=None, sa_type=JSONText)
    """Imported columns acctmap has no field for, kept rather than dropped."""
    notes: str | None = _text()
    deleted_at: datetime | None = _timestamp(index=True)
    """Soft delete: a deleted account can be restored."""


class AccountTeam(SQLModel, table=True):
    """Who on our side works an account, and in which role."""

    __tablename__ = "account_team"
    __table_args__ = (sa.UniqueConstraint("account_id", "member_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    member_id: int = _fk("team_member.id", ondelete="CASCADE", nullable=False)
    role: TeamRole = _enum(TeamRole, nullable=False)


class NextAction(Versioned, table=True):
    """A concrete next step with an owner and a due date."""

    __tablename__ = "next_action"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    description: str = Field(nullable=False)
    owner_id: int | None = _fk("team_member.id", ondelete="SET NULL")
    due_on: date | None = Field(default=None, index=True)
    done_at: datetime | None = _timestamp()


class Milestone(Versioned, table=True):
    """A key event, milestone or date on an account (the seed's best practice)."""

    __tablename__ = "milestone"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    title: str = Field(nullable=False)
    kind: MilestoneKind = _enum(MilestoneKind, MilestoneKind.MILESTONE, nullable=False)
    due_on: date | None = Field(default=None, index=True)
    done: bool = Field(default=False, nullable=False)
    notes: str | None = _text()


class AccountNote(SQLModel, table=True):
    """A note or a decision taken in an account review."""

    __tablename__ = "account_note"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    kind: NoteKind = _enum(NoteKind, NoteKind.NOTE, nullable=False)
    body: str = Field(sa_type=sa.Text, nullable=False)
    author: str = Field(nullable=False)
    created_at: datetime = _created()


# --- the five elements of the plan ------------------------------------------------


class AccountProblem(Versioned, table=True):
    """Element 1, the problem: why change?"""

    __tablename__ = "account_problem"

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    statement: str | None = _text()
    confirmed: bool = Field(default=False, nullable=False)
    confirmed_by: str | None = None
    confirmed_on: date | None = None


class DiscoveryQuestion(Versioned, table=True):
    """A discovery question and its answer; the seed's seven are standard on every account."""

    __tablename__ = "discovery_question"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    position: int = Field(default=0, nullable=False)
    question: str = Field(sa_type=sa.Text, nullable=False)
    answer: str | None = _text()
    is_standard: bool = Field(default=False, nullable=False)


class AccountImpact(Versioned, table=True):
    """Element 2, the impact: why now?"""

    __tablename__ = "account_impact"

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    timeline: str | None = _text()
    compelling_event: str | None = _text()
    compelling_event_on: date | None = None
    driving_factors: str | None = _text()
    cost_of_inaction: str | None = _text()
    value_amount: Decimal | None = _money()
    value_description: str | None = _text()
    value_validated: bool = Field(default=False, nullable=False)
    validated_by: str | None = None
    validated_on: date | None = None


class AccountSolution(Versioned, table=True):
    """Element 3, the solution: why us? With the existing-customer fields."""

    __tablename__ = "account_solution"

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    use_case_scope: str | None = _text()
    next_best_alternative: str | None = _text()
    unique_selling_points: str | None = _text()
    customer_since: date | None = None
    renewal_done: bool | None = None
    renewal_on: date | None = None
    products_used: str | None = _text()
    adoption_level: AdoptionLevel | None = _enum(AdoptionLevel)
    adoption_gap_reason: str | None = _text()
    """Why adoption is not full."""


class Competitor(Versioned, table=True):
    """A competitor on an account, with strengths and weaknesses."""

    __tablename__ = "competitor"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    position: int = Field(default=0, nullable=False)
    name: str = Field(nullable=False)
    strengths: str | None = _text()
    weaknesses: str | None = _text()
    their_position: str | None = None
    """E.g. incumbent, shortlisted, eliminated."""


class Concern(Versioned, table=True):
    """A customer concern and our response."""

    __tablename__ = "concern"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    position: int = Field(default=0, nullable=False)
    concern: str = Field(sa_type=sa.Text, nullable=False)
    response: str | None = _text()
    status: ConcernStatus = _enum(ConcernStatus, ConcernStatus.OPEN, nullable=False)


class AccountPlan(Versioned, table=True):
    """Element 5, the plan: strategy, proposal, approval of the activity plan, escalation."""

    __tablename__ = "account_plan"

    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", primary_key=True)
    strategy_short_term: str | None = _text()
    strategy_long_term: str | None = _text()
    proposal_details: str | None = _text()
    proposal_tailoring: str | None = _text()
    activity_plan_reviewed_by: str | None = None
    activity_plan_reviewed_on: date | None = None
    activity_plan_approved_by: str | None = None
    activity_plan_approved_on: date | None = None
    escalation_path: str | None = _text()


class ActivityPlanItem(Versioned, table=True):
    """A step of the mutual activity plan, with owners on both sides."""

    __tablename__ = "activity_plan_item"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    position: int = Field(default=0, nullable=False)
    step: str = Field(sa_type=sa.Text, nullable=False)
    our_owner_id: int | None = _fk("team_member.id", ondelete="SET NULL")
    their_owner_id: int | None = _fk("contact.id", ondelete="SET NULL")
    due_on: date | None = None
    status: ItemStatus = _enum(ItemStatus, ItemStatus.PLANNED, nullable=False)
    notes: str | None = _text()


# --- element 4: people ----------------------------------------------------------------


class Contact(Versioned, table=True):
    """A person at an account, placed in its org chart."""

    __tablename__ = "contact"
    __table_args__ = (
        sa.CheckConstraint("influence IS NULL OR influence BETWEEN 1 AND 5", name="influence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    name: str = Field(nullable=False)
    title: str | None = None
    department: str | None = None
    buying_role: BuyingRole | None = _enum(BuyingRole)
    influence: int | None = None
    """1 (little) to 5 (decisive)."""
    sentiment: Sentiment | None = _enum(Sentiment)
    met: bool = Field(default=False, nullable=False)
    reports_to_id: int | None = _fk("contact.id", ondelete="SET NULL")
    dotted_line_to_id: int | None = _fk("contact.id", ondelete="SET NULL")
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    profile_url: str | None = None
    notes: str | None = _text()
    last_contacted_at: datetime | None = _timestamp()
    relationship_owner_id: int | None = _fk("team_member.id", ondelete="SET NULL")
    """The person on our side who owns the relationship."""
    level_current: RelationshipLevel | None = _enum(RelationshipLevel)
    level_target: RelationshipLevel | None = _enum(RelationshipLevel)
    left_on: date | None = None
    """The contact left the account; kept so a former champion can be found elsewhere."""
    source_id: str | None = Field(default=None, index=True)
    extra: dict | None = Field(default=None, sa_type=JSONText)


class Seat(Versioned, table=True):
    """A role on the customer's side, known before (and beyond) the person who holds it.

    An empty seat ("CFO, not yet identified") is a gap on the org chart; when its
    holder leaves, ``contact_id`` is cleared and the seat stays.
    """

    __tablename__ = "seat"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    role_title: str = Field(nullable=False)
    buying_role: BuyingRole | None = _enum(BuyingRole)
    reports_to_id: int | None = _fk("contact.id", ondelete="SET NULL")
    contact_id: int | None = Field(
        default=None, foreign_key="contact.id", ondelete="SET NULL", unique=True
    )
    notes: str | None = _text()


class Partner(Versioned, table=True):
    """A third party on the account (systems integrator, reseller, platform vendor)."""

    __tablename__ = "partner"
    __table_args__ = (
        sa.CheckConstraint("influence IS NULL OR influence BETWEEN 1 AND 5", name="influence"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = _fk("account.id", ondelete="CASCADE", nullable=False)
    name: str = Field(nullable=False)
    kind: str | None = None
    influence: int | None = None
    notes: str | None = _text()


class Relationship(Versioned, table=True):
    """An edge of the stakeholder graph: from one of ours, a contact or a partner, to a contact."""

    __tablename__ = "relationship"
    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN source_member_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN source_contact_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN source_partner_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_source",
        ),
        sa.CheckConstraint("strength BETWEEN 1 AND 5", name="strength"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int | None = _fk("account.id", ondelete="CASCADE")
    kind: RelationshipKind = _enum(RelationshipKind, nullable=False)
    source_member_id: int | None = _fk("team_member.id", ondelete="CASCADE")
    source_contact_id: int | None = _fk("contact.id", ondelete="CASCADE")
    source_partner_id: int | None = _fk("partner.id", ondelete="CASCADE")
    target_contact_id: int = _fk("contact.id", ondelete="CASCADE", nullable=False)
    strength: int = Field(default=3, nullable=False)
    """1 (barely) to 5 (close); the graph uses strength / 5."""
    last_touch_at: datetime | None = _timestamp()
    notes: str | None = _text()


class ContactIdentity(SQLModel, table=True):
    """Two contact records that are the same person (e.g. someone who changed companies)."""

    __tablename__ = "contact_identity"
    __table_args__ = (
        sa.UniqueConstraint("contact_id", "same_as_contact_id"),
        sa.CheckConstraint("contact_id <> same_as_contact_id", name="two_records"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = _fk("contact.id", ondelete="CASCADE", nullable=False)
    same_as_contact_id: int = _fk("contact.id", ondelete="CASCADE", nullable=False)
    confirmed: bool = Field(default=False, nullable=False)
    """False when matched by e-mail only, True once someone confirmed it."""
    created_at: datetime = _created()


# --- history, presence, settings --------------------------------------------------------


class ChangeLogEntry(SQLModel, table=True):
    """One recorded change of one field (or a whole record's creation or deletion)."""

    __tablename__ = "change_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True)
    user: str = Field(nullable=False)
    action: ChangeAction = _enum(ChangeAction, nullable=False)
    entity: str = Field(nullable=False)
    """The table of the changed record."""
    entity_id: str = Field(nullable=False)
    account_id: int | None = Field(default=None, index=True)
    """Not a foreign key: history outlives the account it describes."""
    field: str | None = None
    old_value: str | None = _text()
    new_value: str | None = _text()
    """Old and new values as JSON text."""
    reverts_id: int | None = Field(default=None, foreign_key="change_log.id", ondelete="SET NULL")


class Presence(SQLModel, table=True):
    """Who has the database open, and where they are; expires without heartbeats."""

    __tablename__ = "presence"

    id: int | None = Field(default=None, primary_key=True)
    user: str = Field(nullable=False)
    host: str = Field(nullable=False)
    pid: int = Field(nullable=False)
    account_id: int | None = Field(default=None)
    tab: str | None = None
    started_at: datetime = _created()
    heartbeat_at: datetime = Field(
        default_factory=utc_now, sa_type=UTCDateTime, nullable=False, index=True
    )


class AppSetting(SQLModel, table=True):
    """Team-wide settings kept with the data (fit weights, tier thresholds, demo marker)."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True)
    value: str = Field(sa_type=sa.Text, nullable=False)
    """JSON text."""
    updated_at: datetime = _created()


VERSIONED_MODELS: tuple[type[Versioned], ...] = (
    TeamMember,
    Account,
    NextAction,
    Milestone,
    AccountProblem,
    DiscoveryQuestion,
    AccountImpact,
    AccountSolution,
    Competitor,
    Concern,
    AccountPlan,
    ActivityPlanItem,
    Contact,
    Seat,
    Partner,
    Relationship,
)


def _bump_version(_mapper: Any, _connection: Any, target: Versioned) -> None:
    target.version = (target.version or 0) + 1
    target.updated_at = utc_now()


for _model in VERSIONED_MODELS:
    sa.event.listen(_model, "before_update", _bump_version)
