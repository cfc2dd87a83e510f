"""Writing a CSV import in one transaction, with its history; and what it is checked against.

:func:`run_import` reads what is stored, plans the import
(:func:`~acctmap_tui.interchange.csv_import.plan_import`) and, only when the plan has
no error and this is not a dry run, writes all of it in the same session and commits
once: every row lands or none does. Writes are set-based (SQLAlchemy Core inserts
and updates with lists of rows, executemany), in chunks so memory stays flat:
100,000 contacts take seconds, not minutes.

New rows get explicit ids, counted on from the largest id stored, so a contact can
name its manager (created by the same import, perhaps further down the file) in the
same insert. That is safe because the import holds the database's write lock from
before it reads what is stored until it commits (other writers wait); on a server
database the id sequences are moved past the new ids afterwards.

History, as the rest of the app writes it, but in bulk: one ``create`` entry per
created record (accounts, their key contacts and next action, contacts, new team
members) and one ``update`` entry per changed field of an updated record, whose
version is bumped. A creation entry holds the record's values that are set (an
absent column was empty): the form's entries list every column, but a CRM import
leaves most of them empty, and writing those nulls a hundred thousand times costs a
tenth of the import. Updates write only the cells that had a value and
differ from what is stored; a record with nothing new keeps its version.

Unlike the account form, an import does not store the seed's seven standard discovery
questions on each new account: the Plan tab proposes them for any account that has
none (as it does for demo accounts) and they are stored once someone saves the plan.
Seventy thousand untouched rows (and their history) for ten thousand accounts would
triple the time of an import and the size of the history.

Reports-to lines to contacts created by the same import are set right after the
inserts, once every new contact has an id (a manager may come after the report).
"""

from __future__ import annotations

import gc
import itertools
import json
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from acctmap_tui.data.db import Database, reset_id_sequences
from acctmap_tui.data.history import AUDIT_FIELDS, to_json_value
from acctmap_tui.data.models import (
    Account,
    ChangeLogEntry,
    Contact,
    NextAction,
    TeamMember,
    name_key,
)
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import ChangeAction
from acctmap_tui.interchange.csv_headers import HeaderMapping, ImportKind
from acctmap_tui.interchange.csv_import import (
    AccountRecord,
    ContactRecord,
    ExistingAccount,
    ExistingContact,
    ExistingData,
    ExistingMember,
    ImportOptions,
    ImportPlan,
    OwnerRef,
    plan_import,
)
from acctmap_tui.interchange.csv_read import CsvFile

CHUNK = 5_000
"""Records written per statement batch (and history entries built at a time)."""

ACCOUNT = Account.__table__  # type: ignore[attr-defined]
CONTACT = Contact.__table__  # type: ignore[attr-defined]
MEMBER = TeamMember.__table__  # type: ignore[attr-defined]
ACTION = NextAction.__table__  # type: ignore[attr-defined]
HISTORY = ChangeLogEntry.__table__  # type: ignore[attr-defined]
ID_TABLES = (MEMBER, ACCOUNT, CONTACT, ACTION)
"""The tables an import writes with ids of its own choosing (see ``_Writer._reserve``)."""

Progress = Callable[[str, int, int], None]
"""Called with (what is happening, done, total)."""


@dataclass
class ImportResult:
    """What a written import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    """Matched records whose stored values already equalled the file's."""
    skipped: int = 0
    members_created: int = 0
    contacts_added: int = 0
    """Key contacts created for imported accounts."""
    actions_added: int = 0


# --- what the plan is checked against --------------------------------------------------


