"""The first page of the account map, cached per database and checked against its data.

Even the quick read (:mod:`acctmap_tui.data.quick_read`) spends about half a
second reading and ranking every account before the first frame. Reopening an
unchanged database can skip that: after each full load the first
:data:`FIRST_PAGE` ranked rows and the status line's totals are written to a
cache file, and the next launch shows them if a fingerprint of everything they
depend on (:func:`content_stamp`, one cheap SQL statement) still matches. Any
doubt (another schema, another day, a changed row, an unreadable file) is a
miss, and the quick read takes over. A cache never breaks the app: every error
here is a miss or a skipped write.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from acctmap_tui.data.db_errors import read_uri
from acctmap_tui.data.location import sqlite_file
from acctmap_tui.data.schema_version import SCHEMA_HEAD
from acctmap_tui.domain.account_map import AccountMapRow
from acctmap_tui.domain.scoring import AccountScore
from acctmap_tui.domain.vocabulary import Stage, TargetType

FORMAT = 1
"""Bumped whenever the file's layout or meaning changes: older files are misses."""

FIRST_PAGE = 200
"""Rows kept: more than any terminal shows, few enough to load in milliseconds."""

CLOSED_STAGES = frozenset(stage for stage in Stage if stage.is_closed)

_STAMP = """
SELECT * FROM
    (SELECT group_concat(version_num) FROM alembic_version),
    (SELECT max(value) FROM app_setting WHERE key = 'scoring'),
    (SELECT count(*), max(updated_at), total(version), total(id), count(deleted_at)
     FROM account),
    (SELECT count(*), max(updated_at), total(version), total(id) FROM next_action),
    (SELECT count(*), max(updated_at), total(version), total(id) FROM team_member)
"""
"""One statement, so one consistent snapshot even while another process writes.

Every change the app makes to accounts, next actions and team members goes
through the ORM (whose listener bumps ``version`` and ``updated_at``) or a bulk
statement that bumps them itself; additions and hard deletions change the
count. Soft deletion and restore are updates, so they bump the version too.
"""

_TARGET_TYPES = {member.value: member for member in TargetType}
_STAGES = {member.value: member for member in Stage}


class Summary(NamedTuple):
    """What the status line totals over the shown rows."""

    count: int
    weighted: dict[str, Decimal]
    """Expected value per currency, open stages only."""
    tier1: int
    stale: int
    overdue: int
    """Overdue next actions (not accounts)."""


def summarise(rows: Iterable[AccountMapRow]) -> Summary:
    """The status line's totals, in one pass (it runs on every keystroke)."""
    weighted: dict[str, Decimal] = defaultdict(Decimal)
    count = tier1 = stale = overdue = 0
    for row in rows:
        count += 1
        if row.stage not in CLOSED_STAGES and row.score is not None:
            weighted[row.currency] += row.score.expected_value
        tier1 += row.score is not None and row.score.tier == 1
        stale += row.stale
        overdue += row.overdue_actions
    return Summary(count, dict(weighted), tier1, stale, overdue)


def open_currencies(rows: Iterable[AccountMapRow]) -> Counter[str]:
    """How many rows add to each currency's weighted total (open and scored)."""
    return Counter(
        row.currency for row in rows if row.stage not in CLOSED_STAGES and row.score is not None
    )


class Totals(NamedTuple):
    """Every row's totals, kept so a filter can take the hidden rows from them."""

    summary: Summary
    currencies: Counter[str]


def totals_of(rows: Sequence[AccountMapRow]) -> Totals:
    return Totals(summarise(rows), open_currencies(rows))


def summarise_shown(
    all_rows: Sequence[AccountMapRow], shown: Sequence[AccountMapRow], everything: Totals
) -> Summary:
    """Exactly :func:`summarise` of ``shown``, a subset of ``all_rows`` (totals ``everything``).

    A filter that hides few rows costs few: the hidden ones are summed and taken
    from the whole (money is exact, so the totals are the same).
    """
    if len(shown) == len(all_rows):  # nothing hidden (a subset of equal size is all)
        return everything.summary
    if len(shown) * 2 <= len(all_rows):
        return summarise(shown)
    kept = set(map(id, shown))
    hidden_rows = [row for row in all_rows if id(row) not in kept]
    hidden = summarise(hidden_rows)
    left = everything.currencies - open_currencies(hidden_rows)
    whole = everything.summary
    return Summary(
        whole.count - hidden.count,
        {
            currency: amount - hidden.weighted.get(currency, Decimal(0))
            for currency, amount in whole.weighted.items()
            if left[currency]
        },
        whole.tier1 - hidden.tier1,
        whole.stale - hidden.stale,
        whole.overdue - hidden.overdue,
    )


@dataclass(frozen=True, slots=True)
class FirstScreen:
    """A cached first page: ranked rows without key contacts or search text, and totals."""

    rows: list[AccountMapRow]
    total: int
    summary: Summary


