"""The account plan as data: its panes, fields and lists, and how text becomes values.

The Plan tab is built from these declarations; parsing and formatting reuse the
account form's :func:`~acctmap_tui.domain.account_form.parse_field` and
:func:`~acctmap_tui.domain.account_form.format_field`, so a value refused in the
account form is refused here with the same message. Nothing here imports Textual.

Single records (the account's overview columns, the problem, impact, solution
and plan rows) are :class:`PlanField` lists keyed by :class:`PlanRecord`; the
repeating parts (our team, discovery questions, competitors, concerns, activity
plan items, milestones) are :class:`ListSpec` with :class:`ItemField` columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from acctmap_tui.domain.account_form import FieldKind, FormField, format_field, parse_field
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.domain.vocabulary import (
    AdoptionLevel,
    ConcernStatus,
    ItemStatus,
    Labelled,
    MilestoneKind,
    TargetType,
    TeamRole,
)


class YesNo(Labelled):
    """A yes/no answer typed or chosen in a form (stored as a boolean)."""

    YES = "yes"
    NO = "no"


class PlanRecord(StrEnum):
    """The one-per-account records a plan pane edits."""

    ACCOUNT = "account"
    PROBLEM = "problem"
    IMPACT = "impact"
    SOLUTION = "solution"
    PLAN = "plan"


class PlanList(StrEnum):
    """The repeating parts of a plan."""

    TEAM = "team"
    QUESTIONS = "questions"
    COMPETITORS = "competitors"
    CONCERNS = "concerns"
    ACTIVITIES = "activities"
    MILESTONES = "milestones"


class Pane(StrEnum):
    """The Plan tab's sub-tabs, by pane id suffix, in order."""

    OVERVIEW = "overview"
    PROBLEM = "problem"
    IMPACT = "impact"
    SOLUTION = "solution"
    PEOPLE = "people"
    PLAN = "plan"

    @property
    def pane_id(self) -> str:
        """The TabPane id: ``plan-overview``."""
        return f"plan-{self.value}"

    @property
    def title(self) -> str:
        return self.value.capitalize()


NOT_NULL_BOOLEANS = frozenset({"confirmed", "value_validated", "done"})
"""Boolean columns that cannot be empty: a blank means no."""

LOOKUP_TEAM = "team"
LOOKUP_CONTACTS = "contacts"

_MONEY_HINT = "e.g. 100k, 1.2M"
_DATE_HINT = "YYYY-MM-DD"


def _form(
    key: str, label: str, kind: FieldKind, section: str, *, hint: str = "", **kw: Any
) -> FormField:
    if kind is FieldKind.DATE and not hint:
        hint = _DATE_HINT
    return FormField(key, label, kind, section, hint=hint, **kw)


def _choice(key: str, label: str, section: str, enum: type[Labelled], **kw: Any) -> FormField:
    return FormField(
        key,
        label,
        FieldKind.CHOICE,
        section,
        options=tuple(member.label for member in enum),
        enum=enum,
        **kw,
    )


@dataclass(frozen=True)
class PlanField:
    """One field of a plan pane: a column of one of the plan's single records."""

    record: PlanRecord
    form: FormField
    pane: Pane
    existing_customer_only: bool = False
    """Shown only while the account's target type is existing customer."""

    @property
    def column(self) -> str:
        return self.form.key

    @property
    def key(self) -> str:
        """Unique across the plan: ``problem.statement``."""
        return f"{self.record.value}.{self.column}"

    @property
    def label(self) -> str:
        return self.form.label

    @property
    def widget_id(self) -> str:
        """The stable, kebab-case id of the field's input: ``plan-problem-statement``."""
        return f"plan-{self.record.value}-{self.column.replace('_', '-')}"

    @property
    def error_id(self) -> str:
        return f"{self.widget_id}-error"


