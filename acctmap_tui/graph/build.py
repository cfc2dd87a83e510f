"""The stakeholder graph of one account: its current contacts, our team, partners, and
the other records (at other accounts) of the same people.

Two NetworkX graphs share the nodes; every edge weight is a strength in 0..1.

``intro`` (undirected) answers "who can introduce whom". Introductions work both ways,
so every relationship is mutual here:

* a relationship of any kind (engagement, knows, influences) from one of ours, one
  of their people or a partner, at ``strength / 5``; only our own engagements fade
  with time (:mod:`acctmap_tui.graph.freshness`);
* a reporting line at :data:`REPORTS_TO_STRENGTH` / 5 (colleagues who work together
  can introduce each other, but less warmly than a relationship we know is close),
  a dotted line at :data:`DOTTED_LINE_STRENGTH` / 5;
* the *same person* at 1: a contact of this account and their record at another
  account (a ContactIdentity row or the same e-mail), so our engagement with a former
  champion at her old employer is a warm path to her here.

Partners and other records can sit in the middle of a path, never at its end; our
team members only at its start. Between two people only the strongest link is kept
(ties: the link kind earlier in :data:`LINK_KINDS`, then the lower relationship id).

``sway`` (directed) answers "who can move whom": an INFLUENCES relationship from its
source to its target (contact or partner source), and a reporting line from the report
up to the manager (a report can make the case to their manager; dotted lines likewise),
at the same strengths as above. The influence path runs on it; PageRank reads it with
influence edges reversed (see :mod:`acctmap_tui.graph.ranking`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import networkx as nx

from acctmap_tui.data.stakeholder_queries import (
    ContactFact,
    CrossAccountLink,
    MemberFact,
    PartnerFact,
    RelationshipFact,
    StakeholderFacts,
)
from acctmap_tui.domain.vocabulary import RelationshipKind
from acctmap_tui.graph.freshness import Freshness, nominal_strength

Node = tuple[str, int]
"""A node of the graph: (kind, id), kind one of "contact", "member", "partner"."""
CONTACT = "contact"
MEMBER = "member"
PARTNER = "partner"

REPORTS_TO_STRENGTH = 3
"""A solid reporting line, on the 1..5 strength scale."""
DOTTED_LINE_STRENGTH = 2
"""A dotted reporting line, on the 1..5 strength scale."""

ENGAGEMENT = "engagement"
KNOWS = "knows"
INFLUENCES = "influences"
REPORTS_TO = "reports_to"
DOTTED_LINE = "dotted_line"
SAME_PERSON = "same_person"
LINK_KINDS = (SAME_PERSON, ENGAGEMENT, KNOWS, INFLUENCES, REPORTS_TO, DOTTED_LINE)
"""Every kind of link, in the order that breaks ties between equally strong links."""


def contact_node(contact_id: int) -> Node:
    return (CONTACT, contact_id)


def member_node(member_id: int) -> Node:
    return (MEMBER, member_id)


def partner_node(partner_id: int) -> Node:
    return (PARTNER, partner_id)


@dataclass(frozen=True, slots=True)
class Link:
    """One edge: what it is, how strong it is now, and where it came from."""

    kind: str
    strength: float
    """Effective strength in 0..1, after freshness."""
    nominal: float
    """``strength / 5`` as stored (or the reporting-line default)."""
    relationship_id: int | None = None
    last_touch_at: datetime | None = None
    stale: bool = False

    def beats(self, other: Link) -> bool:
        """Whether this link replaces ``other`` between the same two people."""
        mine = (-self.strength, LINK_KINDS.index(self.kind), self.relationship_id or 0)
        theirs = (-other.strength, LINK_KINDS.index(other.kind), other.relationship_id or 0)
        return mine < theirs


@dataclass(frozen=True, slots=True)
class Engagement:
    """One of our team's relationships with a contact (here or their record elsewhere)."""

    relationship_id: int
    member_id: int
    contact_id: int
    """The contact here, even when the relationship is with their record elsewhere."""
    record_id: int
    """The contact record the relationship was logged on."""
    link: Link


@dataclass
class StakeholderGraph:
    """An account's stakeholder graph, built once and read by every analysis."""

    facts: StakeholderFacts
    freshness: Freshness
    intro: nx.Graph
    sway: nx.DiGraph
    contacts: dict[int, ContactFact]
    """Current contacts of this account, by id."""
    members: dict[int, MemberFact]
    partners: dict[int, PartnerFact]
    other_records: dict[int, CrossAccountLink] = field(default_factory=dict)
    """Records at other accounts, by their contact id."""
    engagements: list[Engagement] = field(default_factory=list)
    derived: dict[str, Any] = field(default_factory=dict)
    """Results computed once per built graph and reused (the influence ranking)."""

    @property
    def account_id(self) -> int:
        return self.facts.account_id

    def name_of(self, node: Node) -> str:
        """The display name of a node; another account's record names that account."""
        kind, identifier = node
        if kind == MEMBER:
            return self.members[identifier].name
        if kind == PARTNER:
            return self.partners[identifier].name
        if identifier in self.contacts:
            return self.contacts[identifier].name
        link = self.other_records[identifier]
        return f"{link.other.name} ({link.other_account_name})"

    def link(self, first: Node, second: Node) -> Link:
        """The intro link between two adjacent nodes."""
        return self.intro.edges[first, second]["link"]

    def engaged_contact_ids(self) -> set[int]:
        """Contacts here with an engagement from one of us on their own record."""
        return {e.contact_id for e in self.engagements if e.record_id == e.contact_id}


