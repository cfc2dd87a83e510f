"""Reverting recorded changes: updates, deletions and creations, each recorded as a revert."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, col, select

from acctmap_tui.data.account_store import (
    create_account,
    delete_account,
    get_account,
    update_account,
)
from acctmap_tui.data.action_store import add_action, delete_action
from acctmap_tui.data.db import Database
from acctmap_tui.data.history_queries import (
    decode_value,
    load_account_history,
)
from acctmap_tui.data.models import Account, ChangeLogEntry, Contact, NextAction
from acctmap_tui.data.people_store import create_contact, delete_contact, update_contact
from acctmap_tui.data.revert import (
    RevertConflictError,
    RevertError,
    RevertKind,
    preview_revert,
    revert_change,
)
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import ChangeAction, Stage

pytestmark = pytest.mark.both_engines


def _entry(session: Session, **where: object) -> ChangeLogEntry:
    statement = select(ChangeLogEntry).order_by(col(ChangeLogEntry.id).desc())
    for name, value in where.items():
        statement = statement.where(getattr(ChangeLogEntry, name) == value)
    entry = session.exec(statement).first()
    assert entry is not None and entry.id is not None
    return entry


def _revert_entries(session: Session, entry_id: int) -> list[ChangeLogEntry]:
    return list(session.exec(select(ChangeLogEntry).where(ChangeLogEntry.reverts_id == entry_id)))


def _account(database: Database, **values: object) -> int:
    with database.session() as session:
        account = create_account({"name": "Acme Corp", **values}, session=session, user="susan")
        session.commit()
        assert account.id is not None
        return account.id


def _set(database: Database, account_id: int, user: str, **values: object) -> None:
    with database.session() as session:
        account = get_account(account_id, session=session)
        update_account(
            account_id, values, expected_version=account.version, session=session, user=user
        )
        session.commit()


def test_reverting_an_update_sets_the_old_value_back_and_records_it(database: Database) -> None:
    account_id = _account(database, stage=Stage.PROPOSAL, revenue_potential=Decimal("1000.50"))
    _set(database, account_id, "raj", stage=Stage.NEGOTIATION)
    with database.session() as session:
        entry = _entry(session, field="stage")
        version_before = get_account(account_id, session=session).version
        preview = preview_revert(entry.id, session=session)
        assert preview.kind is RevertKind.SET_FIELD and preview.can_revert
        assert not preview.changed_since
        assert "Set Stage of Account back from 'Negotiation' to 'Proposal'" in preview.question
        result = revert_change(entry.id, session=session, user="mia")
        session.commit()
        assert result.summary == "Stage of Account set back to 'Proposal'"
    with database.session() as session:
        account = get_account(account_id, session=session)
        assert account.stage is Stage.PROPOSAL
        assert account.version == version_before + 1
        [revert] = _revert_entries(session, entry.id)
        assert revert.action is ChangeAction.REVERT and revert.user == "mia"
        assert revert.field == "stage" and revert.id in result.new_entry_ids
        assert decode_value("account", "stage", revert.old_value) is Stage.NEGOTIATION
        assert decode_value("account", "stage", revert.new_value) is Stage.PROPOSAL


def test_a_field_changed_since_is_refused_until_the_current_value_is_accepted(
    database: Database,
) -> None:
    account_id = _account(database, stage=Stage.PROPOSAL)
    _set(database, account_id, "raj", stage=Stage.NEGOTIATION)
    with database.session() as session:
        first = _entry(session, field="stage").id
    _set(database, account_id, "mia", stage=Stage.WON)
    with database.session() as session:
        preview = preview_revert(first, session=session)
        assert preview.changed_since and preview.current == "Won"
        assert "it is now 'Won', not 'Negotiation'" in preview.question
        with pytest.raises(RevertConflictError) as refused:
            revert_change(first, session=session, user="susan")
        assert "it is now 'Won'" in str(refused.value)
        assert refused.value.preview.current_json == preview.current_json
    _set(database, account_id, "raj", stage=Stage.LOST)  # and again, after the question
    with database.session() as session:
        with pytest.raises(RevertConflictError) as again:
            revert_change(first, session=session, user="susan", accept_current=preview.current_json)
        assert again.value.preview.current == "Lost"
        session.rollback()
        accepted = again.value.preview.current_json
        revert_change(first, session=session, user="susan", accept_current=accepted)
        session.commit()
    with database.session() as session:
        assert get_account(account_id, session=session).stage is Stage.PROPOSAL


def test_nothing_to_revert_when_the_value_is_already_back(database: Database) -> None:
    account_id = _account(database, strategy="Land")
    _set(database, account_id, "raj", strategy="Expand")
    with database.session() as session:
        entry = _entry(session, field="strategy").id
        revert_change(entry, session=session, user="susan")
        session.commit()
    with database.session() as session:
        preview = preview_revert(entry, session=session)
        assert preview.problem is not None and "already 'Land'" in preview.problem
        with pytest.raises(RevertError, match="nothing to revert"):
            revert_change(entry, session=session, user="susan")
        history = load_account_history(account_id, session=session)
        assert history is not None
        reverted = next(c for c in history.changes if c.line.id == entry)
        assert reverted.reverted_by is not None


def test_reverting_a_revert_redoes_the_change(database: Database) -> None:
    account_id = _account(database, strategy="Land")
    _set(database, account_id, "raj", strategy="Expand")
    with database.session() as session:
        entry = _entry(session, field="strategy").id
        result = revert_change(entry, session=session, user="susan")
        session.commit()
        [undo] = result.new_entry_ids
        revert_change(undo, session=session, user="raj")
        session.commit()
    with database.session() as session:
        assert get_account(account_id, session=session).strategy == "Expand"


def test_reverting_an_account_delete_restores_it(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        delete_account(account_id, session=session, user="raj")
        session.commit()
        entry = _entry(session, action=ChangeAction.DELETE, entity="account")
        preview = preview_revert(entry.id, session=session)
        assert preview.kind is RevertKind.RESTORE and preview.can_revert
        revert_change(entry.id, session=session, user="susan")
        session.commit()
    with database.session() as session:
        assert get_account(account_id, session=session).deleted_at is None
        [restore] = _revert_entries(session, entry.id)
        assert restore.action is ChangeAction.REVERT and restore.field == "deleted_at"
        # Reverting the restore deletes the account again (softly).
        revert_change(restore.id or 0, session=session, user="raj")
        session.commit()
        account = session.get(Account, account_id, populate_existing=True)
        assert account is not None and account.deleted_at is not None


def test_reverting_a_create_deletes_the_record(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        contact = create_contact(account_id, {"name": "Dana Reyes"}, session=session, user="raj")
        session.commit()
        entry = _entry(session, entity="contact", action=ChangeAction.CREATE)
        preview = preview_revert(entry.id, session=session)
        assert preview.kind is RevertKind.REMOVE
        assert preview.question.startswith("Delete Contact Dana Reyes, created in entry #")
        revert_change(entry.id, session=session, user="susan")
        session.commit()
        assert session.get(Contact, contact.id) is None
        [deletion] = _revert_entries(session, entry.id)
        assert deletion.field is None and deletion.old_value is not None
        assert preview_revert(entry.id, session=session).problem == (
            "Contact Dana Reyes is already deleted"
        )


def test_reverting_a_contact_delete_brings_it_back(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        contact = create_contact(
            account_id,
            {"name": "Dana Reyes", "title": "CFO", "left_on": date(2025, 1, 31)},
            session=session,
            user="raj",
        )
        session.commit()
        assert contact.id is not None
        delete_contact(contact.id, expected_version=None, session=session, user="raj")
        session.commit()
        entry = _entry(session, entity="contact", action=ChangeAction.DELETE)
        preview = preview_revert(entry.id, session=session)
        assert "Restore Contact Dana Reyes" in preview.question and "Title: CFO" in preview.question
        revert_change(entry.id, session=session, user="susan")
        session.commit()
    with database.session() as session:
        restored = session.get(Contact, contact.id)
        assert restored is not None and restored.title == "CFO"
        assert restored.left_on == date(2025, 1, 31)
        assert restored.version > 1
        assert [e.action for e in _revert_entries(session, entry.id)] == [ChangeAction.REVERT]


def test_reverting_a_deleted_action_restores_its_values(database: Database) -> None:
    account_id = _account(database)
    due = date.today() + timedelta(days=3)
    with database.session() as session:
        action = add_action(
            account_id, "Call the CFO", owner_id=None, due_on=due, session=session, user="raj"
        )
        assert action.id is not None
        delete_action(action.id, session=session, user="raj")
        entry = _entry(session, entity="next_action", action=ChangeAction.DELETE)
        revert_change(entry.id, session=session, user="susan")
        session.commit()
    with database.session() as session:
        restored = session.get(NextAction, action.id)
        assert restored is not None
        assert (restored.description, restored.due_on) == ("Call the CFO", due)


def test_a_field_of_a_deleted_record_cannot_be_reverted(database: Database) -> None:
    account_id = _account(database)
    with database.session() as session:
        contact = create_contact(account_id, {"name": "Dana"}, session=session, user="raj")
        session.commit()
        assert contact.id is not None
        update_contact(
            contact.id, {"title": "CFO"}, expected_version=None, session=session, user="raj"
        )
        session.commit()
        update = _entry(session, entity="contact", field="title").id
        delete_contact(contact.id, expected_version=None, session=session, user="raj")
        session.commit()
        preview = preview_revert(update, session=session)
        assert preview.problem == "Contact Dana was deleted since; revert its deletion first"
        with pytest.raises(RevertError, match="revert its deletion first"):
            revert_change(update, session=session, user="susan")


def test_unknown_entry_and_a_rule_of_the_store_are_explained(database: Database) -> None:
    with database.session() as session, pytest.raises(RevertError, match="#999 does not exist"):
        preview_revert(999, session=session)
    first = _account(database)
    _set(database, first, "raj", name="Acme Group")
    with database.session() as session:
        create_account({"name": "Acme Corp"}, session=session, user="mia")
        session.commit()
        rename = _entry(session, field="name").id
        with pytest.raises(RevertError, match="already exists"):
            revert_change(rename, session=session, user="susan")
        session.rollback()
        assert get_account(first, session=session).name == "Acme Group"


def test_account_history_marks_changes_since_the_last_review(database: Database) -> None:
    account_id = _account(database, stage=Stage.PROPOSAL)
    with database.session() as session:
        contact = create_contact(account_id, {"name": "Dana Reyes"}, session=session, user="raj")
        session.commit()
        reviewed = utc_now()
        account = session.get(Account, account_id)
        assert account is not None
        account.last_reviewed_at = reviewed  # not a recorded change: set directly
        session.add(account)
        session.commit()
        assert contact.id is not None
        update_contact(
            contact.id, {"title": "CFO"}, expected_version=None, session=session, user="mia"
        )
        session.commit()
    _set(database, account_id, "raj", win_probability=0.6)
    with database.session() as session:
        history = load_account_history(account_id, session=session)
    assert history is not None and history.last_reviewed_at == reviewed
    newest, title, *older = history.changes
    assert (newest.record, newest.field, newest.old, newest.new) == (
        "Account",
        "Win probability",
        "(empty)",
        "60%",
    )
    assert (title.record, title.field, title.new, title.line.user) == (
        "Contact Dana Reyes",
        "Title",
        "CFO",
        "mia",
    )
    assert history.count_since_review == 2
    assert [history.since_review(c) for c in history.changes[:3]] == [True, True, False]
    created = next(c for c in older if c.record == "Contact Dana Reyes")
    assert created.is_record_change and created.new == "Name: Dana Reyes · Met: no"


def test_a_partner_and_its_relationship_come_back_one_entry_at_a_time(
    database: Database,
) -> None:
    from acctmap_tui.data.models import Partner, Relationship
    from acctmap_tui.data.people_store import create_partner, create_relationship, delete_partner
    from acctmap_tui.domain.vocabulary import RelationshipKind

    account_id = _account(database)
    with database.session() as session:
        dana = create_contact(account_id, {"name": "Dana"}, session=session, user="raj")
        partner = create_partner(
            account_id, {"name": "Globex SI", "influence": 4}, session=session, user="raj"
        )
        create_relationship(
            account_id,
            {
                "kind": RelationshipKind.INFLUENCES,
                "source_partner_id": partner.id,
                "target_contact_id": dana.id,
                "strength": 4,
            },
            session=session,
            user="raj",
        )
        session.commit()
        partner_id, dana_id = partner.id, dana.id
        assert partner_id is not None
        delete_partner(partner_id, expected_version=None, session=session, user="mia")
        session.commit()
        gone_relationship = _entry(session, entity="relationship", action=ChangeAction.DELETE)
        gone_partner = _entry(session, entity="partner", action=ChangeAction.DELETE)
        # The relationship points at the partner: it cannot come back first.
        with pytest.raises(RevertError, match="refused"):
            revert_change(gone_relationship.id, session=session, user="susan")
        session.rollback()
        revert_change(gone_partner.id, session=session, user="susan")
        revert_change(gone_relationship.id, session=session, user="susan")
        session.commit()
    with database.session() as session:
        back = session.get(Partner, partner_id)
        assert back is not None and (back.name, back.influence) == ("Globex SI", 4)
        [edge] = session.exec(select(Relationship)).all()
        assert (edge.source_partner_id, edge.target_contact_id, edge.strength) == (
            partner_id,
            dana_id,
            4,
        )
        assert edge.kind is RelationshipKind.INFLUENCES


def test_reverting_a_contact_delete_brings_back_their_lines_seat_and_relationships(
    database: Database,
) -> None:
    """As ``u`` does in the deleting session: everything the deletion changed around them,
    except what someone has changed since."""
    from acctmap_tui.data.models import Relationship, Seat
    from acctmap_tui.data.people_store import ReportsChoice, create_relationship, create_seat
    from acctmap_tui.domain.vocabulary import RelationshipKind

    account_id = _account(database)
    with database.session() as session:

        def add(name: str, **values: object) -> int:
            contact = create_contact(
                account_id, {"name": name, **values}, session=session, user="raj"
            )
            assert contact.id is not None
            return contact.id

        mia = add("Mia Chen")
        dana = add("Dana Reyes", reports_to_id=mia)
        leo, ana = add("Leo Park", reports_to_id=dana), add("Ana Ruiz", reports_to_id=dana)
        kim = add("Kim Lee", dotted_line_to_id=dana)
        seat = create_seat(
            account_id, {"role_title": "CISO", "contact_id": dana}, session=session, user="raj"
        )
        create_relationship(
            account_id,
            {"kind": RelationshipKind.KNOWS, "source_contact_id": kim, "target_contact_id": dana},
            session=session,
            user="raj",
        )
        session.commit()
        delete_contact(
            dana,
            expected_version=None,
            reports=ReportsChoice.TO_MANAGER,
            session=session,
            user="raj",
        )
        session.commit()
        entry = _entry(session, entity="contact", action=ChangeAction.DELETE)
        # Meanwhile susan moves Ana elsewhere: that move is hers and stays.
        update_contact(
            ana, {"reports_to_id": None}, expected_version=None, session=session, user="susan"
        )
        session.commit()
        assert "come back too" in preview_revert(entry.id, session=session).question

        revert_change(entry.id, session=session, user="susan")
        session.commit()
    with database.session() as session:
        assert session.get(Contact, dana) is not None
        assert session.get(Contact, leo).reports_to_id == dana  # type: ignore[union-attr]
        assert session.get(Contact, ana).reports_to_id is None  # type: ignore[union-attr]
        assert session.get(Contact, kim).dotted_line_to_id == dana  # type: ignore[union-attr]
        assert session.get(Seat, seat.id).contact_id == dana  # type: ignore[union-attr]
        [relationship] = session.exec(select(Relationship)).all()
        assert (relationship.source_contact_id, relationship.target_contact_id) == (kim, dana)
        reverts = _revert_entries(session, entry.id)
        assert {(e.entity, e.action) for e in reverts} >= {
            ("contact", ChangeAction.REVERT),
            ("relationship", ChangeAction.REVERT),
        }
