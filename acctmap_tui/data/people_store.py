"""Writing an account's people: contacts, relationships, partners and seats, with history.

Like :mod:`acctmap_tui.data.account_store`, every function takes a keyword-only
``session``, flushes but never commits (the caller commits one user action as one
transaction), records every change in the change log, and refuses an edit or a
delete made on an older version than the stored one (:class:`StalePeopleRecordError`,
nothing written).

The store is the last line of defence: the CLI and imports call it without any
form, so it checks again what the forms check (reporting cycles, people of another
account, a seat held twice) and says so in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select

from acctmap_tui.data.account_store import StaleRecordError
from acctmap_tui.data.history import (
    record_created,
    record_deleted,
    record_updated,
    record_values,
)
from acctmap_tui.data.models import (
    Account,
    ActivityPlanItem,
    ChangeLogEntry,
    Contact,
    ContactIdentity,
    Partner,
    Relationship,
    Seat,
    TeamMember,
)
from acctmap_tui.data.text_order import by_code_point
from acctmap_tui.domain.org_rules import (
    ProposedLines,
    ReportingCycleError,
    check_reporting_lines,
)
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind
from acctmap_tui.errors import AcctmapError

__all__ = [
    "ReportingCycleError",
    "PeopleRuleError",
    "PersonNotFoundError",
    "StalePeopleRecordError",
]

Record = TypeVar("Record", bound=SQLModel)
Record_contra = TypeVar("Record_contra", bound=SQLModel, contravariant=True)

_PROTECTED = frozenset({"id", "account_id", "version", "created_at", "updated_at"})


def _editable(model: type[SQLModel]) -> frozenset[str]:
    return frozenset(model.__table__.columns.keys()) - _PROTECTED  # type: ignore[attr-defined]


CONTACT_COLUMNS = _editable(Contact)
RELATIONSHIP_COLUMNS = _editable(Relationship)
PARTNER_COLUMNS = _editable(Partner)
SEAT_COLUMNS = _editable(Seat)

_COLUMNS: dict[type[SQLModel], frozenset[str]] = {
    Contact: CONTACT_COLUMNS,
    Relationship: RELATIONSHIP_COLUMNS,
    Partner: PARTNER_COLUMNS,
    Seat: SEAT_COLUMNS,
}

_WHAT = {"contact": "Contact", "relationship": "Relationship", "partner": "Partner", "seat": "Seat"}


class PersonNotFoundError(AcctmapError):
    """The contact, relationship, partner, seat or account does not exist (any more)."""

    def __init__(self, entity: str, record_id: int) -> None:
        self.entity = entity
        self.record_id = record_id
        what = _WHAT.get(entity, entity.capitalize())
        super().__init__(f"{what} {record_id} does not exist (someone may have deleted it)")


class PeopleRuleError(AcctmapError):
    """A write that breaks a rule of the people map; its text says which and why."""


class StalePeopleRecordError(StaleRecordError):
    """A people record changed since the editor read it; nothing was written.

    A :class:`~acctmap_tui.data.account_store.StaleRecordError`, so code that
    handles stale accounts handles these too; ``current`` is what is stored now.
    """

    def __init__(
        self,
        record: SQLModel,
        *,
        expected_version: int,
        changed_by: str | None,
    ) -> None:
        self.entity: str = record.__tablename__  # type: ignore[attr-defined]
        self.record_id: int = record.id  # type: ignore[attr-defined]
        self.account_id = record.account_id  # type: ignore[attr-defined]
        self.expected_version = expected_version
        self.current_version: int = record.version  # type: ignore[attr-defined]
        self.current = record_values(record)
        self.changed_by = changed_by
        who = changed_by or "someone else"
        name = _display_name(record)
        AcctmapError.__init__(
            self,
            f"{name} was changed by {who} since you opened it "
            f"(version {self.current_version}, you had {expected_version}); nothing was saved",
        )


def _display_name(record: SQLModel) -> str:
    if isinstance(record, Contact | Partner):
        return repr(record.name)
    if isinstance(record, Seat):
        return f"The seat {record.role_title!r}"
    return "This relationship"


# --- shared helpers -----------------------------------------------------------------


def _last_changed_by(entity: str, record_id: int, *, session: Session) -> str | None:
    return session.exec(
        select(ChangeLogEntry.user)
        .where(ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == str(record_id))
        .order_by(col(ChangeLogEntry.id).desc())
    ).first()


def _get(model: type[Record], record_id: int, *, session: Session) -> Record:
    """The stored record, fresh from the database, to open an editor on."""
    record = session.get(model, record_id, populate_existing=True)
    if record is None:
        raise PersonNotFoundError(model.__tablename__, record_id)  # type: ignore[attr-defined]
    return record


def _locked(model: type[Record], record_id: int, *, session: Session) -> Record:
    """The stored record, re-read (and locked where the server can) for this transaction."""
    record = session.exec(
        select(model)
        .where(model.id == record_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if record is None:
        raise PersonNotFoundError(model.__tablename__, record_id)  # type: ignore[attr-defined]
    return record


def _checked(
    model: type[Record], record_id: int, expected_version: int | None, *, session: Session
) -> Record:
    """The locked record, if still at ``expected_version`` (``None``: no check, e.g. the CLI)."""
    record = _locked(model, record_id, session=session)
    if expected_version is not None and record.version != expected_version:  # type: ignore[attr-defined]
        entity = model.__tablename__  # type: ignore[attr-defined]
        raise StalePeopleRecordError(
            record,
            expected_version=expected_version,
            changed_by=_last_changed_by(entity, record_id, session=session),
        )
    return record


def _check_columns(values: Mapping[str, Any], allowed: frozenset[str], what: str) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not editable {what} columns: {', '.join(sorted(unknown))}")


def _required_text(value: Any, label: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PeopleRuleError(f"{label}: a value is required")
    return value.strip()


def _live_account(account_id: int, *, session: Session) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.deleted_at is not None:
        raise PersonNotFoundError("account", account_id)
    return account


def _contact_of(account_id: int, contact_id: int, label: str, *, session: Session) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise PersonNotFoundError("contact", contact_id)
    if contact.account_id != account_id:
        raise PeopleRuleError(
            f"{label}: {contact.name!r} is a contact of another account; "
            "people can only be linked within one account"
        )
    return contact


def _update(
    record: SQLModel, changes: Mapping[str, Any], *, session: Session, user: str
) -> list[str]:
    """Apply the changes that differ from what is stored, with one history entry each."""
    changes = {k: v for k, v in changes.items() if getattr(record, k) != v}
    if not changes:
        return []
    before = record_values(record)
    for key, value in changes.items():
        setattr(record, key, value)
    session.add(record)
    session.flush()
    changed = record_updated(session, record, before, user=user)
    session.flush()
    return changed


def _insert(record: Record, *, session: Session, user: str) -> Record:
    session.add(record)
    session.flush()
    record_created(session, record, user=user)
    session.flush()
    return record


class _Check(Protocol[Record_contra]):
    """Refuses a proposed record (and the values asked for) by raising, before any write."""

    def __call__(
        self, record: Record_contra, values: Mapping[str, Any], *, session: Session
    ) -> None: ...


def _create(
    model: type[Record],
    account_id: int,
    values: Mapping[str, Any],
    *,
    required: tuple[str, str] | None = None,
    check: _Check[Record],
    session: Session,
    user: str,
) -> Record:
    """A new record on a live account, once ``check`` accepts it, with its history entry.

    ``required`` names a text column that must not be blank, and its label. Columns
    given as ``None`` are left to their defaults.
    """
    entity = model.__tablename__  # type: ignore[attr-defined]
    _check_columns(values, _COLUMNS[model], entity)
    _live_account(account_id, session=session)
    fields = {k: v for k, v in values.items() if v is not None}
    if required is not None:
        column, label = required
        fields[column] = _required_text(values.get(column), label)
    record = model(**{**fields, "account_id": account_id})
    check(record, fields, session=session)
    return _insert(record, session=session, user=user)


def _edit(
    model: type[Record],
    record_id: int,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    required: tuple[str, str] | None = None,
    check: _Check[Record],
    session: Session,
    user: str,
) -> Record:
    """Write the changed columns if the record is still at ``expected_version``.

    The record is re-read (or :class:`PersonNotFoundError`) and version-checked
    (or :class:`StalePeopleRecordError`); ``check`` sees it as it would be after the
    edit, and only then are the changes applied with their history.
    """
    entity = model.__tablename__  # type: ignore[attr-defined]
    _check_columns(values, _COLUMNS[model], entity)
    record = _checked(model, record_id, expected_version, session=session)
    changes = dict(values)
    if required is not None and required[0] in changes:
        column, label = required
        changes[column] = _required_text(changes[column], label)
    check(model(**{**_all_columns(record), **changes}), changes, session=session)
    _update(record, changes, session=session, user=user)
    return record


def _delete(record: SQLModel, *, session: Session, user: str) -> None:
    record_deleted(session, record, user=user)
    session.delete(record)
    session.flush()


# --- contacts -------------------------------------------------------------------------


def reporting_lines(
    account_id: int, *, session: Session
) -> dict[int, tuple[int | None, int | None]]:
    """Each contact's (reports-to id, dotted-line manager id) on the account."""
    statement = select(Contact.id, Contact.reports_to_id, Contact.dotted_line_to_id).where(
        Contact.account_id == account_id
    )
    return {cid: (solid, dotted) for cid, solid, dotted in session.exec(statement)}


