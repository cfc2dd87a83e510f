"""The people forms as data: contacts, relationships, partners and seats.

As :mod:`acctmap_tui.domain.account_form` does for accounts, this declares each
form's fields once and turns typed text into stored values (and back), so the TUI
and any other editor refuse the same values with the same message: the field, the
value and what is expected.

People are typed by name, or by any part of one that picks out a single person
("ortega" finds Luis Ortega); :class:`Lookups` holds the names to resolve against.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from acctmap_tui.domain.account_form import REQUIRED_EXPECTED, FormResult
from acctmap_tui.domain.org_rules import ProposedLines, ReportingCycleError, check_reporting_lines
from acctmap_tui.domain.values import ValueInputError, parse_date, parse_score
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    Labelled,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
)


class Kind(StrEnum):
    """How a people-form field is typed, parsed and shown."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    DATE = "date"
    TIMESTAMP = "timestamp"
    """A date stored as a UTC timestamp at midnight."""
    SCORE = "score"
    """1 to 5."""
    CHOICE = "choice"
    """One of fixed labels (an enumeration, or :attr:`PeopleField.options`)."""
    CONTACT = "contact"
    """A contact of the account, typed by (part of) name."""
    MEMBER = "member"
    """One of our team, chosen by name."""
    SOURCE = "source"
    """A relationship's source: a team member, contact or partner, by the relationship type."""


@dataclass(frozen=True)
class PeopleField:
    """One field of a people form."""

    key: str
    label: str
    kind: Kind
    column: str
    """The column it writes (``reports_to`` writes ``reports_to_id``)."""
    section: str = ""
    required: bool = False
    enum: type[Labelled] | None = None
    options: tuple[str, ...] = ()
    hint: str = ""

    @property
    def choices(self) -> tuple[str, ...]:
        """The labels offered for a choice."""
        if self.enum is not None:
            return tuple(member.label for member in self.enum)
        return self.options


@dataclass(frozen=True)
class Lookups:
    """The names a form resolves typed people against, by id."""

    contacts: Mapping[int, str] = field(default_factory=dict)
    """The account's contacts."""
    members: Mapping[int, str] = field(default_factory=dict)
    """Our team."""
    partners: Mapping[int, str] = field(default_factory=dict)
    """The account's partners."""


# --- parsing single values -----------------------------------------------------------

EMAIL_EXPECTED = "an e-mail address: one @ with text either side, e.g. ann@acme.com"
URL_EXPECTED = "a web address starting with http:// or https://, e.g. https://linkedin.com/in/ann"
PHONE_EXPECTED = "a phone number: digits with optional + ( ) - . / spaces and x for extension"
_PHONE = re.compile(r"^\+?[\d\s().\-/]+(?:\s*(?:x|ext\.?)\s*\d+)?$", re.IGNORECASE)


def parse_email(text: str, label: str) -> str:
    """Loosely: one @ with text either side and no spaces (the mail server knows better)."""
    local, at, domain = text.partition("@")
    if not at or not local or not domain or "@" in domain or any(c.isspace() for c in text):
        raise ValueInputError(label, text, EMAIL_EXPECTED)
    return text


def parse_url(text: str, label: str) -> str:
    """An http or https address with a host, kept as typed."""
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        raise ValueInputError(label, text, URL_EXPECTED)
    return text


def parse_phone(text: str, label: str) -> str:
    """Phone characters with at least one digit; the format is the typist's."""
    if not any(c.isdigit() for c in text) or not _PHONE.fullmatch(text):
        raise ValueInputError(label, text, PHONE_EXPECTED)
    return text


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _listing(names: list[str], limit: int = 4) -> str:
    shown = sorted(names, key=str.casefold)
    if len(shown) > limit:
        return ", ".join(shown[:limit]) + f" and {len(shown) - limit} more"
    return ", ".join(shown)


