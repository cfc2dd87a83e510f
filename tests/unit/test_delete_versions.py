"""Deleting a record someone else saved since you looked at it is refused, to ask again.

Two Database objects on one database (an SQLite file or a PostgreSQL database) stand
for two people's processes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import select

from acctmap_tui.data.account_store import (
    StaleRecordError,
    create_account,
    delete_account,
    get_account,
    update_account,
)
from acctmap_tui.data.change_authors import last_field_changes, latest_change
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import ChangeLogEntry, Contact
from acctmap_tui.data.people_store import (
    StalePeopleRecordError,
    create_contact,
    delete_contact,
    update_contact,
)
from acctmap_tui.domain.vocabulary import ChangeAction

pytestmark = pytest.mark.both_engines


@pytest.fixture
def theirs(database: Database) -> Iterator[Database]:
    """A second process's view of the same database (``database`` creates it first)."""
    other = open_database(database.url)
    yield other
    other.close()


@pytest.fixture
def acme(database: Database) -> tuple[int, int]:
    """Acme (version 1) with one contact, Ann (version 1): ids of both."""
    with database.session() as session:
        account = create_account({"name": "Acme"}, session=session, user="me")
        contact = create_contact(account.id, {"name": "Ann Lee"}, session=session, user="me")
        session.commit()
        assert account.id is not None and contact.id is not None
        return account.id, contact.id


def test_deleting_an_account_edited_since_is_refused_with_who_and_what(
    database: Database, theirs: Database, acme: tuple[int, int]
) -> None:
    account_id, _ = acme
    with theirs.session() as session:
        update_account(
            account_id,
            {"strategy": "Expand", "industry": "Retail"},
            expected_version=1,
            session=session,
            user="ana",
        )
        session.commit()

    with database.session() as session, pytest.raises(StaleRecordError) as raised:
        delete_account(account_id, expected_version=1, session=session, user="me")

    assert raised.value.current_version == 2
    assert raised.value.changed_by == "ana"
    assert raised.value.current["strategy"] == "Expand"
    with database.session() as session:
        assert get_account(account_id, session=session).deleted_at is None
        change = latest_change("account", account_id, session=session)
        assert change is not None and change.user == "ana"
        assert set(change.fields) == {"strategy", "industry"}


def test_deleting_an_account_at_the_current_version_deletes_it(
    database: Database, theirs: Database, acme: tuple[int, int]
) -> None:
    account_id, _ = acme
    with theirs.session() as session:
        update_account(
            account_id, {"strategy": "X"}, expected_version=1, session=session, user="ana"
        )
        session.commit()

    with database.session() as session:
        delete_account(account_id, expected_version=2, session=session, user="me")
        session.commit()

    with database.session() as session:
        account = get_account(account_id, session=session, include_deleted=True)
        assert account.deleted_at is not None
        actions = session.exec(
            select(ChangeLogEntry.action, ChangeLogEntry.user).where(
                ChangeLogEntry.entity == "account", ChangeLogEntry.entity_id == str(account_id)
            )
        ).all()
        assert (ChangeAction.DELETE, "me") in actions


def test_delete_without_a_version_still_deletes_for_the_cli(
    database: Database, theirs: Database, acme: tuple[int, int]
) -> None:
    account_id, _ = acme
    with theirs.session() as session:
        update_account(
            account_id, {"strategy": "X"}, expected_version=1, session=session, user="ana"
        )
        session.commit()

    with database.session() as session:
        delete_account(account_id, session=session, user="me")
        session.commit()
        assert get_account(account_id, session=session, include_deleted=True).deleted_at


def test_deleting_a_contact_edited_since_is_refused_and_nothing_changes(
    database: Database, theirs: Database, acme: tuple[int, int]
) -> None:
    _, contact_id = acme
    with theirs.session() as session:
        update_contact(
            contact_id, {"title": "CFO"}, expected_version=1, session=session, user="ana"
        )
        session.commit()

    with database.session() as session, pytest.raises(StalePeopleRecordError) as raised:
        delete_contact(contact_id, expected_version=1, session=session, user="me")

    assert raised.value.changed_by == "ana"
    assert raised.value.current_version == 2
    with database.session() as session:
        assert session.get(Contact, contact_id) is not None
        assert (
            last_field_changes("contact", contact_id, ["title", "name"], session=session)[
                "title"
            ].user
            == "ana"
        )

    with database.session() as session:
        delete_contact(contact_id, expected_version=2, session=session, user="me")
        session.commit()
    with database.session() as session:
        assert session.get(Contact, contact_id) is None
