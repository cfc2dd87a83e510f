"""Coverage gaps, next best introductions, stale relationships and former champions.

*Key people* are the contacts a plan cannot do without: a decision role (economic
buyer, champion, technical buyer; "decision maker" is a synonym of economic buyer),
a declared influence of :data:`HIGH_INFLUENCE` or more, or a place in the top
:data:`TOP_RANKED` of the influence ranking. The gaps:

* ``uncovered``: a key person nobody on our side has a relationship with (no
  relationship from one of our team members on their own record);
* ``unmet``: a key person we have not met yet;
* ``blocker_on_path``: a blocker (sentiment or buying role) in the middle of the
  warmest introduction to a key person, or of the influence path;
* ``single_threaded``: fewer than two engaged contacts (engaged: met, or with a
  relationship from one of ours), the definition plan health uses;
* ``vacant_seat``: a seat with nobody in it ("CFO, not yet identified");
* ``level_gap``: a relationship level below its target, named with its owner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from acctmap_tui.data.stakeholder_queries import ContactFact
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment
from acctmap_tui.graph.build import CONTACT, StakeholderGraph, contact_node, member_node
from acctmap_tui.graph.paths import GraphPath, path_from_nodes
from acctmap_tui.graph.ranking import RankedContact

DECISION_ROLES = frozenset(
    {BuyingRole.ECONOMIC_BUYER, BuyingRole.CHAMPION, BuyingRole.TECHNICAL_BUYER}
)
HIGH_INFLUENCE = 4
"""Declared influence (1..5) from which a contact is a key person."""
TOP_RANKED = 5
"""The first contacts of the influence ranking are key people whatever they declared."""
UNKNOWN_INFLUENCE = 3
"""An unknown influence counts as the middle of the scale when introductions are scored."""
FORMER_CHAMPION_SENTIMENTS = frozenset({Sentiment.STRONG_SUPPORTER})


class GapKind(StrEnum):
    """The kinds of coverage gap, in the order they are listed."""

    UNCOVERED = "uncovered"
    UNMET = "unmet"
    BLOCKER_ON_PATH = "blocker_on_path"
    SINGLE_THREADED = "single_threaded"
    VACANT_SEAT = "vacant_seat"
    LEVEL_GAP = "level_gap"


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """One gap in our coverage of the account."""

    kind: GapKind
    subject: str
    """Who or what the gap is about (a contact's or seat's name, or the account)."""
    detail: str
    contact_id: int | None = None
    seat_id: int | None = None
    owner: str | None = None
    """Level gaps: who on our side owns the relationship."""

    @property
    def key(self) -> tuple[object, ...]:
        """What makes two gaps the same gap: not details such as today's warmest path,
        except for a blocker, where the detail says which path they sit on."""
        detail = self.detail if self.kind is GapKind.BLOCKER_ON_PATH else None
        return (self.kind, self.subject, self.contact_id, self.seat_id, detail)


@dataclass(frozen=True, slots=True)
class Introduction:
    """An unmet, influential contact and the warmest way to them."""

    contact_id: int
    name: str
    influence: int | None
    score: float
    """Influence / 5 x the path's strength (unknown influence counts as 3)."""
    path: GraphPath


@dataclass(frozen=True, slots=True)
class StaleRelationship:
    """One of our relationships older than the freshness half-life (or never touched)."""

    relationship_id: int
    member: str
    contact: str
    last_touch_at: datetime | None
    age_days: float | None
    nominal: float
    effective: float


@dataclass(frozen=True, slots=True)
class FormerChampion:
    """Someone who backed us at another account and now sits at this one."""

    contact_id: int
    name: str
    other_contact_id: int
    other_account_name: str
    other_role: BuyingRole | None
    other_sentiment: Sentiment | None
    left_on: date | None
    matched_by: str
    confirmed: bool
    path: GraphPath | None
    """Our member -> their old record -> them here, over our warmest link to the old
    record; None when nobody on our side has a relationship with the old record."""


def is_blocker(contact: ContactFact) -> bool:
    return contact.sentiment is Sentiment.BLOCKER or contact.buying_role is BuyingRole.BLOCKER


def key_people(graph: StakeholderGraph, ranking: Iterable[RankedContact]) -> list[int]:
    """Key people's contact ids, in influence-ranking order."""
    ranked = [entry.contact_id for entry in ranking]
    top = set(ranked[:TOP_RANKED])
    return [
        contact_id
        for contact_id in ranked
        if contact_id in top
        or graph.contacts[contact_id].buying_role in DECISION_ROLES
        or (graph.contacts[contact_id].influence or 0) >= HIGH_INFLUENCE
    ]


def coverage_gaps(
    graph: StakeholderGraph,
    key_ids: list[int],
    warm_paths: Mapping[int, GraphPath],
    influence: GraphPath | None,
) -> list[CoverageGap]:
    """Every gap of the account, grouped by kind in :class:`GapKind` order."""
    contacts = graph.contacts
    covered = graph.engaged_contact_ids()
    gaps: list[CoverageGap] = []
    for contact_id in key_ids:
        if contact_id not in covered:
            gaps.append(
                _contact_gap(GapKind.UNCOVERED, contacts[contact_id], warm_paths, "no relationship")
            )
    for contact_id in key_ids:
        if not contacts[contact_id].met:
            gaps.append(_contact_gap(GapKind.UNMET, contacts[contact_id], warm_paths, "not met"))
    gaps.extend(_blockers_on_paths(graph, key_ids, warm_paths, influence))
    engaged = sorted(
        contacts[contact_id].name
        for contact_id in covered | {c.id for c in contacts.values() if c.met}
    )
    if len(engaged) < 2:
        detail = (
            f"only {engaged[0]} is engaged with our team"
            if engaged
            else "no contact has been met or engaged by our team"
        )
        gaps.append(CoverageGap(GapKind.SINGLE_THREADED, graph.facts.account_name, detail))
    for seat in graph.facts.seats:
        if seat.contact_id is None:
            role = f" ({seat.buying_role.label})" if seat.buying_role else ""
            detail = f"seat{role} not yet identified"
            gaps.append(CoverageGap(GapKind.VACANT_SEAT, seat.role_title, detail, seat_id=seat.id))
    gaps.extend(_level_gaps(graph))
    return gaps


