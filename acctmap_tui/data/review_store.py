"""The writes of an account review: marking an account reviewed, recording a decision.

As in :mod:`acctmap_tui.data.account_store`, each function takes a keyword-only
``session``, flushes (so constraints are checked and ids exist) and records the
change in the history, but never commits: the caller commits the change and its
history entry together.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from acctmap_tui.data.account_store import StaleRecordError, get_account, update_account
from acctmap_tui.data.history import record_created
from acctmap_tui.data.models import Account, AccountNote
from acctmap_tui.domain.review import REVIEWED_FIELD, clean_decision
from acctmap_tui.domain.vocabulary import NoteKind


def mark_reviewed(account_id: int, *, session: Session, user: str, now: datetime) -> Account:
    """Set the account's last review to ``now`` (UTC-aware), recorded in the history.

    Only the review stamp is written, so an edit someone else saved meanwhile to
    any other field is kept as it is.

    Raises:
        AccountNotFoundError: no such account, or it was deleted.
        ValueError: ``now`` has no time zone.
    """
    if now.tzinfo is None:
        raise ValueError("the review time must be timezone-aware (UTC)")
    for attempt in (1, 2):
        account = get_account(account_id, session=session)
        try:
            return update_account(
                account_id,
                {REVIEWED_FIELD: now},
                expected_version=account.version,
                session=session,
                user=user,
            )
        except StaleRecordError:
            # Someone saved the account between our two reads: the stamp overwrites
            # none of their fields, so read the new version and stamp that.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def add_decision(
    account_id: int,
    text: str,
    *,
    session: Session,
    user: str,
    kind: NoteKind = NoteKind.DECISION,
) -> AccountNote:
    """Record a decision taken in the review of an account, with its history entry.

    Raises:
        ValueInputError: the text is blank.
        AccountNotFoundError: no such account, or it was deleted.
    """
    body = clean_decision(text)
    get_account(account_id, session=session)
    note = AccountNote(account_id=account_id, kind=kind, body=body, author=user)
    session.add(note)
    session.flush()
    record_created(session, note, user=user)
    session.flush()
    return note
