"""An account's next actions: reading, adding, editing, completing and deleting them.

Every write is one transaction, committed here, holding the change and its history
entries together. Edits name the version they started from and are refused if the
action moved on meanwhile (someone else saved it), so two people in the same
account review never silently overwrite each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from acctmap_tui.data.history import record_created, record_deleted, record_updated, record_values
from acctmap_tui.data.models import Account, NextAction, TeamMember
from acctmap_tui.data.text_order import by_code_point
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.values import ValueInputError
from acctmap_tui.errors import AcctmapError

DESCRIPTION_FIELD = "What"
"""How the description is named in messages (the screen labels it so)."""

OWNER_FIELD = "Owner"


class ActionChangedError(AcctmapError):
    """The action (or its account) changed or disappeared since it was read.

    Raised instead of writing over someone else's edit; the message says what
    happened and nothing was written.
    """


@dataclass(frozen=True)
class ActionRow:
    """One next action as the actions screen shows it."""

    id: int
    account_id: int
    description: str
    owner_id: int | None
    owner: str | None
    """The owner's name, if the action has one."""
    due_on: date | None
    done_at: datetime | None
    version: int

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date) -> bool:
        """Open and due before ``today``."""
        return not self.done and self.due_on is not None and self.due_on < today


@dataclass(frozen=True)
class OwnerChoice:
    """A team member who can own an action."""

    id: int
    name: str
    username: str | None = None


def _sort_key(row: ActionRow) -> tuple[object, ...]:
    if row.done_at is None:
        # Open first: by due date, undated last, then in the order they were added.
        return (0, row.due_on is None, row.due_on or date.min, row.id)
    # Then done ones, most recently completed first.
    return (1, -row.done_at.timestamp(), -row.id)


def list_actions(account_id: int, *, session: Session) -> list[ActionRow]:
    """The account's actions: open ones by due date (undated last), then done ones.

    Done actions come newest-completed first, so the bottom of the list is history.
    """
    statement = (
        select(
            NextAction.id,
            NextAction.account_id,
            NextAction.description,
            NextAction.owner_id,
            TeamMember.name,
            NextAction.due_on,
            NextAction.done_at,
            NextAction.version,
        )
        .join(TeamMember, NextAction.owner_id == TeamMember.id, isouter=True)
        .where(NextAction.account_id == account_id)
    )
    rows = [ActionRow(*record) for record in session.exec(statement)]
    return sorted(rows, key=_sort_key)


def list_owner_choices(*, session: Session) -> list[OwnerChoice]:
    """The active team members, by name: the people an action can be given to."""
    statement = (
        select(TeamMember.id, TeamMember.name, TeamMember.username)
        .where(TeamMember.active.is_(True))
        .order_by(by_code_point(TeamMember.name), TeamMember.id)
    )
    return [OwnerChoice(*record) for record in session.exec(statement)]


def resolve_owner(text: str | None, choices: Sequence[OwnerChoice]) -> int | None:
    """The team member meant by ``text``; ``None`` for a blank entry (no owner).

    An exact name or login wins (ignoring case); otherwise any unique part of a
    name will do, so "mia" or "chen" both find Mia Chen.

    Raises:
        ValueInputError: nobody, or more than one person, matches.
    """
    if text is None or not text.strip():
        return None
    wanted = " ".join(text.split()).casefold()
    for choice in choices:
        if wanted in (choice.name.casefold(), (choice.username or "").casefold()):
            return choice.id
    matches = [choice for choice in choices if wanted in choice.name.casefold()]
    if len(matches) == 1:
        return matches[0].id
    raw = text.strip()
    if matches:
        names = ", ".join(choice.name for choice in matches[:4])
        raise ValueInputError(OWNER_FIELD, raw, f"one person: it matches {names}")
    if not choices:
        raise ValueInputError(OWNER_FIELD, raw, "a team member (the team list is empty)")
    examples = ", ".join(choice.name for choice in choices[:3])
    raise ValueInputError(OWNER_FIELD, raw, f"a team member's name, e.g. {examples}")


def clean_description(text: str | None) -> str:
    """The description trimmed to one line of single spaces.

    Raises:
        ValueInputError: it is blank.
    """
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise ValueInputError(
            DESCRIPTION_FIELD, text or "", "a description of what to do (it is required)"
        )
    return cleaned


