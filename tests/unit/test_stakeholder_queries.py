"""Loading one account's stakeholder facts from a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    Contact,
    ContactIdentity,
    Partner,
    Relationship,
    Seat,
    TeamMember,
    name_key,
)
from acctmap_tui.data.repo import put_setting
from acctmap_tui.data.stakeholder_queries import (
    DEFAULT_HALF_LIFE_DAYS,
    HALF_LIFE_SETTING,
    ContactFact,
    load_graph_stamp,
    load_half_life_days,
    load_stakeholder_facts,
)
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind, Sentiment

pytestmark = pytest.mark.both_engines

TOUCHED = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def _fill(database: Database) -> dict[str, int]:
    with database.session() as session:
        alice = TeamMember(name="Alice Ames", username="alice")
        gone = TeamMember(name="Gone Member", active=False)
        acme = Account(name="Acme", name_key=name_key("Acme"))
        globex = Account(name="Globex", name_key=name_key("Globex"))
        session.add_all([alice, gone, acme, globex])
        session.flush()
        boss = Contact(account_id=acme.id, name="Bo Boss", buying_role=BuyingRole.ECONOMIC_BUYER)
        session.add(boss)
        session.flush()
        ann = Contact(
            account_id=acme.id,
            name="Ann Lee",
            influence=4,
            sentiment=Sentiment.SUPPORTER,
            met=True,
            reports_to_id=boss.id,
            email="Ann.Lee@Mail.example",
        )
        left = Contact(account_id=acme.id, name="Left Early", left_on=date(2026, 1, 1))
        old_ann = Contact(
            account_id=globex.id,
            name="Ann Lee",
            buying_role=BuyingRole.CHAMPION,
            email="ann.lee@mail.example",
            left_on=date(2025, 12, 1),
        )
        twin = Contact(account_id=globex.id, name="Bo B.", email="bo@globex.example")
        session.add_all([ann, left, old_ann, twin])
        session.flush()
        partner = Partner(account_id=acme.id, name="Integrator", influence=3)
        session.add(partner)
        session.flush()
        session.add_all(
            [
                Relationship(
                    account_id=acme.id,
                    kind=RelationshipKind.ENGAGEMENT,
                    source_member_id=alice.id,
                    target_contact_id=ann.id,
                    strength=4,
                    last_touch_at=TOUCHED,
                ),
                Relationship(
                    account_id=acme.id,
                    kind=RelationshipKind.INFLUENCES,
                    source_partner_id=partner.id,
                    target_contact_id=boss.id,
                    strength=3,
                ),
                Relationship(
                    account_id=acme.id,
                    kind=RelationshipKind.KNOWS,
                    source_contact_id=boss.id,
                    target_contact_id=left.id,
                    strength=2,
                ),
                Relationship(
                    account_id=globex.id,
                    kind=RelationshipKind.ENGAGEMENT,
                    source_member_id=alice.id,
                    target_contact_id=old_ann.id,
                    strength=5,
                    last_touch_at=TOUCHED,
                ),
                Seat(account_id=acme.id, role_title="CFO", buying_role=BuyingRole.ECONOMIC_BUYER),
                Seat(account_id=acme.id, role_title="CEO", contact_id=boss.id),
                ContactIdentity(contact_id=boss.id, same_as_contact_id=twin.id, confirmed=True),
            ]
        )
        session.commit()
        return {
            "acme": acme.id,
            "globex": globex.id,
            "alice": alice.id,
            "boss": boss.id,
            "ann": ann.id,
            "old_ann": old_ann.id,
            "twin": twin.id,
            "partner": partner.id,
        }


def test_facts_hold_current_contacts_active_team_and_their_links(database: Database) -> None:
    ids = _fill(database)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["acme"], session=session)
    assert facts is not None
    assert facts.account_name == "Acme"
    assert [c.name for c in facts.contacts] == ["Bo Boss", "Ann Lee"]  # not who left
    ann = facts.contacts[1]
    assert ann == ContactFact(
        id=ids["ann"],
        account_id=ids["acme"],
        name="Ann Lee",
        influence=4,
        sentiment=Sentiment.SUPPORTER,
        met=True,
        reports_to_id=ids["boss"],
        email="Ann.Lee@Mail.example",
    )
    assert [(m.name, m.username) for m in facts.members] == [("Alice Ames", "alice")]
    assert [(r.kind, r.strength) for r in facts.relationships] == [
        (RelationshipKind.ENGAGEMENT, 4),
        (RelationshipKind.INFLUENCES, 3),
    ]  # the relationship with the leaver is left out
    assert facts.relationships[0].last_touch_at == TOUCHED
    assert facts.relationships[1].source_partner_id == ids["partner"]
    assert [(p.name, p.influence) for p in facts.partners] == [("Integrator", 3)]
    assert [(s.role_title, s.contact_id) for s in facts.seats] == [
        ("CFO", None),
        ("CEO", ids["boss"]),
    ]


def test_cross_account_links_by_identity_and_by_email_ignoring_case(database: Database) -> None:
    ids = _fill(database)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["acme"], session=session)
    assert facts is not None
    links = {(link.contact_id, link.other.id): link for link in facts.cross_links}
    assert set(links) == {(ids["boss"], ids["twin"]), (ids["ann"], ids["old_ann"])}
    by_identity = links[ids["boss"], ids["twin"]]
    assert (by_identity.matched_by, by_identity.confirmed) == ("identity", True)
    by_email = links[ids["ann"], ids["old_ann"]]
    assert (by_email.matched_by, by_email.confirmed) == ("email", False)
    assert by_email.other_account_name == "Globex"
    assert by_email.other.buying_role is BuyingRole.CHAMPION
    assert by_email.other.left_on == date(2025, 12, 1)
    assert [(r.source_member_id, r.strength) for r in by_email.engagements] == [(ids["alice"], 5)]


def test_an_unknown_account_has_no_facts(database: Database) -> None:
    with database.session() as session:
        assert load_stakeholder_facts(12345, session=session) is None


def test_the_stamp_changes_with_an_edit_to_the_account_only(database: Database) -> None:
    ids = _fill(database)
    with database.session() as session:
        before = load_graph_stamp(ids["acme"], session=session)
        assert load_graph_stamp(ids["acme"], session=session) == before
        globex_contact = session.get(Contact, ids["twin"])
        assert globex_contact is not None
        globex_contact.title = "Retitled elsewhere"
        session.add(globex_contact)
        session.commit()
        assert load_graph_stamp(ids["acme"], session=session) == before
        relationship = session.exec(
            select(Relationship).where(Relationship.target_contact_id == ids["ann"])
        ).one()
        relationship.strength = 2
        session.add(relationship)
        session.commit()
        assert load_graph_stamp(ids["acme"], session=session) != before


def test_half_life_setting(database: Database) -> None:
    with database.session() as session:
        assert load_half_life_days(session=session) == DEFAULT_HALF_LIFE_DAYS
        put_setting(HALF_LIFE_SETTING, 90, session=session)
        session.commit()
        assert load_half_life_days(session=session) == 90.0
