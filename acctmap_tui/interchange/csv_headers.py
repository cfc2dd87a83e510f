"""Which column of an imported CSV file holds which field: the header tables and matching.

Headers are compared case- and punctuation-insensitively ("Probability (%)",
"probability" and "PROBABILITY" are one header), and a Salesforce custom-field suffix
(``__c``) is ignored. Each import field knows the names its column goes by in
acctmap's own exports (the seed template's columns, ``acctmap accounts --format csv``),
in Salesforce and in HubSpot exports; ``--map "Header=field"`` overrides any of them.

A column that maps to no field is not dropped: its values are kept in the record's
``extra`` JSON, and the column is listed so the person importing sees it. Columns
that acctmap computes (rank, tier, expected value) are recognised and left out, as
importing them back would be meaningless.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from acctmap_tui.errors import AcctmapError


class ImportKind(StrEnum):
    """What a CSV file holds: one account per row, or one contact per row."""

    ACCOUNTS = "accounts"
    CONTACTS = "contacts"


class ColumnRole(StrEnum):
    """What becomes of a column's values."""

    FIELD = "field"
    """Read into :attr:`ColumnMapping.field`."""
    EXTRA = "extra"
    """Kept in the record's ``extra`` JSON under the header's name."""
    COMPUTED = "computed"
    """A value acctmap computes (rank, tier, expected value): left out."""
    IGNORED = "ignored"
    """Left out because ``--map "Header=ignore"`` said so."""


@dataclass(frozen=True)
class ImportField:
    """A field a column can be read into, with the headers that name it."""

    key: str
    label: str
    headers: tuple[str, ...] = ()
    """Header spellings besides the key and the label (CRM exports, our own exports)."""


def normalise_header(text: str) -> str:
    """``"Probability (%)"`` → ``"probability"``; ``"Tier__c"`` → ``"tier"``."""
    folded = text.strip().removeprefix("\ufeff").casefold()
    folded = folded.removesuffix("__c")
    return re.sub(r"[^0-9a-z]+", "", folded)


# The tables. Spellings are compared normalised, so "BillingCity" and "Billing City"
# are one entry; both are listed where the CRMs write both, for whoever reads this.

ACCOUNT_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "name",
        "Account name",
        (
            "Account",
            "Name",
            "Company",
            "Company name",
            "Organization",
            "Organisation",
            "Organization name",
        ),
    ),
    ImportField(
        "source_id", "CRM ID", ("Id", "Account ID", "Record ID", "Company ID", "Source ID")
    ),
    ImportField("target_type", "Target type", ("Target",)),
    ImportField(
        "stage",
        "Stage",
        (
            "Current status",
            "Status",
            "Stage name",
            "StageName",
            "Lifecycle stage",
            "Deal stage",
            "Opportunity stage",
        ),
    ),
    ImportField("owner", "Owner", ("Account owner", "Company owner", "Owner name", "Sales rep")),
    ImportField(
        "revenue_potential",
        "Revenue potential",
        (
            "Amount",
            "Revenue",  # the account map's own column title
            "Potential",
            "Opportunity amount",
            "Deal amount",
            "Potential revenue",
        ),
    ),
    ImportField(
        "win_probability",
        "Win probability",
        ("Probability", "Probability (%)", "Win %", "Deal probability"),
    ),
    ImportField(
        "currency", "Currency", ("Currency ISO code", "CurrencyIsoCode", "Account currency")
    ),
    ImportField("closed_amount", "Closed amount", ("Won amount",)),
    ImportField("closed_on", "Closed on", ("Closed date",)),
    ImportField("key_contacts", "Key contacts"),
    ImportField("next_action", "Next action", ("Actions", "Action", "Next step", "NextStep")),
    ImportField("next_action_due", "Next action due", ("Next step date", "Next action date")),
    ImportField("ideal_first_meeting", "Ideal first meeting"),
    ImportField("value_proposition", "Value proposition"),
    ImportField("strategy", "Strategy"),
    ImportField(
        "last_reviewed_at", "Last reviewed", ("Last review", "Reviewed", "Last reviewed on")
    ),
    ImportField("executive_sponsorship", "Executive sponsorship"),
    ImportField("key_challenges", "Key challenges"),
    ImportField("messaging", "Messaging"),
    ImportField("products_and_pricing", "Products and pricing"),
    ImportField("proof_points", "Proof points and collateral", ("Proof points",)),
    ImportField("incentives", "Incentives and discounts", ("Incentives",)),
    ImportField("nurture_campaigns", "Nurture campaigns"),
    ImportField("budget_and_resources", "Budget and resources"),
    ImportField("fit_company_size", "Company size / revenue", ("Fit company size",)),
    ImportField("fit_stakeholders", "Presence of key stakeholders", ("Fit stakeholders",)),
    ImportField("fit_offering", "Fit with our offering", ("Fit offering",)),
    ImportField("fit_problems", "Problems we can solve", ("Fit problems",)),
    ImportField("fit_timing", "Timing of their purchase plans", ("Fit timing",)),
    ImportField("fit_channel", "Channel presence and endorsement", ("Fit channel",)),
    ImportField("annual_revenue", "Annual revenue", ("AnnualRevenue",)),
    ImportField("revenue_growth", "Revenue growth", ("Growth",)),
    ImportField(
        "employees",
        "Employees",
        ("NumberOfEmployees", "Number of employees", "Employee count", "Headcount"),
    ),
    ImportField("customers", "Customers"),
    ImportField("partners", "Partners"),
    ImportField("hq_city", "HQ city", ("BillingCity", "Billing city", "City", "Headquarters city")),
    ImportField(
        "hq_region",
        "HQ region",
        (
            "BillingState",
            "Billing state",
            "Billing state/province",
            "State",
            "State/Region",
            "Region",
            "Province",
        ),
    ),
    ImportField(
        "hq_country",
        "HQ country",
        ("BillingCountry", "Billing country", "Country", "Country/Region", "Headquarters country"),
    ),
    ImportField("industry", "Industry"),
    ImportField("website", "Website", ("Web site", "Company domain name", "Domain", "URL")),
    ImportField("decision_criteria", "Decision criteria"),
    ImportField("decision_process", "Decision process"),
    ImportField("paper_process", "Paper process"),
    ImportField("notes", "Notes", ("Description", "About")),
    ImportField("extra", "Extra data"),
)
"""Every field an accounts file can fill: Account columns, plus the owner by name, key
contacts (``Name, Title; …``, created as contacts) and the next action."""

