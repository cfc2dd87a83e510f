"""The account form as data: its fields, how typed text becomes stored values and back.

The TUI form, and anything else that edits an account from text (the CLI, an
import preview), share one declaration of the fields and one set of rules, so a
value refused in one place is refused everywhere with the same message.

Keys are the Account columns, except ``owner`` (typed as a team member's name,
stored as ``owner_id``). :attr:`FormResult.values` is keyed by column, ready for
:mod:`acctmap_tui.data.account_store`; :attr:`FormResult.errors` is keyed by field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acctmap_tui.domain.scoring import FIT_LABELS
from acctmap_tui.domain.values import (
    ValueInputError,
    parse_date,
    parse_money,
    parse_probability,
    parse_score,
)
from acctmap_tui.domain.vocabulary import Labelled, Stage, TargetType


class FieldKind(StrEnum):
    """How a field is typed, parsed and shown."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    MONEY = "money"
    PROBABILITY = "probability"
    PERCENT = "percent"
    """A signed percentage stored as a fraction (growth can be negative or above 100%)."""
    DATE = "date"
    SCORE = "score"
    INTEGER = "integer"
    CHOICE = "choice"


@dataclass(frozen=True)
class FormField:
    """One field of the account form."""

    key: str
    """The Account column it edits (``owner`` edits ``owner_id``)."""
    label: str
    kind: FieldKind
    section: str
    required: bool = False
    options: tuple[str, ...] = ()
    """The labels offered for an enumeration; empty for the owner (the team is data)."""
    enum: type[Labelled] | None = None
    hint: str = ""
    """A short example of what to type, shown as the input's placeholder."""
    timestamp: bool = False
    """A date stored as a UTC timestamp (midnight), such as the last review."""

    @property
    def column(self) -> str:
        """The Account column this field writes."""
        return "owner_id" if self.key == OWNER_KEY else self.key


OWNER_KEY = "owner"

ACCOUNT_MAP = "Account map"
STRATEGY_DETAILS = "Strategy details"
FIT_RUBRIC = "Fit rubric (0-5)"
COMPANY_OVERVIEW = "Company overview"
QUALIFICATION = "Qualification"
NOTES = "Notes"

SECTIONS: tuple[str, ...] = (
    ACCOUNT_MAP,
    STRATEGY_DETAILS,
    FIT_RUBRIC,
    COMPANY_OVERVIEW,
    QUALIFICATION,
    NOTES,
)
"""The form's sections, in the order they are shown."""

_MONEY_HINT = "e.g. 100k, 1.2M, $100,000.50"


def _text(key: str, label: str, section: str, *, hint: str = "", **kw: Any) -> FormField:
    return FormField(key, label, FieldKind.TEXT, section, hint=hint, **kw)


def _long(key: str, label: str, section: str) -> FormField:
    return FormField(key, label, FieldKind.LONG_TEXT, section)


def _choice(key: str, label: str, enum: type[Labelled]) -> FormField:
    return FormField(
        key,
        label,
        FieldKind.CHOICE,
        ACCOUNT_MAP,
        required=True,
        options=tuple(member.label for member in enum),
        enum=enum,
    )


