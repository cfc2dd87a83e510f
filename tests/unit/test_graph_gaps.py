"""Coverage gaps, next best introductions, stale relationships: answers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acctmap_tui.data.stakeholder_queries import (
    ContactFact,
    MemberFact,
    RelationshipFact,
    SeatFact,
    StakeholderFacts,
)
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
)
from acctmap_tui.graph.analysis import analyse_account
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.gaps import GapKind

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ALICE = 1
EVE, CARL, BEN, TESS, FAY, GUS = 1, 2, 3, 4, 5, 6


def _engagement(rid: int, target: int, strength: int, touched: datetime | None = NOW):
    return RelationshipFact(
        rid, RelationshipKind.ENGAGEMENT, target, strength, ALICE, last_touch_at=touched
    )


def _knows(rid: int, source: int, target: int, strength: int) -> RelationshipFact:
    return RelationshipFact(rid, RelationshipKind.KNOWS, target, strength, source_contact_id=source)


def _account() -> StakeholderFacts:
    """Eve (economic buyer) is reached through Ben, a blocker; Tess is out of reach.

    Alice - Carl 1.0, Carl - Ben 1.0, Ben - Eve 1.0 (beats Carl reports to Eve, 0.6);
    Alice - Fay 0.6; Carl - Gus 0.4.
    """
    contacts = (
        ContactFact(EVE, 1, "Eve", buying_role=BuyingRole.ECONOMIC_BUYER, influence=5),
        ContactFact(
            CARL,
            1,
            "Carl",
            buying_role=BuyingRole.CHAMPION,
            influence=3,
            met=True,
            reports_to_id=EVE,
            relationship_owner_id=ALICE,
            level_current=RelationshipLevel.VENDOR,
            level_target=RelationshipLevel.TRUSTED_ADVISOR,
        ),
        ContactFact(BEN, 1, "Ben", influence=2, sentiment=Sentiment.BLOCKER),
        ContactFact(TESS, 1, "Tess", buying_role=BuyingRole.TECHNICAL_BUYER, influence=3),
        ContactFact(FAY, 1, "Fay", influence=4),
        ContactFact(GUS, 1, "Gus", influence=5, level_target=RelationshipLevel.CREDIBLE_SOURCE),
    )
    relationships = (
        _engagement(1, CARL, 5),
        _knows(2, CARL, BEN, 5),
        _knows(3, BEN, EVE, 5),
        _engagement(4, FAY, 3),
        _knows(5, CARL, GUS, 2),
    )
    seats = (
        SeatFact(1, "Chief Financial Officer", BuyingRole.ECONOMIC_BUYER),
        SeatFact(2, "Chief Executive Officer", None, contact_id=EVE),
    )
    return StakeholderFacts(
        1, "Acme", contacts, (MemberFact(ALICE, "Alice"),), relationships, seats=seats
    )


def test_every_kind_of_gap_worked_out_by_hand() -> None:
    analysis = analyse_account(build_graph(_account(), Freshness(NOW)))
    # Key people: decision roles (Eve, Carl, Tess), influence 4+ (Fay, Gus), and the top
    # five of the ranking, which with six contacts leaves out only the lowest: Ben.
    assert set(analysis.key_people) == {EVE, CARL, TESS, FAY, GUS}
    found = {(gap.kind, gap.subject) for gap in analysis.gaps}
    assert found == {
        (GapKind.UNCOVERED, "Eve"),
        (GapKind.UNCOVERED, "Tess"),
        (GapKind.UNCOVERED, "Gus"),
        (GapKind.UNMET, "Eve"),
        (GapKind.UNMET, "Tess"),
        (GapKind.UNMET, "Fay"),
        (GapKind.UNMET, "Gus"),
        (GapKind.BLOCKER_ON_PATH, "Ben"),  # on the warm path to Eve
        (GapKind.VACANT_SEAT, "Chief Financial Officer"),
        (GapKind.LEVEL_GAP, "Carl"),
        (GapKind.LEVEL_GAP, "Gus"),
    }
    kinds = [gap.kind for gap in analysis.gaps]
    assert kinds == sorted(kinds, key=list(GapKind).index)
    by_key = {(gap.kind, gap.subject): gap for gap in analysis.gaps}
    assert by_key[GapKind.UNCOVERED, "Tess"].detail.endswith("no warm path")
    assert "Alice -> Carl -> Ben (1.00)" in by_key[GapKind.UNCOVERED, "Eve"].detail
    assert by_key[GapKind.BLOCKER_ON_PATH, "Ben"].detail == "blocker on the warm path to Eve"
    assert by_key[GapKind.LEVEL_GAP, "Carl"].owner == "Alice"
    assert by_key[GapKind.LEVEL_GAP, "Carl"].detail == "vendor -> trusted advisor (owner: Alice)"
    assert by_key[GapKind.LEVEL_GAP, "Gus"].detail == (
        "no level yet -> credible source (owner: nobody)"
    )
    assert "Economic buyer" in by_key[GapKind.VACANT_SEAT, "Chief Financial Officer"].detail
    # Carl and Fay are engaged: not single-threaded.
    assert analysis.coverage.engaged == 2
    assert (analysis.coverage.key_people, analysis.coverage.covered) == (5, 2)
    assert analysis.coverage.reachable == 4  # all but Tess


def test_single_threaded_when_only_one_contact_is_engaged() -> None:
    facts = _account()
    alone = StakeholderFacts(
        1, "Acme", facts.contacts, facts.members, facts.relationships[:3], seats=()
    )
    gaps = [g for g in analyse_account(build_graph(alone, Freshness(NOW))).gaps]
    single = [g for g in gaps if g.kind is GapKind.SINGLE_THREADED]
    assert [(g.subject, g.detail) for g in single] == [
        ("Acme", "only Carl is engaged with our team")
    ]


def test_next_best_introductions_rank_influence_times_path_strength() -> None:
    analysis = analyse_account(build_graph(_account(), Freshness(NOW)))
    # Eve 5/5 x 1.0; Fay 4/5 x 0.6; Gus 5/5 x 0.4. Tess has no path, Ben no influence.
    assert [(i.name, round(i.score, 6)) for i in analysis.introductions] == [
        ("Eve", 1.0),
        ("Fay", 0.48),
        ("Gus", 0.4),
    ]
    assert analysis.introductions[0].path.names == ("Alice", "Carl", "Ben", "Eve")


def test_stale_relationships_are_older_than_the_half_life_or_undated() -> None:
    facts = _account()
    old = _engagement(6, GUS, 5, touched=NOW - timedelta(days=365))
    undated = _engagement(7, TESS, 2, touched=None)
    recent = _engagement(8, EVE, 2, touched=NOW - timedelta(days=179))
    aged = StakeholderFacts(
        1, "Acme", facts.contacts, facts.members, (*facts.relationships, old, undated, recent)
    )
    analysis = analyse_account(build_graph(aged, Freshness(NOW, half_life_days=180)))
    assert [(s.contact, s.age_days) for s in analysis.stale] == [("Tess", None), ("Gus", 365)]
    gus = analysis.stale[1]
    assert (gus.nominal, gus.effective) == (1.0, pytest.approx(0.5 ** (365 / 180)))
    # Still the warmest way to Gus: Alice - Carl - Gus at 0.4 beats the faded 0.245.
    assert analysis.warm_paths[GUS].names == ("Alice", "Carl", "Gus")