def resolve_name(text: str, label: str, people: Mapping[int, str], *, what: str) -> int:
    """The one person meant by ``text``: an exact name (any case) or a unique part of one.

    Args:
        what: how the candidates are described in messages ("contact of this account").

    Raises:
        ValueInputError: nobody, or more than one person, matches.
    """
    wanted = _fold(text)
    exact = [pid for pid, name in people.items() if _fold(name) == wanted]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise ValueInputError(
            label, text, f"one {what}: {len(exact)} share that name (rename one to tell them apart)"
        )
    partial = [pid for pid, name in people.items() if wanted in _fold(name)]
    if len(partial) == 1:
        return partial[0]
    if partial:
        matches = _listing([people[pid] for pid in partial])
        raise ValueInputError(label, text, f"one {what}; it matches {matches}: type more of it")
    if not people:
        raise ValueInputError(label, text, f"a {what} (there are none yet)")
    raise ValueInputError(label, text, f"the name (or part of the name) of a {what}")


# --- the forms -------------------------------------------------------------------

MET_LABEL = "Met"
NOT_MET_LABEL = "Not yet met"
MET_OPTIONS = (MET_LABEL, NOT_MET_LABEL)

PERSON = "Person"
REPORTING = "Reporting lines"
DETAILS = "Contact details"
OUR_SIDE = "Our relationship"
NOTES = "Notes"
CONTACT_SECTIONS = (PERSON, REPORTING, DETAILS, OUR_SIDE, NOTES)

_NAME_HINT = "type part of a name"


def _f(key: str, label: str, kind: Kind, section: str = "", **kw: Any) -> PeopleField:
    column = kw.pop("column", key)
    return PeopleField(key, label, kind, column, section, **kw)


CONTACT_FIELDS: tuple[PeopleField, ...] = (
    _f("name", "Name", Kind.TEXT, PERSON, required=True, hint="required"),
    _f("title", "Title", Kind.TEXT, PERSON, hint="e.g. CFO"),
    _f("department", "Department", Kind.TEXT, PERSON),
    _f("buying_role", "Buying role", Kind.CHOICE, PERSON, enum=BuyingRole),
    _f("influence", "Influence", Kind.SCORE, PERSON, hint="1 (little) to 5 (decisive)"),
    _f("sentiment", "Sentiment", Kind.CHOICE, PERSON, enum=Sentiment),
    _f("met", "Met", Kind.CHOICE, PERSON, required=True, options=MET_OPTIONS),
    _f(
        "reports_to",
        "Reports to",
        Kind.CONTACT,
        REPORTING,
        column="reports_to_id",
        hint=_NAME_HINT,
    ),
    _f(
        "dotted_line",
        "Dotted-line manager",
        Kind.CONTACT,
        REPORTING,
        column="dotted_line_to_id",
        hint=_NAME_HINT,
    ),
    _f("email", "E-mail", Kind.EMAIL, DETAILS, hint="ann@acme.com"),
    _f("phone", "Phone", Kind.PHONE, DETAILS, hint="+1 312 555 0100"),
    _f("profile_url", "Profile URL", Kind.URL, DETAILS, hint="https://…"),
    _f("last_contacted_at", "Last contacted", Kind.TIMESTAMP, DETAILS, hint="YYYY-MM-DD"),
    _f("left_on", "Left the account on", Kind.DATE, DETAILS, hint="YYYY-MM-DD (vacates seats)"),
    _f(
        "relationship_owner",
        "Relationship owner",
        Kind.MEMBER,
        OUR_SIDE,
        column="relationship_owner_id",
    ),
    _f("level_current", "Level now", Kind.CHOICE, OUR_SIDE, enum=RelationshipLevel),
    _f("level_target", "Level target", Kind.CHOICE, OUR_SIDE, enum=RelationshipLevel),
    _f("notes", "Notes", Kind.LONG_TEXT, NOTES),
)
"""Every field of the contact form, by section, in the order shown."""


