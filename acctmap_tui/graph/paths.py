"""The warm-introduction path and the influence path.

Both are the path whose product of link strengths is highest: the shortest path on
``-log(strength)`` (Dijkstra). Ties are broken deterministically, in this order: fewer
hops, then the path whose sequence of nodes compares lowest, where a node is
``(kind, id)`` (so among equal paths, the lower member id and then the lower contact
ids win). The search is written out here rather than taken from NetworkX because
NetworkX breaks ties by insertion order, which is not a rule anyone can state.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import networkx as nx

from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment
from acctmap_tui.graph.build import (
    CONTACT,
    MEMBER,
    Node,
    StakeholderGraph,
    contact_node,
    member_node,
)

COST_DIGITS = 12
"""Costs are rounded before comparing, so equal products found in another order tie."""
CHAMPION_SENTIMENTS = frozenset({Sentiment.STRONG_SUPPORTER})
"""Besides the champion role, the sentiment that makes someone one of our champions."""


class UnknownPerson(ValueError):
    """A contact or member id that is not in the account's graph."""


@dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path."""

    source: Node
    target: Node
    source_name: str
    target_name: str
    kind: str
    """The link's kind: engagement, knows, influences, reports_to, dotted_line, same_person."""
    strength: float
    """Effective strength of the link, 0..1."""


@dataclass(frozen=True, slots=True)
class GraphPath:
    """A path through the stakeholder graph and its overall strength."""

    nodes: tuple[Node, ...]
    names: tuple[str, ...]
    hops: tuple[Hop, ...]
    strength: float
    """The product of the hops' strengths, 0..1 (1 for a path of one person)."""

    @property
    def start(self) -> Node:
        return self.nodes[0]

    @property
    def end(self) -> Node:
        return self.nodes[-1]

    @property
    def intermediates(self) -> tuple[Node, ...]:
        return self.nodes[1:-1]


def cost(strength: float) -> float:
    """The Dijkstra weight of a link: ``-log(strength)``; an all-but-faded link costs a lot."""
    return -math.log(max(strength, 1e-300))


Label = tuple[float, int, tuple[Node, ...]]
"""(cost, hops, nodes): the order in which paths are preferred."""


def best_labels(
    graph: nx.Graph | nx.DiGraph,
    sources: Iterable[Node],
    *,
    passable: Callable[[Node], bool],
    target: Node | None = None,
) -> dict[Node, Label]:
    """Dijkstra from several sources at once, with the module's tie-breaking.

    Args:
        graph: edges carry a ``link`` attribute with a ``strength``.
        sources: where paths may start (cost 0).
        passable: whether a path may continue through a reached node.
        target: stop as soon as this node's best path is known.
    """
    heap: list[Label] = [(0.0, 0, (source,)) for source in sources if source in graph]
    heapq.heapify(heap)
    best: dict[Node, Label] = {}
    adjacency = graph.adj
    while heap:
        label = heapq.heappop(heap)
        node = label[2][-1]
        if node in best:
            continue
        best[node] = label
        if node == target:
            break
        if label[1] > 0 and not passable(node):
            continue
        spent, hops, nodes = label
        for neighbour, data in adjacency[node].items():
            if neighbour not in best:
                step = round(spent + cost(data["link"].strength), COST_DIGITS)
                heapq.heappush(heap, (step, hops + 1, (*nodes, neighbour)))
    return best


def path_from_nodes(
    graph: StakeholderGraph, nodes: tuple[Node, ...], links: nx.Graph | nx.DiGraph
) -> GraphPath:
    """A :class:`GraphPath` with names and hops, read from ``links`` (intro or sway)."""
    hops = []
    strength = 1.0
    for source, target in zip(nodes, nodes[1:], strict=False):
        link = links.edges[source, target]["link"]
        strength *= link.strength
        hops.append(
            Hop(
                source,
                target,
                graph.name_of(source),
                graph.name_of(target),
                link.kind,
                link.strength,
            )
        )
    names = tuple(graph.name_of(node) for node in nodes)
    return GraphPath(nodes, names, tuple(hops), strength)


def _intro_sources(graph: StakeholderGraph, from_member_id: int | None) -> list[Node]:
    if from_member_id is None:
        return sorted(member_node(member) for member in graph.members)
    if from_member_id not in graph.members:
        raise UnknownPerson(f"member {from_member_id} is not on our active team")
    return [member_node(from_member_id)]


def _introducer(node: Node) -> bool:
    """Anyone but our own people may pass an introduction on (members only start one)."""
    return node[0] != MEMBER


def warm_intro_path(
    graph: StakeholderGraph, contact_id: int, *, from_member_id: int | None = None
) -> GraphPath | None:
    """The warmest introduction to a contact, from one member or any of ours.

    Returns None when no chain of relationships and reporting lines reaches them.

    Raises:
        UnknownPerson: the contact is not a current contact of the account, or the
            member is not on our active team.
    """
    if contact_id not in graph.contacts:
        raise UnknownPerson(f"contact {contact_id} is not a current contact of the account")
    target = contact_node(contact_id)
    sources = _intro_sources(graph, from_member_id)
    labels = best_labels(graph.intro, sources, passable=_introducer, target=target)
    label = labels.get(target)
    return None if label is None else path_from_nodes(graph, label[2], graph.intro)


def warm_intro_paths(
    graph: StakeholderGraph, *, from_member_id: int | None = None
) -> dict[int, GraphPath]:
    """The warmest introduction to every reachable current contact, in one search."""
    sources = _intro_sources(graph, from_member_id)
    labels = best_labels(graph.intro, sources, passable=_introducer)
    return {
        node[1]: path_from_nodes(graph, label[2], graph.intro)
        for node, label in labels.items()
        if node[0] == CONTACT and node[1] in graph.contacts
    }


def champion_ids(graph: StakeholderGraph) -> list[int]:
    """Our champions: the champion role, or a strong supporter."""
    return sorted(
        contact.id
        for contact in graph.contacts.values()
        if contact.buying_role is BuyingRole.CHAMPION or contact.sentiment in CHAMPION_SENTIMENTS
    )


def economic_buyer_ids(graph: StakeholderGraph) -> list[int]:
    return sorted(
        contact.id
        for contact in graph.contacts.values()
        if contact.buying_role is BuyingRole.ECONOMIC_BUYER
    )


def influence_path(graph: StakeholderGraph) -> GraphPath | None:
    """The strongest chain of sway from one of our champions to an economic buyer.

    Runs over the ``sway`` graph (influence relationships, reports up to managers).
    An economic buyer who is a champion themself is a path of one person (strength 1).
    None when the account has no champion, no economic buyer, or no chain between them.
    """
    buyers = {contact_node(contact_id) for contact_id in economic_buyer_ids(graph)}
    sources = [contact_node(contact_id) for contact_id in champion_ids(graph)]
    if not buyers or not sources:
        return None
    labels = best_labels(graph.sway, sources, passable=lambda _node: True)
    reached = [labels[buyer] for buyer in buyers if buyer in labels]
    if not reached:
        return None
    return path_from_nodes(graph, min(reached)[2], graph.sway)
