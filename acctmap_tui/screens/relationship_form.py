"""The relationship form: who on our side, which contact or which partner relates to whom.

Four types share one form: our team member engages a contact, a contact knows or
influences another, a partner influences a contact. "From" completes from the
people the chosen type allows, so the same name box serves all four.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from acctmap_tui.data.history import record_values
from acctmap_tui.data.models import TeamMember
from acctmap_tui.data.people_store import (
    PeopleLookups,
    create_relationship,
    get_relationship,
    update_relationship,
)
from acctmap_tui.domain.account_form import FormResult
from acctmap_tui.domain.contact_form import (
    RELATIONSHIP_FIELDS,
    Lookups,
    RelationshipType,
    relationship_text,
    validate_relationship_form,
)
from acctmap_tui.screens.contact_form import FormData, PeopleFormScreen


class RelationshipFormScreen(PeopleFormScreen):
    """Creates or edits one relationship; ``defaults`` pre-fill a new one (e.g. its target)."""

    FIELDS = RELATIONSHIP_FIELDS
    NOUN = "relationship"
    SEND_CHANGES_ONLY = False
    """The source's column depends on the type, so an edit writes the whole relationship."""

    _source_type: RelationshipType | None = None

    def read(self, session: Session, people: PeopleLookups) -> FormData:
        lookups = Lookups(people.contacts, people.members, people.partners)
        if self.record_id is None:
            me = self._my_name(session)
            text = {"type": RelationshipType.ENGAGEMENT.label, "strength": "3", "source": me}
            return FormData(people, {**text, **self._defaults})
        relationship = get_relationship(self.record_id, session=session)
        stored = record_values(relationship)
        return FormData(people, relationship_text(stored, lookups), relationship.version, stored)

    def _my_name(self, session: Session) -> str:
        name = session.exec(
            select(TeamMember.name).where(TeamMember.username == self._settings.user)
        ).first()
        return name or ""

    def _type(self, raw: dict[str, str]) -> RelationshipType | None:
        return next((t for t in RelationshipType if t.label == raw.get("type")), None)

    def person_names(self, key: str) -> list[str]:
        if key != "source":
            return list(self.lookups.contacts.values())
        match self._source_type:
            case RelationshipType.ENGAGEMENT:
                return list(self.lookups.members.values())
            case RelationshipType.PARTNER_INFLUENCES:
                return list(self.lookups.partners.values())
            case _:
                return list(self.lookups.contacts.values())

    def raw_changed(self, raw: dict[str, str]) -> None:
        source_type = self._type(raw)
        if source_type is not self._source_type:
            self._source_type = source_type
            self._refresh_suggesters()

    def validate(self, raw: dict[str, str]) -> FormResult:
        return validate_relationship_form(raw, self.lookups)

    def write(self, session: Session, values: dict[str, Any], version: int | None) -> int:
        return self.create_or_update(
            session, values, version, create_relationship, update_relationship
        )
