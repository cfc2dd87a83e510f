"""Rows of a CSV file turned into validated accounts or contacts: a plan, nothing written.

The import is all or nothing, so everything is checked before anything is written:
:func:`plan_import` reads every row, converts each cell with the account and contact
forms' own parsers (money, percentages, dates, stages…), matches rows to what is
already stored (:class:`ExistingData`, read by the caller), resolves who reports to
whom across the whole file, and returns an :class:`ImportPlan`: records to create,
to update and to skip, and every error with its row, column, value and reason. Only
a plan without errors is written (:mod:`acctmap_tui.data.import_store`).

Decisions, in one place:

* **Stages.** acctmap's stage names and their synonyms are accepted as the forms
  accept them; Salesforce opportunity stages and HubSpot lifecycle and deal stages
  map to the nearest stage (:data:`CRM_STAGES`: e.g. "Sales Qualified Lead" →
  Prospecting, "Id. Decision Makers" → Early discussions, "Contract Sent" →
  Negotiation, "Evangelist" → Won). Anything else (HubSpot's "Other") is an error
  naming the accepted values, never a silent guess. "Won $120,000" (the seed
  template's status, as ``acctmap export map`` writes it) sets the closed amount too.
* **Empty cells** are no value: a new record leaves the field empty (or at its
  default: stage Prospecting, target type New prospect, currency USD); an update
  leaves the stored value alone, so a partial CRM export never wipes data.
* **Matching.** An account matches a stored one by CRM ID (``source_id``), else by
  name (case and spaces ignored). A contact matches by CRM ID (any account), else by
  e-mail within its account, else by name within its account; a stored contact with
  a different CRM ID is another person and never matched by e-mail or name.
* **Conflicts** (a row that matches a stored record) follow :class:`ConflictMode`:
  an error (the default), skipped, or updated.
* **Owners** are team members by name or login; an owner nobody has is created as a
  new team member, and the plan lists them.
* **Ragged rows** (more cells than headers with something in the extra ones, or
  fewer cells) are errors: their values would land in the wrong fields.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from acctmap_tui.data.models import name_key
from acctmap_tui.domain.account_form import FIELDS_BY_KEY as ACCOUNT_FORM_FIELDS
from acctmap_tui.domain.account_form import (
    INTEGER_EXPECTED,
    FieldKind,
    parse_field,
)
from acctmap_tui.domain.contact_form import CONTACT_FIELDS as CONTACT_FORM_FIELDS
from acctmap_tui.domain.contact_form import Kind, Lookups, parse_people_field
from acctmap_tui.domain.org_rules import REPORTS_TO_LABEL, describe_cycle, find_cycle
from acctmap_tui.domain.values import (
    DATE_EXPECTED,
    ValueInputError,
    parse_date,
    parse_money,
)
from acctmap_tui.domain.vocabulary import BuyingRole, Stage, TargetType
from acctmap_tui.interchange.account_map import FORMULA_TRIGGERS
from acctmap_tui.interchange.csv_headers import HeaderMapping, ImportKind
from acctmap_tui.interchange.csv_read import CsvFile, CsvRow

PROGRESS_EVERY = 2_000
"""Rows between two progress reports."""


class ConflictMode(StrEnum):
    """What happens to a row that matches a stored record."""

    FAIL = "fail"
    SKIP = "skip"
    UPDATE = "update"


@dataclass(frozen=True)
class ImportOptions:
    """How values are read and conflicts handled."""

    on_conflict: ConflictMode = ConflictMode.FAIL
    decimal_comma: bool = False
    """Read ``1.234.567,89`` (and ``70,5%``) as in continental Europe."""


@dataclass(frozen=True, slots=True)
class ImportIssue:
    """One reason the file cannot be imported, where a spreadsheet shows it."""

    row: int
    column: str | None
    value: str | None
    reason: str

    def __str__(self) -> str:
        where = [f"row {self.row}"]
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return ", ".join(where) + f": {self.reason}"


# --- what is stored already (read by the caller) -----------------------------------------


@dataclass(frozen=True, slots=True)
class ExistingAccount:
    id: int
    name: str
    source_id: str | None
    stage: Stage
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ExistingMember:
    id: int
    name: str
    username: str | None


@dataclass(frozen=True, slots=True)
class ExistingContact:
    id: int
    account_id: int
    name: str
    email: str | None
    source_id: str | None
    reports_to_id: int | None
    dotted_line_to_id: int | None


@dataclass
class ExistingData:
    """What the plan is checked against; contacts are needed for contact imports only."""

    accounts: list[ExistingAccount] = field(default_factory=list)
    members: list[ExistingMember] = field(default_factory=list)
    contacts: list[ExistingContact] = field(default_factory=list)


# --- the plan ------------------------------------------------------------------------------

OwnerRef = int | str
"""A stored team member's id, or the name key of a team member the import creates."""


@dataclass(slots=True)
class AccountRecord:
    """An account to create (``account_id`` None) or update, from one row."""

    row: int
    name: str
    values: dict[str, Any]
    """Account columns, typed; only the cells that had a value."""
    extra: dict[str, str] | None = None
    owner: OwnerRef | None = None
    key_contacts: list[tuple[str, str | None]] = field(default_factory=list)
    next_action: str | None = None
    next_action_due: date | None = None
    account_id: int | None = None


