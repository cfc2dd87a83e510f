"""The next-action store on a real SQLite file: ordering, writes, history, conflicts."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from acctmap_tui.data.action_store import (
    ActionChangedError,
    OwnerChoice,
    add_action,
    delete_action,
    list_actions,
    list_owner_choices,
    resolve_owner,
    set_action_done,
    update_action,
)
from acctmap_tui.data.db import Database
from acctmap_tui.data.map_queries import load_account_map_rows
from acctmap_tui.data.models import Account, ChangeLogEntry, NextAction, TeamMember, name_key
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.domain.vocabulary import ChangeAction

pytestmark = pytest.mark.both_engines

USER = "tester"


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    """Two accounts and three team members (one inactive)."""
    with database.session() as session:
        people = [
            TeamMember(name="Susan Park", username="susan"),
            TeamMember(name="Raj Patel", username="raj"),
            TeamMember(name="Old Timer", username="old", active=False),
        ]
        accounts = [
            Account(name="Acme Logistics", name_key=name_key("Acme Logistics")),
            Account(name="Borealis Health", name_key=name_key("Borealis Health")),
        ]
        session.add_all([*people, *accounts])
        session.commit()
        return {
            "susan": people[0].id,
            "raj": people[1].id,
            "old": people[2].id,
            "acme": accounts[0].id,
            "borealis": accounts[1].id,
        }  # type: ignore[return-value]


def _add(database: Database, account_id: int, description: str, **fields: object) -> NextAction:
    fields.setdefault("owner_id", None)
    fields.setdefault("due_on", None)
    with database.session() as session:
        return add_action(account_id, description, session=session, user=USER, **fields)  # type: ignore[arg-type]


def _history(database: Database, entity_id: int) -> list[ChangeLogEntry]:
    with database.session() as session:
        statement = (
            select(ChangeLogEntry)
            .where(ChangeLogEntry.entity == "next_action")
            .where(ChangeLogEntry.entity_id == str(entity_id))
            .order_by(ChangeLogEntry.id)
        )
        return list(session.exec(statement))


def _stored(database: Database, action_id: int) -> NextAction | None:
    with database.session() as session:
        return session.get(NextAction, action_id)


def test_add_stores_the_action_trimmed_and_records_its_creation(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(
        database, ids["acme"], "  Book the   QBR  ", owner_id=ids["susan"], due_on=date(2030, 1, 5)
    )

    stored = _stored(database, action.id)
    assert stored is not None
    assert stored.description == "Book the QBR"
    assert stored.owner_id == ids["susan"]
    assert stored.due_on == date(2030, 1, 5)
    assert stored.done_at is None
    assert stored.version == 1
    [entry] = _history(database, action.id)
    assert entry.action == ChangeAction.CREATE
    assert entry.user == USER
    assert entry.account_id == ids["acme"]
    created = json.loads(entry.new_value or "")
    assert created["description"] == "Book the QBR"
    assert created["due_on"] == "2030-01-05"


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_a_description_is_required_and_the_error_names_the_field(
    database: Database, ids: dict[str, int], blank: str
) -> None:
    with pytest.raises(ValueInputError) as raised:
        _add(database, ids["acme"], blank)

    assert raised.value.field == "What"
    assert str(raised.value).startswith("What:")
    assert "required" in str(raised.value)
    with database.session() as session:
        assert list_actions(ids["acme"], session=session) == []
        assert list(session.exec(select(ChangeLogEntry))) == []


def test_an_owner_must_be_on_the_team(database: Database, ids: dict[str, int]) -> None:
    with pytest.raises(ValueInputError, match="Owner"):
        _add(database, ids["acme"], "Call", owner_id=9999)


def test_an_action_cannot_be_added_to_a_deleted_account(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        account = session.get(Account, ids["borealis"])
        assert account is not None
        account.deleted_at = utc_now()
        session.add(account)
        session.commit()

    with pytest.raises(ActionChangedError, match="deleted"):
        _add(database, ids["borealis"], "Call")


def test_list_puts_open_actions_first_by_due_date_undated_last_then_done_newest_first(
    database: Database, ids: dict[str, int]
) -> None:
    undated = _add(database, ids["acme"], "Undated")
    late = _add(database, ids["acme"], "Late", due_on=date(2030, 3, 1))
    early = _add(database, ids["acme"], "Early", due_on=date(2030, 1, 1), owner_id=ids["raj"])
    done_first = _add(database, ids["acme"], "Done first", due_on=date(2020, 1, 1))
    done_second = _add(database, ids["acme"], "Done second", due_on=date(2040, 1, 1))
    _add(database, ids["borealis"], "Other account")
    with database.session() as session:
        set_action_done(done_first.id, True, session=session, user=USER)
    with database.session() as session:
        set_action_done(done_second.id, True, session=session, user=USER)

    with database.session() as session:
        rows = list_actions(ids["acme"], session=session)

    assert [row.id for row in rows] == [
        early.id,
        late.id,
        undated.id,
        done_second.id,
        done_first.id,
    ]
    assert rows[0].owner == "Raj Patel"
    assert rows[0].owner_id == ids["raj"]
    assert rows[1].owner is None
    assert [row.done for row in rows] == [False, False, False, True, True]


def test_overdue_means_open_and_due_before_today(database: Database, ids: dict[str, int]) -> None:
    today = date.today()
    _add(database, ids["acme"], "Yesterday", due_on=today - timedelta(days=1))
    _add(database, ids["acme"], "Today", due_on=today)
    _add(database, ids["acme"], "Undated")
    with database.session() as session:
        rows = {row.description: row for row in list_actions(ids["acme"], session=session)}

    assert rows["Yesterday"].is_overdue(today)
    assert not rows["Today"].is_overdue(today)
    assert not rows["Undated"].is_overdue(today)


def test_toggling_done_sets_and_clears_done_at_with_history(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Send proposal")

    with database.session() as session:
        done = set_action_done(action.id, True, session=session, user=USER)
    assert done.done_at is not None
    assert done.version == 2
    with database.session() as session:  # again: nothing to do, nothing written
        set_action_done(action.id, True, session=session, user=USER)
    stored = _stored(database, action.id)
    assert stored is not None and stored.version == 2

    with database.session() as session:
        reopened = set_action_done(action.id, False, session=session, user="raj")
    assert reopened.done_at is None
    assert reopened.version == 3

    entries = _history(database, action.id)
    assert [(entry.action, entry.field, entry.user) for entry in entries] == [
        (ChangeAction.CREATE, None, USER),
        (ChangeAction.UPDATE, "done_at", USER),
        (ChangeAction.UPDATE, "done_at", "raj"),
    ]
    assert json.loads(entries[1].old_value or "") is None
    assert json.loads(entries[2].new_value or "") is None


def test_update_changes_the_fields_bumps_the_version_and_logs_each_field(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Call CFO", owner_id=ids["susan"])

    with database.session() as session:
        updated = update_action(
            action.id,
            description="Call the CFO ",
            owner_id=ids["raj"],
            due_on=date(2030, 6, 1),
            expected_version=1,
            session=session,
            user=USER,
        )

    assert (updated.description, updated.owner_id, updated.due_on, updated.version) == (
        "Call the CFO",
        ids["raj"],
        date(2030, 6, 1),
        2,
    )
    entries = _history(database, action.id)[1:]
    assert sorted(entry.field or "" for entry in entries) == ["description", "due_on", "owner_id"]
    by_field = {entry.field: entry for entry in entries}
    assert json.loads(by_field["description"].old_value or "") == "Call CFO"
    assert json.loads(by_field["description"].new_value or "") == "Call the CFO"
    assert json.loads(by_field["owner_id"].new_value or "") == ids["raj"]


def test_an_update_that_changes_nothing_writes_nothing(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Call CFO", due_on=date(2030, 6, 1))

    with database.session() as session:
        same = update_action(
            action.id,
            description="Call CFO",
            owner_id=None,
            due_on=date(2030, 6, 1),
            expected_version=1,
            session=session,
            user=USER,
        )

    assert same.version == 1
    assert len(_history(database, action.id)) == 1


def test_an_update_from_a_stale_version_is_refused_and_changes_nothing(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Call CFO")
    with database.session() as session:  # someone else saves first
        update_action(
            action.id,
            description="Call CFO about budget",
            owner_id=None,
            due_on=None,
            expected_version=1,
            session=session,
            user="raj",
        )

    with database.session() as session, pytest.raises(ActionChangedError) as raised:
        update_action(
            action.id,
            description="My version",
            owner_id=None,
            due_on=None,
            expected_version=1,
            session=session,
            user=USER,
        )

    assert "Call CFO about budget" in str(raised.value)
    stored = _stored(database, action.id)
    assert stored is not None
    assert (stored.description, stored.version) == ("Call CFO about budget", 2)


def test_the_version_check_holds_between_read_and_write(
    database: Database, ids: dict[str, int]
) -> None:
    """Two sessions read version 1; the one that writes second is refused."""
    action = _add(database, ids["acme"], "Original")
    with database.session() as first, database.session() as second:
        assert first.get(NextAction, action.id) is not None
        assert second.get(NextAction, action.id) is not None
        update_action(
            action.id,
            description="First",
            owner_id=None,
            due_on=None,
            expected_version=1,
            session=first,
            user="raj",
        )
        with pytest.raises(ActionChangedError):
            update_action(
                action.id,
                description="Second",
                owner_id=None,
                due_on=None,
                expected_version=1,
                session=second,
                user=USER,
            )

    stored = _stored(database, action.id)
    assert stored is not None and stored.description == "First"


def test_toggling_done_with_a_stale_version_is_refused(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Call")
    with database.session() as session:
        update_action(
            action.id,
            description="Call back",
            owner_id=None,
            due_on=None,
            expected_version=1,
            session=session,
            user="raj",
        )

    with database.session() as session, pytest.raises(ActionChangedError):
        set_action_done(action.id, True, expected_version=1, session=session, user=USER)

    stored = _stored(database, action.id)
    assert stored is not None and stored.done_at is None


def test_delete_removes_the_action_and_keeps_its_values_in_history(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Obsolete", owner_id=ids["susan"])

    with database.session() as session:
        delete_action(action.id, session=session, user=USER)

    assert _stored(database, action.id) is None
    entry = _history(database, action.id)[-1]
    assert entry.action == ChangeAction.DELETE
    assert entry.user == USER
    assert entry.account_id == ids["acme"]
    assert json.loads(entry.old_value or "")["description"] == "Obsolete"
    with database.session() as session, pytest.raises(ActionChangedError, match="deleted"):
        delete_action(action.id, session=session, user=USER)
    with database.session() as session, pytest.raises(ActionChangedError, match="deleted"):
        set_action_done(action.id, True, session=session, user=USER)


def test_delete_of_an_action_edited_meanwhile_is_refused(
    database: Database, ids: dict[str, int]
) -> None:
    action = _add(database, ids["acme"], "Call")
    with database.session() as session:
        set_action_done(action.id, True, session=session, user="raj")

    with database.session() as session, pytest.raises(ActionChangedError):
        delete_action(action.id, expected_version=1, session=session, user=USER)

    assert _stored(database, action.id) is not None
    assert [entry.action for entry in _history(database, action.id)] == [
        ChangeAction.CREATE,
        ChangeAction.UPDATE,
    ]


def test_owner_choices_are_the_active_team_by_name(database: Database, ids: dict[str, int]) -> None:
    with database.session() as session:
        choices = list_owner_choices(session=session)

    assert [choice.name for choice in choices] == ["Raj Patel", "Susan Park"]


CHOICES = [
    OwnerChoice(1, "Mia Chen", "mia"),
    OwnerChoice(2, "Raj Patel", "raj"),
    OwnerChoice(3, "Susan Park", "susan"),
    OwnerChoice(4, "Susan Parker", "sparker"),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", None),
        ("   ", None),
        ("Mia Chen", 1),
        ("mia chen", 1),
        ("chen", 1),
        ("RAJ", 2),
        ("sparker", 4),
        ("Susan Park", 3),  # exact beats the longer name it is part of
        ("  susan   parker ", 4),
    ],
)
def test_resolve_owner_takes_an_exact_name_or_login_or_a_unique_part(
    typed: str, expected: int | None
) -> None:
    assert resolve_owner(typed, CHOICES) == expected


def test_resolve_owner_explains_ambiguous_and_unknown_names() -> None:
    with pytest.raises(ValueInputError) as ambiguous:
        resolve_owner("park", CHOICES)
    assert ambiguous.value.field == "Owner"
    assert "Susan Park" in str(ambiguous.value) and "Susan Parker" in str(ambiguous.value)

    with pytest.raises(ValueInputError) as unknown:
        resolve_owner("Zed", CHOICES)
    assert str(unknown.value).startswith("Owner: 'Zed' is not a team member's name")


def test_the_account_map_shows_the_earliest_open_action_and_counts_overdue(
    database: Database, ids: dict[str, int]
) -> None:
    today = date(2030, 6, 15)
    _add(database, ids["acme"], "Overdue", due_on=date(2030, 6, 1))
    _add(database, ids["acme"], "Much earlier", due_on=date(2030, 5, 1))
    _add(database, ids["acme"], "Later", due_on=date(2030, 7, 1))
    done = _add(database, ids["acme"], "Done long ago", due_on=date(2030, 1, 1))
    with database.session() as session:
        set_action_done(done.id, True, session=session, user=USER)

    with database.session() as session:
        rows = {row.id: row for row in load_account_map_rows(session=session, today=today)}

    acme = rows[ids["acme"]]
    assert (acme.next_action, acme.next_action_due, acme.overdue_actions) == (
        "Much earlier",
        date(2030, 5, 1),
        2,
    )
    assert rows[ids["borealis"]].next_action is None