def _contact_gap(
    kind: GapKind, contact: ContactFact, warm_paths: Mapping[int, GraphPath], what: str
) -> CoverageGap:
    why = [contact.buying_role.label.lower()] if contact.buying_role else []
    why += [f"influence {contact.influence}"] if contact.influence else []
    role = ", ".join(why) or "top of the influence ranking"
    path = warm_paths.get(contact.id)
    way = (
        f"warmest introduction via {' -> '.join(path.names[:-1])} ({path.strength:.2f})"
        if path is not None and len(path.nodes) > 1
        else "no warm path"
    )
    return CoverageGap(kind, contact.name, f"{what} ({role}); {way}", contact_id=contact.id)


def _blockers_on_paths(
    graph: StakeholderGraph,
    key_ids: list[int],
    warm_paths: Mapping[int, GraphPath],
    influence: GraphPath | None,
) -> list[CoverageGap]:
    chosen: list[tuple[str, GraphPath]] = [
        (f"warm path to {graph.contacts[contact_id].name}", warm_paths[contact_id])
        for contact_id in key_ids
        if contact_id in warm_paths
    ]
    if influence is not None:
        chosen.append(("influence path to the economic buyer", influence))
    gaps = []
    for label, path in chosen:
        for node in path.intermediates:
            contact = graph.contacts.get(node[1]) if node[0] == CONTACT else None
            if contact is not None and is_blocker(contact):
                gaps.append(
                    CoverageGap(
                        GapKind.BLOCKER_ON_PATH,
                        contact.name,
                        f"blocker on the {label}",
                        contact_id=contact.id,
                    )
                )
    return gaps


def _level_gaps(graph: StakeholderGraph) -> list[CoverageGap]:
    gaps = []
    for contact in sorted(graph.contacts.values(), key=lambda c: c.id):
        target, current = contact.level_target, contact.level_current
        if target is None or (current is not None and current.rank >= target.rank):
            continue
        owner_fact = graph.members.get(contact.relationship_owner_id or -1)
        owner = owner_fact.name if owner_fact else None
        now = current.label.lower() if current else "no level yet"
        detail = f"{now} -> {target.label.lower()} (owner: {owner or 'nobody'})"
        gaps.append(
            CoverageGap(GapKind.LEVEL_GAP, contact.name, detail, contact_id=contact.id, owner=owner)
        )
    return gaps


def next_best_introductions(
    graph: StakeholderGraph, warm_paths: Mapping[int, GraphPath], limit: int = 5
) -> list[Introduction]:
    """Unmet high-influence or decision-role contacts, by influence x path strength.

    Ties: higher declared influence, then lower contact id. Contacts with no warm path
    are left out (they show as gaps).
    """
    found = []
    for contact in graph.contacts.values():
        influential = (contact.influence or 0) >= HIGH_INFLUENCE
        if contact.met or not (influential or contact.buying_role in DECISION_ROLES):
            continue
        path = warm_paths.get(contact.id)
        if path is None:
            continue
        weight = (contact.influence or UNKNOWN_INFLUENCE) / 5
        found.append(
            Introduction(contact.id, contact.name, contact.influence, weight * path.strength, path)
        )
    found.sort(key=lambda item: (-round(item.score, 9), -(item.influence or 0), item.contact_id))
    return found[:limit]


def stale_relationships(graph: StakeholderGraph) -> list[StaleRelationship]:
    """Our stale relationships on this account's people, oldest first (undated first)."""
    stale = []
    for engagement in graph.engagements:
        link = engagement.link
        if not link.stale:
            continue
        stale.append(
            StaleRelationship(
                relationship_id=engagement.relationship_id,
                member=graph.members[engagement.member_id].name,
                contact=graph.name_of(contact_node(engagement.record_id)),
                last_touch_at=link.last_touch_at,
                age_days=graph.freshness.age_days(link.last_touch_at),
                nominal=link.nominal,
                effective=link.strength,
            )
        )
    stale.sort(key=lambda item: (-(item.age_days or float("inf")), item.relationship_id))
    return stale


def former_champions(graph: StakeholderGraph) -> list[FormerChampion]:
    """Contacts here who were a champion or strong supporter at another account."""
    found = []
    for other_id, cross in sorted(graph.other_records.items()):
        other = cross.other
        if not (
            other.buying_role is BuyingRole.CHAMPION
            or other.sentiment in FORMER_CHAMPION_SENTIMENTS
        ):
            continue
        ours = [engagement for engagement in graph.engagements if engagement.record_id == other_id]
        path = None
        if ours:
            best = min(ours, key=lambda e: (-e.link.strength, e.member_id, e.relationship_id))
            nodes = (
                member_node(best.member_id),
                contact_node(other_id),
                contact_node(cross.contact_id),
            )
            path = path_from_nodes(graph, nodes, graph.intro)
        found.append(
            FormerChampion(
                contact_id=cross.contact_id,
                name=graph.contacts[cross.contact_id].name,
                other_contact_id=other_id,
                other_account_name=cross.other_account_name,
                other_role=other.buying_role,
                other_sentiment=other.sentiment,
                left_on=other.left_on,
                matched_by=cross.matched_by,
                confirmed=cross.confirmed,
                path=path,
            )
        )
    return found
