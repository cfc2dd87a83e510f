"""A small, deterministic account map for the UI tests and snapshots.

Three team members, six live accounts across every stage (one with markup-like
characters in its name), one deleted account, and a people map with reports-to
lines on Acme Logistics. The file is ``acctmap.db`` in the test's folder, so the
header reads the same in every snapshot.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import (
    Account,
    AccountImpact,
    AccountProblem,
    Competitor,
    Contact,
    TeamMember,
    name_key,
)
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import BuyingRole, Sentiment, Stage, TargetType
from acctmap_tui.settings import Settings

USER = "susan"


def _account(name: str, **fields: object) -> Account:
    return Account(name=name, name_key=name_key(name), **fields)


def populate(database: Database) -> dict[str, int]:
    """Write the fixture account map; returns account ids by name."""
    with database.session() as session:
        susan = TeamMember(name="Susan Park", username="susan", title="Account Executive")
        raj = TeamMember(name="Raj Patel", username="raj", title="SDR")
        mia = TeamMember(name="Mia Chen", username="mia", title="Solutions Architect")
        session.add_all([susan, raj, mia])
        session.flush()
        accounts = [
            _account(
                "Acme Logistics",
                target_type=TargetType.EXISTING_CUSTOMER,
                stage=Stage.PROPOSAL,
                revenue_potential=Decimal("120000.00"),
                win_probability=0.6,
                owner_id=susan.id,
                value_proposition="Cut empty miles with live route optimisation",
                strategy="Expand from the Midwest pilot to all regions",
                ideal_first_meeting="COO and VP Operations, on-site in Chicago",
                industry="Logistics",
                hq_city="Chicago",
                hq_region="IL",
                hq_country="USA",
                employees=5400,
            ),
            _account(
                "Borealis Health",
                target_type=TargetType.NEW_PROSPECT,
                stage=Stage.PROSPECTING,
                revenue_potential=Decimal("80000.00"),
                win_probability=0.1,
                owner_id=raj.id,
            ),
            _account(
                "Cobalt Mining",
                target_type=TargetType.ENGAGED_PROSPECT,
                stage=Stage.NEGOTIATION,
                revenue_potential=Decimal("250000.00"),
                win_probability=0.75,
                owner_id=mia.id,
            ),
            _account(
                "Delta Retail",
                target_type=TargetType.EXISTING_CUSTOMER,
                stage=Stage.WON,
                revenue_potential=Decimal("100000.00"),
                win_probability=1.0,
                closed_amount=Decimal("95000.00"),
                closed_on=date(2025, 3, 31),
                owner_id=susan.id,
            ),
            _account(
                "Evergreen Foods",
                target_type=TargetType.LOST_ACCOUNT,
                stage=Stage.LOST,
                closed_amount=Decimal("40000.00"),
                closed_on=date(2025, 2, 14),
                owner_id=raj.id,
            ),
            _account(
                "Fjord [Nordic] Energy",
                target_type=TargetType.NEW_PROSPECT,
                stage=Stage.EARLY_DISCUSSIONS,
                revenue_potential=Decimal("60000.00"),
                win_probability=0.25,
            ),
            _account(
                "Ghost Corp",
                stage=Stage.NEGOTIATION,
                revenue_potential=Decimal("999999.00"),
                win_probability=0.9,
                deleted_at=utc_now(),
            ),
        ]
        session.add_all(accounts)
        session.flush()
        acme = accounts[0]
        assert acme.id is not None
        session.add(
            AccountProblem(
                account_id=acme.id,
                statement="Manual route planning wastes 12% of fleet hours",
            )
        )
        session.add(
            AccountImpact(
                account_id=acme.id,
                compelling_event="Peak season",
                compelling_event_on=date(2025, 10, 1),
                cost_of_inaction="Overtime and late deliveries",
            )
        )
        session.add_all(
            [
                Competitor(account_id=acme.id, position=0, name="RouteMax"),
                Competitor(account_id=acme.id, position=1, name="In-house scripts"),
            ]
        )
        cfo = Contact(
            account_id=acme.id,
            name="Dana Whitfield",
            title="CFO",
            buying_role=BuyingRole.ECONOMIC_BUYER,
            sentiment=Sentiment.NEUTRAL,
        )
        session.add(cfo)
        session.flush()
        vp = Contact(
            account_id=acme.id,
            name="Luis Ortega",
            title="VP Operations",
            buying_role=BuyingRole.CHAMPION,
            sentiment=Sentiment.STRONG_SUPPORTER,
            met=True,
            reports_to_id=cfo.id,
        )
        session.add(vp)
        session.flush()
        session.add(
            Contact(
                account_id=acme.id,
                name="Priya Nair",
                title="IT Director",
                buying_role=BuyingRole.TECHNICAL_BUYER,
                sentiment=Sentiment.DETRACTOR,
                met=True,
                reports_to_id=vp.id,
            )
        )
        session.commit()
        return {account.name: account.id for account in accounts if account.id is not None}


@pytest.fixture
def account_ids(database: Database) -> dict[str, int]:
    """The fixture account map written to the test's database."""
    return populate(database)


@pytest.fixture
def settings() -> Settings:
    return Settings(user=USER)


@pytest.fixture
def app(database: Database, account_ids: dict[str, int], settings: Settings) -> AcctmapApp:
    """The app on the fixture account map."""
    return make_app(database, settings)


@pytest.fixture
def empty_app(database: Database, settings: Settings) -> AcctmapApp:
    """The app on a freshly created database with no accounts."""
    return make_app(database, settings)