def _pf(
    record: PlanRecord,
    pane: Pane,
    key: str,
    label: str,
    kind: FieldKind,
    *,
    existing: bool = False,
    **kw: Any,
) -> PlanField:
    return PlanField(record, _form(key, label, kind, pane.title, **kw), pane, existing)


def _yes_no(record: PlanRecord, pane: Pane, key: str, label: str, **kw: Any) -> PlanField:
    return PlanField(record, _choice(key, label, pane.title, YesNo), pane, **kw)


_A, _PR, _IM, _SO, _PL = (
    PlanRecord.ACCOUNT,
    PlanRecord.PROBLEM,
    PlanRecord.IMPACT,
    PlanRecord.SOLUTION,
    PlanRecord.PLAN,
)
_LONG, _TEXT, _DATE = FieldKind.LONG_TEXT, FieldKind.TEXT, FieldKind.DATE

PLAN_FIELDS: tuple[PlanField, ...] = (
    # Overview: the company overview columns of the account.
    PlanField(
        _A,
        _choice("target_type", "Target type", "Overview", TargetType, required=True),
        Pane.OVERVIEW,
    ),
    _pf(_A, Pane.OVERVIEW, "annual_revenue", "Annual revenue", FieldKind.MONEY, hint=_MONEY_HINT),
    _pf(_A, Pane.OVERVIEW, "revenue_growth", "Revenue growth", FieldKind.PERCENT, hint="e.g. 12%"),
    _pf(_A, Pane.OVERVIEW, "employees", "Employees", FieldKind.INTEGER, hint="e.g. 5400"),
    _pf(_A, Pane.OVERVIEW, "customers", "Customers", _LONG),
    _pf(_A, Pane.OVERVIEW, "partners", "Partners", _LONG),
    _pf(_A, Pane.OVERVIEW, "hq_city", "HQ city", _TEXT),
    _pf(_A, Pane.OVERVIEW, "hq_region", "HQ region", _TEXT),
    _pf(_A, Pane.OVERVIEW, "hq_country", "HQ country", _TEXT),
    _pf(_A, Pane.OVERVIEW, "industry", "Industry", _TEXT),
    _pf(_A, Pane.OVERVIEW, "website", "Website", _TEXT, hint="e.g. acme.com"),
    # Problem: why change?
    _pf(_PR, Pane.PROBLEM, "statement", "Problem statement", _LONG),
    _yes_no(_PR, Pane.PROBLEM, "confirmed", "Confirmed by customer"),
    _pf(_PR, Pane.PROBLEM, "confirmed_by", "Confirmed by (who)", _TEXT),
    _pf(_PR, Pane.PROBLEM, "confirmed_on", "Confirmed on", _DATE),
    # Impact: why now?
    _pf(_IM, Pane.IMPACT, "timeline", "Timeline", _LONG),
    _pf(_IM, Pane.IMPACT, "compelling_event", "Compelling event", _LONG),
    _pf(_IM, Pane.IMPACT, "compelling_event_on", "Compelling event date", _DATE),
    _pf(_IM, Pane.IMPACT, "driving_factors", "Driving factors", _LONG),
    _pf(_IM, Pane.IMPACT, "cost_of_inaction", "Cost of inaction", _LONG),
    _pf(_IM, Pane.IMPACT, "value_amount", "Value (amount)", FieldKind.MONEY, hint=_MONEY_HINT),
    _pf(_IM, Pane.IMPACT, "value_description", "Value (description)", _LONG),
    _yes_no(_IM, Pane.IMPACT, "value_validated", "Validated with client"),
    _pf(_IM, Pane.IMPACT, "validated_by", "Validated by (who)", _TEXT),
    _pf(_IM, Pane.IMPACT, "validated_on", "Validated on", _DATE),
    # Solution: why us?
    _pf(_SO, Pane.SOLUTION, "use_case_scope", "Use case and scope", _LONG),
    _pf(_SO, Pane.SOLUTION, "next_best_alternative", "Next best alternative", _LONG),
    _pf(_SO, Pane.SOLUTION, "unique_selling_points", "Unique selling points", _LONG),
    _pf(_SO, Pane.SOLUTION, "customer_since", "Customer since", _DATE, existing=True),
    _yes_no(_SO, Pane.SOLUTION, "renewal_done", "Renewal done", existing_customer_only=True),
    _pf(_SO, Pane.SOLUTION, "renewal_on", "Renewal date", _DATE, existing=True),
    _pf(_SO, Pane.SOLUTION, "products_used", "Products used", _LONG, existing=True),
    PlanField(
        _SO,
        _choice("adoption_level", "Adoption level", "Solution", AdoptionLevel),
        Pane.SOLUTION,
        existing_customer_only=True,
    ),
    _pf(_SO, Pane.SOLUTION, "adoption_gap_reason", "Why not full adoption", _LONG, existing=True),
    # Plan.
    _pf(_PL, Pane.PLAN, "strategy_short_term", "Strategy (short term)", _LONG),
    _pf(_PL, Pane.PLAN, "strategy_long_term", "Strategy (long term)", _LONG),
    _pf(_PL, Pane.PLAN, "proposal_details", "Proposal details", _LONG),
    _pf(_PL, Pane.PLAN, "proposal_tailoring", "Proposal tailoring", _LONG),
    _pf(_PL, Pane.PLAN, "escalation_path", "Support/escalation", _LONG),
    _pf(_PL, Pane.PLAN, "activity_plan_reviewed_by", "Plan reviewed by", _TEXT),
    _pf(_PL, Pane.PLAN, "activity_plan_reviewed_on", "Plan reviewed on", _DATE),
    _pf(_PL, Pane.PLAN, "activity_plan_approved_by", "Plan approved by", _TEXT),
    _pf(_PL, Pane.PLAN, "activity_plan_approved_on", "Plan approved on", _DATE),
)
"""Every single-record field of the plan, by pane, in the order shown."""

