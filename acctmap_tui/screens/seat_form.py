"""The seat form: a role known before (and beyond) the person who holds it.

"Filled by" assigns a contact to the seat; emptying it makes the seat vacant
again, a gap on the org chart ("CFO — unknown").
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from acctmap_tui.data.history import record_values
from acctmap_tui.data.people_store import PeopleLookups, create_seat, get_seat, update_seat
from acctmap_tui.domain.account_form import FormResult
from acctmap_tui.domain.contact_form import SEAT_FIELDS, Lookups, form_text, validate_seat_form
from acctmap_tui.screens.contact_form import FormData, PeopleFormScreen


class SeatFormScreen(PeopleFormScreen):
    """Creates or edits one placeholder seat."""

    FIELDS = SEAT_FIELDS
    NOUN = "seat"

    def read(self, session: Session, people: PeopleLookups) -> FormData:
        lookups = Lookups(people.contacts, people.members, people.partners)
        if self.record_id is None:
            return FormData(people, dict(self._defaults))
        seat = get_seat(self.record_id, session=session)
        stored = record_values(seat)
        text = form_text(SEAT_FIELDS, stored, lookups)
        return FormData(people, text, seat.version, stored, f"Edit seat: {seat.role_title}")

    def person_names(self, key: str) -> list[str]:
        """A seat is filled by someone still at the account."""
        if key == "filled_by":
            return [n for cid, n in self.lookups.contacts.items() if cid not in self.people.left]
        return list(self.lookups.contacts.values())

    def validate(self, raw: dict[str, str]) -> FormResult:
        return validate_seat_form(raw, self.lookups)

    def write(self, session: Session, values: dict[str, Any], version: int | None) -> int:
        return self.create_or_update(session, values, version, create_seat, update_seat)