def load_existing(kind: ImportKind, *, connection: sa.Connection) -> ExistingData:
    """Stored accounts and team (and for contact imports, every contact), lightly."""
    accounts = [
        ExistingAccount(row.id, row.name, row.source_id, row.stage, row.deleted_at is not None)
        for row in connection.execute(
            sa.select(
                ACCOUNT.c.id,
                ACCOUNT.c.name,
                ACCOUNT.c.source_id,
                ACCOUNT.c.stage,
                ACCOUNT.c.deleted_at,
            )
        )
    ]
    members = [
        ExistingMember(*row)
        for row in connection.execute(sa.select(MEMBER.c.id, MEMBER.c.name, MEMBER.c.username))
    ]
    contacts: list[ExistingContact] = []
    if kind is ImportKind.CONTACTS:
        contacts = [
            ExistingContact(*row)
            for row in connection.execute(
                sa.select(
                    CONTACT.c.id,
                    CONTACT.c.account_id,
                    CONTACT.c.name,
                    CONTACT.c.email,
                    CONTACT.c.source_id,
                    CONTACT.c.reports_to_id,
                    CONTACT.c.dotted_line_to_id,
                )
            )
        ]
    return ExistingData(accounts, members, contacts)


# --- the entry point ---------------------------------------------------------------------


