"""The set-based queries behind plan health: :class:`PlanFacts` for one or every account.

Nine queries whatever the number of accounts: the accounts joined to their one-to-one
plan tables (with "is this field filled" computed in SQL, so no text travels), then
one grouped query per child table. :func:`load_plan_facts` runs the same queries
narrowed to one account, so both always agree.

Only portable SQL (``trim``, ``coalesce``, ``CASE``, ``EXISTS``, ``GROUP BY``), so the
same code runs on PostgreSQL.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

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
)
from acctmap_tui.domain.plan_health import FILLED_KEYS, PlanFacts
from acctmap_tui.domain.vocabulary import BuyingRole, ItemStatus, RelationshipKind
from acctmap_tui.gc_tuning import quiet_collector


def _text(column: Any) -> sa.ColumnElement[bool]:
    """A text column holds more than blanks."""
    return sa.func.coalesce(sa.func.trim(column), "") != ""


def _set(column: Any) -> sa.ColumnElement[bool]:
    return column.is_not(None)


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((condition, 1), else_=0))


_FILLED: dict[str, sa.ColumnElement[bool]] = {
    # overview
    "annual_revenue": _set(Account.annual_revenue),
    "revenue_growth": _set(Account.revenue_growth),
    "employees": _set(Account.employees),
    "customers": _text(Account.customers),
    "partners": _text(Account.partners),
    "hq_city": _text(Account.hq_city),
    "hq_region": _text(Account.hq_region),
    "hq_country": _text(Account.hq_country),
    "industry": _text(Account.industry),
    "website": _text(Account.website),
    # problem
    "problem_statement": _text(AccountProblem.statement),
    "confirmed_by": _text(AccountProblem.confirmed_by),
    "confirmed_on": _set(AccountProblem.confirmed_on),
    # impact
    "timeline": _text(AccountImpact.timeline),
    "compelling_event": _text(AccountImpact.compelling_event),
    "compelling_event_on": _set(AccountImpact.compelling_event_on),
    "driving_factors": _text(AccountImpact.driving_factors),
    "cost_of_inaction": _text(AccountImpact.cost_of_inaction),
    "value_amount": _set(AccountImpact.value_amount),
    "value_description": _text(AccountImpact.value_description),
    "value_validated": sa.func.coalesce(AccountImpact.value_validated, sa.false()),
    # solution
    "use_case_scope": _text(AccountSolution.use_case_scope),
    "next_best_alternative": _text(AccountSolution.next_best_alternative),
    "unique_selling_points": _text(AccountSolution.unique_selling_points),
    "customer_since": _set(AccountSolution.customer_since),
    "renewal_done": _set(AccountSolution.renewal_done),
    "renewal_on": _set(AccountSolution.renewal_on),
    "products_used": _text(AccountSolution.products_used),
    "adoption_level": _set(AccountSolution.adoption_level),
    "adoption_gap_reason": _text(AccountSolution.adoption_gap_reason),
    # plan
    "strategy_short_term": _text(AccountPlan.strategy_short_term),
    "strategy_long_term": _text(AccountPlan.strategy_long_term),
    "proposal_details": _text(AccountPlan.proposal_details),
    "proposal_tailoring": _text(AccountPlan.proposal_tailoring),
    "activity_plan_reviewed": sa.and_(
        _text(AccountPlan.activity_plan_reviewed_by), _set(AccountPlan.activity_plan_reviewed_on)
    ),
    "activity_plan_approved": sa.and_(
        _text(AccountPlan.activity_plan_approved_by), _set(AccountPlan.activity_plan_approved_on)
    ),
    "escalation_path": _text(AccountPlan.escalation_path),
}
"""How each key of :data:`~acctmap_tui.domain.plan_health.FILLED_KEYS` is computed."""
if set(_FILLED) != FILLED_KEYS:  # pragma: no cover - a programming error, caught by any test
    raise RuntimeError("every key of FILLED_KEYS needs exactly one SQL expression")
_FILLED_KEYS = tuple(_FILLED)


def _scoped(statement: sa.Select, column: Any, account_id: int | None) -> sa.Select:
    return statement if account_id is None else statement.where(column == account_id)


_FILLED_MASK = sum(
    (sa.case((_FILLED[key], 1 << bit), else_=0) for bit, key in enumerate(_FILLED_KEYS)),
    start=sa.literal(0),
)
"""Every filled flag of an account as one integer (bit i is ``_FILLED_KEYS[i]``)."""


@functools.lru_cache(maxsize=4096)
def _filled_keys(mask: int) -> frozenset[str]:
    """The keys set in ``mask``; cached, as most accounts share a handful of masks."""
    return frozenset(key for bit, key in enumerate(_FILLED_KEYS) if mask >> bit & 1)


def _accounts(session: Session, account_id: int | None) -> list[tuple[Any, ...]]:
    """(id, name, target type, last reviewed, adoption level, filled mask) per live account."""
    statement = (
        sa.select(
            Account.id,
            Account.name,
            Account.target_type,
            Account.last_reviewed_at,
            AccountSolution.adoption_level,
            _FILLED_MASK,
        )
        .outerjoin(AccountProblem, AccountProblem.account_id == Account.id)
        .outerjoin(AccountImpact, AccountImpact.account_id == Account.id)
        .outerjoin(AccountSolution, AccountSolution.account_id == Account.id)
        .outerjoin(AccountPlan, AccountPlan.account_id == Account.id)
        .where(Account.deleted_at.is_(None))
    )
    return list(session.connection().execute(_scoped(statement, Account.id, account_id)))


def _grouped(
    session: Session,
    account_column: Any,
    aggregates: Iterable[sa.ColumnElement[Any]],
    account_id: int | None,
    where: sa.ColumnElement[bool] | None = None,
) -> dict[int, tuple[Any, ...]]:
    statement = sa.select(account_column, *aggregates).group_by(account_column)
    if where is not None:
        statement = statement.where(where)
    return {
        row[0]: tuple(row[1:])
        for row in session.connection().execute(_scoped(statement, account_column, account_id))
    }


def _due_dates(
    session: Session,
    account_column: Any,
    due_column: Any,
    open_condition: sa.ColumnElement[bool],
    account_id: int | None,
) -> dict[int, tuple[date, ...]]:
    statement = (
        sa.select(account_column, due_column)
        .where(open_condition, due_column.is_not(None))
        .order_by(account_column, due_column)
    )
    dates: dict[int, list[date]] = defaultdict(list)
    for owner, due_on in session.connection().execute(
        _scoped(statement, account_column, account_id)
    ):
        dates[owner].append(due_on)
    return {owner: tuple(days) for owner, days in dates.items()}


def _load(session: Session, account_id: int | None) -> dict[int, PlanFacts]:
    accounts = _accounts(session, account_id)
    if not accounts:
        return {}
    engaged = sa.or_(
        Contact.met.is_(True),
        sa.select(Relationship.id)
        .where(
            Relationship.target_contact_id == Contact.id,
            Relationship.kind == RelationshipKind.ENGAGEMENT,
            Relationship.source_member_id.is_not(None),
        )
        .exists(),
    )
    discovery = _grouped(
        session,
        DiscoveryQuestion.account_id,
        (sa.func.count(), _count_if(_text(DiscoveryQuestion.answer))),
        account_id,
    )
    competitors = _grouped(session, Competitor.account_id, (sa.func.count(),), account_id)
    concerns = _grouped(
        session,
        Concern.account_id,
        (sa.func.count(), _count_if(_text(Concern.response))),
        account_id,
    )
    items = _grouped(session, ActivityPlanItem.account_id, (sa.func.count(),), account_id)
    milestones = _grouped(session, Milestone.account_id, (sa.func.count(),), account_id)
    contacts = _grouped(
        session,
        Contact.account_id,
        (
            sa.func.count(),
            _count_if(_text(Contact.title)),
            _count_if(Contact.buying_role == BuyingRole.ECONOMIC_BUYER),
            _count_if(Contact.buying_role == BuyingRole.CHAMPION),
            _count_if(engaged),
            sa.func.min(sa.case((engaged, Contact.name))),
        ),
        account_id,
        where=Contact.left_on.is_(None),
    )
    open_items = _due_dates(
        session,
        ActivityPlanItem.account_id,
        ActivityPlanItem.due_on,
        ActivityPlanItem.status != ItemStatus.DONE,
        account_id,
    )
    open_actions = _due_dates(
        session, NextAction.account_id, NextAction.due_on, NextAction.done_at.is_(None), account_id
    )
    roles: dict[int, set[str]] = defaultdict(set)
    # The role's plain text: no enumeration conversion for ~3 rows per account.
    team = sa.select(AccountTeam.account_id, sa.type_coerce(AccountTeam.role, sa.String))
    for owner, role in session.connection().execute(
        _scoped(team, AccountTeam.account_id, account_id)
    ):
        roles[owner].add(role)
    seats: dict[int, list[str]] = defaultdict(list)
    vacant = (
        sa.select(Seat.account_id, Seat.role_title)
        .where(Seat.contact_id.is_(None), Seat.buying_role == BuyingRole.ECONOMIC_BUYER)
        .order_by(Seat.account_id, Seat.id)
    )
    for owner, title in session.connection().execute(_scoped(vacant, Seat.account_id, account_id)):
        seats[owner].append(title)

    no_pair, no_count, no_contacts = (0, 0), (0,), (0, 0, 0, 0, 0, None)
    result = {}
    for identifier, name, target_type, reviewed, adoption, mask in accounts:
        questions, answers = discovery.get(identifier, no_pair)
        concern_count, responded = concerns.get(identifier, no_pair)
        contact_count, titled, buyers, champions, engaged_count, engaged_name = contacts.get(
            identifier, no_contacts
        )
        result[identifier] = PlanFacts(
            account_id=identifier,
            name=name,
            target_type=target_type,
            last_reviewed_at=reviewed,
            filled=_filled_keys(mask or 0),
            adoption_level=adoption,
            team_roles=frozenset(roles.get(identifier, ())),
            discovery_questions=int(questions or 0),
            discovery_answers=int(answers or 0),
            competitors=int(competitors.get(identifier, no_count)[0] or 0),
            concerns=int(concern_count or 0),
            concerns_with_response=int(responded or 0),
            activity_items=int(items.get(identifier, no_count)[0] or 0),
            open_item_due_dates=open_items.get(identifier, ()),
            open_action_due_dates=open_actions.get(identifier, ()),
            milestones=int(milestones.get(identifier, no_count)[0] or 0),
            contacts=int(contact_count or 0),
            contacts_with_title=int(titled or 0),
            economic_buyers=int(buyers or 0),
            champions=int(champions or 0),
            engaged_contacts=int(engaged_count or 0),
            engaged_contact_name=engaged_name,
            vacant_economic_buyer_seats=tuple(seats.get(identifier, ())),
        )
    return result


def load_plan_facts(account_id: int, *, session: Session) -> PlanFacts | None:
    """The plan facts of one account; ``None`` when it does not exist or is deleted."""
    return _load(session, account_id).get(account_id)


def load_all_plan_facts(*, session: Session) -> dict[int, PlanFacts]:
    """The plan facts of every live (not deleted) account, by account id."""
    with quiet_collector():
        return _load(session, None)
