"""Influence ranking: weighted PageRank over influence and reporting lines.

Direction. A PageRank edge is a vote: ``X -> Y`` means "X listens to Y", so Y ranks
high when people who rank high listen to them. A report listens to their manager
(report -> manager, at the reporting-line strength: senior people and the economic
buyer at the top collect the votes of the organisation below them), and whoever is
swayed listens to whoever sways them (an "A influences B" relationship votes B -> A
at its strength), so the champion or partner who has the economic buyer's ear shares
in the economic buyer's standing. Votes are split in proportion to link strength.

Teleport. The random jump lands on people in proportion to their declared influence
(1..5, unknown counted as :data:`UNKNOWN_INFLUENCE`, the middle of the scale), so the
seller's judgement and the structure both count. People nobody listens to (the top of
the org chart, a partner) hand their rank back the same way, as NetworkX does with
``personalization`` and no ``dangling`` argument. Damping 0.85, as usual.

The PageRank itself (and why not ``nx.pagerank``) is in :mod:`acctmap_tui.graph.pagerank`,
which imports nothing heavy, so the account table ranks every account's contacts with
the same arithmetic without NetworkX (:mod:`acctmap_tui.graph.key_contacts`).
"""

from __future__ import annotations

from dataclasses import dataclass

from acctmap_tui.graph.build import (
    CONTACT,
    INFLUENCES,
    Node,
    StakeholderGraph,
    contact_node,
)
from acctmap_tui.graph.pagerank import (  # weighted_pagerank and its constants live there
    DAMPING,
    MAX_ITERATIONS,
    SCORE_DIGITS,
    TOLERANCE,
    UNKNOWN_INFLUENCE,
    weighted_pagerank,
)

__all__ = [
    "DAMPING",
    "MAX_ITERATIONS",
    "SCORE_DIGITS",
    "TOLERANCE",
    "UNKNOWN_INFLUENCE",
    "RankedContact",
    "influence_ranking",
    "influence_scores",
    "key_contact_ids",
    "weighted_pagerank",
]


@dataclass(frozen=True, slots=True)
class RankedContact:
    """A contact's place in the influence ranking."""

    contact_id: int
    name: str
    score: float
    """PageRank share, 0..1; the scores of everyone in the graph sum to 1."""
    rank: int
    """1 for the most influential."""


def influence_scores(graph: StakeholderGraph) -> dict[Node, float]:
    """PageRank of everyone on the customer's side (contacts and partners)."""
    sway = graph.sway
    votes = []
    for source, target, data in sway.edges(data=True):
        link = data["link"]
        if link.kind == INFLUENCES:
            votes.append((target, source, link.strength))
        else:  # a reporting line, from the report up to the manager
            votes.append((source, target, link.strength))
    teleport = {
        contact_node(contact.id): float(contact.influence or UNKNOWN_INFLUENCE)
        for contact in graph.contacts.values()
    }
    teleport.update(
        (node, float(graph.partners[node[1]].influence or UNKNOWN_INFLUENCE))
        for node in sway
        if node[0] != CONTACT
    )
    return weighted_pagerank(sway.nodes, votes, teleport=teleport)


def influence_ranking(graph: StakeholderGraph) -> list[RankedContact]:
    """The account's current contacts, most influential first.

    Ties: the higher declared influence, then the lower contact id. Computed once per
    built graph (kept in ``graph.derived``), so a cached graph ranks for free.
    """
    cached = graph.derived.get("influence_ranking")
    if cached is not None:
        return list(cached)
    scores = influence_scores(graph)
    ordered = sorted(
        graph.contacts.values(),
        key=lambda contact: (
            -round(scores.get(contact_node(contact.id), 0.0), SCORE_DIGITS),
            -(contact.influence or 0),
            contact.id,
        ),
    )
    ranking = tuple(
        RankedContact(contact.id, contact.name, scores.get(contact_node(contact.id), 0.0), rank)
        for rank, contact in enumerate(ordered, start=1)
    )
    graph.derived["influence_ranking"] = ranking
    return list(ranking)


def key_contact_ids(graph: StakeholderGraph, limit: int | None = None) -> list[int]:
    """The account's contact ids in influence order (the first ``limit`` of them)."""
    ranked = [entry.contact_id for entry in influence_ranking(graph)]
    return ranked if limit is None else ranked[:limit]
