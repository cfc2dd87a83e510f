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

Why not ``nx.pagerank``: it needs NumPy and SciPy, about 215 MB installed and, measured
on this project's machine, 250-400 ms to import (numpy ~130-260 ms, scipy.sparse
~140-240 ms) on top of NetworkX's own ~250 ms. The power iteration below is the same
algorithm (NetworkX's pure-Python reference, ``_pagerank_python``) and takes a few
milliseconds for an account of 2,000 contacts, so neither is a dependency.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from acctmap_tui.graph.build import (
    CONTACT,
    INFLUENCES,
    Node,
    StakeholderGraph,
    contact_node,
)

DAMPING = 0.85
TOLERANCE = 1e-10
"""Per node: stop when the scores move less than this times the number of people."""
MAX_ITERATIONS = 500
UNKNOWN_INFLUENCE = 3
SCORE_DIGITS = 9
"""Scores are compared rounded, so numerically equal ranks tie and fall to the next key."""


@dataclass(frozen=True, slots=True)
class RankedContact:
    """A contact's place in the influence ranking."""

    contact_id: int
    name: str
    score: float
    """PageRank share, 0..1; the scores of everyone in the graph sum to 1."""
    rank: int
    """1 for the most influential."""


def weighted_pagerank(
    nodes: Iterable[Node],
    votes: Iterable[tuple[Node, Node, float]],
    *,
    teleport: Mapping[Node, float] | None = None,
    damping: float = DAMPING,
) -> dict[Node, float]:
    """PageRank by power iteration over weighted votes (see the module docstring).

    Args:
        nodes: everyone ranked.
        votes: ``(voter, chosen, weight)``; parallel votes add up.
        teleport: relative (positive) chance of a random jump landing on each node,
            uniform if None; nodes without votes hand their rank back in the same
            proportions.
    """
    people = sorted(set(nodes))
    if not people:
        return {}
    index = {node: position for position, node in enumerate(people)}
    weights: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for voter, chosen, weight in votes:
        if voter != chosen and weight > 0:
            weights[index[voter]][index[chosen]] += weight
    raw = [teleport.get(node, 1.0) if teleport else 1.0 for node in people]
    if min(raw) <= 0:
        raise ValueError("teleport weights must be positive")
    jump = [share / sum(raw) for share in raw]
    # Flat lists of (voter, chosen, share of the voter's rank): the loop below is the cost.
    edges = []
    for voter, chosen_weights in sorted(weights.items()):
        total = sum(chosen_weights.values())
        edges += [(voter, chosen, w / total) for chosen, w in sorted(chosen_weights.items())]
    silent = [position for position in range(len(people)) if position not in weights]
    scores = [1.0 / len(people)] * len(people)
    limit = len(people) * TOLERANCE
    for _ in range(MAX_ITERATIONS):
        previous = scores
        base = damping * sum(map(previous.__getitem__, silent)) + (1 - damping)
        scores = [base * share for share in jump]
        for voter, chosen, share in edges:
            scores[chosen] += damping * previous[voter] * share
        if sum(map(abs, map(operator.sub, scores, previous))) < limit:
            break
    return dict(zip(people, scores, strict=True))


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
