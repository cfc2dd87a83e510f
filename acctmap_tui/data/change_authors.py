"""Who last changed a record, and which fields: read from the change log for conflicts.

A conflict dialog says whose value it is showing ("theirs (ana, 2 min ago)"), and
a delete of a record someone just edited says who edited it and what; both read
the change log that every store write fills.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from acctmap_tui.data.models import ChangeLogEntry

ONE_SAVE = timedelta(seconds=5)
"""Entries one user wrote this close to their newest entry count as the same save."""


@dataclass(frozen=True)
class FieldChange:
    """The last recorded change of one field: by whom and when."""

    user: str
    at: datetime


@dataclass(frozen=True)
class RecordChange:
    """The newest save of a record: who, when, and the fields it changed."""

    user: str
    at: datetime
    fields: tuple[str, ...]
    """Changed columns, oldest entry first (empty for a create, delete or restore)."""


def last_field_changes(
    entity: str, entity_id: int, fields: Iterable[str], *, session: Session
) -> dict[str, FieldChange]:
    """Each field's latest change in the log (fields never changed are left out)."""
    wanted = set(fields)
    if not wanted:
        return {}
    statement = (
        select(ChangeLogEntry.field, ChangeLogEntry.user, ChangeLogEntry.at)
        .where(
            ChangeLogEntry.entity == entity,
            ChangeLogEntry.entity_id == str(entity_id),
            col(ChangeLogEntry.field).in_(wanted),
        )
        .order_by(col(ChangeLogEntry.id).desc())
    )
    found: dict[str, FieldChange] = {}
    for field, user, at in session.exec(statement):
        if field is not None and field not in found:
            found[field] = FieldChange(user, at)
    return found


def latest_change(entity: str, entity_id: int, *, session: Session) -> RecordChange | None:
    """The newest save of the record as the log has it; None if it has no history."""
    statement = (
        select(ChangeLogEntry.user, ChangeLogEntry.at, ChangeLogEntry.field)
        .where(ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == str(entity_id))
        .order_by(col(ChangeLogEntry.id).desc())
        .limit(200)
    )
    rows = list(session.exec(statement))
    if not rows:
        return None
    user, newest, _ = rows[0]
    fields: list[str] = []
    for row_user, at, field in rows:
        if row_user != user or newest - at > ONE_SAVE:
            break
        if field is not None and field not in fields:
            fields.append(field)
    return RecordChange(user, newest, tuple(reversed(fields)))
