"""What the stakeholder graph of one account is built from, read in a few set-based queries.

The graph code (``acctmap_tui.graph``) takes the plain frozen dataclasses defined here,
never ORM objects, so analyses can run in a worker thread after the session is closed
and tests can build small graphs by hand without a database.

One account's facts are its current contacts, its partners, its seats, our active team,
the relationships that end at one of its contacts, and the bounded set of
*cross-account links*: other records of the same people at other accounts (a
:class:`~acctmap_tui.data.models.ContactIdentity` row, or the same e-mail ignoring
case), each with our team's engagements with that other record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session

from acctmap_tui.data.models import (
    Account,
    AppSetting,
    Contact,
    ContactIdentity,
    Partner,
    Relationship,
    Seat,
    TeamMember,
)
from acctmap_tui.domain.vocabulary import (
    BuyingRole,
    RelationshipKind,
    RelationshipLevel,
    Sentiment,
)

HALF_LIFE_SETTING = "freshness_half_life_days"
"""app_setting key of the freshness half-life in days (a JSON number)."""
DEFAULT_HALF_LIFE_DAYS = 180.0
"""A relationship last touched six months ago counts half as warm as a fresh one."""


@dataclass(frozen=True, slots=True)
class ContactFact:
    """One contact, as the graph needs it."""

    id: int
    account_id: int
    name: str
    title: str | None = None
    buying_role: BuyingRole | None = None
    influence: int | None = None
    sentiment: Sentiment | None = None
    met: bool = False
    reports_to_id: int | None = None
    dotted_line_to_id: int | None = None
    email: str | None = None
    relationship_owner_id: int | None = None
    level_current: RelationshipLevel | None = None
    level_target: RelationshipLevel | None = None
    left_on: date | None = None


@dataclass(frozen=True, slots=True)
class MemberFact:
    """One person on our side."""

    id: int
    name: str
    username: str | None = None


@dataclass(frozen=True, slots=True)
class PartnerFact:
    """A third party on the account; it can carry an introduction but is never its end."""

    id: int
    name: str
    influence: int | None = None


@dataclass(frozen=True, slots=True)
class RelationshipFact:
    """A relationship row: exactly one of the three sources is set."""

    id: int
    kind: RelationshipKind
    target_contact_id: int
    strength: int
    """1 (barely) to 5 (close)."""
    source_member_id: int | None = None
    source_contact_id: int | None = None
    source_partner_id: int | None = None
    last_touch_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SeatFact:
    """A role on the customer's side; ``contact_id`` is None while the seat is vacant."""

    id: int
    role_title: str
    buying_role: BuyingRole | None = None
    reports_to_id: int | None = None
    contact_id: int | None = None


@dataclass(frozen=True, slots=True)
class CrossAccountLink:
    """A contact of this account who is the same person as a record at another account."""

    contact_id: int
    """The record at this account."""
    other: ContactFact
    """The record at the other account (often with ``left_on`` set)."""
    other_account_name: str
    matched_by: str
    """``"identity"`` (a ContactIdentity row) or ``"email"`` (same address, any case)."""
    confirmed: bool
    engagements: tuple[RelationshipFact, ...] = ()
    """Our team's ENGAGEMENT relationships with the other record."""


@dataclass(frozen=True, slots=True)
class StakeholderFacts:
    """Everything one account's stakeholder graph is built from."""

    account_id: int
    account_name: str
    contacts: tuple[ContactFact, ...]
    members: tuple[MemberFact, ...]
    relationships: tuple[RelationshipFact, ...] = ()
    partners: tuple[PartnerFact, ...] = ()
    seats: tuple[SeatFact, ...] = ()
    cross_links: tuple[CrossAccountLink, ...] = ()


