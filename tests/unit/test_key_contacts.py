"""Key contacts for the account table come from the influence ranking, for all accounts at once.

The batch (:mod:`acctmap_tui.graph.key_contacts`, read by ``load_key_contacts``) must pick
what the People tab's ranking of a built graph picks; these tests hold it to that on
hand-built accounts, on random ones, and on the demo database.
"""

from __future__ import annotations

import random
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from acctmap_tui.data.db import Database
from acctmap_tui.data.map_queries import KEY_CONTACTS_PER_ACCOUNT, load_key_contacts
from acctmap_tui.data.models import Account, Contact, Partner, Relationship, name_key
from acctmap_tui.data.stakeholder_queries import (
    ContactFact,
    PartnerFact,
    RelationshipFact,
    StakeholderFacts,
    load_stakeholder_facts,
)
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.vocabulary import RelationshipKind
from acctmap_tui.graph import build, key_contacts, pagerank
from acctmap_tui.graph.build import build_graph
from acctmap_tui.graph.freshness import Freshness
from acctmap_tui.graph.key_contacts import key_contact_ids_by_account
from acctmap_tui.graph.pagerank import pagerank_scores
from acctmap_tui.graph.ranking import key_contact_ids

pytestmark = pytest.mark.both_engines

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _batch_of(facts: StakeholderFacts, limit: int | None = None) -> list[int]:
    """The batch's ranking of one account, from the same facts the graph is built from."""
    contacts = [
        (c.id, c.account_id, c.influence, c.reports_to_id, c.dotted_line_to_id)
        for c in facts.contacts
    ]
    influences = [
        (
            r.id,
            facts.account_id,
            r.target_contact_id,
            r.strength,
            r.source_contact_id,
            r.source_partner_id,
        )
        for r in facts.relationships
        if r.kind is RelationshipKind.INFLUENCES and r.source_member_id is None
    ]
    partners = [(p.id, facts.account_id, p.influence) for p in facts.partners]
    limit = len(facts.contacts) if limit is None else limit
    ranked = key_contact_ids_by_account(contacts, influences, partners, limit=limit)
    return ranked.get(facts.account_id, [])


def _graph_of(facts: StakeholderFacts, limit: int | None = None) -> list[int]:
    return key_contact_ids(build_graph(facts, Freshness(NOW)), limit)


def _facts(
    contacts: list[ContactFact],
    relationships: list[RelationshipFact] | None = None,
    partners: list[PartnerFact] | None = None,
) -> StakeholderFacts:
    return StakeholderFacts(
        account_id=1,
        account_name="Acme",
        contacts=tuple(contacts),
        members=(),
        relationships=tuple(relationships or ()),
        partners=tuple(partners or ()),
    )


def _influences(
    relationship_id: int, source: int, target: int, strength: int, *, partner: bool = False
) -> RelationshipFact:
    source_kind = "source_partner_id" if partner else "source_contact_id"
    return RelationshipFact(
        relationship_id, RelationshipKind.INFLUENCES, target, strength, **{source_kind: source}
    )


# --- (a) where declared influence and the ranking disagree ------------------------------


def test_a_manager_whom_three_reports_vote_for_outranks_a_lone_influential_contact() -> None:
    """Teleport 2 + 3 x 1 + 4: y(manager) = 2 + 0.85 * 3 = 4.55 > y(lone) = 4."""
    facts = _facts(
        [
            ContactFact(1, 1, "Lone", influence=4),
            ContactFact(2, 1, "Manager", influence=2),
            *(
                ContactFact(id_, 1, f"Report {id_}", influence=1, reports_to_id=2)
                for id_ in (3, 4, 5)
            ),
        ]
    )
    assert _batch_of(facts, 2) == [2, 1] == _graph_of(facts, 2)


def test_whoever_sways_the_economic_buyer_shares_their_standing() -> None:
    """The CEO (5) with two reports (3) is swayed by a champion (2) at strength 5:
    y(CEO) = 5 + 0.85 * 6 = 10.1, y(champion) = 2 + 0.85 * 10.1 = 10.585, y(other) = 4."""
    facts = _facts(
        [
            ContactFact(1, 1, "CEO", influence=5),
            ContactFact(2, 1, "Other", influence=4),
            ContactFact(3, 1, "Champion", influence=2),
            ContactFact(4, 1, "VP one", influence=3, reports_to_id=1),
            ContactFact(5, 1, "VP two", influence=3, reports_to_id=1),
        ],
        [_influences(1, 3, 1, 5)],
    )
    assert _batch_of(facts, 2) == [3, 1] == _graph_of(facts, 2)


