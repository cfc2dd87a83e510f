"""Accounts are not islands: a former champion who moved is a warm path at her new account."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    Contact,
    ContactIdentity,
    Relationship,
    TeamMember,
    name_key,
)
from acctmap_tui.data.stakeholder_queries import load_stakeholder_facts
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind, Sentiment
from acctmap_tui.graph.analysis import analyse_account
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.paths import warm_intro_path

pytestmark = pytest.mark.both_engines

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _fill(database: Database, *, same_email: bool) -> dict[str, int]:
    """Sofia was our champion at Oldco (Alice knew her, strength 4) and now works at Newco.

    Newco's only other contact, Nils, is known to Bob at strength 2 and knows Sofia at 5.
    """
    with database.session() as session:
        alice = TeamMember(name="Alice")
        bob = TeamMember(name="Bob")
        oldco = Account(name="Oldco", name_key=name_key("Oldco"))
        newco = Account(name="Newco", name_key=name_key("Newco"))
        session.add_all([alice, bob, oldco, newco])
        session.flush()
        then = Contact(
            account_id=oldco.id,
            name="Sofia Suzuki",
            buying_role=BuyingRole.CHAMPION,
            sentiment=Sentiment.STRONG_SUPPORTER,
            email="sofia@personal.example",
            left_on=date(2026, 1, 15),
        )
        now = Contact(
            account_id=newco.id,
            name="Sofia Suzuki",
            buying_role=BuyingRole.INFLUENCER,
            email="SOFIA@Personal.Example" if same_email else "s.suzuki@newco.example",
        )
        nils = Contact(account_id=newco.id, name="Nils")
        session.add_all([then, now, nils])
        session.flush()
        session.add_all(
            [
                Relationship(
                    account_id=oldco.id,
                    kind=RelationshipKind.ENGAGEMENT,
                    source_member_id=alice.id,
                    target_contact_id=then.id,
                    strength=4,
                    last_touch_at=NOW - timedelta(days=90),
                ),
                Relationship(
                    account_id=newco.id,
                    kind=RelationshipKind.ENGAGEMENT,
                    source_member_id=bob.id,
                    target_contact_id=nils.id,
                    strength=2,
                    last_touch_at=NOW,
                ),
                Relationship(
                    account_id=newco.id,
                    kind=RelationshipKind.KNOWS,
                    source_contact_id=nils.id,
                    target_contact_id=now.id,
                    strength=5,
                ),
            ]
        )
        if not same_email:
            session.add(ContactIdentity(contact_id=now.id, same_as_contact_id=then.id))
        session.commit()
        return {"newco": newco.id, "oldco": oldco.id, "then": then.id, "now": now.id}


@pytest.mark.parametrize("same_email", [True, False], ids=["by-email", "by-identity"])
def test_the_old_relationship_is_a_warm_path_to_her_new_account(
    database: Database, same_email: bool
) -> None:
    ids = _fill(database, same_email=same_email)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["newco"], session=session)
    assert facts is not None
    graph = build_graph(facts, Freshness(NOW, half_life_days=180))
    path = warm_intro_path(graph, ids["now"])
    assert path is not None
    # 0.8 faded by 90 of 180 days (0.566) beats Bob - Nils - Sofia at 0.4 x 1.0.
    assert path.names == ("Alice", "Sofia Suzuki (Oldco)", "Sofia Suzuki")
    assert [hop.kind for hop in path.hops] == ["engagement", "same_person"]
    assert path.strength == pytest.approx(0.8 * 0.5**0.5)

    former = analyse_account(graph).former_champions
    assert len(former) == 1
    champion = former[0]
    assert (champion.name, champion.other_account_name) == ("Sofia Suzuki", "Oldco")
    assert champion.other_role is BuyingRole.CHAMPION
    assert champion.left_on == date(2026, 1, 15)
    assert champion.matched_by == ("email" if same_email else "identity")
    assert champion.path is not None and champion.path.nodes == path.nodes


def test_without_the_link_the_path_is_only_the_colder_one(database: Database) -> None:
    ids = _fill(database, same_email=True)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["newco"], session=session)
    assert facts is not None
    island = build_graph(dataclasses.replace(facts, cross_links=()), Freshness(NOW))
    path = warm_intro_path(island, ids["now"])
    assert path is not None
    assert path.names == ("Bob", "Nils", "Sofia Suzuki")
    assert analyse_account(island).former_champions == ()


def test_at_her_old_account_she_is_gone(database: Database) -> None:
    ids = _fill(database, same_email=True)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["oldco"], session=session)
    assert facts is not None
    assert facts.contacts == () and facts.cross_links == ()
