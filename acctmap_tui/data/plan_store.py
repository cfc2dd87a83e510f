"""Reading and saving an account's whole plan: five records and six lists, in one transaction.

:func:`load_plan` reads everything the Plan tab shows, with the version of every
record; :func:`save_plan` writes the changes the tab collected, checking each
touched record's version first. If any record changed since it was read, nothing
is written and :class:`PlanConflictError` says who changed what, so the editor
keeps its edits. Every write records history in the same session. Like
:mod:`acctmap_tui.data.account_store`, functions flush but never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from acctmap_tui.data.account_store import AccountNotFoundError, list_team_members
from acctmap_tui.data.history import record_created, record_deleted, record_updated, record_values
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountPlan,
    AccountProblem,
    AccountSolution,
    AccountTeam,
    ActivityPlanItem,
    ChangeLogEntry,
    Competitor,
    Concern,
    Contact,
    DiscoveryQuestion,
    Milestone,
    TeamMember,
    Versioned,
)
from acctmap_tui.data.repo import ContactRow, list_contact_rows
from acctmap_tui.data.text_order import by_code_point
from acctmap_tui.domain.plan_fields import PLAN_FIELDS, PlanList, PlanRecord
from acctmap_tui.domain.qualification import EDITABLE_COLUMNS as QUALIFICATION_COLUMNS
from acctmap_tui.domain.vocabulary import STANDARD_DISCOVERY_QUESTIONS
from acctmap_tui.errors import AcctmapError

RECORD_MODELS: dict[PlanRecord, type[SQLModel]] = {
    PlanRecord.ACCOUNT: Account,
    PlanRecord.PROBLEM: AccountProblem,
    PlanRecord.IMPACT: AccountImpact,
    PlanRecord.SOLUTION: AccountSolution,
    PlanRecord.PLAN: AccountPlan,
}

RECORD_LABELS: dict[PlanRecord, str] = {
    PlanRecord.ACCOUNT: "the overview",
    PlanRecord.PROBLEM: "the problem",
    PlanRecord.IMPACT: "the impact",
    PlanRecord.SOLUTION: "the solution",
    PlanRecord.PLAN: "the plan",
}

LIST_MODELS: dict[PlanList, type[SQLModel]] = {
    PlanList.TEAM: AccountTeam,
    PlanList.QUESTIONS: DiscoveryQuestion,
    PlanList.COMPETITORS: Competitor,
    PlanList.CONCERNS: Concern,
    PlanList.ACTIVITIES: ActivityPlanItem,
    PlanList.MILESTONES: Milestone,
}

_ITEM_LABEL_COLUMNS: dict[PlanList, str] = {
    PlanList.TEAM: "role",
    PlanList.QUESTIONS: "question",
    PlanList.COMPETITORS: "name",
    PlanList.CONCERNS: "concern",
    PlanList.ACTIVITIES: "step",
    PlanList.MILESTONES: "title",
}

_ITEM_NOUNS: dict[PlanList, str] = {
    PlanList.TEAM: "team member",
    PlanList.QUESTIONS: "discovery question",
    PlanList.COMPETITORS: "competitor",
    PlanList.CONCERNS: "concern",
    PlanList.ACTIVITIES: "activity plan item",
    PlanList.MILESTONES: "milestone",
}

_HIDDEN_ITEM_COLUMNS = frozenset({"id", "account_id", "position"})

EDITABLE_RECORD_COLUMNS: dict[PlanRecord, frozenset[str]] = {
    record: frozenset(f.column for f in PLAN_FIELDS if f.record is record) for record in PlanRecord
}
"""The columns :func:`save_plan` may write on each record."""
# The Qualification sub-tab edits three account columns that are not plan fields.
EDITABLE_RECORD_COLUMNS[PlanRecord.ACCOUNT] |= frozenset(QUALIFICATION_COLUMNS)


def version_key(table: str, record_id: int | str) -> str:
    """The key of a record's version in :attr:`PlanData.versions`: ``competitor:12``."""
    return f"{table}:{record_id}"


def _table(model: type[SQLModel] | SQLModel) -> str:
    return model.__tablename__  # type: ignore[return-value]


@dataclass
class PlanItem:
    """One stored (or, for standard questions not written yet, proposed) list item."""

    id: int | None
    values: dict[str, Any]
    """Its columns, without id, account and position."""