def cache_path(url: str) -> Path | None:
    """The cache file of an SQLite file database (named by its absolute path), else None."""
    path = sqlite_file(url)
    if path is None:
        return None
    from acctmap_tui.paths import user_cache_dir

    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    return user_cache_dir() / "first-screen" / f"{digest}.json"


def content_stamp(connection: sqlite3.Connection) -> str:
    """A fingerprint of everything the first screen shows (any change gives another)."""
    values = connection.execute(_STAMP).fetchone()
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(read_uri(path), uri=True, timeout=0.2)


def stamp_of(url: str) -> str | None:
    """The stamp of an up-to-date SQLite file database, or None (not SQLite, unreadable, …)."""
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    try:
        connection = _open(path)
    except sqlite3.Error:
        return None
    try:
        (revision,) = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        if revision != SCHEMA_HEAD:
            return None
        return content_stamp(connection)
    except (sqlite3.Error, TypeError, ValueError):
        return None
    finally:
        connection.close()


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _row_record(row: AccountMapRow) -> list[Any]:
    score = row.score
    return [
        row.id,
        row.name,
        row.target_type.value,
        row.stage.value,
        row.owner,
        row.owner_username,
        row.currency,
        _money(row.revenue_potential),
        row.win_probability,
        row.ideal_first_meeting,
        row.value_proposition,
        row.strategy,
        row.industry,
        row.next_action,
        None if row.next_action_due is None else row.next_action_due.isoformat(),
        row.overdue_actions,
        None if row.last_reviewed_at is None else row.last_reviewed_at.isoformat(),
        _money(row.closed_amount),
        row.fit,
        None if score is None else [str(score.expected_value), *score[1:]],
        row.stale,
    ]


def _row(record: list[Any]) -> AccountMapRow:
    (
        account_id,
        name,
        target_type,
        stage,
        owner,
        owner_username,
        currency,
        revenue_potential,
        win_probability,
        ideal_first_meeting,
        value_proposition,
        strategy,
        industry,
        next_action,
        due,
        overdue,
        reviewed,
        closed_amount,
        fit,
        score,
        stale,
    ) = record
    return AccountMapRow(
        id=account_id,
        name=name,
        target_type=_TARGET_TYPES[target_type],
        stage=_STAGES[stage],
        owner=owner,
        owner_username=owner_username,
        currency=currency,
        revenue_potential=None if revenue_potential is None else Decimal(revenue_potential),
        win_probability=win_probability,
        key_contacts=(),
        ideal_first_meeting=ideal_first_meeting,
        value_proposition=value_proposition,
        strategy=strategy,
        industry=industry,
        next_action=next_action,
        next_action_due=None if due is None else date.fromisoformat(due),
        overdue_actions=overdue,
        last_reviewed_at=None if reviewed is None else datetime.fromisoformat(reviewed),
        closed_amount=None if closed_amount is None else Decimal(closed_amount),
        fit=fit,
        score=None if score is None else AccountScore(Decimal(score[0]), *score[1:]),
        stale=stale,
    )


def write_first_screen(
    url: str,
    stamp: str,
    rows: Sequence[AccountMapRow],
    today: date,
    stale_after_days: int,
) -> None:
    """Cache the first page of ``rows`` (all accounts, ranked) under ``stamp``; never raises.

    ``stamp`` must be taken before ``rows`` were read: a write in between then
    only makes the next launch miss, never show old rows as current.
    """
    try:
        target = cache_path(url)
        if target is None:
            return
        summary = summarise(rows)
        document = {
            "format": FORMAT,
            "stamp": stamp,
            "today": today.isoformat(),
            "stale_after_days": stale_after_days,
            "total": len(rows),
            "summary": {
                "count": summary.count,
                "weighted": {key: str(value) for key, value in summary.weighted.items()},
                "tier1": summary.tier1,
                "stale": summary.stale,
                "overdue": summary.overdue,
            },
            "rows": [_row_record(row) for row in rows[:FIRST_PAGE]],
        }
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # mkstemp creates the file 0600: it holds account names.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file, separators=(",", ":"))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:  # noqa: BLE001  (a cache must never break the app)
        return


def read_first_screen(url: str, *, today: date, stale_after_days: int) -> FirstScreen | None:
    """The cached first page if it is still exactly what a full load would show, else None."""
    target = cache_path(url)
    if target is None:
        return None
    try:
        document = json.loads(target.read_bytes())
        if (
            document.get("format") != FORMAT
            or document.get("today") != today.isoformat()
            or document.get("stale_after_days") != stale_after_days
        ):
            return None
        stamp = stamp_of(url)
        if stamp is None or document.get("stamp") != stamp:
            return None
        summary = document["summary"]
        return FirstScreen(
            rows=[_row(record) for record in document["rows"]],
            total=int(document["total"]),
            summary=Summary(
                count=int(summary["count"]),
                weighted={key: Decimal(value) for key, value in summary["weighted"].items()},
                tier1=int(summary["tier1"]),
                stale=int(summary["stale"]),
                overdue=int(summary["overdue"]),
            ),
        )
    except Exception:  # noqa: BLE001  (missing, corrupt or foreign: a miss)
        return None
