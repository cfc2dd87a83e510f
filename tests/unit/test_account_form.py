"""The account form's fields and rules: what people type and what gets stored."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from acctmap_tui.domain.account_form import (
    ACCOUNT_FIELDS,
    FIELDS_BY_KEY,
    SECTIONS,
    FieldKind,
    FormResult,
    changed_values,
    form_text,
    format_field,
    new_account_text,
    parse_field,
    validate_account_form,
)
from acctmap_tui.domain.scoring import FIT_LABELS
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.domain.vocabulary import Stage, TargetType

OWNERS = {1: "Susan Park", 2: "Raj Patel"}


def valid_form(**fields: str) -> dict[str, str]:
    """A blank new-account form with a name, plus ``fields``."""
    return {**new_account_text(), "name": "Acme", **fields}


def test_the_form_holds_every_editable_account_column() -> None:
    from acctmap_tui.data.account_store import EDITABLE_COLUMNS

    columns = {f.column for f in ACCOUNT_FIELDS}
    # Imported CRM ids and extras are kept by imports, not typed in the form.
    assert columns == EDITABLE_COLUMNS - {"source_id", "extra"}
    assert [f.section for f in ACCOUNT_FIELDS] == sorted(
        (f.section for f in ACCOUNT_FIELDS), key=SECTIONS.index
    )


def test_fit_rubric_uses_the_scoring_labels() -> None:
    rubric = [f for f in ACCOUNT_FIELDS if f.section == "Fit rubric (0-5)"]
    assert [(f.key, f.label) for f in rubric] == list(FIT_LABELS.items())
    assert {f.kind for f in rubric} == {FieldKind.SCORE}


def test_choices_offer_the_enumeration_labels() -> None:
    assert FIELDS_BY_KEY["stage"].options == tuple(stage.label for stage in Stage)
    assert FIELDS_BY_KEY["target_type"].options[0] == "Existing customer (upsell)"
    assert FIELDS_BY_KEY["owner"].column == "owner_id"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100000", "100000.00"),
        ("100,000", "100000.00"),
        ("$100,000.50", "100000.50"),
        ("100k", "100000.00"),
        ("1.2M", "1200000.00"),
    ],
)
def test_money_accepts_the_forms_people_type(text: str, expected: str) -> None:
    assert parse_field(FIELDS_BY_KEY["revenue_potential"], text) == Decimal(expected)


def test_one_point_two_million_is_exact() -> None:
    result = validate_account_form(valid_form(revenue_potential="1.2M"))
    assert result.values["revenue_potential"] == Decimal("1200000.00")
    assert str(result.values["revenue_potential"]) == "1200000.00"


@pytest.mark.parametrize(("text", "expected"), [("70%", 0.7), ("70", 0.7), ("0.7", 0.7)])
def test_probability_accepts_percent_number_and_fraction(text: str, expected: float) -> None:
    assert parse_field(FIELDS_BY_KEY["win_probability"], text) == expected


def test_dates_are_iso() -> None:
    assert parse_field(FIELDS_BY_KEY["closed_on"], "2026-12-01") == date(2026, 12, 1)


def test_last_reviewed_is_a_date_stored_as_a_utc_timestamp() -> None:
    value = parse_field(FIELDS_BY_KEY["last_reviewed_at"], "2026-12-01")
    assert value == datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        ("revenue_potential", "abc", "an amount such as 100000"),
        ("revenue_potential", "-5", "a positive amount"),
        ("revenue_potential", "1.2.3", "an amount such as"),
        ("annual_revenue", "abc", "an amount such as"),
        ("win_probability", "150%", "a probability such as 70%"),
        ("win_probability", "-5", "a probability such as 70%"),
        ("win_probability", "abc", "a probability"),
        ("closed_on", "01/12/2026", "a date as YYYY-MM-DD"),
        ("closed_on", "2026-02-30", "a real calendar date"),
        ("fit_offering", "6", "a whole number from 0 to 5"),
        ("employees", "-5", "a whole number of 0 or more"),
        ("employees", "1.5", "a whole number"),
        ("revenue_growth", "abc", "a percentage such as 12%"),
        ("currency", "dollars", "a 3-letter currency code"),
        ("website", "acme .com", "a web address without spaces"),
        ("stage", "Maybe", "one of: Prospecting, Early discussions"),
    ],
)
def test_bad_values_name_the_field_the_value_and_what_is_expected(
    key: str, text: str, expected: str
) -> None:
    form_field = FIELDS_BY_KEY[key]
    with pytest.raises(ValueInputError) as raised:
        parse_field(form_field, text)
    message = str(raised.value)
    assert message.startswith(f"{form_field.label}: {text!r} is not ")
    assert expected in message
    result = validate_account_form(valid_form(**{key: text}))
    assert result.errors == {key: message}
    assert form_field.column not in result.values


def test_an_empty_name_is_refused_and_names_are_trimmed() -> None:
    assert validate_account_form(valid_form(name="   ")).errors == {
        "name": "Account name: '' is not allowed: this field is required"
    }
    assert validate_account_form(valid_form(name="  Acme Logistics ")).values["name"] == (
        "Acme Logistics"
    )


def test_a_missing_key_counts_as_empty() -> None:
    result = validate_account_form({"name": "Acme"})
    assert set(result.errors) == {"target_type", "stage", "currency"}


def test_owner_is_typed_by_name_among_the_team() -> None:
    owner = FIELDS_BY_KEY["owner"]
    assert parse_field(owner, " susan park ", owners=OWNERS) == 1
    assert parse_field(owner, "", owners=OWNERS) is None
    with pytest.raises(ValueInputError) as raised:
        parse_field(owner, "Bob", owners=OWNERS)
    assert str(raised.value) == "Owner: 'Bob' is not one of the team: Raj Patel, Susan Park"
    with pytest.raises(ValueInputError, match="there are none yet"):
        parse_field(owner, "Bob", owners={})


def test_currency_is_upper_cased_and_website_kept_as_typed() -> None:
    result = validate_account_form(valid_form(currency="eur", website="acme.com/en"))
    assert result.values["currency"] == "EUR"
    assert result.values["website"] == "acme.com/en"


def test_revenue_growth_is_a_signed_percentage_stored_as_a_fraction() -> None:
    growth = FIELDS_BY_KEY["revenue_growth"]
    assert parse_field(growth, "12%") == 0.12
    assert parse_field(growth, "12") == 0.12
    assert parse_field(growth, "-3.5%") == -0.035
    assert parse_field(growth, "150%") == 1.5


@pytest.mark.parametrize("stage", [s for s in Stage if not s.is_closed])
def test_closed_amount_and_date_are_refused_for_open_stages(stage: Stage) -> None:
    result = validate_account_form(
        valid_form(stage=stage.label, closed_amount="95,000", closed_on="2026-03-31")
    )
    assert result.errors == {
        "closed_amount": (
            f"Closed amount: '95,000' is not allowed while the stage is {stage.label} "
            "(only Won or Lost accounts have a closed amount)"
        ),
        "closed_on": (
            f"Closed on: '2026-03-31' is not allowed while the stage is {stage.label} "
            "(only Won or Lost accounts have a closed date)"
        ),
    }
    assert "closed_amount" not in result.values


@pytest.mark.parametrize("stage", [Stage.WON, Stage.LOST])
def test_closed_amount_and_date_are_kept_for_won_and_lost(stage: Stage) -> None:
    result = validate_account_form(
        valid_form(stage=stage.label, closed_amount="95,000", closed_on="2026-03-31")
    )
    assert result.ok
    assert result.values["closed_amount"] == Decimal("95000.00")
    assert result.values["closed_on"] == date(2026, 3, 31)


def test_a_full_form_gives_typed_values_by_column() -> None:
    result = validate_account_form(
        valid_form(
            name=" Acme ",
            target_type="Engaged prospect (accelerate)",
            stage="negotiation",
            owner="Raj Patel",
            revenue_potential="$250,000.50",
            win_probability="70%",
            fit_timing="4",
            employees="5,400",
            notes="  line one\nline two  ",
        ),
        owners=OWNERS,
    )
    assert result.ok, result.errors
    assert result.values["name"] == "Acme"
    assert result.values["target_type"] is TargetType.ENGAGED_PROSPECT
    assert result.values["stage"] is Stage.NEGOTIATION
    assert result.values["owner_id"] == 2
    assert result.values["revenue_potential"] == Decimal("250000.50")
    assert result.values["win_probability"] == 0.7
    assert result.values["fit_timing"] == 4
    assert result.values["employees"] == 5400
    assert result.values["notes"] == "line one\nline two"
    assert result.values["industry"] is None


SAMPLES: dict[FieldKind, list[Any]] = {
    FieldKind.TEXT: ["Acme", "Zürich [HQ]"],
    FieldKind.LONG_TEXT: ["Two\nlines", "One line"],
    FieldKind.MONEY: [
        Decimal("1200000.00"),
        Decimal("100000.50"),
        Decimal("0.00"),
        Decimal("999.99"),
    ],
    FieldKind.PROBABILITY: [0.7, 1.0, 0.0, 0.125, 0.333333, 0.005],
    FieldKind.PERCENT: [0.12, -0.035, 1.5, 0.0, 0.123456789],
    FieldKind.DATE: [date(2026, 12, 1), date(2024, 2, 29)],
    FieldKind.SCORE: [0, 3, 5],
    FieldKind.INTEGER: [0, 42, 5400, 1_250_000],
}


@pytest.mark.parametrize("form_field", ACCOUNT_FIELDS, ids=lambda f: f.key)
def test_format_then_parse_gives_the_stored_value_back(form_field: Any) -> None:
    if form_field.kind is FieldKind.CHOICE:
        samples: list[Any] = list(form_field.enum) if form_field.enum else list(OWNERS)
    elif form_field.timestamp:
        samples = [datetime(2026, 12, 1, tzinfo=UTC)]
    elif form_field.key == "currency":
        samples = ["USD", "CHF"]
    elif form_field.key == "website":
        samples = ["acme.com", "https://www.acme.com/en"]
    else:
        samples = SAMPLES[form_field.kind]
    for value in [*samples, None]:
        if value is None and form_field.required:
            continue
        text = format_field(form_field, value, owners=OWNERS)
        assert parse_field(form_field, text, owners=OWNERS) == value, (form_field.key, text)


def test_format_shows_what_people_type() -> None:
    assert format_field(FIELDS_BY_KEY["revenue_potential"], Decimal("1200000.00")) == "1,200,000"
    assert format_field(FIELDS_BY_KEY["revenue_potential"], Decimal("100000.50")) == "100,000.50"
    assert format_field(FIELDS_BY_KEY["win_probability"], 0.7) == "70%"
    assert format_field(FIELDS_BY_KEY["win_probability"], 1.0) == "100%"
    assert format_field(FIELDS_BY_KEY["closed_on"], date(2026, 12, 1)) == "2026-12-01"
    assert format_field(FIELDS_BY_KEY["stage"], Stage.EARLY_DISCUSSIONS) == "Early discussions"
    assert format_field(FIELDS_BY_KEY["stage"], "won") == "Won"
    assert format_field(FIELDS_BY_KEY["owner"], 2, owners=OWNERS) == "Raj Patel"
    assert format_field(FIELDS_BY_KEY["industry"], None) == ""


def test_form_text_of_stored_values_validates_to_the_same_values() -> None:
    stored = {
        "name": "Delta Retail",
        "target_type": TargetType.EXISTING_CUSTOMER,
        "stage": Stage.WON,
        "owner_id": 1,
        "currency": "USD",
        "revenue_potential": Decimal("100000.00"),
        "win_probability": 1.0,
        "closed_amount": Decimal("95000.00"),
        "closed_on": date(2025, 3, 31),
        "last_reviewed_at": datetime(2025, 4, 2, tzinfo=UTC),
        "employees": 5400,
        "revenue_growth": 0.08,
    }
    result = validate_account_form(form_text(stored, owners=OWNERS), owners=OWNERS)
    assert result.ok, result.errors
    assert {k: result.values[k] for k in stored} == stored


def test_changed_values_holds_only_the_fields_whose_text_changed() -> None:
    initial = valid_form(revenue_potential="100,000")
    edited = {**initial, "industry": "Retail", "revenue_potential": "100k"}
    result = validate_account_form(edited)
    assert changed_values(result, edited, initial) == {
        "industry": "Retail",
        "revenue_potential": Decimal("100000.00"),
    }
    assert changed_values(FormResult(), initial, initial) == {}