def contact_names(account_id: int, *, session: Session) -> dict[int, str]:
    """The account's contacts by id, sorted by name."""
    statement = (
        select(Contact.id, Contact.name)
        .where(Contact.account_id == account_id)
        .order_by(by_code_point(Contact.name), Contact.id)
    )
    return {cid: name for cid, name in session.exec(statement) if cid is not None}


def _check_lines(contact: Contact, *, session: Session) -> None:
    """Managers of the same account, and no cycle through solid or dotted lines."""
    for label, manager_id in (
        ("Reports to", contact.reports_to_id),
        ("Dotted-line manager", contact.dotted_line_to_id),
    ):
        if manager_id is not None and manager_id != contact.id:
            _contact_of(contact.account_id, manager_id, label, session=session)
    if contact.id is None:
        return
    proposed = ProposedLines(contact.id, contact.reports_to_id, contact.dotted_line_to_id)
    names = contact_names(contact.account_id, session=session)
    check_reporting_lines(proposed, reporting_lines(contact.account_id, session=session), names)


def _check_member(member_id: int | None, label: str, *, session: Session) -> None:
    if member_id is not None and session.get(TeamMember, member_id) is None:
        raise PeopleRuleError(f"{label}: team member {member_id} does not exist")


def get_contact(contact_id: int, *, session: Session) -> Contact:
    """The contact to edit.

    Raises:
        PersonNotFoundError: no such contact.
    """
    return _get(Contact, contact_id, session=session)


