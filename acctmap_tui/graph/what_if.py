"""What-if: remove a person or re-score a relationship or a person, in memory only.

Changes apply to a copy of the account's facts (frozen dataclasses), the graph is
rebuilt from the copy and analysed again; nothing is written anywhere, so a seller can
ask "what if the CFO left?" in a review without touching the team's data.

Removing a contact removes what the database would on delete: their relationships,
their cross-account links, and their reporting lines (their reports then report to
nobody, as ``ON DELETE SET NULL`` leaves them); a seat they held becomes vacant.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from acctmap_tui.data.stakeholder_queries import RelationshipFact, StakeholderFacts
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment
from acctmap_tui.graph.analysis import AccountAnalysis, analyse_account
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.gaps import CoverageGap
from acctmap_tui.graph.paths import GraphPath

_KEEP = object()


@dataclass(frozen=True, slots=True)
class RemoveContact:
    """The contact leaves the account."""

    contact_id: int


@dataclass(frozen=True, slots=True)
class RemoveMember:
    """Someone on our side leaves (their relationships go with them)."""

    member_id: int


@dataclass(frozen=True, slots=True)
class RescoreRelationship:
    """A relationship with another strength (1..5), as if touched at another time."""

    relationship_id: int
    strength: int | None = None
    last_touch_at: object = _KEEP
    """A new last touch (a datetime, or None for never); unchanged when left out."""


@dataclass(frozen=True, slots=True)
class RescorePerson:
    """A contact with another influence, sentiment or buying role (None: unchanged)."""

    contact_id: int
    influence: int | None = None
    sentiment: Sentiment | None = None
    buying_role: BuyingRole | None = None


Change = RemoveContact | RemoveMember | RescoreRelationship | RescorePerson


@dataclass(frozen=True, slots=True)
class PathChange:
    """How the warmest introduction to one key person changed."""

    contact_id: int
    name: str
    before: GraphPath | None
    after: GraphPath | None


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    """The account's analysis before and after the changes, and what differs."""

    before: AccountAnalysis
    after: AccountAnalysis
    path_changes: tuple[PathChange, ...]
    influence_path_changed: bool
    gaps_added: tuple[CoverageGap, ...]
    """Gaps after the changes that were not there before (compared by ``CoverageGap.key``)."""
    gaps_resolved: tuple[CoverageGap, ...]


def apply_changes(facts: StakeholderFacts, changes: Iterable[Change]) -> StakeholderFacts:
    """A copy of the facts with the changes made, in order."""
    for change in changes:
        facts = _apply(facts, change)
    return facts


def _apply(facts: StakeholderFacts, change: Change) -> StakeholderFacts:
    replace = dataclasses.replace
    if isinstance(change, RemoveContact):
        gone = change.contact_id
        return replace(
            facts,
            contacts=tuple(
                replace(
                    contact,
                    reports_to_id=None if contact.reports_to_id == gone else contact.reports_to_id,
                    dotted_line_to_id=(
                        None if contact.dotted_line_to_id == gone else contact.dotted_line_to_id
                    ),
                )
                for contact in facts.contacts
                if contact.id != gone
            ),
            relationships=tuple(
                r
                for r in facts.relationships
                if gone not in (r.target_contact_id, r.source_contact_id)
            ),
            seats=tuple(
                replace(seat, contact_id=None) if seat.contact_id == gone else seat
                for seat in facts.seats
            ),
            cross_links=tuple(link for link in facts.cross_links if link.contact_id != gone),
        )
    if isinstance(change, RemoveMember):
        gone = change.member_id
        return replace(facts, members=tuple(m for m in facts.members if m.id != gone))
    if isinstance(change, RescoreRelationship):
        return replace(
            facts,
            relationships=tuple(_rescore(r, change) for r in facts.relationships),
            cross_links=tuple(
                replace(link, engagements=tuple(_rescore(r, change) for r in link.engagements))
                for link in facts.cross_links
            ),
        )
    updates = {
        name: value
        for name, value in (
            ("influence", change.influence),
            ("sentiment", change.sentiment),
            ("buying_role", change.buying_role),
        )
        if value is not None
    }
    return replace(
        facts,
        contacts=tuple(
            replace(contact, **updates) if contact.id == change.contact_id else contact
            for contact in facts.contacts
        ),
    )


def _rescore(relationship: RelationshipFact, change: RescoreRelationship) -> RelationshipFact:
    if relationship.id != change.relationship_id:
        return relationship
    updates: dict[str, object] = {}
    if change.strength is not None:
        updates["strength"] = change.strength
    if change.last_touch_at is not _KEEP:
        updates["last_touch_at"] = change.last_touch_at
    return dataclasses.replace(relationship, **updates)


def what_if(
    facts: StakeholderFacts, changes: Iterable[Change], freshness: Freshness
) -> WhatIfResult:
    """Analyse the account as it is and as it would be after the changes; store nothing."""
    before = analyse_account(build_graph(facts, freshness))
    after = analyse_account(build_graph(apply_changes(facts, changes), freshness))
    path_changes = []
    names = {contact.id: contact.name for contact in facts.contacts}
    for contact_id in sorted({*before.key_people, *after.key_people}):
        old, new = before.warm_paths.get(contact_id), after.warm_paths.get(contact_id)
        if _path_key(old) != _path_key(new):
            path_changes.append(PathChange(contact_id, names[contact_id], old, new))
    old_gaps = {gap.key for gap in before.gaps}
    new_gaps = {gap.key for gap in after.gaps}
    return WhatIfResult(
        before=before,
        after=after,
        path_changes=tuple(path_changes),
        influence_path_changed=_path_key(before.influence_path) != _path_key(after.influence_path),
        gaps_added=tuple(gap for gap in after.gaps if gap.key not in old_gaps),
        gaps_resolved=tuple(gap for gap in before.gaps if gap.key not in new_gaps),
    )


def _path_key(path: GraphPath | None) -> tuple[object, ...] | None:
    return None if path is None else (path.nodes, round(path.strength, 9))
