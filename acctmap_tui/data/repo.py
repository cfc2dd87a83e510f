"""Queries over the tables. Every function takes a keyword-only ``session``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountProblem,
    AppSetting,
    Competitor,
    Contact,
    TeamMember,
)
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment


def get_account(account_id: int, *, session: Session) -> Account | None:
    return session.get(Account, account_id)


def list_contacts(account_id: int, *, session: Session) -> list[Contact]:
    """An account's contacts, in a stable order (by name, then id)."""
    statement = (
        select(Contact).where(Contact.account_id == account_id).order_by(Contact.name, Contact.id)
    )
    return list(session.exec(statement))


def table_counts(*, session: Session) -> dict[str, int]:
    """Rows per table, for ``acctmap info`` and checks."""
    from sqlmodel import SQLModel

    counts: dict[str, int] = {}
    for name, table in sorted(SQLModel.metadata.tables.items()):
        counts[name] = session.exec(select(sa.func.count()).select_from(table)).one()
    return counts


def get_setting(key: str, default: Any = None, *, session: Session) -> Any:
    row = session.get(AppSetting, key)
    return default if row is None else json.loads(row.value)


def put_setting(key: str, value: Any, *, session: Session) -> None:
    """Store a JSON-serialisable team setting; the caller commits."""
    row = session.get(AppSetting, key)
    text = json.dumps(value, sort_keys=True)
    if row is None:
        session.add(AppSetting(key=key, value=text))
    else:
        row.value = text
        row.updated_at = utc_now()
        session.add(row)


# --- the app shell's read-only views ------------------------------------------------


@dataclass(frozen=True)
class AccountDetails:
    """One account with what its plan summary shows from the related tables."""

    account: Account
    owner: str | None
    problem: AccountProblem | None
    impact: AccountImpact | None
    competitor_count: int


def get_account_details(account_id: int, *, session: Session) -> AccountDetails | None:
    """A live account with its owner's name, problem, impact and competitor count."""
    account = session.get(Account, account_id)
    if account is None or account.deleted_at is not None:
        return None
    owner = session.get(TeamMember, account.owner_id) if account.owner_id is not None else None
    competitor_count = session.exec(
        select(sa.func.count()).select_from(Competitor).where(Competitor.account_id == account_id)
    ).one()
    return AccountDetails(
        account=account,
        owner=owner.name if owner is not None else None,
        problem=session.get(AccountProblem, account_id),
        impact=session.get(AccountImpact, account_id),
        competitor_count=competitor_count,
    )


@dataclass(frozen=True)
class ContactRow:
    """What the people list shows of one contact, with the manager's name resolved."""

    id: int
    name: str
    title: str | None
    buying_role: BuyingRole | None
    sentiment: Sentiment | None
    reports_to: str | None
    met: bool


def list_contact_rows(account_id: int, *, session: Session) -> list[ContactRow]:
    """An account's contacts with whom each reports to, in one query (by name, then id)."""
    manager = aliased(Contact)
    statement = (
        select(
            Contact.id,
            Contact.name,
            Contact.title,
            Contact.buying_role,
            Contact.sentiment,
            manager.name,
            Contact.met,
        )
        .join(manager, Contact.reports_to_id == manager.id, isouter=True)
        .where(Contact.account_id == account_id)
        .order_by(Contact.name, Contact.id)
    )
    return [ContactRow(*row) for row in session.exec(statement)]