@dataclass(slots=True)
class ContactRecord:
    """A contact to create (``contact_id`` None) or update, from one row."""

    row: int
    name: str
    account_id: int
    values: dict[str, Any]
    """Contact columns, typed; only the cells that had a value."""
    extra: dict[str, str] | None = None
    owner: OwnerRef | None = None
    manager: int | None = None
    """The manager's node: a stored contact's id (> 0) or ``-(n + 1)`` for the n-th create."""
    contact_id: int | None = None
    node: int = 0


@dataclass(frozen=True, slots=True)
class SkippedRow:
    row: int
    name: str
    reason: str


@dataclass
class ImportPlan:
    """Everything an import would do, or why it cannot."""

    kind: ImportKind
    mapping: HeaderMapping
    encoding: str = "utf-8"
    delimiter: str = ","
    rows_read: int = 0
    creates: list[Any] = field(default_factory=list)
    updates: list[Any] = field(default_factory=list)
    skips: list[SkippedRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    new_members: dict[str, str] = field(default_factory=dict)
    """Team members to create: name key → name as first written."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def key_contact_count(self) -> int:
        """Key contacts named on accounts to create (more may come from updated ones)."""
        return sum(len(r.key_contacts) for r in self.creates if isinstance(r, AccountRecord))


# --- converting cells ---------------------------------------------------------------------

Converter = Callable[[str], Any]

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_STATUS_WITH_AMOUNT = re.compile(
    r"^(?P<stage>[^\d$€£¥]+?)[\s:–-]*(?P<amount>[$€£¥]?\s*\d.*)$", re.IGNORECASE
)


def clean_cell(raw: str) -> str:
    """The cell's text without outer spaces, and without the quote our exports put before
    text a spreadsheet would run as a formula (``'=SUM`` → ``=SUM``)."""
    text = raw.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _moment(text: str, label: str) -> datetime:
    """A UTC timestamp from ``2026-03-01`` (midnight) or an ISO date and time."""
    if _ISO_MOMENT.match(text):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueInputError(label, text, DATE_EXPECTED) from None
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    day = parse_date(text, field=label)
    assert day is not None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _day(text: str, label: str) -> date:
    """A date from ``2026-03-01`` or an ISO date and time (its UTC day)."""
    if _ISO_MOMENT.match(text):
        return _moment(text, label).date()
    day = parse_date(text, field=label)
    assert day is not None
    return day


CRM_STAGES: dict[str, Stage] = {
    _compact(name): stage
    for stage, names in {
        Stage.PROSPECTING: (
            "Subscriber",
            "Lead",
            "Marketing Qualified Lead",
            "Sales Qualified Lead",
            "Open",
            "Prospect",
        ),
        Stage.EARLY_DISCUSSIONS: (
            "Opportunity",
            "Needs Analysis",
            "Id. Decision Makers",
            "Perception Analysis",
            "Appointment Scheduled",
            "Qualified To Buy",
            "Presentation Scheduled",
            "Discovery",
            "Demo",
        ),
        Stage.PROPOSAL: (
            "Value Proposition",
            "Proposal/Price Quote",
            "Decision Maker Bought-In",
            "Proposal Sent",
        ),
        Stage.NEGOTIATION: ("Negotiation/Review", "Contract Sent", "Verbal Commit"),
        Stage.WON: ("Closed Won", "Customer", "Evangelist"),
        Stage.LOST: ("Closed Lost",),
    }.items()
    for name in names
}
"""Salesforce opportunity stages and HubSpot lifecycle/deal stages, by the nearest stage."""

STAGE_EXPECTED = (
    "a stage: one of "
    + ", ".join(stage.label for stage in Stage)
    + " (or a Salesforce/HubSpot stage such as Closed Won, Negotiation/Review, Sales "
    "Qualified Lead)"
)


def parse_stage(
    text: str, label: str = "Stage", *, decimal_comma: bool = False
) -> tuple[Stage, Decimal | None]:
    """The stage named by ``text``, and the amount of a status such as ``Won $120,000``.

    Raises:
        ValueInputError: naming the accepted stages.
    """
    try:
        return Stage.parse(text), None
    except ValueError:
        pass
    stage = CRM_STAGES.get(_compact(text))
    if stage is not None:
        return stage, None
    match = _STATUS_WITH_AMOUNT.match(text)
    if match:
        named = match.group("stage").strip()
        closed = _stage_or_none(named) or CRM_STAGES.get(_compact(named))
        if closed is not None and closed.is_closed:
            amount = parse_money(match.group("amount"), field=label, decimal_comma=decimal_comma)
            return closed, amount
    raise ValueInputError(label, text, STAGE_EXPECTED)


def _stage_or_none(text: str) -> Stage | None:
    try:
        return Stage.parse(text)
    except ValueError:
        return None


def _labelled(
    enum: type[TargetType] | type[BuyingRole], extra: Mapping[str, Any] | None = None
) -> Callable[[str, str], Any]:
    """A converter for an enumeration's labels and synonyms, plus CRM words in ``extra``."""
    accepted = "one of: " + ", ".join(member.label for member in enum)

    def convert(text: str, label: str) -> Any:
        try:
            return enum.parse(text)
        except ValueError:
            pass
        if extra and _compact(text) in extra:
            return extra[_compact(text)]
        raise ValueInputError(label, text, accepted)

    return convert


_parse_target_type = _labelled(TargetType)
_parse_buying_role = _labelled(BuyingRole, {"businessuser": BuyingRole.USER})

_YES = frozenset({"yes", "y", "true", "1", "x", "met"})
_NO = frozenset({"no", "n", "false", "0", "notmet", "notyetmet"})


def _parse_met(text: str, label: str) -> bool:
    folded = _compact(text)
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueInputError(label, text, "yes or no (also: Met, Not yet met, true, false, 1, 0)")


def _comma_number(text: str) -> str:
    """``70,5`` → ``70.5`` for decimal-comma files."""
    return text.replace(".", "").replace(",", ".") if "," in text else text


def _integer(text: str, label: str, *, decimal_comma: bool) -> int:
    digits = text.replace(" ", "").replace("\u00a0", "")
    grouping = "." if decimal_comma else ","
    if re.fullmatch(rf"\d{{1,3}}(?:\{grouping}\d{{3}})+|\d+", digits):
        return int(digits.replace(grouping, ""))
    raise ValueInputError(label, text, INTEGER_EXPECTED)


def _account_converter(key: str, options: ImportOptions) -> Converter | None:
    """How a cell of the accounts field ``key`` becomes a value (raises ValueInputError).

    None: the text is the value.
    """
    comma = options.decimal_comma
    if key == "stage":
        return lambda text: parse_stage(text, "Stage", decimal_comma=comma)
    if key == "target_type":
        return lambda text: _parse_target_type(text, "Target type")
    if key in ("owner", "next_action", "source_id"):
        return None
    if key == "key_contacts":
        return parse_key_contacts
    if key == "extra":
        return parse_extra
    if key == "next_action_due":
        return lambda text: _day(text, "Next action due")
    form_field = ACCOUNT_FORM_FIELDS[key]
    label = form_field.label
    match form_field.kind:
        case FieldKind.MONEY:
            return lambda text: parse_money(text, field=label, decimal_comma=comma)
        case FieldKind.PROBABILITY | FieldKind.PERCENT if comma:
            return lambda text: parse_field(form_field, _comma_number(text))
        case FieldKind.INTEGER:
            return lambda text: _integer(text, label, decimal_comma=comma)
        case FieldKind.DATE if form_field.timestamp:
            return lambda text: _moment(text, label)
        case FieldKind.DATE:
            return lambda text: _day(text, label)
        case FieldKind.TEXT | FieldKind.LONG_TEXT if key not in ("currency", "website"):
            return None
    return lambda text: parse_field(form_field, text)


_CONTACT_FORM = {f.key: f for f in CONTACT_FORM_FIELDS}
_NO_LOOKUPS = Lookups()


def _profile_url(text: str) -> str:
    """LinkedIn exports leave the scheme out; an address without one gets ``https://``."""
    address = text if "://" in text else f"https://{text}"
    return parse_people_field(_CONTACT_FORM["profile_url"], address, _NO_LOOKUPS)


_PLAIN_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
"""Exactly what :func:`parse_email` accepts, checked in one step (it runs 100,000 times)."""


def _email(text: str) -> str:
    if _PLAIN_EMAIL.fullmatch(text):
        return text
    return parse_people_field(_CONTACT_FORM["email"], text, _NO_LOOKUPS)


_PLAIN_PHONE = re.compile(r"\+?[\d\s().\-/]*\d[\d\s().\-/]*")
"""A phone :func:`parse_phone` accepts (a digit, no extension), checked in one step."""


def _phone(text: str) -> str:
    if _PLAIN_PHONE.fullmatch(text):
        return text
    return parse_people_field(_CONTACT_FORM["phone"], text, _NO_LOOKUPS)


def _contact_converter(key: str) -> Converter | None:
    """How a cell of the contacts field ``key`` becomes a value (raises ValueInputError).

    None: the text is the value.
    """
    if key in (
        "first_name",
        "last_name",
        "account",
        "account_source_id",
        "source_id",
        "reports_to",
        "reports_to_source_id",
        "relationship_owner",
    ):
        return None
    if key == "buying_role":
        return lambda text: _parse_buying_role(text, "Buying role")
    if key == "met":
        return lambda text: _parse_met(text, "Met")
    if key == "profile_url":
        return _profile_url
    if key == "extra":
        return parse_extra
    if key == "email":
        return _email
    if key == "phone" and _CONTACT_FORM[key].kind is Kind.PHONE:
        return _phone
    form_field = _CONTACT_FORM[key]
    if form_field.kind is Kind.TIMESTAMP:
        return lambda text: _moment(text, form_field.label)
    if form_field.kind is Kind.DATE:
        return lambda text: _day(text, form_field.label)
    if form_field.kind in (Kind.TEXT, Kind.LONG_TEXT):
        return None
    return lambda text: parse_people_field(form_field, text, _NO_LOOKUPS)


def parse_extra(text: str) -> dict[str, Any]:
    """A JSON object of extra data (as ``acctmap export csv`` writes the column)."""
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValueInputError("Extra data", text, 'a JSON object such as {"Rating": "Hot"}')
    return value


def parse_key_contacts(text: str) -> list[tuple[str, str | None]]:
    """``"John Smith, CEO; Jane Thomas, CMO"`` as (name, title) pairs; lines work as ``;``."""
    people = []
    for part in re.split(r"[;\n]", text):
        name, _, title = part.partition(",")
        if name.strip():
            people.append((" ".join(name.split()), title.strip() or None))
    return people


# --- reading rows ---------------------------------------------------------------------------


class _Row:
    """One row being checked: its cells, where its issues go, and whether it has any."""

    __slots__ = ("number", "header", "errors", "before", "cells", "indexes")

    def __init__(
        self,
        number: int,
        header: Mapping[str, str],
        errors: list[ImportIssue],
        cells: list[str] | None = None,
        indexes: Mapping[str, int] | None = None,
    ) -> None:
        self.number = number
        self.header = header
        self.errors = errors
        self.before = len(errors)
        self.cells = cells or []
        self.indexes = indexes or {}

    def text(self, field: str) -> str:
        """The (cleaned) text of the cell read into ``field``."""
        return clean_cell(self.cells[self.indexes[field]])

    def fail(self, field: str | None, value: str | None, reason: str) -> None:
        """An issue in the column read into ``field`` (None: the row as a whole)."""
        column = self.header.get(field) if field else None
        self.errors.append(ImportIssue(self.number, column, value, reason))

    @property
    def failed(self) -> bool:
        return len(self.errors) > self.before


_FEW_VALUES = frozenset(
    {
        "stage",
        "target_type",
        "currency",
        "win_probability",
        "buying_role",
        "sentiment",
        "influence",
        "met",
        "level_current",
        "level_target",
    }
)
"""Fields whose columns repeat a few values: each distinct text is converted once."""


def _remembered(field: str, convert: Converter | None) -> Converter | None:
    """``convert``, remembering its answer (or its error) per text for :data:`_FEW_VALUES`.

    Parsing a stage tries every stage's synonyms; doing it once per distinct text
    instead of once per row keeps 100,000 rows quick.
    """
    if convert is None or field not in _FEW_VALUES:
        return convert
    answers: dict[str, tuple[bool, Any]] = {}

    def remembered(text: str) -> Any:
        answer = answers.get(text)
        if answer is None:
            try:
                answer = (True, convert(text))
            except ValueError as error:
                answer = (False, error)
            answers[text] = answer
        if answer[0]:
            return answer[1]
        raise answer[1].with_traceback(None)

    return remembered


class _RowReader:
    """Cells of one row → typed values by field, and the extra columns."""

    def __init__(
        self, mapping: HeaderMapping, converter: Callable[[str], Converter | None]
    ) -> None:
        self.columns = [
            (c.index, c.field, _remembered(c.field, converter(c.field)))
            for c in mapping.columns
            if c.field is not None
        ]
        self.extra_columns = [(c.index, c.extra_key) for c in mapping.extra_columns]
        self.width = len(mapping.columns)
        self.header = {c.field: c.header for c in mapping.columns if c.field is not None}
        self.indexes = {c.field: c.index for c in mapping.columns if c.field is not None}

    def check(self, row: CsvRow, errors: list[ImportIssue]) -> _Row:
        return _Row(row.number, self.header, errors, row.cells, self.indexes)

    def _shape_ok(self, cells: list[str], check: _Row) -> bool:
        """Whether a row of another width than the header can be read (trailing blanks)."""
        if len(cells) < self.width:
            check.fail(
                None,
                None,
                f"only {len(cells)} cells but the header has {self.width} columns "
                "(a missing delimiter or a broken quote?)",
            )
            return False
        spill = [cell.strip() for cell in cells[self.width :] if cell.strip()]
        if spill:
            check.fail(
                None,
                spill[0],
                f"{len(cells)} cells but the header has {self.width} columns "
                "(an unquoted delimiter in a value?)",
            )
            return False
        return True

    def read(self, row: CsvRow, check: _Row) -> tuple[dict[str, Any], dict[str, str] | None] | None:
        """(values, extra) by field; None when the row's shape is wrong."""
        cells = row.cells
        if len(cells) != self.width and not self._shape_ok(cells, check):
            return None
        values: dict[str, Any] = {}
        for index, key, convert in self.columns:
            text = cells[index].strip()
            if not text:
                continue
            if text[0] == "'":
                text = clean_cell(text)
            if convert is None:
                values[key] = text
                continue
            try:
                values[key] = convert(text)
            except ValueInputError as error:
                check.fail(key, text, f"not {error.expected}")
            except ValueError as error:
                check.fail(key, text, str(error))
        extra = {key: clean_cell(cells[i]) for i, key in self.extra_columns if cells[i].strip()}
        if "extra" in values:  # a column of extra data as JSON, and unknown columns
            extra = {**values.pop("extra"), **extra}
        return values, extra or None


class _Owners:
    """Owners by name or login: stored team members, or new ones the import creates."""

    def __init__(self, members: Iterable[ExistingMember], plan: ImportPlan) -> None:
        self.by_name = {name_key(m.name): m.id for m in members}
        self.by_login = {m.username.casefold(): m.id for m in members if m.username}
        self.plan = plan

    def resolve(self, text: str | None) -> OwnerRef | None:
        if not text:
            return None
        key = name_key(text)
        found = self.by_name.get(key) or self.by_login.get(text.strip().casefold())
        if found is not None:
            return found
        self.plan.new_members.setdefault(key, " ".join(text.split()))
        return key


CONFLICT_HINT = "use --on-conflict skip or update"


# --- accounts -----------------------------------------------------------------------------


class _AccountPlanner:
    """Rows of an accounts file → account records, matched against the stored accounts."""

    def __init__(self, plan: ImportPlan, existing: ExistingData, options: ImportOptions) -> None:
        self.plan = plan
        self.options = options
        self.reader = _RowReader(plan.mapping, lambda key: _account_converter(key, options))
        self.by_key = {name_key(a.name): a for a in existing.accounts}
        self.by_source = {a.source_id: a for a in existing.accounts if a.source_id}
        self.owners = _Owners(existing.members, plan)
        self.seen_keys: dict[str, int] = {}
        self.seen_sources: dict[str, int] = {}
        self.claimed: dict[int, int] = {}

    def add(self, row: CsvRow) -> None:
        check = self.reader.check(row, self.plan.errors)
        read = self.reader.read(row, check)
        if read is None:
            return
        values, extra = read
        name = " ".join((values.pop("name", None) or "").split())
        if not name:
            check.fail("name", "", "an account needs a name")
            return
        key = name_key(name)
        source_id = values.get("source_id")
        self._once(check, "name", name, self.seen_keys, key, "the same account")
        if source_id:
            self._once(check, "source_id", source_id, self.seen_sources, source_id, "the same ID")
        if "stage" in values:
            values["stage"], amount = values["stage"]
            if amount is not None:
                values.setdefault("closed_amount", amount)
        owner = values.pop("owner", None)
        key_contacts = values.pop("key_contacts", [])
        next_action = values.pop("next_action", None)
        next_due = values.pop("next_action_due", None)
        if next_due is not None and next_action is None:
            check.fail(
                "next_action_due", check.text("next_action_due"), "a due date needs an action"
            )
        target = self._target(check, name, key, source_id)
        if check.failed:
            return
        stage = values.get("stage") or (target.stage if target else Stage.PROSPECTING)
        for closed in ("closed_amount", "closed_on") if not stage.is_closed else ():
            if closed in values:
                what = closed.replace("_", " ")
                column = closed if closed in check.indexes and check.text(closed) else "stage"
                check.fail(column, check.text(column), f"only Won or Lost accounts have a {what}")
        if target is not None and not self._may_update(check, target, name, key):
            return
        if check.failed:
            return
        record = AccountRecord(
            row=row.number,
            name=name,
            values=values,
            extra=extra,
            owner=self.owners.resolve(owner),
            key_contacts=key_contacts,
            next_action=next_action,
            next_action_due=next_due,
            account_id=target.id if target else None,
        )
        (self.plan.updates if target else self.plan.creates).append(record)

    @staticmethod
    def _once(
        check: _Row, field: str, text: str, seen: dict[str, int], key: str, what: str
    ) -> None:
        if key in seen:
            check.fail(field, text, f"{what} is on row {seen[key]}")
        seen.setdefault(key, check.number)

    def _target(
        self, check: _Row, name: str, key: str, source_id: str | None
    ) -> ExistingAccount | None:
        """The stored account the row is, by CRM ID or name (an issue if they disagree)."""
        by_id = self.by_source.get(source_id) if source_id else None
        by_name = self.by_key.get(key)
        if by_id is not None and by_name is not None and by_id.id != by_name.id:
            check.fail(
                "name",
                name,
                f"the ID {source_id!r} is the stored {by_id.name!r}, but the name is another "
                "stored account's",
            )
            return None
        target = by_id or by_name
        if target is not None:
            if target.id in self.claimed:
                row = self.claimed[target.id]
                check.fail("name", name, f"row {row} already matches the stored {target.name!r}")
            self.claimed.setdefault(target.id, check.number)
        return target

    def _may_update(self, check: _Row, target: ExistingAccount, name: str, key: str) -> bool:
        """Whether the row updates ``target``: skips it, or says why not, otherwise."""
        mode = self.options.on_conflict
        if mode is ConflictMode.SKIP:
            if not check.failed:
                why = "deleted (restore it first)" if target.deleted else "already exists"
                self.plan.skips.append(SkippedRow(check.number, name, why))
            return False
        if target.deleted:
            check.fail(
                "name",
                name,
                f"matches the deleted account {target.name!r}: restore it (acctmap undelete) "
                "or rename the row",
            )
        elif mode is ConflictMode.FAIL:
            check.fail("name", name, f"account {target.name!r} already exists; {CONFLICT_HINT}")
        elif key != name_key(target.name) and key in self.by_key:
            check.fail("name", name, f"renames {target.name!r} to another stored account's name")
        return not check.failed


# --- contacts -------------------------------------------------------------------------------


@dataclass(slots=True)
class _ManagerRef:
    record: ContactRecord
    field: str
    text: str


class _ContactIndex:
    """Stored contacts by CRM ID, and by (account, name) and (account, e-mail)."""

    def __init__(self, contacts: Iterable[ExistingContact]) -> None:
        self.by_id: dict[int, ExistingContact] = {}
        self.by_source: dict[str, ExistingContact] = {}
        self.by_name: dict[tuple[int, str], list[ExistingContact]] = defaultdict(list)
        self.by_email: dict[tuple[int, str], list[ExistingContact]] = defaultdict(list)
        for contact in contacts:
            self.by_id[contact.id] = contact
            if contact.source_id:
                self.by_source.setdefault(contact.source_id, contact)
            self.by_name[(contact.account_id, name_key(contact.name))].append(contact)
            if contact.email:
                self.by_email[(contact.account_id, contact.email.casefold())].append(contact)

    def match(
        self, account_id: int, key: str, email: str | None, source_id: str | None
    ) -> list[ExistingContact]:
        """The stored contact this row (name ``key``) is: one, none, or several that fit."""
        if source_id and source_id in self.by_source:
            return [self.by_source[source_id]]
        candidates: list[ExistingContact] = []
        if email:
            candidates = self.by_email.get((account_id, email.casefold()), [])
        if not candidates:
            candidates = self.by_name.get((account_id, key), [])
        if candidates and source_id:  # a different ID is a different person
            return [c for c in candidates if not c.source_id or c.source_id == source_id]
        return list(candidates)


def _contact_name(values: dict[str, Any]) -> str:
    """The full name, or the first and last names joined; spaces tidied."""
    name = values.pop("name", None)
    first = values.pop("first_name", None)
    last = values.pop("last_name", None)
    if not name:
        name = f"{first} {last}" if first and last else first or last or ""
    return " ".join(name.split())


class _ContactPlanner:
    """Rows of a contacts file → contact records; managers are resolved once all are read."""

    def __init__(self, plan: ImportPlan, existing: ExistingData, options: ImportOptions) -> None:
        self.plan = plan
        self.options = options
        self.reader = _RowReader(plan.mapping, _contact_converter)
        header = self.reader.header
        self.name_field = next(k for k in ("name", "last_name", "first_name") if k in header)
        self.account_field = "account_source_id" if "account_source_id" in header else "account"
        self.accounts_by_key = {name_key(a.name): a for a in existing.accounts}
        self.accounts_by_source = {a.source_id: a for a in existing.accounts if a.source_id}
        self.account_names = {a.id: a.name for a in existing.accounts}
        self.accounts_by_text: dict[str, ExistingAccount | None] = {}
        """Accounts by the text of the cell naming them: most contacts share theirs."""
        self.stored = _ContactIndex(existing.contacts)
        self.owners = _Owners(existing.members, plan)
        self.file_sources: dict[str, tuple[int, int]] = {}
        """CRM ID → (node, row) of the file's contacts (a skipped one: the stored id)."""
        self.file_names: dict[tuple[int, str], set[int]] = defaultdict(set)
        self.file_emails: dict[tuple[int, str], int] = {}
        self.claimed: dict[int, int] = {}
        self.managers: list[_ManagerRef] = []

    def add(self, row: CsvRow) -> None:
        check = self.reader.check(row, self.plan.errors)
        read = self.reader.read(row, check)
        if read is None:
            return
        values, extra = read
        name = _contact_name(values)
        if not name:
            check.fail(self.name_field, "", "a contact needs a name")
            return
        account = self._account(check, values)
        source_id = values.pop("source_id", None)
        owner = values.pop("relationship_owner", None)
        manager_id = values.pop("reports_to_source_id", None)
        manager_name = values.pop("reports_to", None)
        if account is None or check.failed:
            return
        key = name_key(name)
        if source_id and source_id in self.file_sources:
            check.fail(
                "source_id", source_id, f"the same ID is on row {self.file_sources[source_id][1]}"
            )
        email = values.get("email")
        if email:
            seen = self.file_emails.setdefault((account.id, email.casefold()), row.number)
            if seen != row.number:
                check.fail("email", email, f"the same e-mail at {account.name} is on row {seen}")
        target = self._target(check, account, name, key, email, source_id)
        if check.failed:
            return
        if target is not None:
            if self.options.on_conflict is ConflictMode.SKIP:
                self.plan.skips.append(SkippedRow(row.number, name, "already exists"))
                if source_id:
                    self.file_sources[source_id] = (target.id, row.number)
                return
            if self.options.on_conflict is ConflictMode.FAIL:
                reason = f"{name!r} already exists at {account.name}; {CONFLICT_HINT}"
                check.fail(self.name_field, name, reason)
                return
        values["name"] = name
        if source_id:
            values["source_id"] = source_id
        record = ContactRecord(
            row=row.number,
            name=name,
            account_id=account.id,
            values=values,
            extra=extra,
            owner=self.owners.resolve(owner),
        )
        if target is None:
            self.plan.creates.append(record)
            record.node = -len(self.plan.creates)
        else:
            record.contact_id = record.node = target.id
            self.plan.updates.append(record)
        if source_id:
            self.file_sources[source_id] = (record.node, row.number)
        self.file_names[(account.id, key)].add(record.node)
        if manager_id:
            self.managers.append(_ManagerRef(record, "reports_to_source_id", manager_id))
        elif manager_name:
            self.managers.append(_ManagerRef(record, "reports_to", manager_name))

    def _account(self, check: _Row, values: dict[str, Any]) -> ExistingAccount | None:
        """The stored account the row names, by CRM ID or by name; None (and an issue)."""
        source = values.pop("account_source_id", None)
        name = values.pop("account", None)
        account = self.accounts_by_source.get(source) if source else None
        if account is None and name:
            if name not in self.accounts_by_text:
                self.accounts_by_text[name] = self.accounts_by_key.get(name_key(name))
            account = self.accounts_by_text[name]
        if account is None:
            if source or name:
                field = "account" if name else "account_source_id"
                how = "name" if name else "ID"
                reason = f"no account has this {how}; import the accounts first"
                check.fail(field, check.text(field), reason)
            else:
                check.fail(self.account_field, "", "a contact needs an account")
            return None
        if account.deleted:
            field = "account" if name else "account_source_id"
            check.fail(field, check.text(field), f"the account {account.name!r} was deleted")
            return None
        return account

    def _target(
        self,
        check: _Row,
        account: ExistingAccount,
        name: str,
        key: str,
        email: str | None,
        source_id: str | None,
    ) -> ExistingContact | None:
        """The stored contact the row is, if any; an issue when that is unclear."""
        found = self.stored.match(account.id, key, email, source_id)
        if not found:
            return None
        if len(found) > 1:
            check.fail(
                self.name_field,
                name,
                f"{len(found)} stored contacts at {account.name} have this name; "
                "add an e-mail or ID column to tell them apart",
            )
            return None
        target = found[0]
        if target.account_id != account.id:
            at = self.account_names.get(target.account_id)
            check.fail("source_id", source_id, f"this ID is {target.name} at {at}, not here")
            return None
        if target.id in self.claimed:
            row = self.claimed[target.id]
            check.fail(self.name_field, name, f"row {row} already matches the stored {name!r}")
        self.claimed.setdefault(target.id, check.number)
        return target

    def finish(self) -> None:
        """Second pass: every manager, found in the file (before or after) or stored."""
        for ref in self.managers:
            check = _Row(ref.record.row, self.reader.header, self.plan.errors)
            if ref.field == "reports_to_source_id":
                node = self._manager_by_id(check, ref)
            else:
                node = self._manager_by_name(check, ref)
            ref.record.manager = node
        _refuse_cycles(self.plan, self.stored, self.managers, self.reader.header)

    def _manager_by_id(self, check: _Row, ref: _ManagerRef) -> int | None:
        record = ref.record
        if ref.text in self.file_sources:
            node = self.file_sources[ref.text][0]
        elif ref.text in self.stored.by_source:
            node = self.stored.by_source[ref.text].id
        else:
            check.fail(ref.field, ref.text, "unknown manager: no contact has this ID")
            return None
        if node < 0:
            where = self.plan.creates[-node - 1].account_id
        else:
            stored = self.stored.by_id.get(node)
            where = stored.account_id if stored is not None else record.account_id
        if where != record.account_id:
            at = self.account_names.get(where)
            check.fail(ref.field, ref.text, f"the manager works at {at}, another account")
            return None
        return node

    def _manager_by_name(self, check: _Row, ref: _ManagerRef) -> int | None:
        record = ref.record
        at = self.account_names.get(record.account_id, "the account")
        key = (record.account_id, name_key(ref.text))
        found = self.file_names.get(key) or set()
        stored = self.stored.by_name.get(key)
        if stored:  # a new set: the file's own must not change
            found = found | {c.id for c in stored}
        if len(found) == 1:
            return next(iter(found))
        if not found:
            check.fail(
                ref.field,
                ref.text,
                f"unknown manager: nobody at {at} has this name (in the file or stored)",
            )
        else:
            check.fail(
                ref.field,
                ref.text,
                f"ambiguous manager: {len(found)} contacts at {at} have this name; "
                "give the manager's ID instead (a ReportsToId column)",
            )
        return None


def _refuse_cycles(
    plan: ImportPlan, stored: _ContactIndex, refs: Iterable[_ManagerRef], header: Mapping[str, str]
) -> None:
    """Report each reporting cycle the file would close, once, at its first row."""
    records: list[ContactRecord] = [*plan.creates, *plan.updates]
    accounts = {r.account_id for r in records}
    lines: dict[int, tuple[int | None, int | None]] = {}
    names: dict[int, str] = {}
    for contact in stored.by_id.values():
        if contact.account_id in accounts:
            lines[contact.id] = (contact.reports_to_id, contact.dotted_line_to_id)
            names[contact.id] = contact.name
    for record in records:
        solid, dotted = lines.get(record.node, (None, None))
        lines[record.node] = (record.manager if record.manager is not None else solid, dotted)
        names[record.node] = record.name
    suspects = _nodes_leading_to_cycles(lines)
    if not suspects:
        return
    reported: set[frozenset[int]] = set()
    for ref in sorted(refs, key=lambda r: r.record.row):
        record = ref.record
        if record.node not in suspects or record.manager is None:
            continue
        cycle = find_cycle(record.node, record.manager, lines)
        if cycle is None or frozenset(cycle) in reported:
            continue
        reported.add(frozenset(cycle))
        reason = describe_cycle(REPORTS_TO_LABEL, cycle, names)
        _Row(record.row, header, plan.errors).fail(ref.field, ref.text, reason)


def _nodes_leading_to_cycles(lines: Mapping[int, tuple[int | None, int | None]]) -> set[int]:
    """People whose managers (solid or dotted lines) never reach a top: on or under a cycle.

    Linear time: a person is safe once all their managers are; whoever is never
    found safe is on a cycle or reports into one.
    """
    waiting: dict[int, int] = {}
    reports: dict[int, list[int]] = defaultdict(list)
    ready = []
    for person, (solid, dotted) in lines.items():
        if dotted is None or dotted == solid:  # most people: one line or none
            managers = [solid] if solid is not None and solid in lines else []
        else:
            managers = [m for m in (solid, dotted) if m is not None and m in lines]
        waiting[person] = len(managers)
        for manager in managers:
            reports[manager].append(person)
        if not managers:
            ready.append(person)
    while ready:
        person = ready.pop()
        for report in reports.get(person, ()):
            waiting[report] -= 1
            if waiting[report] == 0:
                ready.append(report)
    return {person for person, count in waiting.items() if count > 0}


# --- entry point ----------------------------------------------------------------------------


def plan_import(
    source: CsvFile,
    mapping: HeaderMapping,
    existing: ExistingData,
    options: ImportOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportPlan:
    """Everything importing ``source`` would do, or every reason it cannot.

    ``progress`` is called now and then with (lines read, lines in the file).
    """
    options = options or ImportOptions()
    plan = ImportPlan(
        kind=mapping.kind, mapping=mapping, encoding=source.encoding, delimiter=source.delimiter
    )
    missing = mapping.missing()
    if missing:
        plan.errors.extend(
            ImportIssue(source.header_row, None, None, f"the header has {problem}")
            for problem in missing
        )
        return plan
    planner: _AccountPlanner | _ContactPlanner
    if mapping.kind is ImportKind.ACCOUNTS:
        planner = _AccountPlanner(plan, existing, options)
    else:
        planner = _ContactPlanner(plan, existing, options)
    total = source.line_count
    for count, row in enumerate(source.rows(), start=1):
        planner.add(row)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(min(row.line, total), total)
        plan.rows_read = count
    if progress is not None:
        progress(total, total)
    if isinstance(planner, _ContactPlanner):
        planner.finish()
    plan.errors.sort(key=lambda issue: issue.row)  # second-pass issues among the first's
    return plan


# --- describing a plan ----------------------------------------------------------------------

NOUNS = {ImportKind.ACCOUNTS: ("account", "accounts"), ImportKind.CONTACTS: ("contact", "contacts")}


def count_of(count: int, kind: ImportKind) -> str:
    """``1 account``, ``12 contacts``."""
    singular, plural = NOUNS[kind]
    return f"{count:,} {singular if count == 1 else plural}"


def plan_counts(plan: ImportPlan) -> str:
    """``create 10 accounts, update 2, skip 1`` (what a dry run or a preview promises)."""
    text = (
        f"create {count_of(len(plan.creates), plan.kind)}, update {len(plan.updates):,}, "
        f"skip {len(plan.skips):,}"
    )
    if plan.new_members:
        names = ", ".join(plan.new_members.values())
        text += f"; add {len(plan.new_members)} team member(s): {names}"
    if plan.key_contact_count:
        text += f"; add {plan.key_contact_count:,} key contact(s) to new accounts"
    return text


def plan_rows(plan: ImportPlan, limit: int = 20) -> list[str]:
    """Which rows would be created, updated or skipped: ``row 3  create  Acme Corp``."""
    lines = []
    for verb, records in (("create", plan.creates), ("update", plan.updates)):
        lines += [f"row {r.row:<6} {verb:<7} {r.name}" for r in records[:limit]]
        if len(records) > limit:
            lines.append(f"           ... and {len(records) - limit:,} more to {verb}")
    lines += [f"row {s.row:<6} {'skip':<7} {s.name} ({s.reason})" for s in plan.skips[:limit]]
    if len(plan.skips) > limit:
        lines.append(f"           ... and {len(plan.skips) - limit:,} more to skip")
    return lines