@dataclass
class PlanData:
    """Everything the Plan tab shows of one account, with the versions it read."""

    account_id: int
    account_name: str
    records: dict[PlanRecord, dict[str, Any] | None]
    """Each record's stored columns; ``None`` for a record not written yet."""
    lists: dict[PlanList, list[PlanItem]]
    versions: dict[str, int]
    """The version of every record read, by :func:`version_key`."""
    team_members: dict[int, str]
    """Our team by id (active members, plus any an item names)."""
    contacts: dict[int, str]
    """The account's contacts by id, for "their owner"."""
    people: list[ContactRow]


@dataclass
class ItemChange:
    """A list item as the editor holds it: ``id`` None for a new one."""

    id: int | None
    values: dict[str, Any]


@dataclass
class ListChanges:
    """A list's items in the order wanted, and the ids deleted."""

    items: list[ItemChange] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)


@dataclass
class PlanChanges:
    """What one save writes: changed record columns and edited lists."""

    records: dict[PlanRecord, dict[str, Any]] = field(default_factory=dict)
    lists: dict[PlanList, ListChanges] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.records.values()) and not self.lists


@dataclass
class PlanConflict:
    """One record that changed (or went) since the editor read it."""

    table: str
    record_id: str
    label: str
    """The record in words: "the problem", "competitor 'RouteMax'"."""
    expected_version: int | None
    current_version: int | None
    current: dict[str, Any] | None
    """What is stored now; ``None`` when it was deleted."""
    changed_by: str | None

    def describe(self) -> str:
        who = self.changed_by or "someone else"
        if self.current is None:
            return f"{who} deleted {self.label}"
        if self.expected_version is None:
            return f"{who} created {self.label}"
        return f"{who} changed {self.label}"


class PlanConflictError(AcctmapError):
    """Records changed since the plan was read; nothing was written."""

    def __init__(self, conflicts: list[PlanConflict]) -> None:
        self.conflicts = conflicts
        super().__init__(
            "; ".join(conflict.describe() for conflict in conflicts)
            + " since you opened the plan; nothing was saved"
        )


# --- reading ------------------------------------------------------------------------------


def _live_account(account_id: int, *, session: Session, lock: bool = False) -> Account:
    statement = select(Account).where(Account.id == account_id)
    if lock:
        statement = statement.with_for_update()
    account = session.exec(statement.execution_options(populate_existing=True)).first()
    if account is None:
        raise AccountNotFoundError(account_id)
    if account.deleted_at is not None:
        raise AccountNotFoundError(account_id, deleted=True)
    return account


def _list_rows(kind: PlanList, account_id: int, *, session: Session) -> list[Any]:
    model: Any = LIST_MODELS[kind]
    statement = select(model).where(model.account_id == account_id)
    if "position" in model.__table__.columns:
        statement = statement.order_by(model.position, model.id)
    else:
        statement = statement.order_by(model.id)
    return list(session.exec(statement.execution_options(populate_existing=True)))


def _item_values(row: SQLModel) -> dict[str, Any]:
    return {k: v for k, v in record_values(row).items() if k not in _HIDDEN_ITEM_COLUMNS}


def load_plan(account_id: int, *, session: Session) -> PlanData:
    """Read an account's plan. The seed's seven discovery questions are always listed:
    an account that has none yet gets them as unsaved items (``id`` None).

    Raises:
        AccountNotFoundError: no such account, or it was deleted.
    """
    account = _live_account(account_id, session=session)
    versions: dict[str, int] = {version_key("account", account_id): account.version}
    records: dict[PlanRecord, dict[str, Any] | None] = {PlanRecord.ACCOUNT: record_values(account)}
    for record, model in RECORD_MODELS.items():
        if record is PlanRecord.ACCOUNT:
            continue
        row = session.get(model, account_id, populate_existing=True)
        records[record] = None if row is None else record_values(row)
        if isinstance(row, Versioned):
            versions[version_key(_table(model), account_id)] = row.version
    lists: dict[PlanList, list[PlanItem]] = {}
    for kind in PlanList:
        rows = _list_rows(kind, account_id, session=session)
        lists[kind] = [PlanItem(row.id, _item_values(row)) for row in rows]
        for row in rows:
            if isinstance(row, Versioned):
                versions[version_key(_table(row), row.id)] = row.version
    if not any(item.values.get("is_standard") for item in lists[PlanList.QUESTIONS]):
        proposed = [
            PlanItem(None, {"question": text, "answer": None, "is_standard": True})
            for text in STANDARD_DISCOVERY_QUESTIONS
        ]
        lists[PlanList.QUESTIONS] = proposed + lists[PlanList.QUESTIONS]
    team = {m.id: m.name for m in list_team_members(session=session) if m.id is not None}
    named = {item.values.get("member_id") for item in lists[PlanList.TEAM]}
    named |= {item.values.get("our_owner_id") for item in lists[PlanList.ACTIVITIES]}
    for member_id in named - set(team) - {None}:
        member = session.get(TeamMember, member_id)
        if member is not None:
            team[member_id] = member.name
    contacts = {
        contact.id: contact.name
        for contact in session.exec(
            select(Contact)
            .where(Contact.account_id == account_id)
            .order_by(by_code_point(Contact.name), Contact.id)
        )
        if contact.id is not None
    }
    return PlanData(
        account_id=account_id,
        account_name=account.name,
        records=records,
        lists=lists,
        versions=versions,
        team_members=dict(sorted(team.items(), key=lambda item: item[1].casefold())),
        contacts=contacts,
        people=list_contact_rows(account_id, session=session),
    )