def _check_contact(contact: Contact, values: Mapping[str, Any], *, session: Session) -> None:
    """Managers of the same account and no cycle; a relationship owner who exists."""
    _check_lines(contact, session=session)
    _check_member(contact.relationship_owner_id, "Relationship owner", session=session)


def create_contact(
    account_id: int, values: Mapping[str, Any], *, session: Session, user: str
) -> Contact:
    """A new contact on a live account.

    Raises:
        PersonNotFoundError: no such account (or it was deleted).
        PeopleRuleError: no name, or a manager from another account.
    """
    return _create(
        Contact,
        account_id,
        values,
        required=("name", "Name"),
        check=_check_contact,
        session=session,
        user=user,
    )


def update_contact(
    contact_id: int,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    session: Session,
    user: str,
) -> Contact:
    """Write the given columns if the contact is still at ``expected_version``.

    Setting ``left_on`` vacates the seats the contact held: the seat outlives them.

    Raises:
        StalePeopleRecordError: someone saved the contact since ``expected_version``.
        PersonNotFoundError: no such contact.
        ReportingCycleError: a reporting line would close a cycle.
        PeopleRuleError: an empty name, or a manager from another account.
    """
    contact = _edit(
        Contact,
        contact_id,
        values,
        expected_version=expected_version,
        required=("name", "Name"),
        check=_check_contact,
        session=session,
        user=user,
    )
    if contact.left_on is not None:
        for seat in _seats_held_by(contact_id, session=session):
            _update(seat, {"contact_id": None}, session=session, user=user)
    return contact


def _seats_held_by(contact_id: int, *, session: Session) -> list[Seat]:
    return list(session.exec(select(Seat).where(Seat.contact_id == contact_id)))