class RelationshipType(StrEnum):
    """The four relationships the form offers: who the source is and what the edge means."""

    ENGAGEMENT = "engagement"
    KNOWS = "knows"
    INFLUENCES = "influences"
    PARTNER_INFLUENCES = "partner_influences"

    @property
    def label(self) -> str:
        return RELATIONSHIP_TYPE_LABELS[self]

    @property
    def kind(self) -> RelationshipKind:
        if self is RelationshipType.PARTNER_INFLUENCES:
            return RelationshipKind.INFLUENCES
        return RelationshipKind(self.value)

    @property
    def source_column(self) -> str:
        if self is RelationshipType.ENGAGEMENT:
            return "source_member_id"
        if self is RelationshipType.PARTNER_INFLUENCES:
            return "source_partner_id"
        return "source_contact_id"


RELATIONSHIP_TYPE_LABELS = {
    RelationshipType.ENGAGEMENT: "Our team member engages contact",
    RelationshipType.KNOWS: "Contact knows contact",
    RelationshipType.INFLUENCES: "Contact influences contact",
    RelationshipType.PARTNER_INFLUENCES: "Partner influences contact",
}

SOURCE_COLUMNS = ("source_member_id", "source_contact_id", "source_partner_id")


def relationship_type(kind: RelationshipKind, values: Mapping[str, Any]) -> RelationshipType:
    """The form's type for a stored relationship."""
    if values.get("source_member_id") is not None:
        return RelationshipType.ENGAGEMENT
    if values.get("source_partner_id") is not None:
        return RelationshipType.PARTNER_INFLUENCES
    return RelationshipType.KNOWS if kind is RelationshipKind.KNOWS else RelationshipType.INFLUENCES


RELATIONSHIP_FIELDS: tuple[PeopleField, ...] = (
    _f(
        "type",
        "Type",
        Kind.CHOICE,
        required=True,
        column="kind",
        options=tuple(RELATIONSHIP_TYPE_LABELS.values()),
    ),
    _f("source", "From", Kind.SOURCE, required=True, column="source", hint=_NAME_HINT),
    _f("target", "To (contact)", Kind.CONTACT, required=True, column="target_contact_id"),
    _f("strength", "Strength", Kind.SCORE, required=True, hint="1 (barely) to 5 (close)"),
    _f("last_touch_at", "Last touch", Kind.TIMESTAMP, hint="YYYY-MM-DD"),
    _f("notes", "Notes", Kind.LONG_TEXT),
)

PARTNER_FIELDS: tuple[PeopleField, ...] = (
    _f("name", "Name", Kind.TEXT, required=True, hint="required"),
    _f("kind", "Kind", Kind.TEXT, hint="e.g. systems integrator, reseller"),
    _f("influence", "Influence", Kind.SCORE, hint="1 (little) to 5 (decisive)"),
    _f("notes", "Notes", Kind.LONG_TEXT),
)

SEAT_FIELDS: tuple[PeopleField, ...] = (
    _f("role_title", "Role", Kind.TEXT, required=True, hint="e.g. CFO"),
    _f("buying_role", "Buying role", Kind.CHOICE, enum=BuyingRole),
    _f("reports_to", "Reports to", Kind.CONTACT, column="reports_to_id", hint=_NAME_HINT),
    _f("filled_by", "Filled by", Kind.CONTACT, column="contact_id", hint="empty: vacant"),
    _f("notes", "Notes", Kind.LONG_TEXT),
)

CONTACT_WHAT = "contact of this account"
MEMBER_WHAT = "member of our team"
PARTNER_WHAT = "partner on this account"


def _source_people(
    source_type: RelationshipType | None, lookups: Lookups
) -> tuple[dict[int, str], str]:
    if source_type is RelationshipType.ENGAGEMENT:
        return dict(lookups.members), MEMBER_WHAT
    if source_type is RelationshipType.PARTNER_INFLUENCES:
        return dict(lookups.partners), PARTNER_WHAT
    return dict(lookups.contacts), CONTACT_WHAT


