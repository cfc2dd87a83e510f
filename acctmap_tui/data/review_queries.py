"""Reading what an account review shows of one account, in one session.

:func:`load_review_summary` gathers plan health, the changes since the last review,
the open next actions, the dates coming up and the recorded decisions into a
:class:`~acctmap_tui.domain.review.ReviewSummary` that leaves the session, so the
review screen reads it in a worker thread and draws it on the UI thread.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from acctmap_tui.data.action_store import list_actions
from acctmap_tui.data.models import Account, AccountNote, ChangeLogEntry
from acctmap_tui.data.plan_queries import load_plan_facts
from acctmap_tui.data.upcoming_queries import load_dated_items
from acctmap_tui.domain.account_map import STALE_AFTER_DAYS
from acctmap_tui.domain.plan_health import assess_plan
from acctmap_tui.domain.review import (
    RECENT_CHANGES,
    REVIEW_WINDOW_DAYS,
    REVIEWED_FIELD,
    ChangeLine,
    OpenAction,
    ReviewNote,
    ReviewSummary,
)
from acctmap_tui.domain.upcoming import DateKind, upcoming_dates


def _is_review_mark() -> sa.ColumnElement[bool]:
    """The change log entry of a review itself (the account's last-reviewed stamp)."""
    return sa.and_(
        col(ChangeLogEntry.entity) == "account", col(ChangeLogEntry.field) == REVIEWED_FIELD
    )


def last_reviewed_by(account_id: int, *, session: Session) -> str | None:
    """Who set the account's last review, according to the history (None if unknown)."""
    return session.exec(
        select(ChangeLogEntry.user)
        .where(_is_review_mark(), col(ChangeLogEntry.entity_id) == str(account_id))
        .order_by(col(ChangeLogEntry.id).desc())
        .limit(1)
    ).first()


def _changes(account: Account, *, session: Session) -> tuple[int, tuple[ChangeLine, ...]]:
    """How many changes since the last review (the review marks aside), and the latest few."""
    conditions = [col(ChangeLogEntry.account_id) == account.id, sa.not_(_is_review_mark())]
    if account.last_reviewed_at is not None:
        conditions.append(col(ChangeLogEntry.at) > account.last_reviewed_at)
    count = session.exec(select(sa.func.count()).select_from(ChangeLogEntry).where(*conditions))
    latest = session.exec(
        select(ChangeLogEntry)
        .where(*conditions)
        .order_by(col(ChangeLogEntry.at).desc(), col(ChangeLogEntry.id).desc())
        .limit(RECENT_CHANGES)
    )
    lines = tuple(
        ChangeLine(
            at=entry.at,
            user=entry.user,
            action=entry.action,
            entity=entry.entity,
            field=entry.field,
            old_value=entry.old_value,
            new_value=entry.new_value,
        )
        for entry in latest
    )
    return count.one(), lines


def _notes(account_id: int, *, session: Session) -> tuple[ReviewNote, ...]:
    records = session.exec(
        select(AccountNote)
        .where(AccountNote.account_id == account_id)
        .order_by(col(AccountNote.created_at).desc(), col(AccountNote.id).desc())
    )
    return tuple(ReviewNote(note.created_at, note.author, note.kind, note.body) for note in records)


def load_review_summary(
    account_id: int,
    *,
    session: Session,
    today: date,
    window_days: int = REVIEW_WINDOW_DAYS,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> ReviewSummary | None:
    """What the review shows of one account; ``None`` if it is gone or deleted."""
    account = session.get(Account, account_id, populate_existing=True)
    if account is None or account.deleted_at is not None:
        return None
    facts = load_plan_facts(account_id, session=session)
    health = None if facts is None else assess_plan(facts, today, stale_after_days)
    count, recent = _changes(account, session=session)
    actions = tuple(
        OpenAction(row.description, row.owner, row.due_on)
        for row in list_actions(account_id, session=session)
        if not row.done
    )
    # Next actions have their own section; the upcoming list holds the other dates.
    dated = [
        item
        for item in load_dated_items(
            session=session, until=today + timedelta(days=window_days), account_id=account_id
        )
        if item.kind is not DateKind.NEXT_ACTION
    ]
    return ReviewSummary(
        account_id=account_id,
        name=account.name,
        last_reviewed_at=account.last_reviewed_at,
        last_reviewed_by=last_reviewed_by(account_id, session=session),
        health=health,
        changes_since_review=count,
        recent_changes=recent,
        open_actions=actions,
        upcoming=tuple(upcoming_dates(dated, today, window_days)),
        notes=_notes(account_id, session=session),
    )
