"""Influence ranking: PageRank values worked out by hand, and its direction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from acctmap_tui.data.stakeholder_queries import (
    ContactFact,
    MemberFact,
    RelationshipFact,
    StakeholderFacts,
)
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.ranking import influence_ranking, key_contact_ids, weighted_pagerank

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def graph_of(contacts: list[ContactFact], relationships: list[RelationshipFact] | None = None):
    facts = StakeholderFacts(
        account_id=1,
        account_name="Acme",
        contacts=tuple(contacts),
        members=(MemberFact(1, "Alice"),),
        relationships=tuple(relationships or ()),
    )
    return build_graph(facts, Freshness(NOW))


def influences(relationship_id: int, source: int, target: int, strength: int) -> RelationshipFact:
    return RelationshipFact(
        relationship_id, RelationshipKind.INFLUENCES, target, strength, source_contact_id=source
    )


def test_a_report_and_a_manager() -> None:
    """A -> B (A reports to B), equal teleport. B hands its rank back half and half:
    a = 0.85 b / 2 + 0.15 / 2 and a + b = 1, so a = 0.5 / 1.425."""
    graph = graph_of([ContactFact(1, 1, "Ann", reports_to_id=2), ContactFact(2, 1, "Ben")])
    ranking = influence_ranking(graph)
    assert [entry.name for entry in ranking] == ["Ben", "Ann"]
    assert [entry.rank for entry in ranking] == [1, 2]
    assert ranking[1].score == pytest.approx(0.5 / 1.425, abs=1e-9)
    assert ranking[0].score == pytest.approx(1 - 0.5 / 1.425, abs=1e-9)


def test_the_economic_buyer_and_whoever_sways_them_rank_above_the_rest() -> None:
    """Two reports vote for the economic buyer, who votes for the champion who sways
    them; nobody's vote leaves the champion, so it returns as teleport (1/4 each).
    With t = 0.15/4 + 0.85 c/4: each report t, the buyer t + 0.85 * 2t = 2.7t, the
    champion t + 0.85 * 2.7t = 3.295t, and 7.995t = 1."""
    people = [
        ContactFact(1, 1, "Erin", buying_role=BuyingRole.ECONOMIC_BUYER),
        ContactFact(2, 1, "Chris", buying_role=BuyingRole.CHAMPION),
        ContactFact(3, 1, "Rae", reports_to_id=1),
        ContactFact(4, 1, "Ray", reports_to_id=1),
    ]
    ranking = influence_ranking(graph_of(people, [influences(1, 2, 1, 4)]))
    t = 1 / 7.995
    scores = {entry.name: entry.score for entry in ranking}
    assert scores == pytest.approx({"Chris": 3.295 * t, "Erin": 2.7 * t, "Rae": t, "Ray": t})
    assert [entry.name for entry in ranking] == ["Chris", "Erin", "Rae", "Ray"]  # tie: lower id


def test_declared_influence_weights_the_teleport() -> None:
    alone = [ContactFact(1, 1, "Low", influence=1), ContactFact(2, 1, "High", influence=4)]
    ranking = influence_ranking(graph_of(alone))
    assert [(entry.name, round(entry.score, 9)) for entry in ranking] == [
        ("High", 0.8),
        ("Low", 0.2),
    ]


def test_key_contacts_of_an_account_in_ranked_order() -> None:
    people = [
        ContactFact(1, 1, "CEO", influence=5),
        ContactFact(2, 1, "CFO", reports_to_id=1, influence=4),
        ContactFact(3, 1, "Clerk", reports_to_id=2, influence=1),
        ContactFact(4, 1, "Clerk two", reports_to_id=2, influence=1),
    ]
    graph = graph_of(people)
    assert key_contact_ids(graph) == [1, 2, 3, 4]
    assert key_contact_ids(graph, 2) == [1, 2]


def test_pagerank_with_no_people_and_parallel_votes() -> None:
    assert weighted_pagerank([], []) == {}
    nodes = [("contact", 1), ("contact", 2)]
    once = weighted_pagerank(nodes, [(nodes[0], nodes[1], 1.0)])
    twice = weighted_pagerank(nodes, [(nodes[0], nodes[1], 0.5), (nodes[0], nodes[1], 0.5)])
    assert once == pytest.approx(twice)
    with pytest.raises(ValueError):
        weighted_pagerank(nodes, [], teleport={nodes[0]: 0.0, nodes[1]: 1.0})
