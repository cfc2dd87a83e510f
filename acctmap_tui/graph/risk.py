"""Key-person risk: the contacts whose departure would cut our only way to others.

On the undirected intro graph with one extra node, "us", joined to every member of our
team, a contact is a key person when removing them disconnects other contacts from
"us": an articulation point. What each would cut off is read from the same depth-first
search (Tarjan's low-link): removing ``v`` disconnects exactly the DFS subtrees of its
children ``c`` with ``low[c] >= disc[v]``, and a subtree is a contiguous run of the
discovery order. So all the answers cost one pass over the graph instead of one search
per candidate, which matters on an account of 2,000 contacts where every manager in a
tree-shaped org chart is an articulation point.

Only current contacts of the account are reported, and only contacts are counted as
cut off (a partner or another account's record in between is a way through, not a
person of the account). Link strength plays no part: a faint link still connects.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from acctmap_tui.graph.build import CONTACT, MEMBER, StakeholderGraph, contact_node
from acctmap_tui.graph.paths import economic_buyer_ids

_US = ("us", 0)


@dataclass(frozen=True, slots=True)
class KeyPersonRisk:
    """A contact on whom our only path to others depends."""

    contact_id: int
    name: str
    cut_off: tuple[int, ...]
    """Contacts we could no longer reach if this one left, by id."""
    cut_off_names: tuple[str, ...]
    cuts_economic_buyer: bool


def cut_vertices(
    adjacency: Mapping[Hashable, Mapping[Hashable, object]], root: Hashable
) -> dict[Hashable, list[Hashable]]:
    """For each articulation point reachable from ``root``: what removing it cuts off.

    The root itself is never reported. Iterative, so deep org charts cannot overflow
    the interpreter's stack.
    """
    discovered: dict[Hashable, int] = {root: 0}
    low: dict[Hashable, int] = {root: 0}
    order: list[Hashable] = [root]
    cut: dict[Hashable, list[Hashable]] = {}
    stack = [(root, None, iter(adjacency[root]))]
    while stack:
        node, parent, neighbours = stack[-1]
        for neighbour in neighbours:
            if neighbour == parent:
                continue
            if neighbour in discovered:
                low[node] = min(low[node], discovered[neighbour])
                continue
            discovered[neighbour] = low[neighbour] = len(order)
            order.append(neighbour)
            stack.append((neighbour, node, iter(adjacency[neighbour])))
            break
        else:
            stack.pop()
            if parent is None:
                continue
            low[parent] = min(low[parent], low[node])
            if parent != root and low[node] >= discovered[parent]:
                start = discovered[node]
                # The subtree of ``node`` is everything discovered since it, so far.
                cut.setdefault(parent, []).extend(order[start:])
    return cut


def key_person_risks(graph: StakeholderGraph) -> list[KeyPersonRisk]:
    """Current contacts whose departure cuts others off from all of us.

    Ordered: those cutting off an economic buyer first, then by how many they cut
    off (most first), then by contact id.
    """
    adjacency: dict[Hashable, Mapping[Hashable, object]] = dict(graph.intro.adj)
    members = [node for node in graph.intro if node[0] == MEMBER]
    adjacency[_US] = dict.fromkeys(members)
    for member in members:  # both ways, or a member reached through a contact looks cut off
        adjacency[member] = {**graph.intro.adj[member], _US: None}
    buyers = {contact_node(contact_id) for contact_id in economic_buyer_ids(graph)}
    risks = []
    for node, lost in cut_vertices(adjacency, _US).items():
        if node[0] != CONTACT or node[1] not in graph.contacts:
            continue
        cut_off = sorted(
            other[1] for other in set(lost) if other[0] == CONTACT and other[1] in graph.contacts
        )
        if not cut_off:
            continue
        risks.append(
            KeyPersonRisk(
                contact_id=node[1],
                name=graph.contacts[node[1]].name,
                cut_off=tuple(cut_off),
                cut_off_names=tuple(graph.contacts[other].name for other in cut_off),
                cuts_economic_buyer=any(buyer in lost for buyer in buyers),
            )
        )
    risks.sort(key=lambda risk: (not risk.cuts_economic_buyer, -len(risk.cut_off), risk.contact_id))
    return risks
