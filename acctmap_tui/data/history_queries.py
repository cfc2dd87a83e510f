"""Reading the change log back: who changed what, when, for one account or all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from acctmap_tui.data.models import Account, ChangeLogEntry
from acctmap_tui.domain.vocabulary import ChangeAction


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One recorded change, with the account's name for display."""

    id: int
    at: datetime
    user: str
    action: ChangeAction
    entity: str
    entity_id: str
    account_id: int | None
    account: str | None
    field: str | None
    old_value: str | None
    new_value: str | None


def load_history(
    *, session: Session, account_id: int | None = None, since: datetime | None = None
) -> list[HistoryLine]:
    """Changes oldest first, for one account (its own record and everything on it) or all."""
    statement = (
        select(ChangeLogEntry, Account.name)
        .join(Account, col(Account.id) == col(ChangeLogEntry.account_id), isouter=True)
        .order_by(col(ChangeLogEntry.at), col(ChangeLogEntry.id))
    )
    if account_id is not None:
        statement = statement.where(col(ChangeLogEntry.account_id) == account_id)
    if since is not None:
        statement = statement.where(col(ChangeLogEntry.at) >= since)
    return [
        HistoryLine(
            id=entry.id or 0,
            at=entry.at,
            user=entry.user,
            action=entry.action,
            entity=entry.entity,
            entity_id=entry.entity_id,
            account_id=entry.account_id,
            account=name,
            field=entry.field,
            old_value=entry.old_value,
            new_value=entry.new_value,
        )
        for entry, name in session.exec(statement)
    ]