PLAN_FIELDS_BY_KEY: dict[str, PlanField] = {f.key: f for f in PLAN_FIELDS}


def pane_fields(pane: Pane) -> tuple[PlanField, ...]:
    """The fields shown on one pane, in order."""
    return tuple(f for f in PLAN_FIELDS if f.pane is pane)


# --- lists ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemField:
    """A column of a list item, edited in the item editor."""

    column: str
    """The model column it writes (``our_owner_id`` for an owner chosen by name)."""
    form: FormField
    lookup: str | None = None
    """``team`` or ``contacts``: a name chosen from those, stored as its id."""
    width: int | None = None
    """The narrowest the table column may be squeezed to; ``None``: never squeezed."""
    in_table: bool = True

    @property
    def label(self) -> str:
        return self.form.label


def _item(
    column: str,
    label: str,
    kind: FieldKind,
    *,
    width: int | None = 8,
    in_table: bool = True,
    lookup: str | None = None,
    enum: type[Labelled] | None = None,
    required: bool = False,
) -> ItemField:
    if enum is not None:
        form = _choice(column, label, "", enum, required=required)
    else:
        form = _form(column, label, kind, "", required=required)
    return ItemField(column, form, lookup, width, in_table)


@dataclass(frozen=True)
class ListSpec:
    """A repeating part of the plan: its table, its item fields and where it is shown."""

    kind: PlanList
    title: str
    noun: str
    """One item, in words: "competitor"."""
    pane: Pane
    fields: tuple[ItemField, ...]
    table: str
    """The database table the items live in."""
    ordered: bool = True
    """Items carry a ``position`` and can be reordered."""

    @property
    def widget_id(self) -> str:
        return f"plan-list-{self.kind.value}"

    def field(self, column: str) -> ItemField:
        return next(f for f in self.fields if f.column == column)


