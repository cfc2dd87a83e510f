"""Reverting one recorded change, itself recorded as a change that points back at it.

An entry of the change log is one of three shapes, and its revert is the reverse:

* a field changed (update, restore, revert of an update): the field gets the entry's
  old value back, but only if it still holds the entry's new value. If someone
  changed it since, :func:`revert_change` refuses with :class:`RevertConflictError`
  (showing what is stored now) until the caller passes that value back as
  ``accept_current``: the person saw it and still wants it replaced.
* a record deleted: the record comes back with the values the entry kept (accounts
  are un-deleted; other records are inserted again, under their old id if free).
* a record created: the record is deleted (accounts softly, so that can be undone).

Writes go through the stores (:mod:`account_store`, :mod:`people_store`), so their
rules (unique names, no reporting cycles, one seat per person) still hold; tables
without a store of their own (plan items, next actions, notes) are written here with
the same history calls. Every change-log entry the revert writes gets the action
``revert`` and ``reverts_id`` = the reverted entry, whichever store wrote it.

Like the stores, the functions take a keyword-only ``session``, flush and never
commit: the caller commits the revert as one transaction (or rolls back on error).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, func, select

from acctmap_tui.data.history import (
    record_created,
    record_deleted,
    record_updated,
    record_values,
    to_json_value,
)
from acctmap_tui.data.history_queries import (
    EMPTY_VALUE,
    DescribedChange,
    decode_record,
    decode_value,
    describe_changes,
    describe_value,
    load_history,
    model_for,
    name_lookups,
)
from acctmap_tui.data.models import Account, ChangeLogEntry
from acctmap_tui.domain.vocabulary import ChangeAction
from acctmap_tui.errors import AcctmapError

_PEOPLE_TABLES = frozenset({"contact", "relationship", "partner", "seat"})


class RevertKind(StrEnum):
    """What reverting an entry does."""

    SET_FIELD = "set_field"
    """The field gets the entry's old value back."""
    RESTORE = "restore"
    """The deleted record comes back."""
    REMOVE = "remove"
    """The created record is deleted."""


class RevertError(AcctmapError):
    """This entry cannot be reverted (or not now); the text says why and what to do."""


@dataclass(frozen=True)
class RevertPreview:
    """What reverting an entry would do, in words, before anything is written."""

    entry_id: int
    kind: RevertKind
    change: DescribedChange
    """The entry in words (record, field, old and new value)."""
    current: str | None = None
    """For a field: what is stored now, in words."""
    current_json: str | None = None
    """For a field: what is stored now, as JSON text (give it back as ``accept_current``)."""
    changed_since: bool = False
    """The field no longer holds the entry's new value: someone changed it since."""
    problem: str | None = None
    """Why the entry cannot be reverted; ``None`` when it can."""
    notes: tuple[str, ...] = ()
    """What else the revert does or does not do (e.g. a contact's reports stay put)."""

    @property
    def can_revert(self) -> bool:
        return self.problem is None

    @property
    def question(self) -> str:
        """The confirmation to ask, saying what will change (and what was changed since)."""
        change = self.change
        line = change.line
        by = f"entry #{line.id} by {line.user} on {line.at.astimezone():%Y-%m-%d %H:%M}"
        if self.kind is RevertKind.SET_FIELD:
            what = f"{change.field} of {change.record}"
            if self.changed_since:
                text = (
                    f"{what} was changed again after {by}: it is now {_quoted(self.current)}, "
                    f"not {_quoted(change.new)}. Set it back to {_quoted(change.old)} anyway, "
                    f"replacing {_quoted(self.current)}?"
                )
            else:
                text = (
                    f"Set {what} back from {_quoted(change.new)} to {_quoted(change.old)} "
                    f"(undoing {by})?"
                )
        elif self.kind is RevertKind.RESTORE and change.is_record_change:
            text = f"Restore {change.record}, deleted in {by}? It comes back as: {change.old}"
        elif self.kind is RevertKind.RESTORE:
            text = f"Restore {change.record} (undoing {by})?"
        elif change.is_record_change:
            text = f"Delete {change.record}, created in {by}?"
        else:
            text = f"Delete {change.record} again (undoing its restore in {by})?"
        return " ".join([text, *self.notes])


class RevertConflictError(RevertError):
    """The field changed since the entry; nothing was written. Ask again, showing ``preview``."""

    def __init__(self, preview: RevertPreview) -> None:
        self.preview = preview
        change = preview.change
        super().__init__(
            f"{change.field} of {change.record} was changed since entry #{preview.entry_id}: "
            f"it is now {_quoted(preview.current)}, not {_quoted(change.new)}; nothing was changed"
        )