ACCOUNT_FIELDS: tuple[FormField, ...] = (
    _text("name", "Account name", ACCOUNT_MAP, required=True, hint="required"),
    _choice("target_type", "Target type", TargetType),
    _choice("stage", "Stage", Stage),
    FormField(OWNER_KEY, "Owner", FieldKind.CHOICE, ACCOUNT_MAP),
    FormField(
        "revenue_potential", "Revenue potential", FieldKind.MONEY, ACCOUNT_MAP, hint=_MONEY_HINT
    ),
    FormField(
        "win_probability", "Win probability", FieldKind.PROBABILITY, ACCOUNT_MAP, hint="e.g. 70%"
    ),
    _text("currency", "Currency", ACCOUNT_MAP, required=True, hint="USD"),
    FormField(
        "closed_amount", "Closed amount", FieldKind.MONEY, ACCOUNT_MAP, hint="Won or Lost only"
    ),
    FormField("closed_on", "Closed on", FieldKind.DATE, ACCOUNT_MAP, hint="YYYY-MM-DD"),
    _long("ideal_first_meeting", "Ideal first meeting", ACCOUNT_MAP),
    _long("value_proposition", "Value proposition", ACCOUNT_MAP),
    _long("strategy", "Strategy", ACCOUNT_MAP),
    FormField(
        "last_reviewed_at",
        "Last reviewed",
        FieldKind.DATE,
        ACCOUNT_MAP,
        hint="YYYY-MM-DD",
        timestamp=True,
    ),
    _long("executive_sponsorship", "Executive sponsorship", STRATEGY_DETAILS),
    _long("key_challenges", "Key challenges", STRATEGY_DETAILS),
    _long("messaging", "Messaging", STRATEGY_DETAILS),
    _long("products_and_pricing", "Products and pricing", STRATEGY_DETAILS),
    _long("proof_points", "Proof points and collateral", STRATEGY_DETAILS),
    _long("incentives", "Incentives and discounts", STRATEGY_DETAILS),
    _long("nurture_campaigns", "Nurture campaigns", STRATEGY_DETAILS),
    _long("budget_and_resources", "Budget and resources", STRATEGY_DETAILS),
    *(
        FormField(key, label, FieldKind.SCORE, FIT_RUBRIC, hint="0-5")
        for key, label in FIT_LABELS.items()
    ),
    FormField(
        "annual_revenue", "Annual revenue", FieldKind.MONEY, COMPANY_OVERVIEW, hint=_MONEY_HINT
    ),
    FormField(
        "revenue_growth", "Revenue growth", FieldKind.PERCENT, COMPANY_OVERVIEW, hint="e.g. 12%"
    ),
    FormField("employees", "Employees", FieldKind.INTEGER, COMPANY_OVERVIEW, hint="e.g. 5400"),
    _long("customers", "Customers", COMPANY_OVERVIEW),
    _long("partners", "Partners", COMPANY_OVERVIEW),
    _text("hq_city", "HQ city", COMPANY_OVERVIEW),
    _text("hq_region", "HQ region", COMPANY_OVERVIEW),
    _text("hq_country", "HQ country", COMPANY_OVERVIEW),
    _text("industry", "Industry", COMPANY_OVERVIEW),
    _text("website", "Website", COMPANY_OVERVIEW, hint="e.g. acme.com"),
    _long("decision_criteria", "Decision criteria", QUALIFICATION),
    _long("decision_process", "Decision process", QUALIFICATION),
    _long("paper_process", "Paper process", QUALIFICATION),
    _long("notes", "Notes", NOTES),
)
"""Every field of the account form, by section, in the order shown."""

FIELDS_BY_KEY: dict[str, FormField] = {f.key: f for f in ACCOUNT_FIELDS}

PERCENT_EXPECTED = "a percentage such as 12%, 12 or -3.5%"
INTEGER_EXPECTED = "a whole number of 0 or more, e.g. 5400"
CURRENCY_EXPECTED = "a 3-letter currency code such as USD or EUR"
REQUIRED_EXPECTED = "allowed: this field is required"

_PERCENT = re.compile(r"^(-?)(\d+(?:\.\d+)?|\.\d+)%?$")
_INTEGER = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+$")


@dataclass
class FormResult:
    """The outcome of validating a whole form."""

    values: dict[str, Any] = field(default_factory=dict)
    """Typed values by Account column, for the fields that parsed."""
    errors: dict[str, str] = field(default_factory=dict)
    """One message per bad field, by field key, in form order."""

    @property
    def ok(self) -> bool:
        return not self.errors


def _owner_id(text: str, label: str, owners: Mapping[int, str]) -> int:
    wanted = " ".join(text.split()).casefold()
    for member_id, name in owners.items():
        if " ".join(name.split()).casefold() == wanted:
            return member_id
    if not owners:
        raise ValueInputError(label, text, "a team member (there are none yet)")
    team = ", ".join(sorted(owners.values(), key=str.casefold))
    raise ValueInputError(label, text, f"one of the team: {team}")


def _percent(text: str, label: str) -> float:
    match = _PERCENT.fullmatch(text.replace(" ", ""))
    if match is None:
        raise ValueInputError(label, text, PERCENT_EXPECTED)
    number = Decimal(match.group(2)) * (-1 if match.group(1) else 1)
    if number < -100:
        raise ValueInputError(label, text, "a percentage of -100% or more")
    return float(number / 100)


def parse_field(
    form_field: FormField, text: str, *, owners: Mapping[int, str] | None = None
) -> Any:
    """The stored value for what was typed in one field; ``None`` when left empty.

    ``owners`` maps team member ids to names, for the owner field.

    Raises:
        ValueInputError: naming the field's label, the text and what is expected.
    """
    raw = text.strip()
    label = form_field.label
    if not raw:
        if form_field.required:
            raise ValueInputError(label, raw, REQUIRED_EXPECTED)
        return None
    match form_field.kind:
        case FieldKind.TEXT | FieldKind.LONG_TEXT:
            return _parse_text(form_field, raw)
        case FieldKind.MONEY:
            return parse_money(raw, field=label)
        case FieldKind.PROBABILITY:
            return parse_probability(raw, field=label)
        case FieldKind.PERCENT:
            return _percent(raw, label)
        case FieldKind.DATE:
            day = parse_date(raw, field=label)
            if form_field.timestamp and day is not None:
                return datetime(day.year, day.month, day.day, tzinfo=UTC)
            return day
        case FieldKind.SCORE:
            return parse_score(raw, field=label)
        case FieldKind.INTEGER:
            if not _INTEGER.fullmatch(raw):
                raise ValueInputError(label, raw, INTEGER_EXPECTED)
            return int(raw.replace(",", ""))
        case FieldKind.CHOICE:
            if form_field.enum is None:
                return _owner_id(raw, label, owners or {})
            try:
                return form_field.enum.parse(raw)
            except ValueError:
                raise ValueInputError(
                    label, raw, "one of: " + ", ".join(form_field.options)
                ) from None
    raise AssertionError(f"unhandled field kind {form_field.kind}")  # pragma: no cover