class ReportsChoice(StrEnum):
    """What becomes of a deleted contact's direct reports."""

    TO_MANAGER = "to_manager"
    """They report to the deleted person's own manager instead."""
    ROOTS = "roots"
    """They report to nobody (tops of their own trees)."""


@dataclass
class DeletedContact:
    """Everything a delete changed, so the same session can undo it (``u``)."""

    contact_id: int
    account_id: int
    name: str
    columns: dict[str, Any]
    """Every column of the contact as it was, id included."""
    relationships: list[dict[str, Any]] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    reports: dict[int, int | None] = field(default_factory=dict)
    """Direct reports and the manager the delete gave them (``None``: a root)."""
    seat_reports: dict[int, int | None] = field(default_factory=dict)
    """Seats that reported to the contact, and where they report now."""
    dotted: list[int] = field(default_factory=list)
    """Contacts whose dotted line to the deleted contact was cleared."""
    seats_vacated: list[int] = field(default_factory=list)
    plan_items: list[int] = field(default_factory=list)
    """Mutual-plan items the contact owned on the customer's side."""
    report_names: list[str] = field(default_factory=list)
    dotted_names: list[str] = field(default_factory=list)
    seat_names: list[str] = field(default_factory=list)
    new_manager: str | None = None

    def summary(self) -> str:
        """One line for the message bar: what happened to the people around them."""
        parts = [f"Deleted {self.name}"]
        if self.report_names:
            where = f"now report to {self.new_manager}" if self.new_manager else "are now roots"
            parts.append(f"{', '.join(self.report_names)} {where}")
        if self.dotted_names:
            parts.append(f"dotted lines cleared for {', '.join(self.dotted_names)}")
        if self.seat_names:
            parts.append(f"vacant again: {', '.join(self.seat_names)}")
        return "; ".join(parts)


def _all_columns(record: SQLModel) -> dict[str, Any]:
    table = record.__table__  # type: ignore[attr-defined]
    return {column.name: getattr(record, column.name) for column in table.columns}


def direct_reports(contact_id: int, *, session: Session) -> list[Contact]:
    """The contacts whose solid line goes to ``contact_id``, by name."""
    statement = (
        select(Contact)
        .where(Contact.reports_to_id == contact_id)
        .order_by(by_code_point(Contact.name), Contact.id)
    )
    return list(session.exec(statement))


def delete_contact(
    contact_id: int,
    *,
    expected_version: int | None,
    reports: ReportsChoice = ReportsChoice.ROOTS,
    session: Session,
    user: str,
) -> DeletedContact:
    """Delete a contact, deciding explicitly for everyone linked to them.

    Direct reports (and seats reporting to them) go to the contact's manager or
    become roots, as ``reports`` says; dotted lines to them are cleared; seats they
    held become vacant; their relationships are deleted. Each of these is written
    with its own history entry, so nothing changes silently by a foreign key.

    Raises:
        StalePeopleRecordError: someone saved the contact since ``expected_version``.
        PersonNotFoundError: no such contact.
    """
    contact = _checked(Contact, contact_id, expected_version, session=session)
    new_manager_id = contact.reports_to_id if reports is ReportsChoice.TO_MANAGER else None
    deleted = DeletedContact(contact_id, contact.account_id, contact.name, _all_columns(contact))
    if new_manager_id is not None:
        manager = session.get(Contact, new_manager_id)
        deleted.new_manager = manager.name if manager else None
    for report in direct_reports(contact_id, session=session):
        assert report.id is not None
        deleted.reports[report.id] = new_manager_id
        deleted.report_names.append(report.name)
        _update(report, {"reports_to_id": new_manager_id}, session=session, user=user)
    for other in session.exec(
        select(Contact)
        .where(Contact.dotted_line_to_id == contact_id)
        .order_by(by_code_point(Contact.name), Contact.id)
    ).all():
        assert other.id is not None
        deleted.dotted.append(other.id)
        deleted.dotted_names.append(other.name)
        _update(other, {"dotted_line_to_id": None}, session=session, user=user)
    for seat in session.exec(select(Seat).where(Seat.reports_to_id == contact_id)).all():
        assert seat.id is not None
        deleted.seat_reports[seat.id] = new_manager_id
        _update(seat, {"reports_to_id": new_manager_id}, session=session, user=user)
    for seat in _seats_held_by(contact_id, session=session):
        assert seat.id is not None
        deleted.seats_vacated.append(seat.id)
        deleted.seat_names.append(seat.role_title)
        _update(seat, {"contact_id": None}, session=session, user=user)
    for item in session.exec(
        select(ActivityPlanItem).where(ActivityPlanItem.their_owner_id == contact_id)
    ).all():
        assert item.id is not None
        deleted.plan_items.append(item.id)
        _update(item, {"their_owner_id": None}, session=session, user=user)
    touching = sa.or_(
        Relationship.source_contact_id == contact_id, Relationship.target_contact_id == contact_id
    )
    for relationship in session.exec(select(Relationship).where(touching)).all():
        deleted.relationships.append(_all_columns(relationship))
        _delete(relationship, session=session, user=user)
    same_person = sa.or_(
        ContactIdentity.contact_id == contact_id, ContactIdentity.same_as_contact_id == contact_id
    )
    for identity in session.exec(select(ContactIdentity).where(same_person)).all():
        deleted.identities.append(_all_columns(identity))
        session.delete(identity)
    _delete(contact, session=session, user=user)
    return deleted


