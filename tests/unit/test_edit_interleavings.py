"""Random interleavings of two people's edits to one account never lose a committed edit.

Two editors, each on their own connection to the same database (an SQLite file, or
a PostgreSQL database), open the account, change fields and save, in any order
hypothesis picks. An editor saves the way the form
does: against the version it read; when someone saved in between it merges their
fields and, where both changed a field, decides knowingly (here: keeps its own)
and saves against the version it has now seen.

"Nothing lost" is checked twice: every value a save replaced is the value its
writer had seen (read back from the history that save wrote), and, for every
field, the history's chain of changes ends at the stored value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from acctmap_tui.data.account_store import StaleRecordError, create_account, update_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.history import to_json_value
from acctmap_tui.data.models import Account, ChangeLogEntry
from tests.pg import PgServer

pytestmark = pytest.mark.both_engines

FIELDS = ("industry", "website", "strategy")
VALUES = ("a", "b", "c")


@dataclass
class Editor:
    """One person's open form: what it read, and what they typed since."""

    database: Database
    user: str
    version: int = 0
    base: dict[str, Any] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)

    def open(self, account_id: int) -> None:
        with self.database.session() as session:
            account = session.get(Account, account_id)
            assert account is not None
            self.version = account.version
            self.base = {name: getattr(account, name) for name in FIELDS}
        self.typed = {}

    def save(self, account_id: int) -> None:
        values = {k: v for k, v in self.typed.items() if v != self.base.get(k)}
        for _attempt in range(5):
            try:
                with self.database.session() as session:
                    last_id = session.exec(select(sa.func.max(ChangeLogEntry.id))).one() or 0
                    update_account(
                        account_id,
                        values,
                        expected_version=self.version,
                        session=session,
                        user=self.user,
                    )
                    written = session.exec(
                        select(ChangeLogEntry).where(col(ChangeLogEntry.id) > last_id)
                    ).all()
                    for entry in written:
                        # What this write replaced is what its writer had seen.
                        assert entry.field is not None
                        assert entry.old_value == _json(self.base[entry.field]), (
                            f"{self.user} overwrote {entry.field} without seeing it"
                        )
                    session.commit()
                self.open(account_id)
                return
            except StaleRecordError as stale:
                # Seen now: their values become the base; ours stay what we typed.
                self.version = stale.current_version
                self.base = {name: stale.current[name] for name in FIELDS}
        raise AssertionError("an editor could not save in five tries")


def _json(value: Any) -> str:
    return json.dumps(to_json_value(value), sort_keys=True, ensure_ascii=False)


Operations = list[tuple[str, str, str, str]]
"""(user, "open" | "type" | "save", field, value) steps."""

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(("ana", "raj")),
        st.sampled_from(("open", "type", "save")),
        st.sampled_from(FIELDS),
        st.sampled_from(VALUES),
    ),
    min_size=1,
    max_size=25,
)


def _history_chains_hold(database: Database, account_id: int) -> None:
    with database.session() as session:
        account = session.get(Account, account_id)
        entries = session.exec(
            select(ChangeLogEntry)
            .where(ChangeLogEntry.entity == "account", col(ChangeLogEntry.field).in_(FIELDS))
            .order_by(col(ChangeLogEntry.id))
        ).all()
    assert account is not None
    for name in FIELDS:
        current = json.dumps(None)
        for entry in (e for e in entries if e.field == name):
            assert entry.old_value == current, f"{name}: a change overwrote an unseen value"
            current = entry.new_value
        assert json.loads(current) == to_json_value(getattr(account, name))


def _no_edit_is_lost(first: Database, second: Database, operations: Operations) -> None:
    """Play ``operations`` with one editor on each connection, then check the history."""
    with first.session() as session:
        account = create_account({"name": "Acme Logistics"}, session=session, user="ana")
        session.commit()
        account_id = account.id
    assert account_id is not None
    editors = {"ana": Editor(first, "ana"), "raj": Editor(second, "raj")}
    for editor in editors.values():
        editor.open(account_id)
    for user, operation, name, value in operations:
        editor = editors[user]
        if operation == "open":
            editor.open(account_id)
        elif operation == "type":
            editor.typed[name] = value
        else:
            editor.save(account_id)
    for editor in editors.values():
        editor.save(account_id)
    _history_chains_hold(first, account_id)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_no_committed_edit_is_lost(tmp_path: Path, operations: Operations) -> None:
    path = tmp_path / f"interleave-{abs(hash(tuple(operations)))}.db"
    path.unlink(missing_ok=True)
    first = open_database(path)
    second = open_database(path)
    try:
        _no_edit_is_lost(first, second, operations)
    finally:
        first.close()
        second.close()


@settings(
    max_examples=15,  # a fresh server database per example costs about 0.4 s
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=OPERATIONS)
def test_no_committed_edit_is_lost_on_postgresql(
    pg_server: PgServer, operations: Operations
) -> None:
    """The same interleavings with two clients of one PostgreSQL database."""
    with pg_server.scratch_database(migrated=True) as url:
        first = open_database(url)
        second = open_database(url)
        try:
            _no_edit_is_lost(first, second, operations)
        finally:
            first.close()
            second.close()
