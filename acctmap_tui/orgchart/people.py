"""An account's stakeholders as the people of its org chart.

Contacts are keyed ``c<id>`` and seats ``s<id>`` so both can sit in one tree. A
filled seat is drawn as its holder (titled with the seat's role when the contact
has no title of their own); a vacant seat is a box of its own, a gap on the chart.
People who left the account are not drawn: their seat, if any, shows vacant.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from acctmap_tui.orgchart.model import OrgPerson

if TYPE_CHECKING:
    from acctmap_tui.data.stakeholder_queries import StakeholderFacts


def contact_key(contact_id: int) -> str:
    """The chart key of a contact."""
    return f"c{contact_id}"


def seat_key(seat_id: int) -> str:
    """The chart key of a placeholder seat."""
    return f"s{seat_id}"


def contact_id_of(key: str) -> int | None:
    """The contact id behind a chart key, or None for a seat."""
    return int(key[1:]) if key.startswith("c") else None


def org_people(facts: StakeholderFacts) -> list[OrgPerson]:
    """Who the chart draws for the account, in a stable order."""
    present = {contact.id for contact in facts.contacts if contact.left_on is None}
    seat_titles = {
        seat.contact_id: seat.role_title
        for seat in facts.seats
        if seat.contact_id is not None and seat.contact_id in present
    }

    def manager(contact_id: int | None) -> str | None:
        return contact_key(contact_id) if contact_id in present else None

    people = [
        OrgPerson(
            key=contact_key(contact.id),
            name=contact.name,
            title=contact.title or seat_titles.get(contact.id),
            role=contact.buying_role,
            sentiment=contact.sentiment,
            met=contact.met,
            manager=manager(contact.reports_to_id),
            dotted_manager=manager(contact.dotted_line_to_id),
        )
        for contact in facts.contacts
        if contact.id in present
    ]
    people.extend(
        OrgPerson(
            key=seat_key(seat.id),
            name=f"{seat.role_title} (unknown)",
            title=seat.role_title,
            role=seat.buying_role,
            met=False,
            manager=manager(seat.reports_to_id),
            vacant=True,
        )
        for seat in _vacant(facts, present)
    )
    return people


def _vacant(facts: StakeholderFacts, present: set[int]) -> Iterable:
    return (
        seat for seat in facts.seats if seat.contact_id is None or seat.contact_id not in present
    )