_CONTACT_COLUMNS = (
    Contact.id,
    Contact.account_id,
    Contact.name,
    Contact.title,
    Contact.buying_role,
    Contact.influence,
    Contact.sentiment,
    Contact.met,
    Contact.reports_to_id,
    Contact.dotted_line_to_id,
    Contact.email,
    Contact.relationship_owner_id,
    Contact.level_current,
    Contact.level_target,
    Contact.left_on,
)
_RELATIONSHIP_COLUMNS = (
    Relationship.id,
    Relationship.kind,
    Relationship.target_contact_id,
    Relationship.strength,
    Relationship.source_member_id,
    Relationship.source_contact_id,
    Relationship.source_partner_id,
    Relationship.last_touch_at,
)


def load_stakeholder_facts(account_id: int, *, session: Session) -> StakeholderFacts | None:
    """The account's graph facts, or None when there is no such account.

    Contacts who left the account stay out (they no longer sit in its organisation);
    they are found again as the *other* record of a cross-account link when they join
    another account. Inactive team members are left out with their relationships.
    """
    connection = session.connection()
    name = connection.execute(sa.select(Account.name).where(Account.id == account_id)).first()
    if name is None:
        return None
    contacts = tuple(
        ContactFact(*row)
        for row in connection.execute(
            sa.select(*_CONTACT_COLUMNS)
            .where(Contact.account_id == account_id, Contact.left_on.is_(None))
            .order_by(Contact.id)
        )
    )
    members = tuple(
        MemberFact(*row)
        for row in connection.execute(
            sa.select(TeamMember.id, TeamMember.name, TeamMember.username)
            .where(TeamMember.active.is_(True))
            .order_by(TeamMember.id)
        )
    )
    target = aliased(Contact)
    relationships = tuple(
        RelationshipFact(*row)
        for row in connection.execute(
            sa.select(*_RELATIONSHIP_COLUMNS)
            .join(target, Relationship.target_contact_id == target.id)
            .where(target.account_id == account_id, target.left_on.is_(None))
            .order_by(Relationship.id)
        )
    )
    partners = tuple(
        PartnerFact(*row)
        for row in connection.execute(
            sa.select(Partner.id, Partner.name, Partner.influence)
            .where(Partner.account_id == account_id)
            .order_by(Partner.id)
        )
    )
    seats = tuple(
        SeatFact(*row)
        for row in connection.execute(
            sa.select(
                Seat.id, Seat.role_title, Seat.buying_role, Seat.reports_to_id, Seat.contact_id
            )
            .where(Seat.account_id == account_id)
            .order_by(Seat.id)
        )
    )
    return StakeholderFacts(
        account_id=account_id,
        account_name=name[0],
        contacts=contacts,
        members=members,
        relationships=relationships,
        partners=partners,
        seats=seats,
        cross_links=_cross_links(connection, account_id),
    )


