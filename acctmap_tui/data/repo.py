"""Queries over the tables. Every function takes a keyword-only ``session``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from acctmap_tui.data.models import (
    AppSetting,
    Contact,
)
from acctmap_tui.data.text_order import by_code_point
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment


def table_counts(*, session: Session) -> dict[str, int]:
    """Rows per table, for ``acctmap info`` and checks."""
    from sqlmodel import SQLModel

    counts: dict[str, int] = {}
    for name, table in sorted(SQLModel.metadata.tables.items()):
        counts[name] = session.exec(select(sa.func.count()).select_from(table)).one()
    return counts


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
    version: int = 1
    """For edits and deletes from the People tab (a stale version is refused)."""
    reports_to_id: int | None = None
    dotted_line_to_id: int | None = None
    left_on: date | None = None
    """The contact left the account; shown marked rather than hidden."""


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
            Contact.version,
            Contact.reports_to_id,
            Contact.dotted_line_to_id,
            Contact.left_on,
        )
        .join(manager, Contact.reports_to_id == manager.id, isouter=True)
        .where(Contact.account_id == account_id)
        .order_by(by_code_point(Contact.name), Contact.id)
    )
    return [ContactRow(*row) for row in session.exec(statement)]
