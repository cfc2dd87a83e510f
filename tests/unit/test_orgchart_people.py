"""An account's stakeholder facts become the org chart's people: contacts and seats."""

from __future__ import annotations

from datetime import date

from acctmap_tui.data.stakeholder_queries import ContactFact, SeatFact, StakeholderFacts
from acctmap_tui.domain.vocabulary import BuyingRole
from acctmap_tui.orgchart import render_org_chart
from acctmap_tui.orgchart.people import contact_id_of, org_people


def _facts(contacts: tuple[ContactFact, ...], seats: tuple[SeatFact, ...] = ()) -> StakeholderFacts:
    return StakeholderFacts(
        account_id=1, account_name="Acme", contacts=contacts, members=(), seats=seats
    )


def test_contacts_keep_their_reporting_lines_and_seats_fill_or_stay_vacant() -> None:
    facts = _facts(
        (
            ContactFact(id=1, account_id=1, name="Ann Lee", title="CEO", met=True),
            ContactFact(id=2, account_id=1, name="Bob Roy", reports_to_id=1, dotted_line_to_id=3),
            ContactFact(id=3, account_id=1, name="Cy Dunn", title="COO", reports_to_id=1),
        ),
        (
            SeatFact(
                id=7, role_title="CFO", buying_role=BuyingRole.ECONOMIC_BUYER, reports_to_id=1
            ),
            SeatFact(id=8, role_title="VP Sales", reports_to_id=1, contact_id=2),
        ),
    )
    people = {person.key: person for person in org_people(facts)}
    assert set(people) == {"c1", "c2", "c3", "s7"}
    assert people["c2"].manager == "c1" and people["c2"].dotted_manager == "c3"
    assert people["c2"].title == "VP Sales"  # the filled seat's role titles its holder
    assert people["c1"].met and not people["c2"].met
    cfo = people["s7"]
    assert cfo.vacant and cfo.manager == "c1" and cfo.role is BuyingRole.ECONOMIC_BUYER
    assert cfo.name == "CFO (unknown)"
    assert contact_id_of("c12") == 12 and contact_id_of("s7") is None
    chart = render_org_chart(list(people.values()))
    for name in ("Ann Lee", "Bob Roy", "Cy Dunn", "CFO (unknown)"):
        assert chart.count(name) == 1


def test_a_person_who_left_is_not_drawn_and_their_seat_shows_vacant() -> None:
    facts = _facts(
        (
            ContactFact(id=1, account_id=1, name="Ann Lee"),
            ContactFact(
                id=2, account_id=1, name="Gone Guy", reports_to_id=1, left_on=date(2026, 1, 5)
            ),
            ContactFact(id=3, account_id=1, name="Dee Fox", reports_to_id=2),
        ),
        (SeatFact(id=4, role_title="CTO", reports_to_id=1, contact_id=2),),
    )
    people = {person.key: person for person in org_people(facts)}
    assert set(people) == {"c1", "c3", "s4"}
    assert people["s4"].vacant
    assert people["c3"].manager is None  # their manager left: drawn as a root, not lost