# --- saving -----------------------------------------------------------------------------


def _last_changed_by(table: str, record_id: int | str, *, session: Session) -> str | None:
    return session.exec(
        select(ChangeLogEntry.user)
        .where(ChangeLogEntry.entity == table, ChangeLogEntry.entity_id == str(record_id))
        .order_by(col(ChangeLogEntry.id).desc())
    ).first()


def _conflict(
    table: str,
    record_id: int | str,
    label: str,
    expected: int | None,
    row: SQLModel | None,
    *,
    session: Session,
) -> PlanConflict:
    return PlanConflict(
        table=table,
        record_id=str(record_id),
        label=label,
        expected_version=expected,
        current_version=getattr(row, "version", None),
        current=None if row is None else record_values(row),
        changed_by=_last_changed_by(table, record_id, session=session),
    )


def _item_label(kind: PlanList, values: Mapping[str, Any]) -> str:
    text = str(values.get(_ITEM_LABEL_COLUMNS[kind]) or "").strip()
    if len(text) > 40:
        text = text[:39] + "…"
    return f"{_ITEM_NOUNS[kind]} {text!r}" if text else _ITEM_NOUNS[kind]


def _check_records(
    account_id: int,
    changes: PlanChanges,
    expected_versions: Mapping[str, int],
    *,
    session: Session,
) -> tuple[dict[PlanRecord, SQLModel | None], list[PlanConflict]]:
    rows: dict[PlanRecord, SQLModel | None] = {}
    conflicts: list[PlanConflict] = []
    for record, values in changes.records.items():
        if not values:
            continue
        unknown = set(values) - EDITABLE_RECORD_COLUMNS[record]
        if unknown:
            raise ValueError(f"not editable {record} columns: {', '.join(sorted(unknown))}")
        model = RECORD_MODELS[record]
        table = _table(model)
        if record is PlanRecord.ACCOUNT:
            row: SQLModel | None = _live_account(account_id, session=session, lock=True)
        else:
            row = session.get(model, account_id, populate_existing=True)
        rows[record] = row
        expected = expected_versions.get(version_key(table, account_id))
        current = getattr(row, "version", None)
        if current != expected:
            conflicts.append(
                _conflict(table, account_id, RECORD_LABELS[record], expected, row, session=session)
            )
    return rows, conflicts


def _check_list(
    kind: PlanList,
    change: ListChanges,
    existing: dict[int, Any],
    expected_versions: Mapping[str, int],
    *,
    session: Session,
) -> list[PlanConflict]:
    conflicts: list[PlanConflict] = []
    table = _table(LIST_MODELS[kind])
    touched = [(item.id, item.values) for item in change.items if item.id is not None]
    touched += [(record_id, {}) for record_id in change.deleted]
    for record_id, values in touched:
        assert record_id is not None
        row = existing.get(record_id)
        deleting = record_id in change.deleted
        if row is None:
            if not deleting:  # deleted by both: nothing to argue about
                label = _item_label(kind, values)
                expected = expected_versions.get(version_key(table, record_id))
                conflicts.append(
                    _conflict(table, record_id, label, expected, None, session=session)
                )
            continue
        if not isinstance(row, Versioned):
            continue
        expected = expected_versions.get(version_key(table, record_id))
        if row.version != expected:
            label = _item_label(kind, record_values(row))
            conflicts.append(_conflict(table, record_id, label, expected, row, session=session))
    return conflicts


