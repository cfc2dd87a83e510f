"""Open dated items of every live account, for the upcoming-dates list.

Five queries, one per source: milestones not done, compelling events, renewals of
existing customers not yet done, activity-plan items not done, and open next
actions. Each is bounded by the last day wanted, so a long history of past dates
costs nothing beyond the overdue items themselves. Results are plain
:class:`~acctmap_tui.domain.upcoming.DatedItem` values that leave the session.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.expression import Select

from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountSolution,
    ActivityPlanItem,
    Contact,
    Milestone,
    NextAction,
    TeamMember,
)
from acctmap_tui.domain.upcoming import DatedItem, DateKind
from acctmap_tui.domain.vocabulary import ItemStatus, MilestoneKind, TargetType

_MILESTONE_KINDS = {
    MilestoneKind.MILESTONE: DateKind.MILESTONE,
    MilestoneKind.EVENT: DateKind.EVENT,
    MilestoneKind.DEADLINE: DateKind.DEADLINE,
    MilestoneKind.RENEWAL: DateKind.RENEWAL_MILESTONE,
}

_OWNER = aliased(TeamMember)
"""The account's owner, told apart from an item's own owner (also a team member)."""


def _on_live_accounts(
    model: type[SQLModel], *columns: Any, account_id: int | None = None
) -> Select[Any]:
    """A query of ``model`` rows on live accounts: account id, name and owner, then ``columns``."""
    statement = (
        select(Account.id, Account.name, _OWNER.name, *columns)
        .select_from(model)
        .join(Account, model.account_id == Account.id)  # type: ignore[attr-defined]
        .join(_OWNER, Account.owner_id == _OWNER.id, isouter=True)
        .where(col(Account.deleted_at).is_(None))
    )
    return statement if account_id is None else statement.where(Account.id == account_id)


def load_dated_items(
    *, session: Session, until: date, account_id: int | None = None
) -> list[DatedItem]:
    """Every open item dated on or before ``until`` on a live account (overdue included).

    ``account_id`` limits it to one account (an account review reads just its own).

    Done milestones, done renewals, done activity items and completed actions are
    left out, as are deleted accounts. Items without a date are not dated items.
    The order is not meaningful: :func:`acctmap_tui.domain.upcoming.upcoming_dates`
    sorts them.
    """
    items: list[DatedItem] = []
    live = functools.partial(_on_live_accounts, account_id=account_id)

    for account_id, name, account_owner, title, kind, due_on in session.exec(
        live(Milestone, Milestone.title, Milestone.kind, Milestone.due_on).where(
            col(Milestone.done).is_(False), col(Milestone.due_on) <= until
        )
    ):
        items.append(
            DatedItem(due_on, account_id, name, _MILESTONE_KINDS[kind], title, account_owner)
        )

    for account_id, name, account_owner, event, due_on in session.exec(
        live(
            AccountImpact, AccountImpact.compelling_event, AccountImpact.compelling_event_on
        ).where(col(AccountImpact.compelling_event_on) <= until)
    ):
        what = (event or "").strip() or "Compelling event"
        items.append(
            DatedItem(due_on, account_id, name, DateKind.COMPELLING_EVENT, what, account_owner)
        )

    for account_id, name, account_owner, products, due_on in session.exec(
        live(AccountSolution, AccountSolution.products_used, AccountSolution.renewal_on).where(
            Account.target_type == TargetType.EXISTING_CUSTOMER,
            sa.or_(
                col(AccountSolution.renewal_done).is_(None),
                col(AccountSolution.renewal_done).is_(False),
            ),
            col(AccountSolution.renewal_on) <= until,
        )
    ):
        first_line = (products or "").strip().splitlines()
        what = f"Renewal: {first_line[0]}" if first_line else "Renewal"
        items.append(DatedItem(due_on, account_id, name, DateKind.RENEWAL, what, account_owner))

    their_owner = aliased(Contact)
    for account_id, name, account_owner, step, ours, theirs, due_on in session.exec(
        live(
            ActivityPlanItem,
            ActivityPlanItem.step,
            TeamMember.name,
            their_owner.name,
            ActivityPlanItem.due_on,
        )
        .join(TeamMember, ActivityPlanItem.our_owner_id == TeamMember.id, isouter=True)
        .join(their_owner, ActivityPlanItem.their_owner_id == their_owner.id, isouter=True)
        .where(
            ActivityPlanItem.status != ItemStatus.DONE,
            col(ActivityPlanItem.due_on) <= until,
        )
    ):
        who = ours or (f"{theirs} (theirs)" if theirs else account_owner)
        items.append(DatedItem(due_on, account_id, name, DateKind.ACTIVITY, step, who))

    for account_id, name, account_owner, description, action_owner, due_on in session.exec(
        live(NextAction, NextAction.description, TeamMember.name, NextAction.due_on)
        .join(TeamMember, NextAction.owner_id == TeamMember.id, isouter=True)
        .where(col(NextAction.done_at).is_(None), col(NextAction.due_on) <= until)
    ):
        who = action_owner or account_owner
        items.append(DatedItem(due_on, account_id, name, DateKind.NEXT_ACTION, description, who))

    return items