def _restored_id(model: type[SQLModel], record_id: int, *, session: Session) -> int | None:
    """The old id if it is free again; ``None`` lets the database pick a new one."""
    return record_id if session.get(model, record_id) is None else None


def restore_contact(deleted: DeletedContact, *, session: Session, user: str) -> Contact:
    """Undo :func:`delete_contact`: the contact, its relationships and the lines around it.

    The contact keeps its id unless a new record took it meanwhile. Reports go
    back to it only where nobody has moved them since; links to people deleted
    since are skipped.

    Raises:
        PersonNotFoundError: the account is gone.
    """
    _live_account(deleted.account_id, session=session)
    columns = dict(deleted.columns)
    columns["id"] = _restored_id(Contact, deleted.contact_id, session=session)
    columns["version"] = (columns.get("version") or 0) + 1
    for key in ("reports_to_id", "dotted_line_to_id"):
        if columns[key] is not None and session.get(Contact, columns[key]) is None:
            columns[key] = None
    contact = _insert(Contact(**columns), session=session, user=user)
    new_id = contact.id
    assert new_id is not None
    for report_id, manager_now in deleted.reports.items():
        report = session.get(Contact, report_id)
        if report is not None and report.reports_to_id == manager_now:
            _update(report, {"reports_to_id": new_id}, session=session, user=user)
    for other_id in deleted.dotted:
        other = session.get(Contact, other_id)
        if other is not None and other.dotted_line_to_id is None:
            _update(other, {"dotted_line_to_id": new_id}, session=session, user=user)
    for seat_id, manager_now in deleted.seat_reports.items():
        seat = session.get(Seat, seat_id)
        if seat is not None and seat.reports_to_id == manager_now:
            _update(seat, {"reports_to_id": new_id}, session=session, user=user)
    for seat_id in deleted.seats_vacated:
        seat = session.get(Seat, seat_id)
        if seat is not None and seat.contact_id is None:
            _update(seat, {"contact_id": new_id}, session=session, user=user)
    for item_id in deleted.plan_items:
        item = session.get(ActivityPlanItem, item_id)
        if item is not None and item.their_owner_id is None:
            _update(item, {"their_owner_id": new_id}, session=session, user=user)
    remap = {deleted.contact_id: new_id}
    for values in deleted.relationships:
        _restore_relationship(values, remap, session=session, user=user)
    for values in deleted.identities:
        restored = dict(values)
        for key in ("contact_id", "same_as_contact_id"):
            restored[key] = remap.get(restored[key], restored[key])
        if all(session.get(Contact, restored[k]) for k in ("contact_id", "same_as_contact_id")):
            restored["id"] = _restored_id(ContactIdentity, values["id"], session=session)
            session.add(ContactIdentity(**restored))
    session.flush()
    return contact


