"""Recording every change in the change log, in the same transaction as the change.

Writers call these functions with the session that makes the change, so a change
and its history entry are committed together or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel

from acctmap_tui.data.models import ChangeLogEntry
from acctmap_tui.domain.vocabulary import ChangeAction

AUDIT_FIELDS = frozenset({"id", "created_at", "updated_at", "version", "name_key"})
"""Columns that change as a side effect and are not worth a history line."""


def to_json_value(value: Any) -> Any:
    """A column value as plain JSON: money as its exact text, dates as ISO text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _dump(value: Any) -> str:
    return json.dumps(to_json_value(value), sort_keys=True, ensure_ascii=False)


def record_values(record: SQLModel) -> dict[str, Any]:
    """The record's columns (without audit columns), as stored."""
    table = record.__table__  # type: ignore[attr-defined]
    return {
        column.name: getattr(record, column.name)
        for column in table.columns
        if column.name not in AUDIT_FIELDS
    }


def _entity_id(record: SQLModel) -> str:
    table = record.__table__  # type: ignore[attr-defined]
    return ":".join(str(getattr(record, column.name)) for column in table.primary_key.columns)


def _account_id(record: SQLModel) -> int | None:
    if record.__tablename__ == "account":  # type: ignore[attr-defined]
        return getattr(record, "id", None)
    return getattr(record, "account_id", None)


def _entry(record: SQLModel, *, user: str, action: ChangeAction, **fields: Any) -> ChangeLogEntry:
    return ChangeLogEntry(
        user=user,
        action=action,
        entity=record.__tablename__,  # type: ignore[attr-defined]
        entity_id=_entity_id(record),
        account_id=_account_id(record),
        **fields,
    )


def _all_values(record: SQLModel) -> str:
    return _dump({k: to_json_value(v) for k, v in record_values(record).items()})


def record_created(session: Session, record: SQLModel, *, user: str) -> None:
    """One entry for a new record, holding all its values (call after a flush)."""
    session.add(
        _entry(record, user=user, action=ChangeAction.CREATE, new_value=_all_values(record))
    )


def record_updated(
    session: Session,
    record: SQLModel,
    before: Mapping[str, Any],
    *,
    user: str,
    action: ChangeAction = ChangeAction.UPDATE,
) -> list[str]:
    """One entry per field whose value changed since ``before``; returns those fields."""
    after = record_values(record)
    changed = [name for name in after if name in before and before[name] != after[name]]
    for name in changed:
        session.add(
            _entry(
                record,
                user=user,
                action=action,
                field=name,
                old_value=_dump(before[name]),
                new_value=_dump(after[name]),
            )
        )
    return changed


def record_deleted(
    session: Session, record: SQLModel, *, user: str, action: ChangeAction = ChangeAction.DELETE
) -> None:
    """One entry holding the record's last values, so it can be recovered."""
    session.add(_entry(record, user=user, action=action, old_value=_all_values(record)))