ACCOUNT_COMPUTED = (
    "Rank",
    "#",
    "Tier",
    "Expected value",
    "Expected",
    "Fit score",
    "Fit",
    "Priority score",
    "Priority",
    "Overdue actions",
    "Stale",
    "Health",
)
"""Columns of acctmap's own exports that it computes; importing them back means nothing."""

CONTACT_FIELDS: tuple[ImportField, ...] = (
    ImportField("name", "Name", ("Full name", "Contact name", "Contact", "Contact full name")),
    ImportField("first_name", "First name", ("FirstName", "Given name")),
    ImportField("last_name", "Last name", ("LastName", "Surname", "Family name")),
    ImportField(
        "account",
        "Account",
        (
            "Account name",
            "Company",
            "Company name",
            "Associated company",
            "Associated company name",
            "Organization",
            "Organisation",
        ),
    ),
    ImportField(
        "account_source_id",
        "Account CRM ID",
        (
            "AccountId",
            "Account ID",
            "Associated company ID",
            "Associated company IDs",
            "Company ID",
        ),
    ),
    ImportField("source_id", "CRM ID", ("Id", "Contact ID", "Record ID", "Source ID")),
    ImportField("title", "Title", ("Job title", "Position")),
    ImportField("department", "Department"),
    ImportField("buying_role", "Buying role", ("Role", "Contact role", "Opportunity role")),
    ImportField("influence", "Influence"),
    ImportField("sentiment", "Sentiment"),
    ImportField("met", "Met"),
    ImportField(
        "reports_to",
        "Reports to",
        ("Reports to name", "Reports to: full name", "Manager", "Manager name"),
    ),
    ImportField(
        "reports_to_source_id", "Reports to CRM ID", ("ReportsToId", "Reports to ID", "Manager ID")
    ),
    ImportField("email", "E-mail", ("Email", "Email address", "Work email")),
    ImportField("phone", "Phone", ("Phone number", "Business phone", "Work phone")),
    ImportField("profile_url", "Profile URL", ("LinkedIn", "LinkedIn URL", "LinkedIn profile")),
    ImportField(
        "last_contacted_at",
        "Last contacted",
        ("Last activity date", "LastActivityDate", "Last activity"),
    ),
    ImportField("left_on", "Left the account on", ("Left on",)),
    ImportField("relationship_owner", "Relationship owner", ("Contact owner", "Owner")),
    ImportField("level_current", "Level now", ("Relationship level", "Current level", "Level")),
    ImportField("level_target", "Level target", ("Target level",)),
    ImportField("notes", "Notes", ("Description",)),
    ImportField("extra", "Extra data"),
)
"""Every field a contacts file can fill. The account is named (``account``) or given by
its CRM ID (``account_source_id``); the manager likewise (``reports_to``,
``reports_to_source_id``); a name may come as first and last name."""

