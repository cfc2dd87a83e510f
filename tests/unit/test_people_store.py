"""Writing people: contacts, relationships, partners and seats, each write with its history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from acctmap_tui.data.account_store import StaleRecordError, create_account
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import ChangeLogEntry, Contact, Relationship, Seat, TeamMember
from acctmap_tui.data.people_store import (
    PeopleRuleError,
    ReportingCycleError,
    ReportsChoice,
    StalePeopleRecordError,
    create_contact,
    create_partner,
    create_relationship,
    create_seat,
    delete_contact,
    delete_partner,
    delete_relationship,
    delete_seat,
    get_contact,
    list_relationship_rows,
    list_seat_rows,
    people_lookups,
    restore_contact,
    update_contact,
    update_partner,
    update_relationship,
    update_seat,
)
from acctmap_tui.domain.vocabulary import ChangeAction, RelationshipKind

pytestmark = pytest.mark.both_engines

USER = "tester"


@pytest.fixture
def ids(database: Database) -> dict[str, int]:
    """Acme with Ann (top) ← Bob ← Cat, and Dan with a dotted line to Bob; one team member."""
    with database.session() as session:
        acme = create_account({"name": "Acme"}, session=session, user=USER)
        other = create_account({"name": "Other"}, session=session, user=USER)
        member = TeamMember(name="Susan Park", username="susan")
        session.add(member)
        session.flush()
        ann = create_contact(acme.id, {"name": "Ann Lee"}, session=session, user=USER)
        bob = create_contact(
            acme.id, {"name": "Bob Roy", "reports_to_id": ann.id}, session=session, user=USER
        )
        cat = create_contact(
            acme.id, {"name": "Cat Poe", "reports_to_id": bob.id}, session=session, user=USER
        )
        dan = create_contact(
            acme.id, {"name": "Dan Wu", "dotted_line_to_id": bob.id}, session=session, user=USER
        )
        zed = create_contact(other.id, {"name": "Zed Out"}, session=session, user=USER)
        session.commit()
        return {
            "acme": acme.id,
            "other": other.id,
            "susan": member.id,
            "ann": ann.id,
            "bob": bob.id,
            "cat": cat.id,
            "dan": dan.id,
            "zed": zed.id,
        }  # type: ignore[dict-item]


def contact(database: Database, contact_id: int) -> Contact | None:
    with database.session() as session:
        return session.get(Contact, contact_id)


def relate(
    session: Session,
    account_id: int,
    kind: RelationshipKind,
    target_contact_id: int,
    strength: int,
    **source: int,
) -> Relationship:
    """A relationship through the store; ``source`` is its one source column and id."""
    values = {
        "kind": kind,
        **source,
        "target_contact_id": target_contact_id,
        "strength": strength,
    }
    return create_relationship(account_id, values, session=session, user=USER)


def entries(session: Session, entity: str, record_id: int) -> list[ChangeLogEntry]:
    statement = (
        select(ChangeLogEntry)
        .where(ChangeLogEntry.entity == entity, ChangeLogEntry.entity_id == str(record_id))
        .order_by(ChangeLogEntry.id)
    )
    return list(session.exec(statement))


def test_create_and_update_write_history(database: Database, ids: dict[str, int]) -> None:
    with database.session() as session:
        created = create_contact(
            ids["acme"],
            {"name": " Eve Ng ", "influence": 4, "email": "eve@acme.com"},
            session=session,
            user=USER,
        )
        session.commit()
        assert created.name == "Eve Ng" and created.version == 1
        update_contact(
            created.id,
            {"title": "COO", "influence": 5},
            expected_version=1,
            session=session,
            user=USER,
        )
        session.commit()
        log = entries(session, "contact", created.id)
    assert [(e.action, e.field) for e in log] == [
        (ChangeAction.CREATE, None),
        (ChangeAction.UPDATE, "title"),
        (ChangeAction.UPDATE, "influence"),
    ]
    stored = contact(database, created.id)
    assert stored is not None and (stored.title, stored.influence, stored.version) == ("COO", 5, 2)


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        update_contact(
            ids["ann"], {"title": "CEO"}, expected_version=1, session=session, user="mia"
        )
        session.commit()
    with database.session() as session, pytest.raises(StalePeopleRecordError) as raised:
        update_contact(ids["ann"], {"title": "CTO"}, expected_version=1, session=session, user=USER)
    assert isinstance(raised.value, StaleRecordError)
    assert str(raised.value) == (
        "'Ann Lee' was changed by mia since you opened it (version 2, you had 1); nothing was saved"
    )
    stored = contact(database, ids["ann"])
    assert stored is not None and stored.title == "CEO"
    with database.session() as session, pytest.raises(StalePeopleRecordError):
        delete_contact(ids["ann"], expected_version=1, session=session, user=USER)


@pytest.mark.parametrize(
    ("who", "values", "message"),
    [
        ("ann", {"reports_to_id": "ann"}, "Reports to: Ann Lee → Ann Lee would be a cycle"),
        ("ann", {"reports_to_id": "bob"}, "Reports to: Ann Lee → Bob Roy → Ann Lee would be"),
        (
            "ann",
            {"reports_to_id": "cat"},
            "Reports to: Ann Lee → Cat Poe → Bob Roy → Ann Lee would be a cycle",
        ),
        (
            "bob",
            {"dotted_line_to_id": "dan"},
            "Dotted-line manager: Bob Roy → Dan Wu → Bob Roy would be a cycle",
        ),
    ],
)
def test_the_store_refuses_reporting_cycles(
    database: Database, ids: dict[str, int], who: str, values: dict[str, str], message: str
) -> None:
    resolved = {key: ids[name] for key, name in values.items()}
    with database.session() as session, pytest.raises(ReportingCycleError) as raised:
        update_contact(ids[who], resolved, expected_version=None, session=session, user=USER)
    assert str(raised.value).startswith(message)
    with database.session() as session:
        assert session.get(Contact, ids[who]).version == 1  # type: ignore[union-attr]


def test_managers_must_be_of_the_same_account(database: Database, ids: dict[str, int]) -> None:
    with database.session() as session, pytest.raises(PeopleRuleError) as raised:
        update_contact(
            ids["ann"],
            {"reports_to_id": ids["zed"]},
            expected_version=1,
            session=session,
            user=USER,
        )
    assert "'Zed Out' is a contact of another account" in str(raised.value)
    with database.session() as session, pytest.raises(PeopleRuleError):
        create_contact(ids["acme"], {"name": "  "}, session=session, user=USER)


def test_deleting_a_manager_repoints_reports_to_their_manager_and_undo_restores(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        rel = relate(
            session,
            ids["acme"],
            RelationshipKind.ENGAGEMENT,
            ids["bob"],
            4,
            source_member_id=ids["susan"],
        )
        seat = create_seat(
            ids["acme"],
            {"role_title": "VP Ops", "contact_id": ids["bob"]},
            session=session,
            user=USER,
        )
        session.commit()
        deleted = delete_contact(
            ids["bob"],
            expected_version=1,
            reports=ReportsChoice.TO_MANAGER,
            session=session,
            user=USER,
        )
        session.commit()
    assert deleted.summary() == (
        "Deleted Bob Roy; Cat Poe now report to Ann Lee; dotted lines cleared for Dan Wu; "
        "vacant again: VP Ops"
    )
    assert contact(database, ids["bob"]) is None
    assert contact(database, ids["cat"]).reports_to_id == ids["ann"]  # type: ignore[union-attr]
    assert contact(database, ids["dan"]).dotted_line_to_id is None  # type: ignore[union-attr]
    with database.session() as session:
        assert session.get(Relationship, rel.id) is None
        assert session.get(Seat, seat.id).contact_id is None  # type: ignore[union-attr]
        assert entries(session, "seat", seat.id)[-1].field == "contact_id"
        restored = restore_contact(deleted, session=session, user=USER)
        session.commit()
        assert restored.id == ids["bob"]
        assert session.get(Relationship, rel.id) is not None
        assert session.get(Seat, seat.id).contact_id == ids["bob"]  # type: ignore[union-attr]
    assert contact(database, ids["cat"]).reports_to_id == ids["bob"]  # type: ignore[union-attr]
    assert contact(database, ids["dan"]).dotted_line_to_id == ids["bob"]  # type: ignore[union-attr]
    assert contact(database, ids["bob"]).reports_to_id == ids["ann"]  # type: ignore[union-attr]


def test_deleting_a_manager_can_leave_reports_as_roots(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        deleted = delete_contact(
            ids["bob"], expected_version=1, reports=ReportsChoice.ROOTS, session=session, user=USER
        )
        session.commit()
    assert "Cat Poe are now roots" in deleted.summary()
    assert contact(database, ids["cat"]).reports_to_id is None  # type: ignore[union-attr]


def test_undo_keeps_a_report_someone_moved_since(database: Database, ids: dict[str, int]) -> None:
    with database.session() as session:
        deleted = delete_contact(ids["bob"], expected_version=1, session=session, user=USER)
        session.commit()
        update_contact(
            ids["cat"],
            {"reports_to_id": ids["dan"]},
            expected_version=None,
            session=session,
            user=USER,
        )
        session.commit()
        restore_contact(deleted, session=session, user=USER)
        session.commit()
    assert contact(database, ids["cat"]).reports_to_id == ids["dan"]  # type: ignore[union-attr]


def test_relationships_of_all_three_kinds(database: Database, ids: dict[str, int]) -> None:
    with database.session() as session:
        partner = create_partner(
            ids["acme"],
            {"name": "Globex SI", "kind": "SI", "influence": 4},
            session=session,
            user=USER,
        )
        acme, ann = ids["acme"], ids["ann"]
        ours = relate(
            session, acme, RelationshipKind.ENGAGEMENT, ann, 3, source_member_id=ids["susan"]
        )
        knows = relate(session, acme, RelationshipKind.KNOWS, ann, 2, source_contact_id=ids["cat"])
        sways = relate(
            session, acme, RelationshipKind.INFLUENCES, ann, 5, source_partner_id=partner.id
        )
        session.commit()
        rows = list_relationship_rows(ids["acme"], session=session)
        assert [(r.source, r.kind, r.target, r.strength) for r in rows] == [
            ("Susan Park (us)", RelationshipKind.ENGAGEMENT, "Ann Lee", 3),
            ("Cat Poe", RelationshipKind.KNOWS, "Ann Lee", 2),
            ("Globex SI (partner)", RelationshipKind.INFLUENCES, "Ann Lee", 5),
        ]
        update_relationship(
            knows.id,
            {"kind": RelationshipKind.INFLUENCES, "strength": 4},
            expected_version=1,
            session=session,
            user=USER,
        )
        session.commit()
        with pytest.raises(StalePeopleRecordError):
            update_relationship(
                knows.id, {"strength": 1}, expected_version=1, session=session, user=USER
            )
        session.rollback()
        delete_relationship(ours.id, expected_version=1, session=session, user=USER)
        update_partner(partner.id, {"influence": 2}, expected_version=1, session=session, user=USER)
        session.commit()
        assert delete_partner(partner.id, expected_version=2, session=session, user=USER) == 1
        session.commit()
        assert session.get(Relationship, sways.id) is None
        rows = list_relationship_rows(ids["acme"], session=session)
        assert [(r.kind, r.strength) for r in rows] == [(RelationshipKind.INFLUENCES, 4)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kind": "engagement", "source_contact_id": "cat"}, "Type: only our team members engage"),
        ({"kind": "knows", "source_member_id": "susan"}, "Type: one of our team members can only"),
        ({"kind": "knows", "source_contact_id": "ann"}, "To: 'Ann Lee' cannot have a relation"),
        ({"kind": "knows", "source_contact_id": "zed"}, "From: 'Zed Out' is a contact of another"),
        ({"kind": "knows", "source_contact_id": "cat", "strength": 6}, "Strength: 6 is not"),
        ({"kind": "knows"}, "From: a relationship has exactly one source"),
    ],
)
def test_bad_relationships_are_refused(
    database: Database, ids: dict[str, int], values: dict[str, object], message: str
) -> None:
    resolved = {k: ids[v] if k.startswith("source") else v for k, v in values.items()}  # type: ignore[index]
    resolved.setdefault("strength", 3)
    resolved["target_contact_id"] = ids["ann"]
    with database.session() as session, pytest.raises(PeopleRuleError) as raised:
        create_relationship(ids["acme"], resolved, session=session, user=USER)
    assert str(raised.value).startswith(message)


def test_seats_are_created_filled_and_vacated_when_the_person_leaves(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        seat = create_seat(
            ids["acme"],
            {"role_title": "CFO", "reports_to_id": ids["ann"]},
            session=session,
            user=USER,
        )
        session.commit()
        assert [
            (r.role_title, r.holder, r.reports_to, r.vacant)
            for r in list_seat_rows(ids["acme"], session=session)
        ] == [("CFO", None, "Ann Lee", True)]
        update_seat(
            seat.id, {"contact_id": ids["cat"]}, expected_version=1, session=session, user=USER
        )
        session.commit()
        other = create_seat(ids["acme"], {"role_title": "CTO"}, session=session, user=USER)
        session.commit()
        with pytest.raises(PeopleRuleError) as raised:
            update_seat(
                other.id, {"contact_id": ids["cat"]}, expected_version=1, session=session, user=USER
            )
        assert "'Cat Poe' already fills the seat 'CFO'" in str(raised.value)
        session.rollback()
        update_contact(
            ids["cat"],
            {"left_on": date(2031, 3, 1)},
            expected_version=1,
            session=session,
            user=USER,
        )
        session.commit()
        [cfo, _cto] = list_seat_rows(ids["acme"], session=session)
        assert cfo.vacant and cfo.version == 3
        log = entries(session, "seat", seat.id)
        assert [(e.field, e.new_value) for e in log[1:]] == [
            ("contact_id", str(ids["cat"])),
            ("contact_id", "null"),
        ]
        with pytest.raises(PeopleRuleError) as raised:
            update_seat(
                seat.id, {"contact_id": ids["cat"]}, expected_version=3, session=session, user=USER
            )
        assert "'Cat Poe' left the account on 2031-03-01" in str(raised.value)
        session.rollback()
        delete_seat(other.id, expected_version=1, session=session, user=USER)
        session.commit()
        assert len(list_seat_rows(ids["acme"], session=session)) == 1


def test_a_seat_is_vacated_when_its_holder_is_deleted(
    database: Database, ids: dict[str, int]
) -> None:
    with database.session() as session:
        seat = create_seat(
            ids["acme"], {"role_title": "CFO", "contact_id": ids["dan"]}, session=session, user=USER
        )
        session.commit()
        delete_contact(ids["dan"], expected_version=1, session=session, user=USER)
        session.commit()
        stored = session.get(Seat, seat.id)
        assert stored is not None and stored.contact_id is None
        assert entries(session, "seat", seat.id)[-1].old_value == str(ids["dan"])


def test_lookups_hold_names_and_lines(database: Database, ids: dict[str, int]) -> None:
    with database.session() as session:
        lookups = people_lookups(ids["acme"], session=session)
        assert list(lookups.contacts.values()) == ["Ann Lee", "Bob Roy", "Cat Poe", "Dan Wu"]
        assert lookups.lines[ids["cat"]] == (ids["bob"], None)
        assert lookups.members == {ids["susan"]: "Susan Park"}
        assert get_contact(ids["ann"], session=session).name == "Ann Lee"