def test_an_influence_as_strong_as_a_reporting_line_replaces_it() -> None:
    """Ann reports to Ben (a vote Ann -> Ben at 0.6) but Ann influences Ben at 3 (0.6):
    build_graph keeps the influence (it wins ties), whose vote goes Ben -> Ann instead."""
    people = [ContactFact(1, 1, "Ann", influence=2, reports_to_id=2), ContactFact(2, 1, "Ben")]
    along = _facts(people, [_influences(1, 1, 2, 3)])
    weaker = _facts(people, [_influences(1, 1, 2, 2)])
    assert _batch_of(along) == [1, 2] == _graph_of(along)
    assert _batch_of(weaker) == [2, 1] == _graph_of(weaker)


def test_ties_fall_to_declared_influence_then_lower_id() -> None:
    """Unknown influence teleports like 3 but loses the tie to a declared 3."""
    facts = _facts(
        [
            ContactFact(1, 1, "Unknown"),
            ContactFact(2, 1, "Three", influence=3),
            ContactFact(3, 1, "Also three", influence=3),
        ]
    )
    assert _batch_of(facts) == [2, 3, 1] == _graph_of(facts)


def test_partners_take_part_and_a_dotted_line_counts() -> None:
    facts = _facts(
        [
            ContactFact(1, 1, "Head", influence=3),
            ContactFact(2, 1, "Peer", influence=3),
            ContactFact(3, 1, "Analyst", influence=1, reports_to_id=1, dotted_line_to_id=2),
            ContactFact(4, 1, "Clerk", influence=1, dotted_line_to_id=2),
        ],
        [_influences(1, 9, 1, 5, partner=True)],
        [PartnerFact(9, "Integrator", influence=5)],
    )
    # y(Peer) = 3 + 0.85 * (0.4 + 1) = 4.19: the clerk's whole dotted line and 0.4 of the
    # analyst's; y(Head) = 3 + 0.85 * 0.6 = 3.51, passed on to the partner who sways them.
    assert _batch_of(facts) == [2, 1, 3, 4] == _graph_of(facts)


def test_random_accounts_rank_as_the_built_graph_does() -> None:
    """Reporting and dotted lines, influence both ways and in parallel, partners, cycles,
    self-references and people outside the account: the whole order agrees."""
    generator = random.Random(11)
    for account in range(300):
        size = generator.randint(2, 14)
        ids = list(range(100, 100 + size))
        outsider = 999  # a contact id of another account (or who left)
        contacts = [
            ContactFact(
                id_,
                1,
                f"P{id_}",
                influence=generator.choice([None, 1, 2, 3, 3, 4, 5]),
                reports_to_id=generator.choice([None, outsider, *ids]),
                dotted_line_to_id=generator.choice([None, None, None, outsider, *ids]),
            )
            for id_ in ids
        ]
        partners = [
            PartnerFact(id_, f"Partner {id_}", influence=generator.choice([None, 2, 5]))
            for id_ in range(generator.randint(0, 2))
        ]
        relationships = []
        for relationship_id in range(generator.randint(0, size + 3)):
            from_partner = bool(partners) and generator.random() < 0.2
            source = (
                generator.choice([p.id for p in partners] + [7])  # 7: another account's partner
                if from_partner
                else generator.choice([*ids, outsider])
            )
            target = generator.choice(ids)
            strength = generator.randint(1, 5)
            relationships.append(
                _influences(relationship_id + 1, source, target, strength, partner=from_partner)
            )
        facts = _facts(contacts, relationships, partners)
        assert _batch_of(facts) == _graph_of(facts), f"account {account}"


# --- (b) the account table and the People tab agree on the demo -------------------------


def _label(contact: ContactFact) -> str:
    return f"{contact.name}, {contact.title}" if contact.title else contact.name


def test_demo_key_contacts_are_the_people_tabs_top_two(database: Database) -> None:
    generate_demo(database, accounts=40, seed=7, today=date(2026, 3, 15))
    freshness = Freshness(NOW)
    with database.session() as session:
        table = load_key_contacts(session=session)
        account_ids = session.connection().execute(sa.select(Account.id)).scalars().all()
        assert len(account_ids) == 40
        for account_id in account_ids:
            facts = load_stakeholder_facts(account_id, session=session)
            assert facts is not None
            graph = build_graph(facts, freshness)
            expected = key_contact_ids(graph, KEY_CONTACTS_PER_ACCOUNT)
            assert table.get(account_id, []) == [
                _label(graph.contacts[contact_id]) for contact_id in expected
            ], f"account {account_id}"
            assert _batch_of(facts) == key_contact_ids(graph)  # the whole order, too


# --- (c) people who left --------------------------------------------------------------