CONTACT_COMPUTED: tuple[str, ...] = ()

FIELDS: dict[ImportKind, tuple[ImportField, ...]] = {
    ImportKind.ACCOUNTS: ACCOUNT_FIELDS,
    ImportKind.CONTACTS: CONTACT_FIELDS,
}
FIELDS_BY_KEY: dict[ImportKind, dict[str, ImportField]] = {
    kind: {f.key: f for f in fields} for kind, fields in FIELDS.items()
}
COMPUTED: dict[ImportKind, tuple[str, ...]] = {
    ImportKind.ACCOUNTS: ACCOUNT_COMPUTED,
    ImportKind.CONTACTS: CONTACT_COMPUTED,
}

EXTRA = "extra"
IGNORE = "ignore"
"""The two ``--map`` targets that are not fields (``extra`` as a field is a column of
JSON objects, as ``acctmap export csv`` writes the extra data)."""

OWN_COLUMNS = frozenset(
    {
        "name_key",
        "version",
        "created_at",
        "updated_at",
        "deleted_at",
        "owner_id",
        "account_id",
        "reports_to_id",
        "dotted_line_to_id",
        "relationship_owner_id",
    }
)
"""acctmap's bookkeeping columns, as ``acctmap export csv`` spells them (exactly): not
imported. Its ``id`` is not imported either when a ``source_id`` column is there; the
names that follow the ids (``owner_name``, ``account_name``, ``manager_name``) are."""


def _spellings(kind: ImportKind) -> dict[str, str]:
    """Every normalised header spelling → field key; keys and labels first, then synonyms.

    A spelling claimed by two fields keeps the first (the tables are ordered so that
    the more specific meaning comes first).
    """
    table: dict[str, str] = {}
    for field in FIELDS[kind]:
        for spelling in (field.key, field.label):
            table.setdefault(normalise_header(spelling), field.key)
    for field in FIELDS[kind]:
        for spelling in field.headers:
            table.setdefault(normalise_header(spelling), field.key)
    return table


HEADER_TABLES: dict[ImportKind, dict[str, str]] = {kind: _spellings(kind) for kind in ImportKind}
"""Normalised header → field key, per kind of file."""

_COMPUTED_KEYS: dict[ImportKind, frozenset[str]] = {
    kind: frozenset(normalise_header(header) for header in headers)
    for kind, headers in COMPUTED.items()
}


class HeaderMapError(AcctmapError):
    """A ``--map`` option that cannot be used: its text says which and why."""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """What one column of the file is read as."""

    index: int
    header: str
    role: ColumnRole
    field: str | None = None
    """The field key, for :attr:`ColumnRole.FIELD`."""
    overridden: bool = False
    """Chosen by ``--map`` rather than recognised."""
    note: str = ""
    """Why a recognised header is not used (e.g. another column already fills the field)."""

    @property
    def extra_key(self) -> str:
        """The key its values are kept under in ``extra``."""
        return self.header or f"Column {self.index + 1}"


@dataclass(frozen=True)
class HeaderMapping:
    """Every column of a file and what it is read as."""

    kind: ImportKind
    columns: tuple[ColumnMapping, ...]

    @property
    def fields(self) -> dict[str, int]:
        """Field key → column index, for the columns read into fields."""
        return {c.field: c.index for c in self.columns if c.field is not None}

    @property
    def extra_columns(self) -> tuple[ColumnMapping, ...]:
        """Columns whose values go to ``extra``."""
        return tuple(c for c in self.columns if c.role is ColumnRole.EXTRA)

    @property
    def unknown_headers(self) -> tuple[str, ...]:
        """Headers that map to no field (kept in ``extra``), as the file spells them."""
        return tuple(c.extra_key for c in self.extra_columns)

    def header_of(self, field: str) -> str:
        """The header of the column read into ``field``."""
        return self.columns[self.fields[field]].header

    def missing(self) -> list[str]:
        """What the file lacks to be imported at all, in words (empty: nothing)."""
        fields = self.fields
        problems = []
        if self.kind is ImportKind.ACCOUNTS:
            if "name" not in fields:
                problems.append("no account name column (e.g. Account Name, Company name)")
        else:
            if "name" not in fields and not {"first_name", "last_name"} & set(fields):
                problems.append("no contact name column (e.g. Name, or First Name and Last Name)")
            if "account" not in fields and "account_source_id" not in fields:
                problems.append(
                    "no account column (e.g. Account Name, Associated Company or AccountId)"
                )
        return problems


