"""What deleting a contact changed around them, read back from the change log.

:func:`~acctmap_tui.data.people_store.delete_contact` writes one entry per thing it
changes (a report's line, a seat made vacant, a relationship deleted) and the
contact's own deletion last, all in one transaction by one user. Reverting that
deletion from the history should bring all of it back, as ``u`` does in the session
that deleted them; this module finds those entries again: the same user's, written
just before the deletion entry, whose old value points at the contact.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from acctmap_tui.data.history_queries import decode_record, decode_value
from acctmap_tui.data.models import ChangeLogEntry, Relationship
from acctmap_tui.data.people_store import DeletedContact
from acctmap_tui.domain.vocabulary import ChangeAction

SAME_DELETION = timedelta(seconds=30)
"""How far before the contact's deletion entry its transaction's other entries can be.
One delete writes them within milliseconds; the margin covers a slow, locked disk."""

_LOOK_BACK = 2000
"""Entries read back at most: far more than one contact's lines and relationships."""


def deleted_contact_from_log(
    entry: ChangeLogEntry, columns: dict[str, Any], *, session: Session
) -> DeletedContact:
    """The :class:`DeletedContact` that ``entry`` (a contact's deletion) recorded.

    ``columns`` are the contact's columns as the entry kept them, with the id and the
    version the restored record should have.
    """
    contact_id = int(entry.entity_id)
    deleted = DeletedContact(
        contact_id=contact_id,
        account_id=columns["account_id"],
        name=columns.get("name", ""),
        columns=columns,
    )
    assert entry.id is not None
    earlier = session.exec(
        select(ChangeLogEntry)
        .where(
            col(ChangeLogEntry.id) < entry.id,
            col(ChangeLogEntry.user) == entry.user,
            col(ChangeLogEntry.at) >= entry.at - SAME_DELETION,
            col(ChangeLogEntry.reverts_id).is_(None),
        )
        .order_by(col(ChangeLogEntry.id).desc())
        .limit(_LOOK_BACK)
    ).all()
    for earlier_entry in earlier:
        if _same_contact_deleted_before(earlier_entry, contact_id):
            break  # an earlier deletion of the same contact: its entries are not ours
        _collect(earlier_entry, contact_id, deleted)
    # A relationship someone already brought back (reverting its own entry) stays single.
    deleted.relationships = [
        values
        for values in deleted.relationships
        if session.get(Relationship, values["id"]) is None
    ]
    return deleted


def _same_contact_deleted_before(entry: ChangeLogEntry, contact_id: int) -> bool:
    return (
        entry.entity == "contact"
        and entry.action is ChangeAction.DELETE
        and entry.entity_id == str(contact_id)
    )


def _collect(entry: ChangeLogEntry, contact_id: int, deleted: DeletedContact) -> None:
    """Add what ``entry`` changed, if the deletion of ``contact_id`` changed it."""
    if entry.action is ChangeAction.DELETE and entry.entity == "relationship":
        record = decode_record("relationship", entry.old_value)
        if contact_id in (record.get("source_contact_id"), record.get("target_contact_id")):
            deleted.relationships.insert(0, {**record, "id": int(entry.entity_id)})
        return
    if entry.action is not ChangeAction.UPDATE or entry.field is None:
        return
    if decode_value(entry.entity, entry.field, entry.old_value) != contact_id:
        return
    record_id = int(entry.entity_id)
    now = decode_value(entry.entity, entry.field, entry.new_value)
    match entry.entity, entry.field:
        case "contact", "reports_to_id":
            deleted.reports[record_id] = now
        case "contact", "dotted_line_to_id":
            deleted.dotted.append(record_id)
        case "seat", "reports_to_id":
            deleted.seat_reports[record_id] = now
        case "seat", "contact_id":
            deleted.seats_vacated.append(record_id)
        case "activity_plan_item", "their_owner_id":
            deleted.plan_items.append(record_id)
