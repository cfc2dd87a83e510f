"""Every stakeholder analysis of one account at once, as ``acctmap gaps`` and the what-if
show them. One search finds the warm paths to every contact, so the whole analysis
costs a few graph passes however many gaps it reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from acctmap_tui.graph.build import StakeholderGraph
from acctmap_tui.graph.gaps import (
    CoverageGap,
    FormerChampion,
    Introduction,
    StaleRelationship,
    coverage_gaps,
    former_champions,
    key_people,
    next_best_introductions,
    stale_relationships,
)
from acctmap_tui.graph.paths import GraphPath, influence_path, warm_intro_paths
from acctmap_tui.graph.ranking import RankedContact, influence_ranking
from acctmap_tui.graph.risk import KeyPersonRisk, key_person_risks


@dataclass(frozen=True, slots=True)
class Coverage:
    """How well we cover the account's key people."""

    key_people: int
    covered: int
    """Key people with a relationship from one of ours."""
    reachable: int
    """Key people with any warm path from our team."""
    engaged: int
    """All contacts met or with a relationship from one of ours."""


@dataclass(frozen=True, slots=True)
class AccountAnalysis:
    """The stakeholder analyses of one account."""

    account_id: int
    account_name: str
    key_people: tuple[int, ...]
    """Key people's contact ids in influence order (see :mod:`acctmap_tui.graph.gaps`)."""
    warm_paths: dict[int, GraphPath]
    """The warmest introduction to each key person who can be reached."""
    influence_path: GraphPath | None
    ranking: tuple[RankedContact, ...]
    coverage: Coverage
    gaps: tuple[CoverageGap, ...]
    introductions: tuple[Introduction, ...]
    risks: tuple[KeyPersonRisk, ...]
    stale: tuple[StaleRelationship, ...]
    former_champions: tuple[FormerChampion, ...]


def analyse_account(graph: StakeholderGraph, *, introductions: int = 5) -> AccountAnalysis:
    """Paths, ranking, coverage, gaps, introductions, risks, staleness, former champions."""
    ranking = influence_ranking(graph)
    key_ids = key_people(graph, ranking)
    every_path = warm_intro_paths(graph)
    influence = influence_path(graph)
    engaged_ids = graph.engaged_contact_ids()
    met_ids = {contact.id for contact in graph.contacts.values() if contact.met}
    return AccountAnalysis(
        account_id=graph.account_id,
        account_name=graph.facts.account_name,
        key_people=tuple(key_ids),
        warm_paths={i: every_path[i] for i in key_ids if i in every_path},
        influence_path=influence,
        ranking=tuple(ranking),
        coverage=Coverage(
            key_people=len(key_ids),
            covered=sum(1 for i in key_ids if i in engaged_ids),
            reachable=sum(1 for i in key_ids if i in every_path),
            engaged=len(engaged_ids | met_ids),
        ),
        gaps=tuple(coverage_gaps(graph, key_ids, every_path, influence)),
        introductions=tuple(next_best_introductions(graph, every_path, introductions)),
        risks=tuple(key_person_risks(graph)),
        stale=tuple(stale_relationships(graph)),
        former_champions=tuple(former_champions(graph)),
    )
