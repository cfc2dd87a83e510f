"""Reading the change log back: who changed what, when, for one account or all.

Besides the raw lines (:func:`load_history`, for ``acctmap history``), this turns
entries into words for people (:func:`load_account_history`): which record
("Contact Dana Reyes"), which field ("Stage"), and values as labels, names and
money rather than JSON and ids. :func:`decode_value` gives a stored JSON value
back its column's Python type, for :mod:`acctmap_tui.data.revert`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from acctmap_tui.data.models import Account, ChangeLogEntry, Contact, Partner, TeamMember
from acctmap_tui.data.types import UTCDateTime
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
    reverts_id: int | None = None
    """The entry this one reverted, for a change made by ``revert``."""


def load_history(
    *,
    session: Session,
    account_id: int | None = None,
    since: datetime | None = None,
    record: tuple[str, str] | None = None,
) -> list[HistoryLine]:
    """Changes oldest first, for one account (its own record and everything on it) or all.

    ``record`` (table, id) narrows them to one record's entries.
    """
    statement = (
        select(ChangeLogEntry, Account.name)
        .join(Account, col(Account.id) == col(ChangeLogEntry.account_id), isouter=True)
        .order_by(col(ChangeLogEntry.at), col(ChangeLogEntry.id))
    )
    if account_id is not None:
        statement = statement.where(col(ChangeLogEntry.account_id) == account_id)
    if since is not None:
        statement = statement.where(col(ChangeLogEntry.at) >= since)
    if record is not None:
        statement = statement.where(
            col(ChangeLogEntry.entity) == record[0], col(ChangeLogEntry.entity_id) == record[1]
        )
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
            reverts_id=entry.reverts_id,
        )
        for entry, name in session.exec(statement)
    ]


# --- stored values back to Python, and into words ------------------------------------

EMPTY_VALUE = "(empty)"
"""How a cleared value reads: in words, so it shows without colour or box characters."""

RECORD_NOUNS: dict[str, str] = {
    "account": "Account",
    "contact": "Contact",
    "partner": "Partner",
    "seat": "Seat",
    "relationship": "Relationship",
    "next_action": "Next action",
    "milestone": "Milestone",
    "competitor": "Competitor",
    "concern": "Concern",
    "discovery_question": "Question",
    "activity_plan_item": "Activity",
    "account_problem": "Problem",
    "account_impact": "Impact",
    "account_solution": "Solution",
    "account_plan": "Plan",
    "account_team": "Team",
    "account_note": "Note",
    "team_member": "Team member",
}
"""What each table's records are called on screen."""

LABEL_COLUMNS: dict[str, str] = {
    "contact": "name",
    "partner": "name",
    "team_member": "name",
    "seat": "role_title",
    "next_action": "description",
    "milestone": "title",
    "competitor": "name",
    "concern": "concern",
    "discovery_question": "question",
    "activity_plan_item": "step",
    "account_note": "body",
}
"""The column that names a record of each table ("Contact Dana Reyes")."""

_NAMED_BY_REFERENCE: dict[str, str] = {
    "relationship": "target_contact_id",
    "account_team": "member_id",
}
"""Tables whose records are named by whom they point at ("Relationship to Dana Reyes")."""

ONE_PER_ACCOUNT = frozenset(
    {"account", "account_problem", "account_impact", "account_solution", "account_plan"}
)
"""Records an account has one of: their noun alone says which ("Problem")."""

LABEL_WIDTH = 40
"""Characters of a record's naming text kept in its label (a next action can be long)."""


@cache
def _models() -> dict[str, type[SQLModel]]:
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in SQLModel._sa_registry.mappers  # type: ignore[attr-defined]
        if hasattr(mapper.class_, "__tablename__")
    }


def model_for(entity: str) -> type[SQLModel] | None:
    """The table model of a change log ``entity`` (a table name), if it still exists."""
    return _models().get(entity)


def _column(entity: str, name: str) -> sa.Column[Any] | None:
    model = model_for(entity)
    if model is None:
        return None
    return model.__table__.columns.get(name)  # type: ignore[attr-defined]