def _write_record(
    record: PlanRecord,
    account_id: int,
    row: SQLModel | None,
    values: Mapping[str, Any],
    *,
    session: Session,
    user: str,
) -> None:
    if row is None:
        model: Any = RECORD_MODELS[record]
        created = model(account_id=account_id, **values)
        session.add(created)
        session.flush()
        record_created(session, created, user=user)
        return
    wanted = {key: value for key, value in values.items() if getattr(row, key) != value}
    if not wanted:
        return
    before = record_values(row)
    for key, value in wanted.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    record_updated(session, row, before, user=user)


def _write_list(
    kind: PlanList,
    account_id: int,
    change: ListChanges,
    existing: dict[int, Any],
    *,
    session: Session,
    user: str,
) -> None:
    model: Any = LIST_MODELS[kind]
    ordered = "position" in model.__table__.columns
    for record_id in change.deleted:
        row = existing.pop(record_id, None)
        if row is not None:
            record_deleted(session, row, user=user)
            session.delete(row)
    session.flush()
    mentioned = {item.id for item in change.items if item.id is not None}
    others = [row for record_id, row in existing.items() if record_id not in mentioned]
    standard_texts = {
        row.question for row in existing.values() if getattr(row, "is_standard", False)
    }
    for position, item in enumerate(change.items):
        values = dict(item.values)
        if ordered:
            values["position"] = position
        if item.id is None:
            if kind is PlanList.TEAM and _team_row_exists(existing, values):
                continue
            if kind is PlanList.QUESTIONS:
                question = values.get("question")
                values["is_standard"] = (
                    question in STANDARD_DISCOVERY_QUESTIONS and question not in standard_texts
                )
            created = model(account_id=account_id, **values)
            session.add(created)
            session.flush()
            record_created(session, created, user=user)
            continue
        row = existing[item.id]
        wanted = {key: value for key, value in values.items() if getattr(row, key) != value}
        if not wanted:
            continue
        before = record_values(row)
        for key, value in wanted.items():
            setattr(row, key, value)
        session.add(row)
        session.flush()
        record_updated(session, row, before, user=user)
    if ordered:  # items someone else added meanwhile go after ours, in their order
        for offset, row in enumerate(others, start=len(change.items)):
            if row.position != offset:
                before = record_values(row)
                row.position = offset
                session.add(row)
                session.flush()
                record_updated(session, row, before, user=user)


def _team_row_exists(existing: Mapping[int, Any], values: Mapping[str, Any]) -> bool:
    return any(
        row.member_id == values.get("member_id") and row.role == values.get("role")
        for row in existing.values()
    )


def save_plan(
    account_id: int,
    changes: PlanChanges,
    *,
    expected_versions: Mapping[str, int],
    session: Session,
    user: str,
) -> None:
    """Write the plan's changes if every record they touch is still at the version read.

    ``expected_versions`` holds the versions :func:`load_plan` returned (a record
    not there was not written yet). Values equal to what is stored are not
    written; list items take the position of their place in
    :attr:`ListChanges.items`. The caller commits.

    Raises:
        PlanConflictError: records changed or went since they were read; nothing written.
        AccountNotFoundError: no such account, or it was deleted.
        ValueError: a column that cannot be set.
    """
    _live_account(account_id, session=session)
    rows, conflicts = _check_records(account_id, changes, expected_versions, session=session)
    existing_by_list: dict[PlanList, dict[int, Any]] = {}
    for kind, change in changes.lists.items():
        existing = {row.id: row for row in _list_rows(kind, account_id, session=session)}
        existing_by_list[kind] = existing
        conflicts += _check_list(kind, change, existing, expected_versions, session=session)
    if conflicts:
        raise PlanConflictError(conflicts)
    for record, values in changes.records.items():
        if values:
            _write_record(record, account_id, rows[record], values, session=session, user=user)
    for kind, change in changes.lists.items():
        _write_list(kind, account_id, change, existing_by_list[kind], session=session, user=user)
    session.flush()


def count_rows(model: type[SQLModel], account_id: int, *, session: Session) -> int:
    """How many rows of a plan list an account has (for checks and tests)."""
    table: Any = model
    return session.exec(
        select(sa.func.count()).select_from(table).where(table.account_id == account_id)
    ).one()