LIST_SPECS: tuple[ListSpec, ...] = (
    ListSpec(
        PlanList.TEAM,
        "Our team on the account",
        "team member",
        Pane.OVERVIEW,
        (
            _item("member_id", "Member", FieldKind.CHOICE, lookup=LOOKUP_TEAM, required=True),
            _item("role", "Role", FieldKind.CHOICE, enum=TeamRole, required=True, width=None),
        ),
        "account_team",
        ordered=False,
    ),
    ListSpec(
        PlanList.QUESTIONS,
        "Discovery questions",
        "question",
        Pane.PROBLEM,
        (
            _item("question", "Question", FieldKind.LONG_TEXT, required=True, width=20),
            _item("answer", "Answer", FieldKind.LONG_TEXT, width=12),
        ),
        "discovery_question",
    ),
    ListSpec(
        PlanList.COMPETITORS,
        "Competitors",
        "competitor",
        Pane.SOLUTION,
        (
            _item("name", "Name", FieldKind.TEXT, required=True, width=10),
            _item("strengths", "Strengths", FieldKind.LONG_TEXT),
            _item("weaknesses", "Weaknesses", FieldKind.LONG_TEXT),
            _item("their_position", "Position", FieldKind.TEXT),
        ),
        "competitor",
    ),
    ListSpec(
        PlanList.CONCERNS,
        "Concerns and responses",
        "concern",
        Pane.SOLUTION,
        (
            _item("concern", "Concern", FieldKind.LONG_TEXT, required=True, width=12),
            _item("response", "Response", FieldKind.LONG_TEXT, width=12),
            _item("status", "Status", FieldKind.CHOICE, enum=ConcernStatus, width=None),
        ),
        "concern",
    ),
    ListSpec(
        PlanList.ACTIVITIES,
        "Mutual activity plan",
        "plan item",
        Pane.PLAN,
        (
            _item("step", "Step", FieldKind.LONG_TEXT, required=True, width=12),
            _item("our_owner_id", "Our owner", FieldKind.CHOICE, lookup=LOOKUP_TEAM),
            _item("their_owner_id", "Their owner", FieldKind.CHOICE, lookup=LOOKUP_CONTACTS),
            _item("due_on", "Due", FieldKind.DATE, width=None),
            _item("status", "Status", FieldKind.CHOICE, enum=ItemStatus, width=None),
            _item("notes", "Notes", FieldKind.LONG_TEXT, in_table=False),
        ),
        "activity_plan_item",
    ),
    ListSpec(
        PlanList.MILESTONES,
        "Key events and milestones",
        "milestone",
        Pane.PLAN,
        (
            _item("title", "Title", FieldKind.TEXT, required=True, width=12),
            _item("kind", "Kind", FieldKind.CHOICE, enum=MilestoneKind, width=None),
            _item("due_on", "Date", FieldKind.DATE, width=None),
            _item("done", "Done", FieldKind.CHOICE, enum=YesNo, width=None),
            _item("notes", "Notes", FieldKind.LONG_TEXT, in_table=False),
        ),
        "milestone",
    ),
)
"""Every list of the plan, in the order shown."""

LIST_SPECS_BY_KIND: dict[PlanList, ListSpec] = {spec.kind: spec for spec in LIST_SPECS}

ITEM_DEFAULTS: dict[PlanList, dict[str, str]] = {
    PlanList.TEAM: {"role": TeamRole.ACCOUNT_EXECUTIVE.label},
    PlanList.CONCERNS: {"status": ConcernStatus.OPEN.label},
    PlanList.ACTIVITIES: {"status": ItemStatus.PLANNED.label},
    PlanList.MILESTONES: {"kind": MilestoneKind.MILESTONE.label, "done": YesNo.NO.label},
}
"""The text a new item's editor opens with: the model's defaults."""


# --- parsing and formatting ------------------------------------------------------------------


Lookups = Mapping[str, Mapping[int, str]]
"""Names by id for the lookups: ``{"team": {1: "Susan Park"}, "contacts": {...}}``."""


