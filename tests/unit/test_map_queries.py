"""Building the account map from the database in a few set-based queries."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from acctmap_tui.data.db import Database
from acctmap_tui.data.map_queries import (
    SCORING_SETTING,
    load_account_map_rows,
    load_scoring_config,
)
from acctmap_tui.data.models import Account, AppSetting, Contact, NextAction, TeamMember, name_key
from acctmap_tui.domain.scoring import ScoringConfig

pytestmark = pytest.mark.both_engines

TODAY = date(2026, 11, 27)


def _fill(database: Database) -> dict[str, int]:
    with database.session() as session:
        susan = TeamMember(name="Susan Park", username="susan")
        session.add(susan)
        session.flush()
        abc = Account(
            name="ABC Company",
            name_key=name_key("ABC Company"),
            owner_id=susan.id,
            revenue_potential=Decimal("100000"),
            win_probability=0.7,
            fit_timing=4,
            closed_amount=None,
        )
        empty = Account(name="Empty Co", name_key=name_key("Empty Co"))
        gone = Account(
            name="Gone Ltd",
            name_key=name_key("Gone Ltd"),
            deleted_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        session.add_all([abc, empty, gone])
        session.flush()
        session.add_all(
            [
                Contact(account_id=abc.id, name="John Smith", title="CEO", influence=5),
                Contact(account_id=abc.id, name="Ann Lee", title="CFO", influence=4),
                Contact(account_id=abc.id, name="Bo Quiet", title="Analyst", influence=1),
                Contact(
                    account_id=abc.id,
                    name="Left Person",
                    title="COO",
                    influence=5,
                    left_on=date(2026, 1, 1),
                ),
                NextAction(account_id=abc.id, description="Later", due_on=date(2026, 12, 20)),
                NextAction(account_id=abc.id, description="Overdue one", due_on=date(2026, 11, 20)),
                NextAction(account_id=abc.id, description="Overdue two", due_on=date(2026, 11, 1)),
                NextAction(
                    account_id=abc.id,
                    description="Done long ago",
                    due_on=date(2026, 1, 1),
                    done_at=datetime(2026, 1, 2, tzinfo=UTC),
                ),
                NextAction(account_id=empty.id, description="Undated"),
            ]
        )
        session.commit()
        return {"abc": abc.id, "empty": empty.id}


def test_rows_carry_owner_contacts_and_actions(database: Database) -> None:
    ids = _fill(database)
    with database.session() as session:
        rows = {row.id: row for row in load_account_map_rows(session=session, today=TODAY)}
    assert set(rows) == set(ids.values())  # the deleted account is left out
    abc = rows[ids["abc"]]
    assert (abc.owner, abc.owner_username) == ("Susan Park", "susan")
    assert abc.key_contacts == ("John Smith, CEO", "Ann Lee, CFO")
    assert (abc.next_action, abc.next_action_due, abc.overdue_actions) == (
        "Overdue two",
        date(2026, 11, 1),
        2,
    )
    assert abc.revenue_potential == Decimal("100000.00")
    assert abc.fit["fit_timing"] == 4 and abc.fit["fit_channel"] is None
    empty = rows[ids["empty"]]
    assert empty.key_contacts == ()
    assert (empty.next_action, empty.next_action_due, empty.overdue_actions) == ("Undated", None, 0)


def test_scoring_config_defaults_and_team_settings(database: Database) -> None:
    with database.session() as session:
        assert load_scoring_config(session=session) == ScoringConfig()
        session.add(
            AppSetting(
                key=SCORING_SETTING, value=json.dumps({"value_weight": 0.5, "tier1_share": 0.1})
            )
        )
        session.commit()
        config = load_scoring_config(session=session)
    assert (config.value_weight, config.tier1_share, config.tier2_share) == (0.5, 0.1, 0.3)