def parse_people_field(
    people_field: PeopleField,
    text: str,
    lookups: Lookups,
    *,
    source_type: RelationshipType | None = None,
) -> Any:
    """The stored value for what was typed in one field; ``None`` when left empty.

    Raises:
        ValueInputError: naming the field's label, the text and what is expected.
    """
    raw = text.strip()
    label = people_field.label
    if not raw:
        if people_field.required:
            raise ValueInputError(label, raw, REQUIRED_EXPECTED)
        return None
    match people_field.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            return raw
        case Kind.EMAIL:
            return parse_email(raw, label)
        case Kind.URL:
            return parse_url(raw, label)
        case Kind.PHONE:
            return parse_phone(raw, label)
        case Kind.DATE:
            return parse_date(raw, field=label)
        case Kind.TIMESTAMP:
            day = parse_date(raw, field=label)
            assert day is not None
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        case Kind.SCORE:
            return parse_score(raw, field=label, low=1, high=5)
        case Kind.CHOICE:
            return _parse_choice(people_field, raw)
        case Kind.CONTACT:
            return resolve_name(raw, label, lookups.contacts, what=CONTACT_WHAT)
        case Kind.MEMBER:
            return resolve_name(raw, label, lookups.members, what=MEMBER_WHAT)
        case Kind.SOURCE:
            people, what = _source_people(source_type, lookups)
            return resolve_name(raw, label, people, what=what)
    raise AssertionError(f"unhandled field kind {people_field.kind}")  # pragma: no cover


def _parse_choice(people_field: PeopleField, raw: str) -> Any:
    expected = "one of: " + ", ".join(people_field.choices)
    if people_field.enum is not None:
        try:
            return people_field.enum.parse(raw)
        except ValueError:
            raise ValueInputError(people_field.label, raw, expected) from None
    if people_field.key == "met":
        if _fold(raw) in (_fold(MET_LABEL), "yes", "true"):
            return True
        if _fold(raw) in (_fold(NOT_MET_LABEL), "no", "false", "not met"):
            return False
    if people_field.key == "type":
        for member in RelationshipType:
            if _fold(raw) in (_fold(member.label), member.value):
                return member
    raise ValueInputError(people_field.label, raw, expected)


def format_people_field(people_field: PeopleField, value: Any, lookups: Lookups) -> str:
    """The text that shows a stored value in a form; parsing it gives the value back."""
    if value is None:
        return ""
    match people_field.kind:
        case Kind.TIMESTAMP:
            return value.astimezone(UTC).date().isoformat() if value.tzinfo else str(value.date())
        case Kind.DATE:
            return value.isoformat()
        case Kind.SCORE:
            return str(int(value))
        case Kind.CHOICE:
            if people_field.enum is not None:
                return people_field.enum(value).label
            if people_field.key == "met":
                return MET_LABEL if value else NOT_MET_LABEL
            return RelationshipType(value).label
        case Kind.CONTACT:
            return lookups.contacts.get(int(value), "")
        case Kind.MEMBER:
            return lookups.members.get(int(value), "")
        case _:
            return str(value)


def validate_fields(
    fields: tuple[PeopleField, ...],
    raw: Mapping[str, str],
    lookups: Lookups,
    *,
    source_type: RelationshipType | None = None,
) -> FormResult:
    """Parse every field; values by column, errors by field key in form order."""
    result = FormResult()
    for people_field in fields:
        try:
            result.values[people_field.column] = parse_people_field(
                people_field, raw.get(people_field.key, "") or "", lookups, source_type=source_type
            )
        except ValueInputError as error:
            result.errors[people_field.key] = str(error)
    return result


def _refuse(result: FormResult, people_field: PeopleField, text: str, expected: str) -> None:
    result.errors[people_field.key] = str(ValueInputError(people_field.label, text, expected))
    result.values.pop(people_field.column, None)


def _in_order(result: FormResult, fields: tuple[PeopleField, ...]) -> FormResult:
    order = [f.key for f in fields]
    result.errors = dict(sorted(result.errors.items(), key=lambda item: order.index(item[0])))
    return result


CONTACT_FIELDS_BY_KEY = {f.key: f for f in CONTACT_FIELDS}


