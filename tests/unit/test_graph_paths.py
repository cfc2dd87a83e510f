"""Warm-introduction and influence paths on small graphs worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from acctmap_tui.data.stakeholder_queries import (
    ContactFact,
    MemberFact,
    PartnerFact,
    RelationshipFact,
    StakeholderFacts,
)
from acctmap_tui.domain.vocabulary import BuyingRole, RelationshipKind, Sentiment
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.paths import (
    UnknownPerson,
    influence_path,
    warm_intro_path,
    warm_intro_paths,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
ALICE, BOB = 1, 2
ENGAGEMENT, KNOWS, INFLUENCES = (
    RelationshipKind.ENGAGEMENT,
    RelationshipKind.KNOWS,
    RelationshipKind.INFLUENCES,
)


def contact(contact_id: int, name: str, **fields: object) -> ContactFact:
    return ContactFact(contact_id, 1, name, **fields)  # type: ignore[arg-type]


_ids = iter(range(1, 10_000))


def ours(
    member: int, target: int, strength: int, touched: datetime | None = NOW
) -> RelationshipFact:
    return RelationshipFact(next(_ids), ENGAGEMENT, target, strength, member, last_touch_at=touched)


def theirs(
    source: int, target: int, strength: int, kind: RelationshipKind = KNOWS
) -> RelationshipFact:
    return RelationshipFact(next(_ids), kind, target, strength, source_contact_id=source)


def facts(
    contacts: list[ContactFact],
    relationships: list[RelationshipFact],
    partners: tuple[PartnerFact, ...] = (),
) -> StakeholderFacts:
    return StakeholderFacts(
        account_id=1,
        account_name="Acme",
        contacts=tuple(contacts),
        members=(MemberFact(ALICE, "Alice"), MemberFact(BOB, "Bob")),
        relationships=tuple(relationships),
        partners=partners,
    )


def graph_of(
    contacts: list[ContactFact],
    relationships: list[RelationshipFact],
    *,
    half_life_days: float = 180.0,
    partners: tuple[PartnerFact, ...] = (),
):
    return build_graph(facts(contacts, relationships, partners), Freshness(NOW, half_life_days))


T, X, Y, Z = 10, 11, 12, 13
PEOPLE = [contact(T, "Tara"), contact(X, "Xavier"), contact(Y, "Yara"), contact(Z, "Zed")]


def test_the_warmest_path_is_the_highest_product_of_strengths() -> None:
    graph = graph_of(
        PEOPLE,
        [
            ours(ALICE, X, 5),  # 1.0
            theirs(T, X, 3),  # 0.6, and mutual although recorded from Tara's side
            ours(BOB, Y, 4),  # 0.8
            theirs(Y, T, 4),  # 0.8: Bob, Yara, Tara = 0.64 beats Alice, Xavier, Tara = 0.6
            ours(ALICE, Z, 5),
            theirs(Z, T, 2, INFLUENCES),  # 0.4
        ],
    )
    path = warm_intro_path(graph, T)
    assert path is not None
    assert path.names == ("Bob", "Yara", "Tara")
    assert path.strength == pytest.approx(0.64)
    assert [(h.source_name, h.target_name, h.kind) for h in path.hops] == [
        ("Bob", "Yara", "engagement"),
        ("Yara", "Tara", "knows"),
    ]
    assert [h.strength for h in path.hops] == pytest.approx([0.8, 0.8])

    from_alice = warm_intro_path(graph, T, from_member_id=ALICE)
    assert from_alice is not None
    assert from_alice.names == ("Alice", "Xavier", "Tara")
    assert from_alice.strength == pytest.approx(0.6)


def test_ties_go_to_fewer_hops_then_the_lower_ids_whatever_the_input_order() -> None:
    relationships = [
        ours(BOB, Y, 5),
        theirs(Y, T, 4),  # Bob, Yara, Tara = 0.8
        ours(ALICE, X, 4),
        theirs(X, T, 5),  # Alice, Xavier, Tara = 0.8
        ours(BOB, Z, 4),
        theirs(Z, T, 5),  # Bob, Zed, Tara = 0.8
    ]
    for ordered in (relationships, relationships[::-1]):
        path = warm_intro_path(graph_of(PEOPLE[::-1], ordered), T)
        assert path is not None
        assert path.names == ("Alice", "Xavier", "Tara")  # member 1 before member 2
    from_bob = warm_intro_path(graph_of(PEOPLE, relationships), T, from_member_id=BOB)
    assert from_bob is not None and from_bob.names == ("Bob", "Yara", "Tara")  # contact 12 < 13

    direct = [*relationships, ours(BOB, T, 4)]  # 0.8 in one hop
    path = warm_intro_path(graph_of(PEOPLE, direct), T)
    assert path is not None and path.names == ("Bob", "Tara")


def test_the_strongest_of_several_links_between_two_people_counts() -> None:
    graph = graph_of(PEOPLE, [ours(ALICE, X, 2), ours(ALICE, X, 5), theirs(X, T, 1)])
    path = warm_intro_path(graph, T)
    assert path is not None
    assert path.strength == pytest.approx(1.0 * 0.2)


def test_reporting_lines_introduce_at_the_default_strengths() -> None:
    people = [
        contact(T, "Tara", reports_to_id=X),
        contact(X, "Xavier"),
        contact(Y, "Yara", dotted_line_to_id=Z),
        contact(Z, "Zed"),
    ]
    graph = graph_of(people, [ours(ALICE, X, 5), ours(BOB, Y, 5)])
    to_tara = warm_intro_path(graph, T)
    assert to_tara is not None
    assert to_tara.names == ("Alice", "Xavier", "Tara")
    assert to_tara.hops[1].kind == "reports_to"
    assert to_tara.strength == pytest.approx(3 / 5)
    to_zed = warm_intro_path(graph, Z)
    assert to_zed is not None
    assert (to_zed.hops[1].kind, to_zed.strength) == ("dotted_line", pytest.approx(2 / 5))


def test_a_partner_can_carry_an_introduction() -> None:
    integrator = PartnerFact(7, "Integrator Ltd", influence=4)
    partner_links = [
        RelationshipFact(next(_ids), INFLUENCES, X, 4, source_partner_id=7),
        RelationshipFact(next(_ids), INFLUENCES, T, 4, source_partner_id=7),
    ]
    graph = graph_of(PEOPLE, [ours(ALICE, X, 5), *partner_links], partners=(integrator,))
    path = warm_intro_path(graph, T)
    assert path is not None
    assert path.names == ("Alice", "Xavier", "Integrator Ltd", "Tara")
    assert path.strength == pytest.approx(1.0 * 0.8 * 0.8)


def test_no_path_is_none_and_our_own_people_do_not_pass_introductions_on() -> None:
    graph = graph_of(PEOPLE, [ours(ALICE, X, 5), ours(BOB, X, 5), ours(BOB, T, 5)])
    assert warm_intro_path(graph, T, from_member_id=ALICE) is None  # not via Xavier to Bob
    assert warm_intro_path(graph, Z) is None
    assert set(warm_intro_paths(graph)) == {X, T}
    with pytest.raises(UnknownPerson):
        warm_intro_path(graph, 999)
    with pytest.raises(UnknownPerson):
        warm_intro_path(graph, T, from_member_id=99)


def test_freshness_decay_changes_the_chosen_path() -> None:
    two_years_ago = NOW - timedelta(days=720)
    relationships = [
        ours(ALICE, X, 5, touched=two_years_ago),
        theirs(X, T, 5),  # 1.0 when fresh
        ours(BOB, Y, 4),
        theirs(Y, T, 4),  # 0.64
    ]
    decayed = warm_intro_path(graph_of(PEOPLE, relationships, half_life_days=180), T)
    assert decayed is not None
    assert decayed.names == ("Bob", "Yara", "Tara")
    alice_now = warm_intro_path(
        graph_of(PEOPLE, relationships, half_life_days=180), T, from_member_id=ALICE
    )
    assert alice_now is not None
    assert alice_now.strength == pytest.approx(0.5**4)  # four half-lives
    # A long half-life keeps the old friendship warm enough to win.
    patient = warm_intro_path(graph_of(PEOPLE, relationships, half_life_days=2000), T)
    assert patient is not None
    assert patient.names == ("Alice", "Xavier", "Tara")
    assert patient.strength == pytest.approx(0.5 ** (720 / 2000))


def test_an_undated_engagement_counts_as_one_half_life_old() -> None:
    graph = graph_of(PEOPLE, [ours(ALICE, T, 4, touched=None)])
    path = warm_intro_path(graph, T)
    assert path is not None
    assert path.strength == pytest.approx(0.8 * 0.5)
    assert graph.link(("member", ALICE), ("contact", T)).stale


def test_contact_relationships_do_not_fade() -> None:
    old = NOW - timedelta(days=3000)
    knows = RelationshipFact(99_001, KNOWS, T, 5, source_contact_id=X, last_touch_at=old)
    graph = graph_of(PEOPLE, [ours(ALICE, X, 5), knows])
    path = warm_intro_path(graph, T)
    assert path is not None and path.strength == pytest.approx(1.0)


C, D, E, S = 20, 21, 22, 23


def test_influence_path_runs_from_the_champion_up_to_the_economic_buyer() -> None:
    people = [
        contact(C, "Chris", buying_role=BuyingRole.CHAMPION, reports_to_id=D),
        contact(D, "Dana", reports_to_id=E),
        contact(E, "Erin", buying_role=BuyingRole.ECONOMIC_BUYER),
    ]
    direct = graph_of(people, [theirs(C, E, 2, INFLUENCES)])  # 0.4 beats 0.6 x 0.6 = 0.36
    path = influence_path(direct)
    assert path is not None
    assert path.names == ("Chris", "Erin")
    assert path.strength == pytest.approx(0.4)

    weak = graph_of(people, [theirs(C, E, 1, INFLUENCES)])  # 0.2: up the line is better
    path = influence_path(weak)
    assert path is not None
    assert path.names == ("Chris", "Dana", "Erin")
    assert [h.kind for h in path.hops] == ["reports_to", "reports_to"]
    assert path.strength == pytest.approx(0.36)


def test_influence_path_follows_the_direction_of_influence() -> None:
    people = [
        contact(C, "Chris", buying_role=BuyingRole.CHAMPION),
        contact(E, "Erin", buying_role=BuyingRole.ECONOMIC_BUYER),
        contact(S, "Sam", sentiment=Sentiment.STRONG_SUPPORTER),
    ]
    assert influence_path(graph_of(people, [theirs(E, C, 5, INFLUENCES)])) is None
    supporter = graph_of(people, [theirs(C, E, 3, INFLUENCES), theirs(S, E, 5, INFLUENCES)])
    path = influence_path(supporter)
    assert path is not None
    assert path.names == ("Sam", "Erin")  # a strong supporter counts as a champion
    no_buyer = [contact(C, "Chris", buying_role=BuyingRole.CHAMPION)]
    assert influence_path(graph_of(no_buyer, [])) is None