def _from_json(column: sa.Column[Any] | None, value: Any) -> Any:
    if value is None or column is None:
        return value
    column_type = column.type
    if isinstance(column_type, UTCDateTime | sa.DateTime) and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if isinstance(column_type, sa.Date) and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(column_type, sa.Enum) and column_type.enum_class is not None:
        return column_type.enum_class(value)
    python_type: type | None
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        python_type = None
    if python_type is Decimal:
        return Decimal(str(value))
    if python_type is bool:
        return bool(value)
    return value


def decode_value(entity: str, field_name: str, text: str | None) -> Any:
    """A field's stored JSON text as the Python value its column holds (dates, money, enums)."""
    if text is None:
        return None
    return _from_json(_column(entity, field_name), json.loads(text))


def decode_record(entity: str, text: str | None) -> dict[str, Any]:
    """A whole record's JSON (a create or delete entry) as column values, in column order."""
    if text is None:
        return {}
    values = json.loads(text)
    if not isinstance(values, dict):
        return {}
    model = model_for(entity)
    order = list(model.__table__.columns.keys()) if model is not None else []  # type: ignore[attr-defined]
    names = sorted(values, key=lambda name: order.index(name) if name in order else len(order))
    return {name: _from_json(_column(entity, name), values[name]) for name in names}


@cache
def _field_labels() -> dict[tuple[str, str], str]:
    from acctmap_tui.domain.account_form import ACCOUNT_FIELDS
    from acctmap_tui.domain.contact_form import (
        CONTACT_FIELDS,
        PARTNER_FIELDS,
        RELATIONSHIP_FIELDS,
        SEAT_FIELDS,
    )
    from acctmap_tui.domain.plan_fields import LIST_SPECS, PLAN_FIELDS

    labels = {("account", f.column): f.label for f in ACCOUNT_FIELDS}
    tables = {
        "problem": "account_problem",
        "impact": "account_impact",
        "solution": "account_solution",
        "plan": "account_plan",
        "account": "account",
    }
    for plan_field in PLAN_FIELDS:
        labels.setdefault((tables[plan_field.record.value], plan_field.column), plan_field.label)
    for spec in LIST_SPECS:
        for item_field in spec.fields:
            labels[(spec.table, item_field.column)] = item_field.label
    for table, fields in (
        ("contact", CONTACT_FIELDS),
        ("relationship", RELATIONSHIP_FIELDS),
        ("partner", PARTNER_FIELDS),
        ("seat", SEAT_FIELDS),
    ):
        for people_field in fields:
            labels[(table, people_field.column)] = people_field.label
    labels[("account", "deleted_at")] = "Deleted"
    labels[("account", "last_reviewed_at")] = "Last reviewed"
    return labels


def field_label(entity: str, field_name: str) -> str:
    """The label a form shows for a column ("Win probability"), else the column in words."""
    label = _field_labels().get((entity, field_name))
    if label is not None:
        return label
    words = field_name.removesuffix("_id").replace("_", " ")
    return words[:1].upper() + words[1:]


@dataclass(frozen=True, slots=True)
class NameLookups:
    """Names for the ids a value may hold: team members, contacts and partners."""

    members: Mapping[int, str] = field(default_factory=dict)
    contacts: Mapping[int, str] = field(default_factory=dict)
    partners: Mapping[int, str] = field(default_factory=dict)
    currency: str = "USD"

    def name(self, table: str, record_id: int) -> str | None:
        names = {"team_member": self.members, "contact": self.contacts, "partner": self.partners}
        return names.get(table, {}).get(record_id)


def _referenced_table(column: sa.Column[Any] | None) -> str | None:
    if column is None or not column.foreign_keys:
        return None
    return next(iter(column.foreign_keys)).column.table.name


def _one_line(text: str) -> str:
    return " ".join(text.split())