def test_contacts_who_left_are_not_key_contacts_nor_voted_for(database: Database) -> None:
    """The left manager collected three votes and the left champion swayed Kim; neither
    counts, so Kim (4) outranks the former reports (2) and Lee (3)."""
    with database.session() as session:
        account = Account(name="Acme", name_key=name_key("Acme"))
        session.add(account)
        session.flush()
        gone = date(2026, 1, 1)
        boss = Contact(account_id=account.id, name="Old Boss", influence=5, left_on=gone)
        champion = Contact(account_id=account.id, name="Old Champ", influence=5, left_on=gone)
        kim = Contact(account_id=account.id, name="Kim", title="CFO", influence=4)
        lee = Contact(account_id=account.id, name="Lee", influence=3)
        session.add_all([boss, champion, kim, lee])
        session.flush()
        session.add_all(
            [
                Contact(
                    account_id=account.id, name=f"Report {n}", influence=2, reports_to_id=boss.id
                )
                for n in range(3)
            ]
            + [
                Relationship(
                    kind=RelationshipKind.INFLUENCES,
                    source_contact_id=champion.id,
                    target_contact_id=kim.id,
                    strength=5,
                ),
                Relationship(
                    kind=RelationshipKind.INFLUENCES,
                    source_contact_id=kim.id,
                    target_contact_id=champion.id,
                    strength=5,
                ),
                Partner(account_id=account.id, name="Integrator"),
            ]
        )
        session.commit()
        account_id = account.id
    with database.session() as session:
        assert load_key_contacts(session=session) == {account_id: ["Kim, CFO", "Lee"]}
        facts = load_stakeholder_facts(account_id, session=session)
    assert facts is not None
    assert _batch_of(facts, 2) == _graph_of(facts, 2)


def test_accounts_with_one_contact_or_none() -> None:
    ranked = key_contact_ids_by_account([(5, 1, None, None, None)], [], [], limit=2)
    assert ranked == {1: [5]}
    assert key_contact_ids_by_account([], [], [], limit=2) == {}


# --- the PageRank itself ----------------------------------------------------------------


def _power_iteration(teleport: list[float], votes: list[tuple[int, int, float]]) -> list[float]:
    """Textbook PageRank (dangling rank returned by teleport), iterated far past need."""
    count = len(teleport)
    jump = [weight / sum(teleport) for weight in teleport]
    out: dict[int, dict[int, float]] = {}
    for voter, chosen, weight in votes:
        if voter != chosen:
            out.setdefault(voter, {}).setdefault(chosen, 0.0)
            out[voter][chosen] += weight
    scores = [1 / count] * count
    for _ in range(2000):
        dangling = sum(scores[person] for person in range(count) if person not in out)
        following = [(1 - 0.85 + 0.85 * dangling) * share for share in jump]
        for voter, chosen_weights in out.items():
            total = sum(chosen_weights.values())
            for chosen, weight in chosen_weights.items():
                following[chosen] += 0.85 * scores[voter] * weight / total
        scores = following
    return scores


@pytest.mark.parametrize("direct_solve_limit", [pagerank.DIRECT_SOLVE_LIMIT, 0])
def test_pagerank_solves_cycles_like_the_power_iteration(
    direct_solve_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Elimination and Gauss-Seidel (forced with a limit of 0) both give PageRank."""
    monkeypatch.setattr(pagerank, "DIRECT_SOLVE_LIMIT", direct_solve_limit)
    generator = random.Random(5)
    for _ in range(40):
        count = generator.randint(2, 12)
        teleport = [float(generator.randint(1, 5)) for _ in range(count)]
        votes = [
            (generator.randrange(count), generator.randrange(count), generator.randint(1, 5) / 5)
            for _ in range(generator.randint(0, 2 * count))
        ]
        scores = pagerank_scores(teleport, votes)
        assert sum(scores) == pytest.approx(1.0, abs=1e-12)
        assert scores == pytest.approx(_power_iteration(teleport, votes), abs=1e-11)


def test_pagerank_ignores_the_order_of_votes() -> None:
    votes = [(0, 1, 0.6), (1, 2, 0.4), (2, 0, 1.0), (2, 1, 0.2), (0, 1, 0.2), (3, 0, 0.8)]
    teleport = [1.0, 2.0, 3.0, 4.0]
    assert pagerank_scores(teleport, votes) == pagerank_scores(teleport, votes[::-1])


def test_the_batch_uses_build_graphs_strengths_and_precedence() -> None:
    assert key_contacts.REPORTS_TO_STRENGTH == build.REPORTS_TO_STRENGTH
    assert key_contacts.DOTTED_LINE_STRENGTH == build.DOTTED_LINE_STRENGTH
    precedence = [
        key_contacts._INFLUENCE_PRECEDENCE,
        key_contacts._REPORTS_TO_PRECEDENCE,
        key_contacts._DOTTED_LINE_PRECEDENCE,
    ]
    kinds = (build.INFLUENCES, build.REPORTS_TO, build.DOTTED_LINE)
    assert precedence == [build.LINK_KINDS.index(kind) for kind in kinds]


def test_key_contacts_never_load_networkx() -> None:
    probe = (
        "import sys\n"
        "import acctmap_tui.data.map_queries, acctmap_tui.graph.key_contacts\n"
        "print('networkx' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
