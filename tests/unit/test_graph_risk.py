"""Key-person risk: articulation points and what each one cuts off."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import networkx as nx

from acctmap_tui.data.stakeholder_queries import (
    ContactFact,
    MemberFact,
    RelationshipFact,
    StakeholderFacts,
)
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.risk import cut_vertices, key_person_risks

NOW = datetime(2026, 6, 1, tzinfo=UTC)
A, B, C, D, EB = 10, 11, 12, 13, 14


def _graph(extra: list[RelationshipFact]):
    """Alice - Ann; Ann, Bea and Dee know each other; Bea - Erin (economic buyer) - Cy."""
    contacts = (
        ContactFact(A, 1, "Ann"),
        ContactFact(B, 1, "Bea"),
        ContactFact(C, 1, "Cy"),
        ContactFact(D, 1, "Dee"),
        ContactFact(EB, 1, "Erin", buying_role=BuyingRole.ECONOMIC_BUYER),
    )
    knows = [(A, B), (A, D), (B, D), (B, EB), (EB, C)]
    relationships = [
        RelationshipFact(1, RelationshipKind.ENGAGEMENT, A, 4, 1, last_touch_at=NOW),
        *(
            RelationshipFact(i, RelationshipKind.KNOWS, target, 3, source_contact_id=source)
            for i, (source, target) in enumerate(knows, start=10)
        ),
        *extra,
    ]
    facts = StakeholderFacts(
        1,
        "Acme",
        contacts,
        (MemberFact(1, "Alice"), MemberFact(2, "Bob")),
        tuple(relationships),
    )
    return build_graph(facts, Freshness(NOW))


def test_articulation_points_and_what_they_cut_off() -> None:
    risks = key_person_risks(_graph([]))
    assert [(r.name, r.cut_off_names, r.cuts_economic_buyer) for r in risks] == [
        ("Ann", ("Bea", "Cy", "Dee", "Erin"), True),
        ("Bea", ("Cy", "Erin"), True),
        ("Erin", ("Cy",), False),
    ]
    assert risks[0].cut_off == (B, C, D, EB)


def test_a_second_way_in_removes_the_risk() -> None:
    bob_knows_dee = RelationshipFact(2, RelationshipKind.ENGAGEMENT, D, 1, 2, last_touch_at=NOW)
    risks = key_person_risks(_graph([bob_knows_dee]))
    assert [(r.name, r.cut_off_names) for r in risks] == [
        ("Bea", ("Cy", "Erin")),
        ("Erin", ("Cy",)),
    ]


def test_a_member_reached_through_a_contact_is_still_our_own_way_in() -> None:
    """Bob knows Cy: the ring Alice-Ann-Bea-Erin-Cy-Bob leaves no single point of failure,
    even when the search reaches Bob through Cy rather than from us."""
    bob_knows_cy = RelationshipFact(3, RelationshipKind.ENGAGEMENT, C, 1, 2, last_touch_at=NOW)
    risks = key_person_risks(_graph([bob_knows_cy]))
    assert risks == []


def _brute_force(graph: nx.Graph, root: int) -> dict[int, set[int]]:
    reachable = nx.node_connected_component(graph, root)
    found = {}
    for node in reachable - {root}:
        rest = graph.subgraph(reachable - {node})
        lost = reachable - {node} - nx.node_connected_component(rest, root)
        if lost:
            found[node] = lost
    return found


def test_cut_sets_match_removing_each_node_on_random_graphs() -> None:
    rng = random.Random(11)
    for _ in range(60):
        size = rng.randint(2, 25)
        graph = nx.gnm_random_graph(
            size, rng.randint(size - 1, size * 2), seed=rng.randrange(1 << 30)
        )
        fast = {node: set(lost) for node, lost in cut_vertices(graph.adj, 0).items()}
        assert fast == _brute_force(graph, 0)