def describe_value(entity: str, field_name: str, value: Any, names: NameLookups) -> str:
    """A column value in words: labels for choices, names for ids, money, dates, yes/no."""
    from acctmap_tui.domain.account_form import FieldKind, format_field
    from acctmap_tui.domain.values import format_money

    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY_VALUE
    column = _column(entity, field_name)
    table = _referenced_table(column)
    if table is not None and isinstance(value, int):
        noun = RECORD_NOUNS.get(table, table.replace("_", " ")).lower()
        return names.name(table, value) or f"{noun} {value}"
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format_money(value, names.currency, cents=value != value.to_integral_value())
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and entity == "account":
        from acctmap_tui.domain.account_form import ACCOUNT_FIELDS

        form = next((f for f in ACCOUNT_FIELDS if f.column == field_name), None)
        if form is not None and form.kind in (FieldKind.PROBABILITY, FieldKind.PERCENT):
            return format_field(form, value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def describe_record_values(entity: str, values: Mapping[str, Any], names: NameLookups) -> str:
    """A whole record in one line: "Name: Dana Reyes · Title: CFO" (empty fields left out)."""
    parts = [
        f"{field_label(entity, key)}: {describe_value(entity, key, value, names)}"
        for key, value in values.items()
        if key not in ("account_id", "deleted_at")
        and value is not None
        and not (isinstance(value, str) and not value.strip())
    ]
    return " · ".join(_one_line(part) for part in parts)


@dataclass(frozen=True, slots=True)
class DescribedChange:
    """One history entry in words, ready for a table row and its detail line."""

    line: HistoryLine
    record: str
    """Which record: "Account", "Contact Dana Reyes", "Next action Call the CFO"."""
    field: str
    """The field's label; empty for a whole record created or deleted."""
    old: str
    new: str
    """Old and new value in words, whole (a table cuts them, the detail shows them)."""
    reverted_by: int | None = None
    """The id of a later entry that reverted this one."""

    @property
    def is_record_change(self) -> bool:
        """A whole record was created or deleted (no single field)."""
        return self.line.field is None


@dataclass(frozen=True, slots=True)
class AccountHistory:
    """Everything recorded about one account (its record and everything on it)."""

    account_id: int
    account_name: str
    last_reviewed_at: datetime | None
    changes: list[DescribedChange]
    """Newest first."""

    def since_review(self, change: DescribedChange) -> bool:
        """Whether a change came after the last review (all do, if it was never reviewed)."""
        return self.last_reviewed_at is None or change.line.at > self.last_reviewed_at

    @property
    def count_since_review(self) -> int:
        return sum(self.since_review(change) for change in self.changes)


def _known_values(lines: Iterable[HistoryLine]) -> dict[tuple[str, str], dict[str, Any]]:
    """Each record's last known values, replayed from its entries (oldest first)."""
    known: dict[tuple[str, str], dict[str, Any]] = {}
    for line in lines:
        key = (line.entity, line.entity_id)
        if line.field is None:
            whole = line.new_value if line.new_value is not None else line.old_value
            known[key] = decode_record(line.entity, whole)
        else:
            known.setdefault(key, {})[line.field] = decode_value(
                line.entity, line.field, line.new_value
            )
    return known


def name_lookups(account_id: int | None, *, session: Session) -> NameLookups:
    """The team's names, and the account's contacts, partners and currency."""
    members = {m.id: m.name for m in session.exec(select(TeamMember)) if m.id is not None}
    if account_id is None:
        return NameLookups(members)
    contacts = {
        cid: name
        for cid, name in session.exec(
            select(Contact.id, Contact.name).where(Contact.account_id == account_id)
        )
        if cid is not None
    }
    partners = {
        pid: name
        for pid, name in session.exec(
            select(Partner.id, Partner.name).where(Partner.account_id == account_id)
        )
        if pid is not None
    }
    account = session.get(Account, account_id)
    currency = account.currency if account is not None and account.currency else "USD"
    return NameLookups(members, contacts, partners, currency)


def _with_history_names(
    names: NameLookups, known: Mapping[tuple[str, str], Mapping[str, Any]]
) -> NameLookups:
    """Add the names of deleted contacts and partners, as the history last knew them."""
    contacts, partners = dict(names.contacts), dict(names.partners)
    for (entity, entity_id), values in known.items():
        target = {"contact": contacts, "partner": partners}.get(entity)
        if target is not None and entity_id.isdigit() and values.get("name"):
            target.setdefault(int(entity_id), str(values["name"]))
    return NameLookups(names.members, contacts, partners, names.currency)


def _stored_labels(
    lines: Iterable[HistoryLine],
    known: Mapping[tuple[str, str], Mapping[str, Any]],
    *,
    session: Session,
) -> dict[tuple[str, str], Any]:
    """Naming values of records the history never saw whole (written before it, or seeded)."""
    wanted: dict[str, set[int]] = {}
    for line in lines:
        column = LABEL_COLUMNS.get(line.entity) or _NAMED_BY_REFERENCE.get(line.entity)
        values = known.get((line.entity, line.entity_id), {})
        if column and column not in values and line.entity_id.isdigit():
            wanted.setdefault(line.entity, set()).add(int(line.entity_id))
    found: dict[tuple[str, str], Any] = {}
    for entity, ids in wanted.items():
        model: Any = model_for(entity)
        column_name = LABEL_COLUMNS.get(entity) or _NAMED_BY_REFERENCE[entity]
        if model is None or "id" not in model.__table__.columns:
            continue
        statement = select(model.id, getattr(model, column_name)).where(col(model.id).in_(ids))
        for record_id, value in session.exec(statement):
            found[(entity, str(record_id))] = value
    return found


def record_label(entity: str, entity_id: str, values: Mapping[str, Any], names: NameLookups) -> str:
    """ "Contact Dana Reyes", "Relationship to Dana Reyes", "Problem", or "Seat 12"."""
    noun = RECORD_NOUNS.get(entity, entity.replace("_", " ").capitalize())
    if entity in ONE_PER_ACCOUNT:
        return noun
    column = LABEL_COLUMNS.get(entity)
    if column is not None and values.get(column):
        text = _one_line(str(values[column]))
        if len(text) > LABEL_WIDTH:
            text = text[: LABEL_WIDTH - 1] + "…"
        return f"{noun} {text}"
    reference = _NAMED_BY_REFERENCE.get(entity)
    if reference is not None and values.get(reference) is not None:
        table = _referenced_table(_column(entity, reference)) or ""
        who = names.name(table, int(values[reference]))
        if who is not None:
            return f"{noun} to {who}" if entity == "relationship" else f"{noun} {who}"
    return f"{noun} {entity_id}"


def _field_text(line: HistoryLine, text: str | None, names: NameLookups) -> str:
    assert line.field is not None
    value = decode_value(line.entity, line.field, text)
    return describe_value(line.entity, line.field, value, names)


def describe_changes(
    lines: list[HistoryLine], names: NameLookups, *, session: Session
) -> list[DescribedChange]:
    """Lines (oldest first) in words, newest first, each knowing whether it was reverted."""
    known = _known_values(lines)
    names = _with_history_names(names, known)
    stored = _stored_labels(lines, known, session=session)
    reverted_by = {line.reverts_id: line.id for line in lines if line.reverts_id is not None}
    described = []
    for line in reversed(lines):
        key = (line.entity, line.entity_id)
        values = dict(known.get(key, {}))
        column = LABEL_COLUMNS.get(line.entity) or _NAMED_BY_REFERENCE.get(line.entity)
        if column is not None and key in stored:
            values.setdefault(column, stored[key])
        if line.field is None:
            created = line.old_value is None
            whole = decode_record(line.entity, line.new_value if created else line.old_value)
            values = {**values, **whole}
            text = describe_record_values(line.entity, whole, names)
            old, new = ("", text) if created else (text, "")
            label = ""
        else:
            old = _field_text(line, line.old_value, names)
            new = _field_text(line, line.new_value, names)
            label = field_label(line.entity, line.field)
        described.append(
            DescribedChange(
                line=line,
                record=record_label(line.entity, line.entity_id, values, names),
                field=label,
                old=old,
                new=new,
                reverted_by=reverted_by.get(line.id),
            )
        )
    return described


def load_account_history(account_id: int, *, session: Session) -> AccountHistory | None:
    """One account's history in words, newest first; ``None`` if there is no such account."""
    account = session.get(Account, account_id, populate_existing=True)
    if account is None:
        return None
    lines = load_history(session=session, account_id=account_id)
    names = name_lookups(account_id, session=session)
    changes = describe_changes(lines, names, session=session)
    return AccountHistory(account_id, account.name, account.last_reviewed_at, changes)
