"""The first screen of the account map, read straight from an SQLite file.

Opening the app through SQLAlchemy and SQLModel costs about 0.4 s of imports
before a single row can be read. For an up-to-date local SQLite file this module
reads what the first screen shows with the standard library's ``sqlite3`` (read
only, nothing written), so the table paints while the database stack loads in
the background; the full load that follows replaces these rows. Anything
unusual (a server URL, an older or newer schema, a locked or broken file) makes
it step aside and the normal path opens the database, with its checks and
messages. ``tests/unit/test_quick_read.py`` keeps it equal to the full load.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal

from acctmap_tui.data.db_errors import read_uri
from acctmap_tui.data.location import sqlite_file
from acctmap_tui.data.schema_version import SCHEMA_HEAD
from acctmap_tui.domain.account_map import STALE_AFTER_DAYS, AccountMapRow, rank_rows
from acctmap_tui.domain.scoring import ScoringConfig
from acctmap_tui.domain.vocabulary import Stage, TargetType

FIT_COLUMNS = (
    "fit_company_size",
    "fit_stakeholders",
    "fit_offering",
    "fit_problems",
    "fit_timing",
    "fit_channel",
)

_ACCOUNTS = f"""
SELECT a.id, a.name, a.target_type, a.stage, m.name, m.username, a.currency,
       a.revenue_potential, a.win_probability, a.ideal_first_meeting,
       a.value_proposition, a.strategy, a.industry, a.last_reviewed_at,
       a.closed_amount, {", ".join("a." + column for column in FIT_COLUMNS)}
FROM account AS a LEFT JOIN team_member AS m ON m.id = a.owner_id
WHERE a.deleted_at IS NULL
"""

_OPEN_ACTIONS = """
SELECT account_id, description, due_on, overdue FROM (
    SELECT account_id, description, due_on,
           SUM(CASE WHEN due_on < :today THEN 1 ELSE 0 END)
               OVER (PARTITION BY account_id) AS overdue,
           ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY due_on IS NULL, due_on, id)
               AS position
    FROM next_action WHERE done_at IS NULL
) WHERE position = 1
"""

_TARGET_TYPES = {member.value: member for member in TargetType}
_STAGES = {member.value: member for member in Stage}


def _money(cents: int | None) -> Decimal | None:
    """Stored cents as an amount with two places (``scaleb`` is exact and quick)."""
    return None if cents is None else Decimal(cents).scaleb(-2)


def _utc(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def read_first_map(
    url: str, *, today: date, stale_after_days: int = STALE_AFTER_DAYS
) -> list[AccountMapRow] | None:
    """The ranked account map without key contacts or plan health, or None to step aside."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(read_uri(path), uri=True, timeout=0.2)
    except sqlite3.Error:
        return None
    try:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision != SCHEMA_HEAD:
            return None
        setting = connection.execute(
            "SELECT value FROM app_setting WHERE key = 'scoring'"
        ).fetchone()
        actions = {
            account_id: (description, date.fromisoformat(due) if due else None, int(overdue))
            for account_id, description, due, overdue in connection.execute(
                _OPEN_ACTIONS, {"today": today.isoformat()}
            )
        }
        rows = [_row(record, actions) for record in connection.execute(_ACCOUNTS)]
    except (sqlite3.Error, TypeError, ValueError, KeyError):
        return None
    finally:
        connection.close()
    config = ScoringConfig(**json.loads(setting[0])) if setting else ScoringConfig()
    # The filter's search text waits for the full load (or the first keystroke).
    return rank_rows(rows, today, config, stale_after_days, with_search_text=False)


def _row(record: tuple, actions: Mapping[int, tuple[str, date | None, int]]) -> AccountMapRow:
    account_id = record[0]
    action, due, overdue = actions.get(account_id, (None, None, 0))
    return AccountMapRow(
        id=account_id,
        name=record[1],
        target_type=_TARGET_TYPES[record[2]],
        stage=_STAGES[record[3]],
        owner=record[4],
        owner_username=record[5],
        currency=record[6],
        revenue_potential=_money(record[7]),
        win_probability=record[8],
        key_contacts=(),
        ideal_first_meeting=record[9],
        value_proposition=record[10],
        strategy=record[11],
        industry=record[12],
        next_action=action,
        next_action_due=due,
        overdue_actions=overdue,
        last_reviewed_at=_utc(record[13]),
        closed_amount=_money(record[14]),
        fit=dict(zip(FIT_COLUMNS, record[15:], strict=True)),
    )
