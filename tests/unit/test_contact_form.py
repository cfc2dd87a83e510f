"""The people forms' fields and rules: what is typed, what is stored, what is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from acctmap_tui.domain.contact_form import (
    CONTACT_FIELDS,
    SEAT_FIELDS,
    Lookups,
    RelationshipType,
    blank_text,
    form_text,
    relationship_text,
    resolve_name,
    validate_contact_form,
    validate_partner_form,
    validate_relationship_form,
    validate_seat_form,
)
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
)

LOOKUPS = Lookups(
    contacts={1: "Ann Lee", 2: "Bob Roy", 3: "Annika Berg"},
    members={10: "Susan Park", 11: "Mia Chen"},
    partners={20: "Globex SI"},
)

FULL = {
    "name": "  Cara Diaz ",
    "title": "CFO",
    "department": "Finance",
    "buying_role": "Economic buyer",
    "influence": "5",
    "sentiment": "Strong supporter",
    "met": "Met",
    "reports_to": "bob",
    "dotted_line": "Ann Lee",
    "email": "cara@acme.com",
    "phone": "+1 (312) 555-0100 x12",
    "profile_url": "https://linkedin.com/in/cara",
    "last_contacted_at": "2031-02-03",
    "left_on": "",
    "relationship_owner": "Mia Chen",
    "level_current": "Credible source",
    "level_target": "Trusted advisor",
    "notes": "Line one\nLine two",
}


def test_every_contact_field_parses_to_its_column() -> None:
    result = validate_contact_form(FULL, LOOKUPS)
    assert result.ok, result.errors
    assert result.values == {
        "name": "Cara Diaz",
        "title": "CFO",
        "department": "Finance",
        "buying_role": BuyingRole.ECONOMIC_BUYER,
        "influence": 5,
        "sentiment": Sentiment.STRONG_SUPPORTER,
        "met": True,
        "reports_to_id": 2,
        "dotted_line_to_id": 1,
        "email": "cara@acme.com",
        "phone": "+1 (312) 555-0100 x12",
        "profile_url": "https://linkedin.com/in/cara",
        "last_contacted_at": datetime(2031, 2, 3, tzinfo=UTC),
        "left_on": None,
        "relationship_owner_id": 11,
        "level_current": RelationshipLevel.CREDIBLE_SOURCE,
        "level_target": RelationshipLevel.TRUSTED_ADVISOR,
        "notes": "Line one\nLine two",
    }


def test_stored_values_format_back_to_the_same_text() -> None:
    values = validate_contact_form(FULL, LOOKUPS).values
    text = form_text(CONTACT_FIELDS, values, LOOKUPS)
    again = validate_contact_form(text, LOOKUPS)
    assert again.values == values
    assert text["reports_to"] == "Bob Roy" and text["met"] == "Met"


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("influence", "0", "Influence: '0' is not a whole number from 1 to 5"),
        ("influence", "6", "Influence: '6' is not a whole number from 1 to 5"),
        ("influence", "abc", "Influence: 'abc' is not a whole number from 1 to 5"),
        ("email", "cara.acme.com", "E-mail: 'cara.acme.com' is not an e-mail address: one @"),
        ("email", "a@b@c", "E-mail: 'a@b@c' is not an e-mail address"),
        ("email", "@acme.com", "E-mail: '@acme.com' is not an e-mail address"),
        ("profile_url", "linkedin.com/in/x", "Profile URL: 'linkedin.com/in/x' is not a web"),
        ("profile_url", "ftp://x.org", "Profile URL: 'ftp://x.org' is not a web address"),
        ("last_contacted_at", "03/02/2031", "Last contacted: '03/02/2031' is not a date as"),
        ("last_contacted_at", "2031-02-30", "Last contacted: '2031-02-30' is not a real"),
        ("name", "   ", "Name: '' is not allowed: this field is required"),
        ("phone", "call me", "Phone: 'call me' is not a phone number"),
        ("sentiment", "meh", "Sentiment: 'meh' is not one of: Strong supporter, Supporter"),
        ("reports_to", "Zed", "Reports to: 'Zed' is not the name (or part of the name) of a"),
        ("reports_to", "ann", "Reports to: 'ann' is not one contact of this account; it matches"),
        ("relationship_owner", "Nobody", "Relationship owner: 'Nobody' is not the name"),
    ],
)
def test_bad_values_are_refused_naming_field_value_and_expectation(
    key: str, text: str, expected: str
) -> None:
    result = validate_contact_form({**FULL, key: text}, LOOKUPS)
    assert not result.ok
    assert result.errors[key].startswith(expected), result.errors[key]
    assert list(result.errors) == [key]


def test_an_ambiguous_part_lists_the_matches() -> None:
    result = validate_contact_form({**FULL, "reports_to": "ann"}, LOOKUPS)
    assert "Ann Lee, Annika Berg" in result.errors["reports_to"]
    assert "type more of it" in result.errors["reports_to"]


def test_an_exact_name_wins_over_a_longer_match() -> None:
    assert resolve_name("ann lee", "Reports to", LOOKUPS.contacts, what="contact") == 1


def test_cycles_are_errors_on_the_field_that_closes_them() -> None:
    lines = {1: (None, None), 2: (1, None), 3: (None, None)}
    self_report = validate_contact_form(
        {**FULL, "name": "Ann Lee", "reports_to": "Ann Lee", "dotted_line": ""},
        LOOKUPS,
        contact_id=1,
        lines=lines,
    )
    assert self_report.errors == {
        "reports_to": "Reports to: Ann Lee → Ann Lee would be a cycle "
        "(nobody reports to themselves)"
    }
    two = validate_contact_form(
        {**FULL, "name": "Ann Lee", "reports_to": "Bob Roy", "dotted_line": ""},
        LOOKUPS,
        contact_id=1,
        lines=lines,
    )
    assert two.errors == {"reports_to": "Reports to: Ann Lee → Bob Roy → Ann Lee would be a cycle"}
    dotted = validate_contact_form(
        {**FULL, "name": "Ann Lee", "reports_to": "", "dotted_line": "bob"},
        LOOKUPS,
        contact_id=1,
        lines=lines,
    )
    assert dotted.errors == {
        "dotted_line": "Dotted-line manager: Ann Lee → Bob Roy → Ann Lee would be a cycle"
    }


@pytest.mark.parametrize(
    ("type_label", "source", "column", "source_id", "kind"),
    [
        ("Our team member engages contact", "susan", "source_member_id", 10, "engagement"),
        ("Contact knows contact", "Bob", "source_contact_id", 2, "knows"),
        ("Contact influences contact", "bob roy", "source_contact_id", 2, "influences"),
        ("Partner influences contact", "globex", "source_partner_id", 20, "influences"),
    ],
)
def test_relationships_of_every_type_resolve_their_source(
    type_label: str, source: str, column: str, source_id: int, kind: str
) -> None:
    raw = {"type": type_label, "source": source, "target": "Ann Lee", "strength": "4"}
    result = validate_relationship_form({**raw, "last_touch_at": "2031-01-02"}, LOOKUPS)
    assert result.ok, result.errors
    assert result.values[column] == source_id
    assert result.values["kind"] == RelationshipKind(kind)
    assert result.values["target_contact_id"] == 1 and result.values["strength"] == 4
    others = {"source_member_id", "source_contact_id", "source_partner_id"} - {column}
    assert all(result.values[other] is None for other in others)
    text = relationship_text(result.values, LOOKUPS)
    assert text["type"] == type_label and text["target"] == "Ann Lee"
    assert validate_relationship_form(text, LOOKUPS).values == result.values


def test_relationship_refusals() -> None:
    base = {"type": "Contact knows contact", "source": "Bob", "target": "Bob", "strength": "9"}
    result = validate_relationship_form(base, LOOKUPS)
    assert result.errors["strength"] == "Strength: '9' is not a whole number from 1 to 5"
    assert result.errors["target"].startswith("To (contact): 'Bob' is not another contact")
    member = validate_relationship_form(
        {**base, "type": "Our team member engages contact", "target": "Ann"}, LOOKUPS
    )
    assert member.errors["source"].startswith(
        "From: 'Bob' is not the name (or part of the name) of a member of our team"
    )
    assert RelationshipType.PARTNER_INFLUENCES.kind is RelationshipKind.INFLUENCES


def test_partner_and_seat_forms() -> None:
    partner = validate_partner_form({"name": "Globex", "kind": "SI", "influence": "abc"})
    assert partner.errors == {"influence": "Influence: 'abc' is not a whole number from 1 to 5"}
    seat = validate_seat_form(
        {**blank_text(SEAT_FIELDS), "role_title": "CFO", "reports_to": "bob"}, LOOKUPS
    )
    assert seat.ok and seat.values["reports_to_id"] == 2 and seat.values["contact_id"] is None
    assert validate_seat_form(blank_text(SEAT_FIELDS), LOOKUPS).errors == {
        "role_title": "Role: '' is not allowed: this field is required"
    }


def test_left_on_is_a_plain_date() -> None:
    result = validate_contact_form({**FULL, "left_on": "2031-05-01"}, LOOKUPS)
    assert result.values["left_on"] == date(2031, 5, 1)