def _restore_relationship(
    values: Mapping[str, Any], remap: Mapping[int, int], *, session: Session, user: str
) -> None:
    restored = dict(values)
    for key in ("source_contact_id", "target_contact_id"):
        if restored[key] is not None:
            restored[key] = remap.get(restored[key], restored[key])
    references = (
        (Contact, restored["source_contact_id"]),
        (Contact, restored["target_contact_id"]),
        (Partner, restored["source_partner_id"]),
        (TeamMember, restored["source_member_id"]),
    )
    if any(rid is not None and session.get(m, rid) is None for m, rid in references):
        return  # the other end was deleted since: nothing to restore it to
    restored["id"] = _restored_id(Relationship, values["id"], session=session)
    restored["version"] = (restored.get("version") or 0) + 1
    _insert(Relationship(**restored), session=session, user=user)


# --- relationships ------------------------------------------------------------------


def _check_relationship(
    relationship: Relationship, values: Mapping[str, Any], *, session: Session
) -> None:
    """One source of the right kind, people of the same account, strength 1-5."""
    assert relationship.account_id is not None
    account_id = relationship.account_id
    sources = [
        column
        for column in ("source_member_id", "source_contact_id", "source_partner_id")
        if getattr(relationship, column) is not None
    ]
    if len(sources) != 1:
        raise PeopleRuleError("From: a relationship has exactly one source")
    kind = RelationshipKind(relationship.kind)
    if sources[0] == "source_member_id" and kind is not RelationshipKind.ENGAGEMENT:
        raise PeopleRuleError("Type: one of our team members can only engage a contact")
    if sources[0] != "source_member_id" and kind is RelationshipKind.ENGAGEMENT:
        raise PeopleRuleError("Type: only our team members engage; contacts know or influence")
    if sources[0] == "source_partner_id" and kind is not RelationshipKind.INFLUENCES:
        raise PeopleRuleError("Type: a partner can only influence a contact")
    if not isinstance(relationship.strength, int) or not 1 <= relationship.strength <= 5:
        raise PeopleRuleError(
            f"Strength: {relationship.strength!r} is not a whole number from 1 to 5"
        )
    target = _contact_of(account_id, relationship.target_contact_id, "To", session=session)
    if relationship.source_contact_id is not None:
        source = _contact_of(account_id, relationship.source_contact_id, "From", session=session)
        if source.id == target.id:
            raise PeopleRuleError(f"To: {target.name!r} cannot have a relationship with themselves")
    if relationship.source_partner_id is not None:
        partner = session.get(Partner, relationship.source_partner_id)
        if partner is None or partner.account_id != account_id:
            raise PeopleRuleError("From: the partner is not on this account")
    _check_member(relationship.source_member_id, "From", session=session)


def get_relationship(relationship_id: int, *, session: Session) -> Relationship:
    """The relationship to edit.

    Raises:
        PersonNotFoundError: no such relationship.
    """
    return _get(Relationship, relationship_id, session=session)


def create_relationship(
    account_id: int, values: Mapping[str, Any], *, session: Session, user: str
) -> Relationship:
    """A new edge of the stakeholder graph on a live account.

    Raises:
        PeopleRuleError: a wrong source for the kind, people of another account,
            a contact related to themselves, or a strength outside 1-5.
    """
    return _create(
        Relationship, account_id, values, check=_check_relationship, session=session, user=user
    )


def update_relationship(
    relationship_id: int,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    session: Session,
    user: str,
) -> Relationship:
    """Write the given columns if the relationship is still at ``expected_version``.

    Raises:
        StalePeopleRecordError, PersonNotFoundError, PeopleRuleError.
    """
    return _edit(
        Relationship,
        relationship_id,
        values,
        expected_version=expected_version,
        check=_check_relationship,
        session=session,
        user=user,
    )


def delete_relationship(
    relationship_id: int, *, expected_version: int | None, session: Session, user: str
) -> None:
    """Delete a relationship; the history keeps its values.

    Raises:
        StalePeopleRecordError, PersonNotFoundError.
    """
    relationship = _checked(Relationship, relationship_id, expected_version, session=session)
    _delete(relationship, session=session, user=user)


# --- partners -------------------------------------------------------------------------


def _check_partner(partner: Partner, values: Mapping[str, Any], *, session: Session) -> None:
    """Only the influence asked for: a partner's other columns need no rule."""
    value = values.get("influence")
    if value is not None and (not isinstance(value, int) or not 1 <= value <= 5):
        raise PeopleRuleError(f"Influence: {value!r} is not a whole number from 1 to 5")