def parse_value(form: FormField, text: str, *, owners: Mapping[int, str] | None = None) -> Any:
    """The stored value for the text of one field (booleans from Yes/No).

    Raises:
        ValueInputError: naming the field's label, the text and what is expected.
    """
    value = parse_field(form, text, owners=owners)
    if form.enum is YesNo:
        if value is None:
            return False if form.key in NOT_NULL_BOOLEANS else None
        return value is YesNo.YES
    return value


def format_value(form: FormField, value: Any, *, owners: Mapping[int, str] | None = None) -> str:
    """The text that shows a stored value; parsing it gives the value back."""
    if form.enum is YesNo:
        if value is None:
            return ""
        return (YesNo.YES if value else YesNo.NO).label
    if form.enum is None and form.kind is FieldKind.CHOICE:
        if value is None:
            return ""
        return (owners or {}).get(int(value), "")
    return format_field(form, value, owners=owners)


@dataclass
class ParsedValues:
    """The outcome of parsing several fields' text."""

    values: dict[str, Any] = field(default_factory=dict)
    """Typed values by column (or plan key for records), for the fields that parsed."""
    errors: dict[str, str] = field(default_factory=dict)
    """One message per bad field, in order."""

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_plan_texts(raw: Mapping[str, str], fields: Sequence[PlanField]) -> ParsedValues:
    """Parse the text of plan fields (keyed by :attr:`PlanField.key`)."""
    result = ParsedValues()
    for plan_field in fields:
        try:
            result.values[plan_field.key] = parse_value(
                plan_field.form, raw.get(plan_field.key, "")
            )
        except ValueInputError as error:
            result.errors[plan_field.key] = str(error)
    return result


def plan_texts(
    stored: Mapping[PlanRecord, Mapping[str, Any] | None],
) -> dict[str, str]:
    """The text of every plan field for the stored records (a missing record is blank)."""
    texts: dict[str, str] = {}
    for plan_field in PLAN_FIELDS:
        values = stored.get(plan_field.record) or {}
        if plan_field.column in values:
            texts[plan_field.key] = format_value(plan_field.form, values[plan_field.column])
        else:  # a record not written yet: the model's default shows (No for a flag)
            default = False if plan_field.column in NOT_NULL_BOOLEANS else None
            texts[plan_field.key] = format_value(plan_field.form, default)
    return texts


def changed_record_values(
    raw: Mapping[str, str], initial: Mapping[str, str], parsed: ParsedValues
) -> dict[PlanRecord, dict[str, Any]]:
    """The typed values of the fields whose text changed, by record and column."""
    changes: dict[PlanRecord, dict[str, Any]] = {}
    for plan_field in PLAN_FIELDS:
        key = plan_field.key
        if raw.get(key, "") != initial.get(key, "") and key in parsed.values:
            changes.setdefault(plan_field.record, {})[plan_field.column] = parsed.values[key]
    return changes


def item_texts(spec: ListSpec, values: Mapping[str, Any], lookups: Lookups) -> dict[str, str]:
    """The text of one stored list item's fields, by column."""
    return {
        f.column: format_value(f.form, values.get(f.column), owners=lookups.get(f.lookup or ""))
        for f in spec.fields
    }


def parse_item(spec: ListSpec, raw: Mapping[str, str], lookups: Lookups) -> ParsedValues:
    """Parse the text of one list item, by column."""
    result = ParsedValues()
    for item_field in spec.fields:
        owners = lookups.get(item_field.lookup or "")
        try:
            result.values[item_field.column] = parse_value(
                item_field.form, raw.get(item_field.column, ""), owners=owners
            )
        except ValueInputError as error:
            result.errors[item_field.column] = str(error)
    return result


def is_existing_customer(target_type_text: str) -> bool:
    """Whether the target type text (a label or value) names an existing customer."""
    try:
        return TargetType.parse(target_type_text) is TargetType.EXISTING_CUSTOMER
    except ValueError:
        return False
