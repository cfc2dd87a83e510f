"""Writing accounts: create, edit, soft delete and restore, each with its history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from acctmap_tui.data.account_store import (
    AccountNotFoundError,
    DuplicateAccountNameError,
    StaleRecordError,
    create_account,
    delete_account,
    find_account_by_name,
    get_account,
    list_deleted_accounts,
    list_team_members,
    restore_account,
    update_account,
)
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, ChangeLogEntry, DiscoveryQuestion, TeamMember
from acctmap_tui.domain.vocabulary import (
    STANDARD_DISCOVERY_QUESTIONS,
    ChangeAction,
    Stage,
    TargetType,
)

pytestmark = pytest.mark.both_engines

USER = "tester"


def create(database: Database, name: str = "Acme", **values: object) -> Account:
    with database.session() as session:
        account = create_account({"name": name, **values}, session=session, user=USER)
        session.commit()
        return account


def history(session: Session, entity: str = "account") -> list[ChangeLogEntry]:
    statement = (
        select(ChangeLogEntry).where(ChangeLogEntry.entity == entity).order_by(ChangeLogEntry.id)
    )
    return list(session.exec(statement))


def count_accounts(database: Database) -> int:
    with database.session() as session:
        return session.exec(select(sa.func.count()).select_from(Account)).one()


def test_create_stores_typed_values_and_a_history_entry(database: Database) -> None:
    account = create(
        database,
        " Acme Logistics ",
        stage=Stage.PROPOSAL,
        target_type=TargetType.ENGAGED_PROSPECT,
        revenue_potential=Decimal("1200000.00"),
        win_probability=0.7,
        industry=None,
    )
    assert account.id is not None
    with database.session() as session:
        stored = session.get(Account, account.id)
        assert stored is not None
        assert stored.name == "Acme Logistics"
        assert stored.name_key == "acme logistics"
        assert stored.revenue_potential == Decimal("1200000.00")
        assert stored.win_probability == 0.7
        assert stored.stage is Stage.PROPOSAL
        assert stored.version == 1
        [entry] = history(session)
        assert entry.action is ChangeAction.CREATE
        assert entry.user == USER
        assert entry.entity_id == str(account.id)
        assert entry.account_id == account.id
        assert entry.field is None
        assert entry.old_value is None
        created = json.loads(entry.new_value or "{}")
        assert created["name"] == "Acme Logistics"
        assert created["revenue_potential"] == "1200000.00"
        assert created["stage"] == "proposal"


def test_every_new_account_gets_the_seven_standard_discovery_questions(
    database: Database,
) -> None:
    account = create(database)
    with database.session() as session:
        questions = session.exec(
            select(DiscoveryQuestion)
            .where(DiscoveryQuestion.account_id == account.id)
            .order_by(DiscoveryQuestion.position)
        ).all()
        assert [q.question for q in questions] == list(STANDARD_DISCOVERY_QUESTIONS)
        assert [q.position for q in questions] == list(range(7))
        assert all(q.is_standard and q.answer is None for q in questions)
        assert len(history(session, "discovery_question")) == 7


@pytest.mark.parametrize("other", [" acme ", "ACME", "Acme", "acme\t"])
def test_duplicate_names_are_refused_ignoring_case_and_spaces(
    database: Database, other: str
) -> None:
    create(database, "Acme")
    with database.session() as session, pytest.raises(DuplicateAccountNameError) as raised:
        create_account({"name": other}, session=session, user=USER)
    assert str(raised.value) == (
        "An account named 'Acme' already exists (deleted accounts count too: restore or rename it)"
    )
    assert count_accounts(database) == 1


def test_a_deleted_account_still_holds_its_name(database: Database) -> None:
    account = create(database, "Acme")
    with database.session() as session:
        delete_account(account.id, session=session, user=USER)
        session.commit()
    with database.session() as session, pytest.raises(DuplicateAccountNameError) as raised:
        create_account({"name": "acme"}, session=session, user=USER)
    assert raised.value.existing_deleted


def test_create_needs_a_name_and_known_columns(database: Database) -> None:
    with database.session() as session:
        with pytest.raises(ValueError, match="non-empty name"):
            create_account({"name": "  "}, session=session, user=USER)
        with pytest.raises(ValueError, match="not editable account columns: version"):
            create_account({"name": "Acme", "version": 7}, session=session, user=USER)


def test_update_writes_only_changed_fields_with_one_history_entry_each(
    database: Database,
) -> None:
    account = create(database, industry="Logistics", employees=100)
    with database.session() as session:
        updated = update_account(
            account.id,
            {"industry": "Retail", "employees": 100, "win_probability": 0.25},
            expected_version=1,
            session=session,
            user="raj",
        )
        session.commit()
        assert updated.version == 2
    with database.session() as session:
        entries = [e for e in history(session) if e.action is ChangeAction.UPDATE]
        assert sorted((e.field, e.old_value, e.new_value, e.user) for e in entries) == [
            ("industry", '"Logistics"', '"Retail"', "raj"),
            ("win_probability", "null", "0.25", "raj"),
        ]
        assert all(e.entity_id == str(account.id) for e in entries)


def test_an_update_that_changes_nothing_keeps_the_version(database: Database) -> None:
    account = create(database, industry="Logistics")
    with database.session() as session:
        same = update_account(
            account.id, {"industry": "Logistics"}, expected_version=1, session=session, user=USER
        )
        session.commit()
        assert same.version == 1
        assert len(history(session)) == 1


def test_renaming_updates_the_name_key_and_refuses_another_accounts_name(
    database: Database,
) -> None:
    acme = create(database, "Acme")
    create(database, "Borealis")
    with database.session() as session:
        renamed = update_account(
            acme.id, {"name": " ACME Corp "}, expected_version=1, session=session, user=USER
        )
        session.commit()
        assert (renamed.name, renamed.name_key) == ("ACME Corp", "acme corp")
    with database.session() as session:
        # Changing only the case of its own name is not a clash.
        update_account(
            acme.id, {"name": "Acme Corp"}, expected_version=2, session=session, user=USER
        )
        session.commit()
    with database.session() as session, pytest.raises(DuplicateAccountNameError, match="Borealis"):
        update_account(
            acme.id, {"name": "borealis"}, expected_version=3, session=session, user=USER
        )


def test_a_stale_version_raises_with_the_stored_values_and_writes_nothing(
    database: Database,
) -> None:
    account = create(database, industry="Logistics")
    with database.session() as session:  # someone else saves first
        update_account(
            account.id, {"industry": "Retail"}, expected_version=1, session=session, user="raj"
        )
        session.commit()
    with database.session() as session, pytest.raises(StaleRecordError) as raised:
        update_account(
            account.id, {"industry": "Mining"}, expected_version=1, session=session, user=USER
        )
    stale = raised.value
    assert stale.expected_version == 1
    assert stale.current_version == 2
    assert stale.current["industry"] == "Retail"
    assert stale.current["name"] == "Acme"
    assert stale.changed_by == "raj"
    assert "changed by raj" in str(stale) and "nothing was saved" in str(stale)
    with database.session() as session:
        stored = session.get(Account, account.id)
        assert stored is not None
        assert (stored.industry, stored.version) == ("Retail", 2)
        assert [e.user for e in history(session) if e.action is ChangeAction.UPDATE] == ["raj"]


def test_update_of_a_missing_or_deleted_account_is_refused(database: Database) -> None:
    account = create(database)
    with database.session() as session, pytest.raises(AccountNotFoundError):
        update_account(999, {"industry": "X"}, expected_version=1, session=session, user=USER)
    with database.session() as session:
        deleted = delete_account(account.id, session=session, user=USER)
        session.commit()
    with database.session() as session, pytest.raises(AccountNotFoundError, match="deleted"):
        update_account(
            account.id,
            {"industry": "X"},
            expected_version=deleted.version,
            session=session,
            user=USER,
        )


def test_delete_is_soft_recorded_and_restorable(database: Database) -> None:
    account = create(database, "Acme")
    with database.session() as session:
        deleted = delete_account(account.id, session=session, user="raj")
        session.commit()
        assert deleted.deleted_at is not None
    with database.session() as session:
        assert find_account_by_name("acme", session=session) is None
        found = find_account_by_name(" ACME ", session=session, include_deleted=True)
        assert found is not None and found.id == account.id
        assert [a.id for a in list_deleted_accounts(session=session)] == [account.id]
        with pytest.raises(AccountNotFoundError):
            get_account(account.id, session=session)
        entry = history(session)[-1]
        assert (entry.action, entry.user, entry.field) == (ChangeAction.DELETE, "raj", None)
        assert json.loads(entry.old_value or "{}")["name"] == "Acme"
    with database.session() as session:
        restored = restore_account(account.id, session=session, user=USER)
        session.commit()
        assert restored.deleted_at is None
    with database.session() as session:
        assert list_deleted_accounts(session=session) == []
        found = find_account_by_name("Acme", session=session)
        assert found is not None and found.id == account.id
        entry = history(session)[-1]
        assert (entry.action, entry.field, entry.new_value) == (
            ChangeAction.RESTORE,
            "deleted_at",
            "null",
        )


def test_restore_refuses_when_a_live_account_now_has_the_name(database: Database) -> None:
    """A deleted row whose stored key predates today's folding must not come back twice."""
    live = create(database, "Acme Inc")
    with database.session() as session:
        old = Account(
            name="ACME  Inc",
            name_key="acme  inc",  # folded by an older rule that kept double spaces
            deleted_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
        session.add(old)
        session.commit()
        old_id = old.id
    assert old_id is not None and old_id != live.id
    with database.session() as session, pytest.raises(DuplicateAccountNameError) as raised:
        restore_account(old_id, session=session, user=USER)
    assert str(raised.value) == (
        "Cannot restore 'ACME  Inc': the live account 'Acme Inc' has the same name; "
        "rename one of them first"
    )
    with database.session() as session:
        assert [a.id for a in list_deleted_accounts(session=session)] == [old_id]


def test_deleted_accounts_are_listed_newest_first(database: Database) -> None:
    first, second = create(database, "A"), create(database, "B")
    for account in (first, second):
        with database.session() as session:
            delete_account(account.id, session=session, user=USER)
            session.commit()
    with database.session() as session:
        assert [a.name for a in list_deleted_accounts(session=session)] == ["B", "A"]


def test_team_members_for_the_owner_choice(database: Database) -> None:
    with database.session() as session:
        session.add_all(
            [
                TeamMember(name="Susan Park", username="susan"),
                TeamMember(name="Ada Gone", active=False),
                TeamMember(name="Raj Patel"),
            ]
        )
        session.commit()
        assert [m.name for m in list_team_members(session=session)] == ["Raj Patel", "Susan Park"]
        assert len(list_team_members(session=session, include_inactive=True)) == 3
        owner = session.exec(select(TeamMember).where(col(TeamMember.name) == "Raj Patel")).one()
    account = create(database, owner_id=owner.id)
    with database.session() as session:
        assert get_account(account.id, session=session).owner_id == owner.id