def field_for(text: str, kind: ImportKind) -> str | None:
    """The field key a ``--map`` target names (key or label, any case), ``extra`` or ``ignore``."""
    wanted = normalise_header(text)
    if wanted in (IGNORE, EXTRA):
        return wanted
    for field in FIELDS[kind]:
        if wanted in (normalise_header(field.key), normalise_header(field.label)):
            return field.key
    return None


def parse_map_options(items: Iterable[str], kind: ImportKind) -> dict[str, str]:
    """``["Header=field", …]`` as normalised header → field key (or ``extra``/``ignore``).

    Raises:
        HeaderMapError: an item without ``=``, or naming no field.
    """
    overrides: dict[str, str] = {}
    for item in items:
        header, equals, target = item.partition("=")
        if not equals or not header.strip():
            raise HeaderMapError(f'--map: {item!r} is not "Header=field"')
        field = field_for(target, kind) if target.strip() else EXTRA
        if field is None:
            accepted = ", ".join(f.key for f in FIELDS[kind])
            raise HeaderMapError(
                f"--map: {target.strip()!r} is not a field of {kind.value}; expected one of: "
                f"{accepted}, {EXTRA} or {IGNORE}"
            )
        overrides[normalise_header(header)] = field
    return overrides


def map_headers(
    headers: Sequence[str], kind: ImportKind, overrides: Mapping[str, str] | None = None
) -> HeaderMapping:
    """What each column is read as: ``overrides`` first, then the header tables.

    When two columns name the same field, the overridden one wins, else the first;
    the other keeps its values in ``extra``, with a note saying why.

    Raises:
        HeaderMapError: an override names a header the file does not have.
    """
    overrides = dict(overrides or {})
    normalised = [normalise_header(header) for header in headers]
    absent = [header for header in overrides if header not in normalised]
    if absent:
        raise HeaderMapError(
            f"--map: the file has no column {', '.join(map(repr, absent))}; "
            f"its columns are: {', '.join(headers)}"
        )
    table = HEADER_TABLES[kind]
    own = set(OWN_COLUMNS)
    if "source_id" in headers:
        own.add("id")
    wanted: list[tuple[ColumnRole, str | None, bool]] = []
    for header, key in zip(headers, normalised, strict=True):
        if key not in overrides and header in own:
            wanted.append((ColumnRole.COMPUTED, None, False))
        elif key in overrides:
            target = overrides[key]
            if target == EXTRA:
                wanted.append((ColumnRole.EXTRA, None, True))
            elif target == IGNORE:
                wanted.append((ColumnRole.IGNORED, None, True))
            else:
                wanted.append((ColumnRole.FIELD, target, True))
        elif key in table:
            wanted.append((ColumnRole.FIELD, table[key], False))
        elif key and key in _COMPUTED_KEYS[kind]:
            wanted.append((ColumnRole.COMPUTED, None, False))
        else:
            wanted.append((ColumnRole.EXTRA, None, False))
    taken: dict[str, int] = {}
    for index, (role, field, overridden) in enumerate(wanted):
        if role is ColumnRole.FIELD and field is not None:
            holder = taken.get(field)
            if holder is None or (overridden and not wanted[holder][2]):
                taken[field] = index
    columns = []
    for index, (role, field, overridden) in enumerate(wanted):
        header = headers[index]
        if role is ColumnRole.FIELD and field is not None and taken[field] != index:
            other = headers[taken[field]]
            note = f"{other!r} already fills {field}"
            columns.append(ColumnMapping(index, header, ColumnRole.EXTRA, note=note))
        else:
            columns.append(ColumnMapping(index, header, role, field, overridden))
    return HeaderMapping(kind, tuple(columns))


def describe_mapping(mapping: HeaderMapping, *, ascii_only: bool = False) -> list[str]:
    """One line per column (``Account Name -> name``), for previews and dry runs."""
    arrow = "->" if ascii_only else "→"
    width = min(28, max((len(c.extra_key) for c in mapping.columns), default=0))
    lines = []
    for column in mapping.columns:
        header = column.extra_key.ljust(width)
        if column.role is ColumnRole.FIELD and column.field is not None:
            how = " (--map)" if column.overridden else ""
            lines.append(f"{header} {arrow} {column.field}{how}")
        elif column.role is ColumnRole.COMPUTED:
            lines.append(f"{header}    not imported (kept by acctmap itself)")
        elif column.role is ColumnRole.IGNORED:
            lines.append(f"{header}    not imported (--map ignore)")
        else:
            why = f"; {column.note}" if column.note else ""
            lines.append(f"{header} {arrow} extra (unknown column{why})")
    return lines


def recognised_headers(kind: ImportKind) -> dict[str, list[str]]:
    """Field key → the header spellings recognised for it (for help and documentation)."""
    return {f.key: [f.label, *f.headers] for f in FIELDS[kind]}
