"""The few set-based queries that build the whole account map at once.

A fixed number of queries whatever the number of accounts (accounts with owners, the
open actions per account, and three for the key contacts: contacts, influence lines and
partners, ranked in memory), so 10,000 accounts load in a fraction of a second instead
of 30,000 round trips.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    FIT_CRITERIA,
    Account,
    Contact,
    NextAction,
    Partner,
    Relationship,
    TeamMember,
)
from acctmap_tui.domain.account_map import (
    STALE_AFTER_DAYS,
    AccountMapRow,
    place_by_rank,
    rank_rows,
    score_rows,
)
from acctmap_tui.domain.scoring import AccountScore, ScoringConfig
from acctmap_tui.domain.vocabulary import RelationshipKind
from acctmap_tui.gc_tuning import quiet_collector
from acctmap_tui.graph.key_contacts import key_contact_ids_by_account

KEY_CONTACTS_PER_ACCOUNT = 2


def load_key_contacts(
    *, session: Session, account_ids: Collection[int] | None = None
) -> dict[int, list[str]]:
    """Per account, its one or two most influential current contacts as "Name, Title".

    Most influential by the influence ranking (PageRank over influence and reporting
    lines, teleport by declared influence), the same order as the People tab's, so the
    table and the tab agree. Three queries for all accounts (current contacts, influence
    relationships, partners), then :mod:`acctmap_tui.graph.key_contacts` ranks each
    account in memory, without NetworkX and without a query per account.
    ``account_ids`` limits it to those accounts (a refresh after a colleague's edit).
    """
    # Hundreds of thousands of short-lived objects: collecting midway only costs time.
    with quiet_collector():
        return _ranked_key_contacts(session.connection(), account_ids)


def _ranked_key_contacts(
    connection: sa.Connection, account_ids: Collection[int] | None
) -> dict[int, list[str]]:
    """The work of :func:`load_key_contacts`; its rows are gone before the collector runs."""

    def only(column: Any) -> Any:
        return sa.true() if account_ids is None else column.in_(account_ids)

    contacts = connection.execute(
        sa.select(
            Contact.id,
            Contact.account_id,
            Contact.influence,
            Contact.reports_to_id,
            Contact.dotted_line_to_id,
            Contact.name,
            Contact.title,
        ).where(Contact.left_on.is_(None), only(Contact.account_id))
    ).all()
    target = aliased(Contact)
    influences = connection.execute(
        sa.select(
            Relationship.id,
            target.account_id,
            Relationship.target_contact_id,
            Relationship.strength,
            Relationship.source_contact_id,
            Relationship.source_partner_id,
        )
        .join(target, Relationship.target_contact_id == target.id)
        .where(
            Relationship.kind == RelationshipKind.INFLUENCES,
            Relationship.source_member_id.is_(None),
            target.left_on.is_(None),
            only(target.account_id),
        )
    ).all()
    partners = connection.execute(
        sa.select(Partner.id, Partner.account_id, Partner.influence).where(only(Partner.account_id))
    ).all()
    ranked = key_contact_ids_by_account(
        contacts, influences, partners, limit=KEY_CONTACTS_PER_ACCOUNT
    )
    chosen = {contact_id for contact_ids in ranked.values() for contact_id in contact_ids}
    labels = {
        row[0]: f"{row[5]}, {row[6]}" if row[6] else row[5] for row in contacts if row[0] in chosen
    }
    return {
        account_id: [labels[contact_id] for contact_id in contact_ids]
        for account_id, contact_ids in ranked.items()
    }


def _open_actions(
    session: Session, today: date, account_ids: Collection[int] | None = None
) -> dict[int, tuple[str, date | None, int]]:
    """Per account: the earliest open action, its due date, and how many are overdue."""
    wanted = sa.true() if account_ids is None else NextAction.account_id.in_(account_ids)
    ranked = (
        sa.select(
            NextAction.account_id,
            NextAction.description,
            NextAction.due_on,
            sa.func.row_number()
            .over(
                partition_by=NextAction.account_id,
                order_by=(NextAction.due_on.is_(None), NextAction.due_on, NextAction.id),
            )
            .label("position"),
            sa.func.sum(sa.case((NextAction.due_on < today, 1), else_=0))
            .over(partition_by=NextAction.account_id)
            .label("overdue"),
        )
        .where(NextAction.done_at.is_(None), wanted)
        .subquery()
    )
    statement = sa.select(
        ranked.c.account_id, ranked.c.description, ranked.c.due_on, ranked.c.overdue
    ).where(ranked.c.position == 1)
    return {
        account_id: (description, due_on, int(overdue or 0))
        for account_id, description, due_on, overdue in session.connection().execute(statement)
    }


_MAP_SOURCES = {
    "id": Account.id,
    "name": Account.name,
    "target_type": Account.target_type,
    "stage": Account.stage,
    "owner": TeamMember.name,
    "owner_username": TeamMember.username,
    "currency": Account.currency,
    "revenue_potential": Account.revenue_potential,
    "win_probability": Account.win_probability,
    "ideal_first_meeting": Account.ideal_first_meeting,
    "value_proposition": Account.value_proposition,
    "strategy": Account.strategy,
    "industry": Account.industry,
    "last_reviewed_at": Account.last_reviewed_at,
    "closed_amount": Account.closed_amount,
}
"""AccountMapRow fields read straight from the account and its owner."""
_MAP_COLUMNS = tuple(_MAP_SOURCES)


def load_account_map_rows(
    *,
    session: Session,
    today: date,
    with_key_contacts: bool = True,
    account_ids: Collection[int] | None = None,
) -> list[AccountMapRow]:
    """Every live account as an unranked :class:`AccountMapRow`.

    ``with_key_contacts=False`` skips the costliest part (it ranks every contact),
    so the table can paint first and take the contacts from
    :func:`load_key_contacts` a moment later. ``account_ids`` reads only those.
    """
    statement = (
        sa.select(
            *(_MAP_SOURCES[name] for name in _MAP_COLUMNS),
            *(getattr(Account, name) for name in FIT_CRITERIA),
        )
        .join(TeamMember, Account.owner_id == TeamMember.id, isouter=True)
        .where(Account.deleted_at.is_(None))
    )
    if account_ids is not None:
        statement = statement.where(Account.id.in_(account_ids))
    contacts = (
        load_key_contacts(session=session, account_ids=account_ids) if with_key_contacts else {}
    )
    actions = _open_actions(session, today, account_ids)
    # Core execution: plain tuples, none of the ORM's per-row bookkeeping.
    rows = []
    fit_slice = slice(len(_MAP_COLUMNS), None)
    no_action = (None, None, 0)
    for record in session.connection().execute(statement):
        fields = dict(zip(_MAP_COLUMNS, record, strict=False))
        action, due, overdue = actions.get(record[0], no_action)
        rows.append(
            AccountMapRow(
                **fields,
                key_contacts=tuple(contacts.get(record[0], ())),
                next_action=action,
                next_action_due=due,
                overdue_actions=overdue,
                fit=dict(zip(FIT_CRITERIA, record[fit_slice], strict=True)),
            )
        )
    return rows


SCORING_SETTING = "scoring"
"""app_setting key of the team's weights and tier shares (JSON of ScoringConfig fields)."""


def load_scoring_config(*, session: Session) -> ScoringConfig:
    """The team's scoring settings, or the documented defaults."""
    from acctmap_tui.data.models import AppSetting

    stored = session.get(AppSetting, SCORING_SETTING)
    if stored is None:
        return ScoringConfig()
    return ScoringConfig(**json.loads(stored.value))


def load_ranked_map(
    database: Database, *, today: date, stale_after_days: int = STALE_AFTER_DAYS
) -> list[AccountMapRow]:
    """Every live account, scored against the others and ordered by rank.

    Key contacts are left out (see :func:`load_key_contacts`): the first screen
    does not need them and they cost the most.
    """
    with database.session() as session, quiet_collector():
        rows = load_account_map_rows(session=session, today=today, with_key_contacts=False)
        config = load_scoring_config(session=session)
        return rank_rows(rows, today, config, stale_after_days)


@dataclass(frozen=True)
class Reranked:
    """The account map after a colleague's change, ready to show (see :func:`rerank_changed`)."""

    fresh: list[AccountMapRow]
    """The changed accounts read again (deleted ones are missing), with their details."""
    scores: dict[int, AccountScore]
    """Every account's new score; the rows on show get theirs on the UI thread."""

    def apply(
        self, rows: list[AccountMapRow], today: date, stale_after_days: int
    ) -> list[AccountMapRow]:
        """The ranked rows: ``rows`` with the fresh ones swapped in, re-scored in place.

        Call it where ``rows`` is drawn (the UI thread): it changes those rows.
        """
        changed = {row.id for row in self.fresh} | self.removed
        kept = [row for row in rows if row.id not in changed]
        return place_by_rank(
            kept + self.fresh, self.scores, today, stale_after_days, with_search_text=False
        )

    removed: frozenset[int] = frozenset()
    """Accounts asked for that are gone (deleted)."""


def rerank_changed(
    database: Database,
    rows: list[AccountMapRow],
    account_ids: Collection[int],
    *,
    today: date,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> Reranked:
    """Read only the accounts other people changed, and score every account again.

    A changed revenue moves other accounts' percentiles, so all are scored, but in
    memory from ``rows`` (which is only read here: the screen may be drawing it).
    Read accounts come with key contacts and plan health.
    """
    from acctmap_tui.data.plan_queries import load_plan_facts
    from acctmap_tui.domain.account_map import search_text_of, set_health
    from acctmap_tui.domain.plan_health import MISTAKE_TITLES, assess_plan

    wanted = frozenset(account_ids)
    with database.session() as session:
        fresh = load_account_map_rows(session=session, today=today, account_ids=wanted)
        config = load_scoring_config(session=session)
        health: dict[int, tuple[int, tuple[str, ...]]] = {}
        for row in fresh:
            facts = load_plan_facts(row.id, session=session)
            if facts is not None:
                assessed = assess_plan(facts, today, stale_after_days)
                titles = tuple(MISTAKE_TITLES[check] for check in assessed.failed_checks)
                health[row.id] = (assessed.overall_percent, titles)
    set_health(fresh, health)
    for row in fresh:
        search_text_of(row)
    kept = [row for row in rows if row.id not in wanted]
    scores = score_rows([*kept, *fresh], config)
    removed = wanted - {row.id for row in fresh}
    return Reranked(fresh, scores, removed)