def _cross_links(connection: sa.Connection, account_id: int) -> tuple[CrossAccountLink, ...]:
    """Other records of this account's current contacts: identities first, then e-mails."""
    here_ids = (
        sa.select(Contact.id)
        .where(Contact.account_id == account_id, Contact.left_on.is_(None))
        .scalar_subquery()
    )
    found: dict[tuple[int, int], tuple[str, bool]] = {}
    for first, second, confirmed in connection.execute(
        sa.select(
            ContactIdentity.contact_id,
            ContactIdentity.same_as_contact_id,
            ContactIdentity.confirmed,
        ).where(
            sa.or_(
                ContactIdentity.contact_id.in_(here_ids),
                ContactIdentity.same_as_contact_id.in_(here_ids),
            )
        )
    ):
        for here, other in ((first, second), (second, first)):
            found[(here, other)] = ("identity", bool(confirmed))
    here_by_email: dict[str, list[int]] = {}
    for here_id, email in connection.execute(
        sa.select(Contact.id, sa.func.lower(Contact.email)).where(
            Contact.account_id == account_id, Contact.left_on.is_(None), Contact.email.is_not(None)
        )
    ):
        here_by_email.setdefault(email, []).append(here_id)
    if here_by_email:
        # No index on lower(email): one scan of the contact table against the account's
        # addresses (an IN list, not a join, so SQLite looks each row up once).
        for other_id, email in connection.execute(
            sa.select(Contact.id, sa.func.lower(Contact.email)).where(
                Contact.account_id != account_id,
                sa.func.lower(Contact.email).in_(
                    sa.select(sa.func.lower(Contact.email)).where(
                        Contact.account_id == account_id,
                        Contact.left_on.is_(None),
                        Contact.email.is_not(None),
                    )
                ),
            )
        ):
            for here_id in here_by_email.get(email, ()):
                found.setdefault((here_id, other_id), ("email", False))
    others = _other_records(connection, account_id, {other_id for _, other_id in found})
    engagements: dict[int, list[RelationshipFact]] = {}
    if others:
        for row in connection.execute(
            sa.select(*_RELATIONSHIP_COLUMNS)
            .where(
                Relationship.target_contact_id.in_(list(others)),
                Relationship.kind == RelationshipKind.ENGAGEMENT,
                Relationship.source_member_id.is_not(None),
            )
            .order_by(Relationship.id)
        ):
            fact = RelationshipFact(*row)
            engagements.setdefault(fact.target_contact_id, []).append(fact)
    return tuple(
        CrossAccountLink(
            contact_id=here_id,
            other=others[other_id][0],
            other_account_name=others[other_id][1],
            matched_by=matched_by,
            confirmed=confirmed,
            engagements=tuple(engagements.get(other_id, ())),
        )
        for (here_id, other_id), (matched_by, confirmed) in sorted(found.items())
        if other_id in others
    )


def _other_records(
    connection: sa.Connection, account_id: int, ids: set[int]
) -> dict[int, tuple[ContactFact, str]]:
    """The records at other accounts, with their account's name (same-account pairs dropped)."""
    if not ids:
        return {}
    statement = (
        sa.select(*_CONTACT_COLUMNS, Account.name)
        .join(Account, Account.id == Contact.account_id)
        .where(Contact.id.in_(sorted(ids)), Contact.account_id != account_id)
    )
    return {row[0]: (ContactFact(*row[:-1]), row[-1]) for row in connection.execute(statement)}


def load_graph_stamp(account_id: int, *, session: Session) -> tuple[object, ...]:
    """A cheap fingerprint of the account's graph facts, to tell when a cached graph is old.

    Row counts, latest ``updated_at`` and sum of ``version`` of its contacts,
    relationships, seats and partners and of our team, plus the identity links, in one
    query. Every edit bumps ``version`` and ``updated_at`` (models.py), so an edit by
    anyone, in any process, changes the stamp, whatever the clocks say.
    Not seen: an e-mail edited at *another* account that creates a new cross-account match.
    """
    target = aliased(Contact)
    parts: list[sa.ScalarSelect] = []
    for table, condition in (
        (Contact, Contact.account_id == account_id),
        (Relationship, target.account_id == account_id),
        (Seat, Seat.account_id == account_id),
        (Partner, Partner.account_id == account_id),
        (TeamMember, sa.true()),
    ):
        for measure in (
            sa.func.count(),
            sa.func.max(table.updated_at),
            sa.func.sum(table.version),
        ):
            query = sa.select(measure).select_from(table)
            if table is Relationship:
                query = query.join(target, Relationship.target_contact_id == target.id)
            parts.append(query.where(condition).scalar_subquery())
    parts.append(sa.select(sa.func.count()).select_from(ContactIdentity).scalar_subquery())
    parts.append(sa.select(sa.func.max(ContactIdentity.id)).scalar_subquery())
    return tuple(session.connection().execute(sa.select(*parts)).one())


def load_half_life_days(*, session: Session) -> float:
    """The team's freshness half-life in days, or :data:`DEFAULT_HALF_LIFE_DAYS`."""
    stored = session.get(AppSetting, HALF_LIFE_SETTING)
    if stored is None:
        return DEFAULT_HALF_LIFE_DAYS
    value = float(json.loads(stored.value))
    return value if value > 0 else DEFAULT_HALF_LIFE_DAYS