def build_graph(facts: StakeholderFacts, freshness: Freshness) -> StakeholderGraph:
    """Build both graphs of one account from its facts (see the module docstring)."""
    graph = StakeholderGraph(
        facts=facts,
        freshness=freshness,
        intro=nx.Graph(),
        sway=nx.DiGraph(),
        contacts={contact.id: contact for contact in facts.contacts},
        members={member.id: member for member in facts.members},
        partners={partner.id: partner for partner in facts.partners},
    )
    graph.other_records = {
        link.other.id: link for link in facts.cross_links if link.contact_id in graph.contacts
    }
    intro, sway = graph.intro, graph.sway
    intro.add_nodes_from(member_node(i) for i in graph.members)
    intro.add_nodes_from(contact_node(i) for i in graph.contacts)
    intro.add_nodes_from(partner_node(i) for i in graph.partners)
    sway.add_nodes_from(node for node in intro if node[0] != MEMBER)
    for source, target, link in _reporting_links(graph):
        _connect(intro, source, target, link)
        sway.add_edge(source, target, link=link)
    for relationship in facts.relationships:
        _add_relationship(graph, relationship, relationship.target_contact_id)
    for other_id, cross in graph.other_records.items():
        link = Link(SAME_PERSON, 1.0, 1.0)
        _connect(intro, contact_node(other_id), contact_node(cross.contact_id), link)
        for relationship in cross.engagements:
            _add_relationship(graph, relationship, other_id)
    return graph


def _reporting_links(graph: StakeholderGraph) -> Iterator[tuple[Node, Node, Link]]:
    solid_strength = nominal_strength(REPORTS_TO_STRENGTH)
    dotted_strength = nominal_strength(DOTTED_LINE_STRENGTH)
    solid = Link(REPORTS_TO, solid_strength, solid_strength)
    dotted = Link(DOTTED_LINE, dotted_strength, dotted_strength)
    for contact in graph.contacts.values():
        for manager_id, link in (
            (contact.reports_to_id, solid),
            (contact.dotted_line_to_id, dotted),
        ):
            if manager_id in graph.contacts and manager_id != contact.id:
                yield contact_node(contact.id), contact_node(manager_id), link


def _add_relationship(graph: StakeholderGraph, relationship: RelationshipFact, record: int) -> None:
    """One relationship row as an intro edge (and a sway edge when it is influence).

    A relationship from one of ours counts as our engagement whatever its kind, and fades.
    """
    if record not in graph.contacts and record not in graph.other_records:
        return  # the contact left the account
    target = contact_node(record)
    nominal = nominal_strength(relationship.strength)
    kind = str(relationship.kind)
    if relationship.source_member_id is not None:
        member_id = relationship.source_member_id
        if member_id not in graph.members:
            return
        freshness = graph.freshness
        link = Link(
            kind,
            nominal * freshness.factor(relationship.last_touch_at),
            nominal,
            relationship.id,
            relationship.last_touch_at,
            freshness.is_stale(relationship.last_touch_at),
        )
        _connect(graph.intro, member_node(member_id), target, link)
        cross = graph.other_records.get(record)
        contact_id = record if cross is None else cross.contact_id
        graph.engagements.append(Engagement(relationship.id, member_id, contact_id, record, link))
        return
    if relationship.source_contact_id is not None:
        if relationship.source_contact_id not in graph.contacts:
            return
        source = contact_node(relationship.source_contact_id)
    elif relationship.source_partner_id in graph.partners:
        source = partner_node(relationship.source_partner_id)
    else:
        return
    if source == target:
        return
    link = Link(kind, nominal, nominal, relationship.id, relationship.last_touch_at)
    _connect(graph.intro, source, target, link)
    if relationship.kind is RelationshipKind.INFLUENCES:
        existing = graph.sway.get_edge_data(source, target)
        if existing is None or link.beats(existing["link"]):
            graph.sway.add_edge(source, target, link=link)


def _connect(intro: nx.Graph, first: Node, second: Node, link: Link) -> None:
    """Join two people, keeping only the strongest link between them."""
    existing = intro.get_edge_data(first, second)
    if existing is None or link.beats(existing["link"]):
        intro.add_edge(first, second, link=link)