def _check_owner(owner_id: int | None, *, session: Session) -> None:
    if owner_id is not None and session.get(TeamMember, owner_id) is None:
        raise ValueInputError(OWNER_FIELD, str(owner_id), "a member of the team")


def _get_action(action_id: int, *, session: Session) -> NextAction:
    record = session.get(NextAction, action_id, populate_existing=True)
    if record is None:
        raise ActionChangedError("this action was deleted by someone else; nothing was changed")
    return record


def _check_version(record: NextAction, expected_version: int | None) -> None:
    if expected_version is not None and record.version != expected_version:
        raise ActionChangedError(
            f"someone else changed this action (now {record.description!r}); nothing was changed"
        )


def _apply(
    record: NextAction,
    expected_version: int,
    values: dict[str, object],
    *,
    session: Session,
    user: str,
) -> None:
    """Write ``values`` only if the row still holds ``expected_version``; then commit.

    The version condition is in the UPDATE itself, so an edit saved by another
    process between our read and our write is never overwritten.
    """
    before = record_values(record)
    result = session.execute(
        sa.update(NextAction)
        .where(NextAction.id == record.id, NextAction.version == expected_version)
        .values(**values, version=expected_version + 1, updated_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise ActionChangedError("someone else changed this action just now; nothing was changed")
    session.refresh(record)
    record_updated(session, record, before, user=user)
    session.commit()


def add_action(
    account_id: int,
    description: str,
    *,
    owner_id: int | None,
    due_on: date | None,
    session: Session,
    user: str,
) -> NextAction:
    """Add an open action to an account, and record it in the history.

    Raises:
        ValueInputError: the description is blank or the owner is not on the team.
        ActionChangedError: the account no longer exists (deleted meanwhile).
    """
    cleaned = clean_description(description)
    account = session.get(Account, account_id)
    if account is None or account.deleted_at is not None:
        raise ActionChangedError("this account was deleted by someone else; nothing was added")
    _check_owner(owner_id, session=session)
    record = NextAction(
        account_id=account_id, description=cleaned, owner_id=owner_id, due_on=due_on
    )
    session.add(record)
    session.flush()
    record_created(session, record, user=user)
    session.commit()
    return record


def update_action(
    action_id: int,
    *,
    description: str,
    owner_id: int | None,
    due_on: date | None,
    expected_version: int,
    session: Session,
    user: str,
) -> NextAction:
    """Change an action's description, owner and due date, recording each changed field.

    Nothing is written (and the version stays) when nothing changed.

    Raises:
        ValueInputError: the description is blank or the owner is not on the team.
        ActionChangedError: the action was changed or deleted since ``expected_version``.
    """
    cleaned = clean_description(description)
    record = _get_action(action_id, session=session)
    _check_version(record, expected_version)
    _check_owner(owner_id, session=session)
    values = {"description": cleaned, "owner_id": owner_id, "due_on": due_on}
    if all(getattr(record, name) == value for name, value in values.items()):
        return record
    _apply(record, expected_version, values, session=session, user=user)
    return record


def set_action_done(
    action_id: int,
    done: bool,
    *,
    session: Session,
    user: str,
    expected_version: int | None = None,
) -> NextAction:
    """Mark an action done (now) or open again; nothing is written if it already is.

    ``expected_version``, when given, refuses the change if the action was edited
    since; either way the change is refused if the action moves between the read
    and the write.

    Raises:
        ActionChangedError: the action was changed or deleted meanwhile.
    """
    record = _get_action(action_id, session=session)
    _check_version(record, expected_version)
    if (record.done_at is not None) == done:
        return record
    _apply(
        record,
        record.version,
        {"done_at": utc_now() if done else None},
        session=session,
        user=user,
    )
    return record


def delete_action(
    action_id: int,
    *,
    session: Session,
    user: str,
    expected_version: int | None = None,
) -> None:
    """Delete an action; the history keeps its last values so it can be recovered.

    Raises:
        ActionChangedError: the action is already gone, or (with ``expected_version``)
            was edited since it was read.
    """
    record = _get_action(action_id, session=session)
    _check_version(record, expected_version)
    version = record.version
    record_deleted(session, record, user=user)
    result = session.execute(
        sa.delete(NextAction)
        .where(NextAction.id == action_id, NextAction.version == version)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        raise ActionChangedError("someone else changed this action just now; nothing was deleted")
    session.expunge(record)
    session.commit()