@dataclass
class RevertResult:
    """What a revert wrote."""

    entry_id: int
    kind: RevertKind
    summary: str
    """One line for the message bar: "Stage of Account set back to 'Proposal'"."""
    new_entry_ids: list[int] = field(default_factory=list)
    """The change-log entries the revert wrote (each with ``reverts_id`` = ``entry_id``)."""


def _quoted(text: str | None) -> str:
    if text is None or text == EMPTY_VALUE:
        return EMPTY_VALUE
    return f"'{' '.join(text.split())}'"


def _dump(value: Any) -> str:
    return json.dumps(to_json_value(value), sort_keys=True, ensure_ascii=False)


def _same(stored: Any, recorded: Any) -> bool:
    """Equal as values: a blank text and no value are the same; 100 equals 100.00."""

    def blank(value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    if blank(stored) or blank(recorded):
        return blank(stored) and blank(recorded)
    return bool(stored == recorded)


def _kind(entry: ChangeLogEntry) -> RevertKind:
    if entry.entity == "account" and entry.field == "deleted_at":
        # A restore (or a revert of one) recorded as a change of ``deleted_at``.
        return RevertKind.RESTORE if entry.old_value in (None, "null") else RevertKind.REMOVE
    if entry.field is not None:
        return RevertKind.SET_FIELD
    return RevertKind.RESTORE if entry.new_value is None else RevertKind.REMOVE


def _primary_key(model: type[SQLModel], entity_id: str) -> int | None:
    """The record's key as the model takes it; ``None`` for keys of several columns."""
    columns = list(model.__table__.primary_key.columns)  # type: ignore[attr-defined]
    if len(columns) != 1 or not entity_id.isdigit():
        return None
    return int(entity_id)


def _get_entry(entry_id: int, *, session: Session) -> ChangeLogEntry:
    entry = session.get(ChangeLogEntry, entry_id)
    if entry is None:
        raise RevertError(
            f"History entry #{entry_id} does not exist; `acctmap history` lists the entries"
        )
    return entry


def _described(entry: ChangeLogEntry, *, session: Session) -> DescribedChange:
    lines = load_history(session=session, record=(entry.entity, entry.entity_id))
    names = name_lookups(entry.account_id, session=session)
    return next(c for c in describe_changes(lines, names, session=session) if c.line.id == entry.id)


def _live_account_problem(entry: ChangeLogEntry, *, session: Session) -> str | None:
    if entry.entity == "account" or entry.account_id is None:
        return None
    account = session.get(Account, entry.account_id)
    if account is None:
        return "its account no longer exists"
    if account.deleted_at is not None:
        return f"the account {account.name!r} is deleted: restore it first"
    return None


def _stored(entry: ChangeLogEntry, *, session: Session) -> tuple[type[SQLModel], Any]:
    """The entry's model and the record as stored now (``None`` if it is gone)."""
    model = model_for(entry.entity)
    if model is None:
        raise RevertError(
            f"entry #{entry.id} is about {entry.entity!r}, which acctmap no longer has"
        )
    key = _primary_key(model, entry.entity_id)
    if key is None:
        raise RevertError(
            f"entry #{entry.id} cannot be reverted: {entry.entity} records are not reverted "
            "one by one (change them in the app)"
        )
    return model, session.get(model, key, populate_existing=True)


def preview_revert(entry_id: int, *, session: Session) -> RevertPreview:
    """What reverting the entry would do, with ``problem`` set if it cannot be done now.

    Raises:
        RevertError: there is no such entry.
    """
    entry = _get_entry(entry_id, session=session)
    kind = _kind(entry)
    change = _described(entry, session=session)
    preview = RevertPreview(entry_id, kind, change)
    try:
        model, record = _stored(entry, session=session)
    except RevertError as error:
        return _with(preview, problem=str(error))
    problem = _live_account_problem(entry, session=session)
    if problem is not None:
        return _with(preview, problem=f"{change.record} cannot be changed: {problem}")
    if kind is RevertKind.SET_FIELD:
        return _preview_field(preview, entry, record)
    exists = record is not None and getattr(record, "deleted_at", None) is None
    if kind is RevertKind.RESTORE and exists:
        return _with(preview, problem=f"{change.record} exists already (restored since?)")
    if kind is RevertKind.REMOVE and not exists:
        return _with(preview, problem=f"{change.record} is already deleted")
    return _with(preview, notes=_notes(entry, kind, record))


def _with(preview: RevertPreview, **changes: Any) -> RevertPreview:
    return replace(preview, **changes)


def _preview_field(preview: RevertPreview, entry: ChangeLogEntry, record: Any) -> RevertPreview:
    change = preview.change
    assert entry.field is not None
    if record is None:
        return _with(
            preview,
            problem=f"{change.record} was deleted since; revert its deletion first",
        )
    if entry.field not in record.__table__.columns:
        return _with(preview, problem=f"{entry.entity} records no longer have {entry.field!r}")
    if entry.entity == "account" and record.deleted_at is not None:
        return _with(preview, problem="the account is deleted: restore it first")
    current = getattr(record, entry.field)
    names = name_lookups(entry.account_id, session=_session_of(record))
    current_text = describe_value(entry.entity, entry.field, current, names)
    preview = _with(preview, current=current_text, current_json=_dump(current))
    if _same(current, decode_value(entry.entity, entry.field, entry.old_value)):
        return _with(
            preview,
            problem=f"{change.field} of {change.record} is already {_quoted(change.old)}; "
            "nothing to revert",
        )
    changed = not _same(current, decode_value(entry.entity, entry.field, entry.new_value))
    return _with(preview, changed_since=changed)


def _session_of(record: Any) -> Session:
    session = sa.orm.object_session(record)
    assert isinstance(session, Session)
    return session


def _notes(entry: ChangeLogEntry, kind: RevertKind, record: Any) -> tuple[str, ...]:
    if entry.entity == "account":
        if kind is RevertKind.REMOVE:
            return ("The account is deleted softly: it can be restored.",)
        return ()
    if entry.entity == "contact" and kind is RevertKind.RESTORE:
        return (
            "Their reporting lines, relationships and seats come back too, wherever "
            "nobody has changed them since.",
        )
    if entry.entity == "contact" and kind is RevertKind.REMOVE:
        return ("Their direct reports become tops of the chart; their relationships go too.",)
    if kind is RevertKind.REMOVE and record is not None and getattr(record, "version", 1) > 1:
        return ("It was changed after it was created; those changes go with it.",)
    return ()


# --- writing ----------------------------------------------------------------------------


@contextmanager
def _recorded_as_revert(session: Session, entry_id: int) -> Iterator[list[ChangeLogEntry]]:
    """Every change-log entry written inside becomes a ``revert`` of ``entry_id``.

    The stores record their writes as updates, creations and deletions; this marks
    them at flush time, so the revert is one recorded change whichever store wrote it.
    """
    session.flush()  # anything the caller had pending is not part of the revert
    written: list[ChangeLogEntry] = []
    seen: set[int] = set()

    def mark(flushing: Session, _context: Any, _instances: Any) -> None:
        for instance in flushing.new:
            if isinstance(instance, ChangeLogEntry) and id(instance) not in seen:
                instance.action = ChangeAction.REVERT
                instance.reverts_id = entry_id
                seen.add(id(instance))
                written.append(instance)

    sa.event.listen(session, "before_flush", mark)
    try:
        yield written
        session.flush()
    finally:
        sa.event.remove(session, "before_flush", mark)


def revert_change(
    entry_id: int, *, session: Session, user: str, accept_current: str | None = None
) -> RevertResult:
    """Undo one entry, recorded as new entries with ``reverts_id`` = ``entry_id``.

    ``accept_current`` is the JSON text of the value the person saw stored now
    (:attr:`RevertPreview.current_json`), given after they were told the field
    changed since the entry: the revert then replaces that value, and only that one.

    Raises:
        RevertConflictError: the field changed since the entry (and is not ``accept_current``).
        RevertError: the entry cannot be reverted now (the text says why); also the
            stores' refusals (a duplicate name, a reporting cycle) in their words.
    """
    preview = preview_revert(entry_id, session=session)
    if preview.problem is not None:
        raise RevertError(f"Cannot revert entry #{entry_id}: {preview.problem}")
    entry = _get_entry(entry_id, session=session)
    model, record = _stored(entry, session=session)
    if preview.changed_since:
        assert entry.field is not None
        seen = (
            None
            if accept_current is None
            else decode_value(entry.entity, entry.field, accept_current)
        )
        if accept_current is None or not _same(getattr(record, entry.field), seen):
            raise RevertConflictError(preview)
    write = {
        RevertKind.SET_FIELD: _set_field,
        RevertKind.RESTORE: _restore,
        RevertKind.REMOVE: _remove,
    }[preview.kind]
    try:
        with _recorded_as_revert(session, entry_id) as written:
            write(entry, model, record, session=session, user=user)
    except RevertError:
        raise
    except (AcctmapError, ValueError) as error:
        raise RevertError(f"Cannot revert entry #{entry_id}: {error}") from error
    except sa.exc.IntegrityError as error:
        reason = str(error.orig).strip().splitlines()[0]
        raise RevertError(
            f"Cannot revert entry #{entry_id}: the database refused it ({reason}); "
            "a record it points at may have been deleted"
        ) from error
    change = preview.change
    if preview.kind is RevertKind.SET_FIELD:
        summary = f"{change.field} of {change.record} set back to {_quoted(change.old)}"
    elif preview.kind is RevertKind.RESTORE:
        summary = f"Restored {change.record}"
    else:
        summary = f"Deleted {change.record}"
    return RevertResult(
        entry_id, preview.kind, summary, [e.id for e in written if e.id is not None]
    )


def _set_field(
    entry: ChangeLogEntry, model: type[SQLModel], record: Any, *, session: Session, user: str
) -> None:
    from acctmap_tui.data import account_store, people_store

    assert entry.field is not None
    value = decode_value(entry.entity, entry.field, entry.old_value)
    values = {entry.field: value}
    if entry.entity == "account" and entry.field in account_store.EDITABLE_COLUMNS:
        account_store.update_account(
            record.id, values, expected_version=record.version, session=session, user=user
        )
    elif entry.entity in _PEOPLE_TABLES:
        update = getattr(people_store, f"update_{entry.entity}")
        update(record.id, values, expected_version=record.version, session=session, user=user)
    else:
        before = record_values(record)
        setattr(record, entry.field, value)
        session.add(record)
        session.flush()
        record_updated(session, record, before, user=user)


def _restore(
    entry: ChangeLogEntry, model: type[SQLModel], record: Any, *, session: Session, user: str
) -> None:
    from acctmap_tui.data import account_store, people_store

    if entry.entity == "account":
        account_store.restore_account(int(entry.entity_id), session=session, user=user)
        return
    values = decode_record(entry.entity, entry.old_value)
    record_id = int(entry.entity_id)
    version = _next_version(entry, session=session)
    if entry.entity == "contact":
        from acctmap_tui.data.contact_deletion_log import deleted_contact_from_log

        columns = {**values, "id": record_id, "version": version - 1}
        deleted = deleted_contact_from_log(entry, columns, session=session)
        people_store.restore_contact(deleted, session=session, user=user)
        return
    columns = set(model.__table__.columns.keys())  # type: ignore[attr-defined]
    restored: dict[str, Any] = {k: v for k, v in values.items() if k in columns}
    pk = next(iter(model.__table__.primary_key.columns)).name  # type: ignore[attr-defined]
    restored[pk] = record_id
    if "version" in columns:
        restored["version"] = version
    created = model(**restored)
    session.add(created)
    session.flush()
    record_created(session, created, user=user)


def _next_version(entry: ChangeLogEntry, *, session: Session) -> int:
    """A version above any the record had: one per entry it ever got is more than enough.

    A restored record must not match a version an editor read before the deletion,
    or that editor's save would go through without a conflict check.
    """
    entries = session.exec(
        select(func.count())
        .select_from(ChangeLogEntry)
        .where(
            col(ChangeLogEntry.entity) == entry.entity,
            col(ChangeLogEntry.entity_id) == entry.entity_id,
        )
    ).one()
    return int(entries) + 1


def _remove(
    entry: ChangeLogEntry, model: type[SQLModel], record: Any, *, session: Session, user: str
) -> None:
    from acctmap_tui.data import account_store, people_store

    if entry.entity == "account":
        account_store.delete_account(record.id, session=session, user=user)
    elif entry.entity == "contact":
        people_store.delete_contact(
            record.id,
            expected_version=record.version,
            reports=people_store.ReportsChoice.ROOTS,
            session=session,
            user=user,
        )
    elif entry.entity == "partner":
        people_store.delete_partner(
            record.id, expected_version=record.version, session=session, user=user
        )
    elif entry.entity in ("relationship", "seat"):
        delete = getattr(people_store, f"delete_{entry.entity}")
        delete(record.id, expected_version=record.version, session=session, user=user)
    else:
        record_deleted(session, record, user=user)
        session.delete(record)
        session.flush()