def run_import(
    database: Database,
    source: CsvFile,
    mapping: HeaderMapping,
    options: ImportOptions,
    *,
    user: str,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Plan the import against what is stored and, unless a dry run, write it.

    Returns the plan and, when it was written, what was done; a plan with errors (or
    a dry run) writes nothing. A failure while writing rolls everything back.
    """

    def checking(done: int, total: int) -> None:
        if progress is not None:
            progress("Checking", done, total)

    with _no_cyclic_collection(), database.session() as session:
        connection = session.connection()
        if not dry_run:
            take_write_lock(connection)
        existing = load_existing(mapping.kind, connection=connection)
        plan = plan_import(source, mapping, existing, options, checking)
        if dry_run or not plan.ok:
            session.rollback()
            return plan, None
        with _roomy_page_cache(connection):
            result = _Writer(connection, user, progress).write(plan)
            reset_id_sequences(connection)
        session.commit()
    return plan, result


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the plan and the rows are built.

    A large import creates hundreds of thousands of objects that live until it ends
    and form no cycles; every full collection would walk them all again (a tenth of
    the time of a 100,000-contact import). Reference counting still frees the rest.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


IMPORT_CACHE_KIB = 64 * 1024
"""SQLite page cache while an import writes (the default is 2 MiB)."""


@contextmanager
def _roomy_page_cache(connection: sa.Connection) -> Iterator[None]:
    """Give SQLite a larger page cache while the import writes, then the old one back.

    With the default 2 MiB, the six indexes of 100,000 new contacts no longer fit:
    their pages are spilled to the WAL file and read back over and over. Memory only;
    durability is unchanged (the dirty pages are written at commit as before).
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(sa.exc.SQLAlchemyError):  # never hide why a write failed
            connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")


def take_write_lock(connection: sa.Connection) -> None:
    """Start the transaction with a write that changes nothing, so it holds the write lock.

    SQLite takes its lock on a transaction's first write: from here until commit no
    other process can write, so what the import reads stays true while it writes.

    PostgreSQL locks rows, not the database, so the tables the import gives ids to
    are locked against other writers (readers carry on): names it checked stay free,
    and the ids it takes from ``max(id) + 1`` cannot be handed out by the sequence to
    another client before :func:`reset_id_sequences` moves it on at the end.
    """
    if connection.dialect.name == "postgresql":
        tables = ", ".join(f'"{table.name}"' for table in ID_TABLES)
        connection.exec_driver_sql(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        return
    connection.execute(sa.update(ACCOUNT).where(sa.false()).values(id=ACCOUNT.c.id))


# --- writing -------------------------------------------------------------------------------


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _defaults(table: sa.Table, now: datetime) -> dict[str, Any]:
    """The columns with a fixed default, at that default, and the audit times: now.

    A new row starts as a copy of these; other columns are added only when a value is
    set (:func:`_uniform` fills the rest of a batch with None), so a wide table costs
    only the columns in use.
    """
    row: dict[str, Any] = {
        column.name: column.default.arg
        for column in table.columns
        if column.default is not None and column.default.is_scalar and not column.primary_key
    }
    row.update(created_at=now, updated_at=now)
    return row


def _uniform(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with the same keys (None where unset), as one executemany needs."""
    keys: set[str] = set()
    for row in rows:
        keys.update(row)
    for row in rows:
        if len(row) != len(keys):
            for key in keys.difference(row):
                row[key] = None
    return rows


def _insert_rows(connection: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """One executemany insert of ``rows``, their values bound column by column.

    The statement is SQLAlchemy's own INSERT compiled for the connected database, and
    every value goes through its column type's bind processor, as
    ``connection.execute(insert(table), rows)`` would do. That call processes every
    parameter of every row in Python (about 50 µs a row); here each column is
    processed in one pass, and a value that is the same object in every row (the
    import's time, a default, the user) once, which makes 100,000 rows several times
    faster.
    """
    if not rows:
        return
    rows = _uniform(rows)
    dialect = connection.dialect
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(rows[0]))
    order = list(compiled.positiontup or compiled.params)
    columns: list[Iterable[Any]] = []
    for key in order:
        process = table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
        values = list(map(operator.itemgetter(key), rows))
        first = values[0]
        if all(map(operator.is_, values, itertools.repeat(first))):
            value = process(first) if process is not None and first is not None else first
            columns.append(itertools.repeat(value, len(rows)))
        elif process is None:
            columns.append(values)
        else:
            columns.append([None if value is None else process(value) for value in values])
    if compiled.positiontup is not None:
        parameters: list[Any] = list(zip(*columns, strict=True))
    else:
        parameters = [
            dict(zip(order, values, strict=True)) for values in zip(*columns, strict=True)
        ]
    connection.exec_driver_sql(compiled.string, parameters)


_HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {}


def _history_columns(table: sa.Table) -> tuple[str, ...]:
    """The columns a creation entry holds: all but the audit ones (as record_values), sorted
    as the history's JSON sorts its keys."""
    if table.name not in _HISTORY_COLUMNS:
        _HISTORY_COLUMNS[table.name] = tuple(
            sorted(column.name for column in table.columns if column.name not in AUDIT_FIELDS)
        )
    return _HISTORY_COLUMNS[table.name]


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=to_json_value)
"""History's JSON (as :func:`acctmap_tui.data.history._dump` writes it): money as exact
text, dates as ISO text; enumerations are strings already."""

_SORTED_ENCODER = json.JSONEncoder(ensure_ascii=False, default=to_json_value)
"""The same, for dictionaries built with their keys in order already."""


def _dump(value: Any) -> str:
    return _ENCODER.encode(value)


_encode_sorted = _SORTED_ENCODER.encode
""":data:`_SORTED_ENCODER`'s ``encode`` for the many creation entries."""


class _Writer:
    """Writes one plan on one connection that holds the write lock; never commits."""

    def __init__(self, connection: sa.Connection, user: str, progress: Progress | None) -> None:
        self.connection = connection
        self.user = user
        self.progress = progress
        self.now = utc_now()
        self.result = ImportResult()
        self.member_ids: dict[str, int] = {}
        self.next_ids: dict[str, int] = {}
        self.defaults: dict[str, dict[str, Any]] = {}
        self.first_contact_id = 0
        """The id of the first contact this import creates; the n-th gets this + n."""

    def _blank(self, table: sa.Table) -> dict[str, Any]:
        """A new row of ``table``: its defaults, stamped with this import's time."""
        if table.name not in self.defaults:
            self.defaults[table.name] = _defaults(table, self.now)
        return self.defaults[table.name].copy()

    def _report(self, what: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(what, done, total)

    def write(self, plan: ImportPlan) -> ImportResult:
        self.result.skipped = len(plan.skips)
        self._members(plan.new_members)
        if plan.kind is ImportKind.ACCOUNTS:
            self._create_accounts(plan.creates)
            self._update_accounts(plan.updates)
        else:
            self._create_contacts(plan.creates)
            self._update_contacts(plan.updates)
        return self.result

    # --- shared ----------------------------------------------------------------------------

    def _reserve(self, table: sa.Table, count: int) -> int:
        """The first of ``count`` new ids for ``table`` (the write lock is held)."""
        if table.name not in self.next_ids:
            largest = self.connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
            self.next_ids[table.name] = (largest or 0) + 1
        first = self.next_ids[table.name]
        self.next_ids[table.name] += count
        return first

    def _insert(self, table: sa.Table, rows: list[dict[str, Any]]) -> list[int]:
        """Insert ``rows`` with new ids (set on the rows too); the ids, in order."""
        if not rows:
            return []
        first = self._reserve(table, len(rows))
        for offset, row in enumerate(rows):
            row["id"] = first + offset
        _insert_rows(self.connection, table, rows)
        return [row["id"] for row in rows]

    def _created(self, table: sa.Table, rows: Iterable[dict[str, Any]]) -> None:
        """One history entry per new record, holding the values it was created with."""
        columns = _history_columns(table)
        wanted = frozenset(columns)
        # Rows of one import mostly share their keys: the history's columns among them,
        # sorted as the encoder writes them, are worked out once per set of keys.
        present: dict[tuple[str, ...], list[str]] = {}
        encode = _encode_sorted
        entity = str(table.name)  # plain text: the driver adapts a str subclass row by row
        entries = []
        for row in rows:
            keys = tuple(row)
            in_row = present.get(keys)
            if in_row is None:
                in_row = present[keys] = sorted(wanted.intersection(keys))
            values = {column: value for column in in_row if (value := row[column]) is not None}
            account_id = row["id"] if table is ACCOUNT else row.get("account_id")
            entries.append(
                self._entry(ChangeAction.CREATE, entity, row["id"], account_id, encode(values))
            )
        if entries:
            _insert_rows(self.connection, HISTORY, entries)

    def _entry(
        self,
        action: ChangeAction,
        entity: str,
        record_id: int,
        account_id: int | None,
        new_value: str | None,
        *,
        field: str | None = None,
        old_value: str | None = None,
    ) -> dict[str, Any]:
        return {
            "at": self.now,
            "user": self.user,
            "action": action,
            "entity": entity,
            "entity_id": str(record_id),
            "account_id": account_id,
            "field": field,
            "old_value": old_value,
            "new_value": new_value,
            "reverts_id": None,
        }

    def _members(self, new_members: Mapping[str, str]) -> None:
        rows = []
        for name in new_members.values():
            row = self._blank(MEMBER)
            row["name"] = name
            rows.append(row)
        self._insert(MEMBER, rows)
        self._created(MEMBER, rows)
        self.member_ids = {name_key(row["name"]): row["id"] for row in rows}
        self.result.members_created = len(rows)

    def _owner_id(self, owner: OwnerRef | None) -> int | None:
        if owner is None:
            return None
        return owner if isinstance(owner, int) else self.member_ids[owner]

    def _stored(self, table: sa.Table, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The stored rows with these ids, by id."""
        rows: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(ids, 500):
            statement = sa.select(table).where(table.c.id.in_(chunk))
            for row in self.connection.execute(statement).mappings():
                rows[row["id"]] = dict(row)
        return rows

    @staticmethod
    def _changes(
        record: AccountRecord | ContactRecord,
        stored: Mapping[str, Any],
        values: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The columns whose new value differs from the stored one (extra merged)."""
        changed = {k: v for k, v in values.items() if stored[k] != v}
        if record.extra:
            merged = {**(stored["extra"] or {}), **record.extra}
            if merged != stored["extra"]:
                changed["extra"] = merged
        return changed

    def _update(
        self,
        table: sa.Table,
        stored: Mapping[int, Mapping[str, Any]],
        changes: Mapping[int, dict[str, Any]],
    ) -> None:
        """Write changed columns (grouped by which change), bump versions, log each field."""
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        entries = []
        for record_id, changed in changes.items():
            before = stored[record_id]
            groups[tuple(sorted(changed))].append(
                {"record_id": record_id, **{f"new_{k}": v for k, v in changed.items()}}
            )
            account_id = record_id if table is ACCOUNT else before["account_id"]
            entries += [
                self._entry(
                    ChangeAction.UPDATE,
                    str(table.name),
                    record_id,
                    account_id,
                    _dump(value),
                    field=column,
                    old_value=_dump(before[column]),
                )
                for column, value in changed.items()
                if column not in AUDIT_FIELDS
            ]
        for columns, rows in groups.items():
            statement = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("record_id"))
                .values(
                    {
                        **{column: sa.bindparam(f"new_{column}") for column in columns},
                        "version": table.c.version + 1,
                        "updated_at": self.now,
                    }
                )
            )
            for chunk in _chunks(rows):
                self.connection.execute(statement, list(chunk))
        for chunk in _chunks(entries):
            _insert_rows(self.connection, HISTORY, list(chunk))

    # --- accounts ----------------------------------------------------------------------------

    def _account_row(self, record: AccountRecord) -> dict[str, Any]:
        row = self._blank(ACCOUNT)
        row.update(record.values)
        row.update(name=record.name, name_key=name_key(record.name))
        if record.owner is not None:
            row["owner_id"] = self._owner_id(record.owner)
        if record.extra:
            row["extra"] = dict(sorted(record.extra.items()))  # as JSON text stores it
        return row

    def _create_accounts(self, records: Sequence[AccountRecord]) -> None:
        for done, chunk in enumerate(_chunks(records), start=1):
            rows = [self._account_row(record) for record in chunk]
            ids = self._insert(ACCOUNT, rows)
            self._created(ACCOUNT, rows)
            self._key_contacts([(i, r.key_contacts) for i, r in zip(ids, chunk, strict=True)])
            self._actions(list(zip(ids, chunk, strict=True)))
            self.result.created += len(chunk)
            self._report("Writing accounts", min(done * CHUNK, len(records)), len(records))

    def _key_contacts(self, wanted: Sequence[tuple[int, list[tuple[str, str | None]]]]) -> None:
        rows = []
        for account_id, people in wanted:
            for name, title in people:
                row = self._blank(CONTACT)
                row.update(account_id=account_id, name=name, title=title)
                rows.append(row)
        self._insert(CONTACT, rows)
        self._created(CONTACT, rows)
        self.result.contacts_added += len(rows)

    def _actions(self, accounts: Sequence[tuple[int, AccountRecord]]) -> None:
        rows = []
        for account_id, record in accounts:
            if record.next_action:
                row = self._blank(ACTION)
                row.update(
                    account_id=account_id,
                    description=record.next_action,
                    due_on=record.next_action_due,
                    owner_id=self._owner_id(record.owner),
                )
                rows.append(row)
        self._insert(ACTION, rows)
        self._created(ACTION, rows)
        self.result.actions_added += len(rows)

    def _update_accounts(self, records: Sequence[AccountRecord]) -> None:
        if not records:
            return
        stored = self._stored(ACCOUNT, [r.account_id for r in records if r.account_id])
        changes: dict[int, dict[str, Any]] = {}
        for record in records:
            assert record.account_id is not None
            values = {**record.values, "name": record.name}
            if record.owner is not None:
                values["owner_id"] = self._owner_id(record.owner)
            changed = self._changes(record, stored[record.account_id], values)
            if "name" in changed:
                changed["name_key"] = name_key(record.name)
            if changed:
                changes[record.account_id] = changed
        self._update(ACCOUNT, stored, changes)
        self.result.updated += len(changes)
        self.result.unchanged += len(records) - len(changes)
        self._missing_key_contacts(records)
        self._missing_actions(records)
        self._report("Writing accounts", len(records), len(records))

    def _have(self, statement: sa.Select[Any], ids: Sequence[int]) -> set[tuple[int, str]]:
        """(account id, folded text) pairs that ``statement`` finds for these accounts."""
        found: set[tuple[int, str]] = set()
        for chunk in _chunks(ids, 500):
            rows = self.connection.execute(statement, {"ids": list(chunk)})
            found.update((account_id, name_key(text)) for account_id, text in rows)
        return found

    def _missing_key_contacts(self, records: Sequence[AccountRecord]) -> None:
        """Key contacts of updated accounts that the account does not have yet (by name)."""
        wanted = [r for r in records if r.key_contacts and r.account_id]
        statement = sa.select(CONTACT.c.account_id, CONTACT.c.name).where(
            CONTACT.c.account_id.in_(sa.bindparam("ids", expanding=True))
        )
        have = self._have(statement, [r.account_id for r in wanted if r.account_id])
        self._key_contacts(
            [
                (
                    r.account_id,
                    [p for p in r.key_contacts if (r.account_id, name_key(p[0])) not in have],
                )
                for r in wanted
                if r.account_id
            ]
        )

    def _missing_actions(self, records: Sequence[AccountRecord]) -> None:
        """Next actions of updated accounts not already open on them (by description)."""
        wanted = [r for r in records if r.next_action and r.account_id]
        statement = sa.select(ACTION.c.account_id, ACTION.c.description).where(
            ACTION.c.account_id.in_(sa.bindparam("ids", expanding=True)),
            ACTION.c.done_at.is_(None),
        )
        have = self._have(statement, [r.account_id for r in wanted if r.account_id])
        self._actions(
            [
                (r.account_id, r)
                for r in wanted
                if r.account_id and (r.account_id, name_key(r.next_action or "")) not in have
            ]
        )

    # --- contacts ----------------------------------------------------------------------------

    def _manager_id(self, node: int | None) -> int | None:
        """A stored contact's id as it is; the n-th new contact (``-n``) by its new id."""
        if node is None or node > 0:
            return node
        return self.first_contact_id + (-node - 1)

    def _contact_row(self, record: ContactRecord) -> dict[str, Any]:
        row = self._blank(CONTACT)
        row.update(record.values)
        row["account_id"] = record.account_id
        if record.owner is not None:
            row["relationship_owner_id"] = self._owner_id(record.owner)
        if record.manager is not None:
            row["reports_to_id"] = self._manager_id(record.manager)
        if record.extra:
            row["extra"] = dict(sorted(record.extra.items()))  # as JSON text stores it
        return row

    def _create_contacts(self, records: Sequence[ContactRecord]) -> None:
        # Ids are fixed first, so a report names its manager's id even when the manager
        # comes later in the file; rows go in managers first, so every reference holds.
        self.first_contact_id = self._reserve(CONTACT, len(records))
        total = len(records)
        order = _managers_first(records)
        for start in range(0, total, CHUNK):
            rows = []
            for index in order[start : start + CHUNK]:
                row = self._contact_row(records[index])
                row["id"] = self.first_contact_id + index
                rows.append(row)
            _insert_rows(self.connection, CONTACT, rows)
            self._created(CONTACT, rows)
            self._report("Writing contacts", start + len(rows), total)
        self.result.created += total

    def _update_contacts(self, records: Sequence[ContactRecord]) -> None:
        if not records:
            return
        stored = self._stored(CONTACT, [r.node for r in records])
        changes: dict[int, dict[str, Any]] = {}
        for record in records:
            values = dict(record.values)
            if record.owner is not None:
                values["relationship_owner_id"] = self._owner_id(record.owner)
            if record.manager is not None:
                values["reports_to_id"] = self._manager_id(record.manager)
            changed = self._changes(record, stored[record.node], values)
            if changed:
                changes[record.node] = changed
        self._update(CONTACT, stored, changes)
        self.result.updated += len(changes)
        self.result.unchanged += len(records) - len(changes)


def _managers_first(records: Sequence[ContactRecord]) -> list[int]:
    """Indexes of ``records`` ordered so that each new contact's new manager comes first.

    The plan has no cycles, so every chain of new managers ends; depths are found
    once each (walking up until a known depth), and the sort by depth is stable.
    """
    depth: list[int] = [-1] * len(records)
    for start in range(len(records)):
        chain = []
        index = start
        while depth[index] < 0:
            manager = records[index].manager
            if manager is None or manager > 0:
                depth[index] = 0
                break
            chain.append(index)
            index = -manager - 1
        level = depth[index]
        for index in reversed(chain):
            level += 1
            depth[index] = level
    return sorted(range(len(records)), key=depth.__getitem__)