def get_partner(partner_id: int, *, session: Session) -> Partner:
    """The partner to edit.

    Raises:
        PersonNotFoundError: no such partner.
    """
    return _get(Partner, partner_id, session=session)


def create_partner(
    account_id: int, values: Mapping[str, Any], *, session: Session, user: str
) -> Partner:
    """A third party on the account (a systems integrator, a reseller…).

    Raises:
        PeopleRuleError: no name, or influence outside 1-5.
    """
    return _create(
        Partner,
        account_id,
        values,
        required=("name", "Name"),
        check=_check_partner,
        session=session,
        user=user,
    )


def update_partner(
    partner_id: int,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    session: Session,
    user: str,
) -> Partner:
    """Write the given columns if the partner is still at ``expected_version``."""
    return _edit(
        Partner,
        partner_id,
        values,
        expected_version=expected_version,
        required=("name", "Name"),
        check=_check_partner,
        session=session,
        user=user,
    )


def delete_partner(
    partner_id: int, *, expected_version: int | None, session: Session, user: str
) -> int:
    """Delete a partner and whom it influenced; returns how many relationships went too."""
    partner = _checked(Partner, partner_id, expected_version, session=session)
    relationships = session.exec(
        select(Relationship).where(Relationship.source_partner_id == partner_id)
    ).all()
    for relationship in relationships:
        _delete(relationship, session=session, user=user)
    _delete(partner, session=session, user=user)
    return len(relationships)


def list_partners(account_id: int, *, session: Session) -> list[Partner]:
    """The account's partners, by name."""
    statement = (
        select(Partner)
        .where(Partner.account_id == account_id)
        .order_by(by_code_point(Partner.name), Partner.id)
    )
    return list(session.exec(statement))


# --- seats -------------------------------------------------------------------------


def _check_seat(seat: Seat, values: Mapping[str, Any], *, session: Session) -> None:
    _required_text(seat.role_title, "Role")
    if seat.reports_to_id is not None:
        _contact_of(seat.account_id, seat.reports_to_id, "Reports to", session=session)
    if seat.contact_id is None:
        return
    holder = _contact_of(seat.account_id, seat.contact_id, "Filled by", session=session)
    if holder.left_on is not None:
        raise PeopleRuleError(
            f"Filled by: {holder.name!r} left the account on {holder.left_on.isoformat()}"
        )
    other = session.exec(
        select(Seat).where(Seat.contact_id == seat.contact_id, Seat.id != seat.id)
    ).first()
    if other is not None:
        raise PeopleRuleError(
            f"Filled by: {holder.name!r} already fills the seat {other.role_title!r}; "
            "a person fills one seat"
        )


def get_seat(seat_id: int, *, session: Session) -> Seat:
    """The seat to edit.

    Raises:
        PersonNotFoundError: no such seat.
    """
    return _get(Seat, seat_id, session=session)


def create_seat(account_id: int, values: Mapping[str, Any], *, session: Session, user: str) -> Seat:
    """A role on the customer's side, vacant unless ``contact_id`` fills it.

    Raises:
        PeopleRuleError: no role, people of another account, a holder who left
            or who already fills another seat.
    """
    return _create(
        Seat,
        account_id,
        values,
        required=("role_title", "Role"),
        check=_check_seat,
        session=session,
        user=user,
    )


def update_seat(
    seat_id: int,
    values: Mapping[str, Any],
    *,
    expected_version: int | None,
    session: Session,
    user: str,
) -> Seat:
    """Write the given columns (``contact_id`` fills or vacates it) at ``expected_version``."""
    return _edit(
        Seat,
        seat_id,
        values,
        expected_version=expected_version,
        required=("role_title", "Role"),
        check=_check_seat,
        session=session,
        user=user,
    )


def delete_seat(seat_id: int, *, expected_version: int | None, session: Session, user: str) -> None:
    """Delete a seat (its holder stays a contact)."""
    seat = _checked(Seat, seat_id, expected_version, session=session)
    _delete(seat, session=session, user=user)


# --- reading for the People tab ----------------------------------------------------------