def validate_contact_form(
    raw: Mapping[str, str],
    lookups: Lookups,
    *,
    contact_id: int | None = None,
    lines: Mapping[int, tuple[int | None, int | None]] | None = None,
) -> FormResult:
    """Parse the contact form and check its reporting lines for cycles.

    ``lookups.contacts`` are the account's contacts (the edited one included);
    ``lines`` everyone's current (reports-to, dotted-line) ids. A new contact has
    no reports yet, so only naming itself could be a cycle, and it has no name yet.
    """
    result = validate_fields(CONTACT_FIELDS, raw, lookups)
    if contact_id is not None:
        proposed = ProposedLines(
            contact_id, result.values.get("reports_to_id"), result.values.get("dotted_line_to_id")
        )
        try:
            check_reporting_lines(proposed, lines or {}, lookups.contacts)
        except ReportingCycleError as error:
            reports_to = error.field == CONTACT_FIELDS_BY_KEY["reports_to"].label
            key = "reports_to" if reports_to else "dotted_line"
            result.errors[key] = str(error)
            result.values.pop(CONTACT_FIELDS_BY_KEY[key].column, None)
    return _in_order(result, CONTACT_FIELDS)


RELATIONSHIP_FIELDS_BY_KEY = {f.key: f for f in RELATIONSHIP_FIELDS}


def validate_relationship_form(raw: Mapping[str, str], lookups: Lookups) -> FormResult:
    """Parse the relationship form; values are ready for the store (one source column set)."""
    type_field = RELATIONSHIP_FIELDS_BY_KEY["type"]
    source_type: RelationshipType | None = None
    with suppress(ValueInputError):  # reported by validate_fields below
        source_type = parse_people_field(type_field, raw.get("type", "") or "", lookups)
    result = validate_fields(RELATIONSHIP_FIELDS, raw, lookups, source_type=source_type)
    source = result.values.pop("source", None)
    result.values.pop("kind", None)
    if source_type is not None:
        result.values["kind"] = source_type.kind
        for column in SOURCE_COLUMNS:
            result.values[column] = source if column == source_type.source_column else None
        target = result.values.get("target_contact_id")
        same = source is not None and source == target
        if source_type.source_column == "source_contact_id" and same:
            _refuse(
                result,
                RELATIONSHIP_FIELDS_BY_KEY["target"],
                raw.get("target", "").strip(),
                "another contact than the one in From (nobody has a relationship with themselves)",
            )
    return _in_order(result, RELATIONSHIP_FIELDS)


def validate_partner_form(raw: Mapping[str, str]) -> FormResult:
    """Parse the partner form."""
    return validate_fields(PARTNER_FIELDS, raw, Lookups())


def validate_seat_form(raw: Mapping[str, str], lookups: Lookups) -> FormResult:
    """Parse the seat form (the store checks that the holder has not left)."""
    return _in_order(validate_fields(SEAT_FIELDS, raw, lookups), SEAT_FIELDS)


def form_text(
    fields: tuple[PeopleField, ...], values: Mapping[str, Any], lookups: Lookups
) -> dict[str, str]:
    """The text of every field for stored values keyed by column."""
    return {f.key: format_people_field(f, values.get(f.column), lookups) for f in fields}


def relationship_text(values: Mapping[str, Any], lookups: Lookups) -> dict[str, str]:
    """The relationship form's text for a stored relationship."""
    text = form_text(RELATIONSHIP_FIELDS, values, lookups)
    source_type = relationship_type(RelationshipKind(values["kind"]), values)
    text["type"] = source_type.label
    people, _ = _source_people(source_type, lookups)
    source_id = values.get(source_type.source_column)
    text["source"] = people.get(source_id, "") if source_id is not None else ""
    return text


def blank_text(fields: tuple[PeopleField, ...], **defaults: str) -> dict[str, str]:
    """The text of a blank form, with the given defaults."""
    text = {f.key: "" for f in fields}
    text.update(defaults)
    return text


def changed_values(
    fields: tuple[PeopleField, ...],
    result: FormResult,
    raw: Mapping[str, str],
    initial: Mapping[str, str],
) -> dict[str, Any]:
    """The values of the fields whose text differs from what the form opened with."""
    return {
        f.column: result.values[f.column]
        for f in fields
        if raw.get(f.key, "") != initial.get(f.key, "") and f.column in result.values
    }
