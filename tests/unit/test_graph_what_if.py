"""What-if: remove or re-score people and relationships in memory; nothing is stored."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account, Contact, Relationship, Seat, TeamMember, name_key
from acctmap_tui.data.stakeholder_queries import load_stakeholder_facts
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind, Sentiment
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.gaps import GapKind
from acctmap_tui.graph.what_if import (
    RemoveContact,
    RemoveMember,
    RescorePerson,
    RescoreRelationship,
    what_if,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _fill(database: Database) -> dict[str, int]:
    """Alice - Carl (5) - Eve, the economic buyer (Carl influences her, 5); Bob - Dee (2) - Eve (5).

    Carl sits in the CFO seat.
    """
    with database.session() as session:
        alice, bob = TeamMember(name="Alice"), TeamMember(name="Bob")
        acme = Account(name="Acme", name_key=name_key("Acme"))
        session.add_all([alice, bob, acme])
        session.flush()
        eve = Contact(
            account_id=acme.id, name="Eve", buying_role=BuyingRole.ECONOMIC_BUYER, influence=5
        )
        carl = Contact(account_id=acme.id, name="Carl", buying_role=BuyingRole.CHAMPION, met=True)
        dee = Contact(account_id=acme.id, name="Dee", met=True)
        session.add_all([eve, carl, dee])
        session.flush()

        def link(source: dict[str, int], target: Contact, strength: int, kind: RelationshipKind):
            return Relationship(
                account_id=acme.id,
                kind=kind,
                target_contact_id=target.id,
                strength=strength,
                last_touch_at=NOW,
                **source,
            )

        engagement, knows = RelationshipKind.ENGAGEMENT, RelationshipKind.KNOWS
        carl_eve = link({"source_contact_id": carl.id}, eve, 5, RelationshipKind.INFLUENCES)
        session.add_all(
            [
                link({"source_member_id": alice.id}, carl, 5, engagement),
                carl_eve,
                link({"source_member_id": bob.id}, dee, 2, engagement),
                link({"source_contact_id": dee.id}, eve, 5, knows),
                Seat(account_id=acme.id, role_title="CFO", contact_id=carl.id),
            ]
        )
        session.commit()
        return {
            "acme": acme.id,
            "alice": alice.id,
            "eve": eve.id,
            "carl": carl.id,
            "dee": dee.id,
            "carl_eve": carl_eve.id,
        }


def _dump(path: Path) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def test_removing_a_person_changes_paths_and_gaps_and_stores_nothing(
    database: Database, db_path: Path
) -> None:
    ids = _fill(database)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["acme"], session=session)
    assert facts is not None
    stored = _dump(db_path)

    result = what_if(facts, [RemoveContact(ids["carl"])], Freshness(NOW))

    assert _dump(db_path) == stored
    assert result.before.warm_paths[ids["eve"]].names == ("Alice", "Carl", "Eve")
    assert result.after.warm_paths[ids["eve"]].names == ("Bob", "Dee", "Eve")
    assert result.after.warm_paths[ids["eve"]].strength == pytest.approx(0.4)
    changed = {change.name: change for change in result.path_changes}
    assert changed["Eve"].before is not None and changed["Eve"].after is not None
    assert changed["Carl"].after is None  # gone
    assert result.influence_path_changed  # Carl was the champion
    assert result.before.influence_path is not None and result.after.influence_path is None
    assert {(gap.kind, gap.subject) for gap in result.gaps_added} == {
        (GapKind.VACANT_SEAT, "CFO"),
        (GapKind.SINGLE_THREADED, "Acme"),
    }
    assert result.before.coverage.engaged == 2 and result.after.coverage.engaged == 1
    # Carl is the only way from Alice; Bob's way through Dee keeps him from being a risk.
    assert [risk.name for risk in result.before.risks] == []


def test_rescoring_a_relationship_or_a_person(database: Database, db_path: Path) -> None:
    ids = _fill(database)
    with database.session() as session:
        facts = load_stakeholder_facts(ids["acme"], session=session)
    assert facts is not None
    stored = _dump(db_path)

    weaker = what_if(facts, [RescoreRelationship(ids["carl_eve"], strength=1)], Freshness(NOW))
    assert weaker.after.warm_paths[ids["eve"]].names == ("Bob", "Dee", "Eve")  # 0.4 beats 0.2
    # Dee's warmest way was Alice - Carl - Eve - Dee (1.0); now Bob's direct 0.4.
    assert [change.name for change in weaker.path_changes] == ["Eve", "Dee"]

    hostile = what_if(
        facts, [RescorePerson(ids["carl"], sentiment=Sentiment.BLOCKER)], Freshness(NOW)
    )
    assert hostile.path_changes == ()
    assert [gap.detail for gap in hostile.gaps_added] == [
        "blocker on the warm path to Eve",
        "blocker on the warm path to Dee",  # Alice - Carl - Eve - Dee
    ]

    no_alice = what_if(facts, [RemoveMember(ids["alice"])], Freshness(NOW))
    assert no_alice.after.warm_paths[ids["eve"]].names == ("Bob", "Dee", "Eve")
    assert _dump(db_path) == stored
    with database.session() as session:
        relationship = session.get(Relationship, ids["carl_eve"])
        assert relationship is not None and relationship.strength == 5