@dataclass(frozen=True)
class RelationshipRow:
    """One relationship as the People tab lists it, with names resolved."""

    id: int
    version: int
    kind: RelationshipKind
    source: str
    """The source's name, marked by side: "(us)" or "(partner)" for non-contacts."""
    source_contact_id: int | None
    target: str
    target_contact_id: int
    strength: int
    last_touch_at: datetime | None

    def involves(self, contact_id: int) -> bool:
        return contact_id in (self.source_contact_id, self.target_contact_id)


def list_relationship_rows(account_id: int, *, session: Session) -> list[RelationshipRow]:
    """The account's relationships: ours first, then contacts', then partners'; by name."""
    source_contact = aliased(Contact)
    target = aliased(Contact)
    statement = (
        select(
            Relationship,
            TeamMember.name,
            source_contact.name,
            Partner.name,
            target.name,
        )
        .join(target, Relationship.target_contact_id == target.id)
        .join(TeamMember, Relationship.source_member_id == TeamMember.id, isouter=True)
        .join(source_contact, Relationship.source_contact_id == source_contact.id, isouter=True)
        .join(Partner, Relationship.source_partner_id == Partner.id, isouter=True)
        .where(target.account_id == account_id)
    )
    rows: list[tuple[int, RelationshipRow]] = []
    for relationship, member, contact, partner, target_name in session.exec(statement):
        if member is not None:
            order, source = 0, f"{member} (us)"
        elif partner is not None:
            order, source = 2, f"{partner} (partner)"
        else:
            order, source = 1, contact or ""
        assert relationship.id is not None
        row = RelationshipRow(
            relationship.id,
            relationship.version,
            RelationshipKind(relationship.kind),
            source,
            relationship.source_contact_id,
            target_name,
            relationship.target_contact_id,
            relationship.strength,
            relationship.last_touch_at,
        )
        rows.append((order, row))
    rows.sort(key=lambda item: (item[0], item[1].source.casefold(), item[1].target.casefold()))
    return [row for _, row in rows]


@dataclass(frozen=True)
class SeatRow:
    """One seat as the People tab lists it."""

    id: int
    version: int
    role_title: str
    buying_role: BuyingRole | None
    reports_to: str | None
    holder: str | None
    """The contact filling it; ``None`` for a vacant seat."""
    contact_id: int | None

    @property
    def vacant(self) -> bool:
        return self.contact_id is None


def list_seat_rows(account_id: int, *, session: Session) -> list[SeatRow]:
    """The account's seats by role, with the manager and holder named."""
    manager = aliased(Contact)
    holder = aliased(Contact)
    statement = (
        select(
            Seat.id,
            Seat.version,
            Seat.role_title,
            Seat.buying_role,
            manager.name,
            holder.name,
            Seat.contact_id,
        )
        .join(manager, Seat.reports_to_id == manager.id, isouter=True)
        .join(holder, Seat.contact_id == holder.id, isouter=True)
        .where(Seat.account_id == account_id)
        .order_by(by_code_point(Seat.role_title), Seat.id)
    )
    return [SeatRow(*row) for row in session.exec(statement)]


@dataclass(frozen=True)
class PeopleLookups:
    """Names a people form resolves against, and the lines the cycle check needs."""

    contacts: dict[int, str]
    members: dict[int, str]
    partners: dict[int, str]
    lines: dict[int, tuple[int | None, int | None]]
    left: dict[int, date]
    """Contacts who left the account, and when."""


def people_lookups(account_id: int, *, session: Session) -> PeopleLookups:
    """The account's contacts and partners, our active team, and the reporting lines."""
    members = session.exec(
        select(TeamMember.id, TeamMember.name)
        .where(col(TeamMember.active).is_(True))
        .order_by(by_code_point(TeamMember.name), TeamMember.id)
    )
    left = session.exec(
        select(Contact.id, Contact.left_on).where(
            Contact.account_id == account_id, col(Contact.left_on).is_not(None)
        )
    )
    return PeopleLookups(
        contacts=contact_names(account_id, session=session),
        members={mid: name for mid, name in members if mid is not None},
        partners={p.id: p.name for p in list_partners(account_id, session=session) if p.id},
        lines=reporting_lines(account_id, session=session),
        left={cid: day for cid, day in left if cid is not None and day is not None},
    )