def _parse_text(form_field: FormField, raw: str) -> str:
    if form_field.key == "currency":
        if not re.fullmatch(r"[A-Za-z]{3}", raw):
            raise ValueInputError(form_field.label, raw, CURRENCY_EXPECTED)
        return raw.upper()
    if form_field.key == "website" and any(char.isspace() for char in raw):
        # Stored as typed (no scheme added), but a space is never part of an address.
        raise ValueInputError(form_field.label, raw, "a web address without spaces, e.g. acme.com")
    return raw


def _exact_percent(fraction: float) -> str:
    """``70%`` for 0.7, ``12.345%`` for 0.12345: exact, so it parses back to the same float."""
    percent = (Decimal(repr(fraction)) * 100).normalize()
    return f"{percent:f}%"


def format_field(
    form_field: FormField, value: Any, *, owners: Mapping[int, str] | None = None
) -> str:
    """The text that shows a stored value in the form; parsing it gives the value back."""
    if value is None:
        return ""
    match form_field.kind:
        case FieldKind.MONEY:
            amount = Decimal(value)
            whole = amount == amount.to_integral_value()
            return f"{amount:,.0f}" if whole else f"{amount:,.2f}"
        case FieldKind.PROBABILITY | FieldKind.PERCENT:
            return _exact_percent(float(value))
        case FieldKind.DATE:
            if isinstance(value, datetime):
                value = value.astimezone(UTC).date() if value.tzinfo else value.date()
            return value.isoformat()
        case FieldKind.SCORE:
            return str(int(value))
        case FieldKind.INTEGER:
            return f"{int(value):,}"
        case FieldKind.CHOICE:
            if form_field.enum is None:
                return (owners or {}).get(int(value), "")
            return form_field.enum(value).label
        case _:
            return str(value)


def form_text(
    values: Mapping[str, Any], *, owners: Mapping[int, str] | None = None
) -> dict[str, str]:
    """The text of every field for stored values keyed by column (e.g. an Account's)."""
    return {f.key: format_field(f, values.get(f.column), owners=owners) for f in ACCOUNT_FIELDS}


def new_account_text(*, owner: str = "") -> dict[str, str]:
    """The text of a blank form: the model's defaults, and the owner if known."""
    text = dict.fromkeys(FIELDS_BY_KEY, "")
    text.update(
        target_type=TargetType.NEW_PROSPECT.label,
        stage=Stage.PROSPECTING.label,
        currency="USD",
        owner=owner,
    )
    return text


def validate_account_form(
    raw: Mapping[str, str], *, owners: Mapping[int, str] | None = None
) -> FormResult:
    """Parse every field of the form and apply the rules that span fields.

    A missing key counts as an empty field. Closed amount and date are refused
    unless the stage is Won or Lost, so an open deal cannot carry a result.
    """
    result = FormResult()
    for form_field in ACCOUNT_FIELDS:
        text = raw.get(form_field.key, "") or ""
        try:
            result.values[form_field.column] = parse_field(form_field, text, owners=owners)
        except ValueInputError as error:
            result.errors[form_field.key] = str(error)
    stage = result.values.get("stage")
    if isinstance(stage, Stage) and not stage.is_closed:
        for key, what in (("closed_amount", "a closed amount"), ("closed_on", "a closed date")):
            form_field = FIELDS_BY_KEY[key]
            if key not in result.errors and result.values.get(key) is not None:
                result.errors[key] = str(
                    ValueInputError(
                        form_field.label,
                        raw.get(key, "").strip(),
                        f"allowed while the stage is {stage.label} "
                        f"(only Won or Lost accounts have {what})",
                    )
                )
                del result.values[key]
    order = list(FIELDS_BY_KEY)
    result.errors = dict(sorted(result.errors.items(), key=lambda item: order.index(item[0])))
    return result


def changed_values(
    result: FormResult, raw: Mapping[str, str], initial: Mapping[str, str]
) -> dict[str, Any]:
    """The typed values of the fields whose text differs from what the form opened with.

    An edit saves only these, so a field someone else changed meanwhile is not
    overwritten with the stale copy this form was showing.
    """
    return {
        f.column: result.values[f.column]
        for f in ACCOUNT_FIELDS
        if raw.get(f.key, "") != initial.get(f.key, "") and f.column in result.values
    }
