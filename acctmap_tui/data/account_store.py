"""Creating, editing, deleting and restoring accounts, each write with its history.

Every function takes a keyword-only ``session`` and works inside its transaction:
it flushes (so ids exist and constraints are checked) but never commits. The
caller owns the unit of work::

    with database.session() as session:
        account = create_account(values, session=session, user=settings.user)
        session.commit()

so a change and its history entries are committed together or not at all. When a
function raises, the session may hold a failed flush: roll back or discard it.

Values are keyed by Account column (``owner_id``, not the owner's name), as
:attr:`acctmap_tui.domain.account_form.FormResult.values` provides them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from acctmap_tui.data.history import (
    record_created,
    record_deleted,
    record_updated,
    record_values,
)
from acctmap_tui.data.models import (
    Account,
    ChangeLogEntry,
    DiscoveryQuestion,
    TeamMember,
    name_key,
)
from acctmap_tui.data.text_order import by_code_point
from acctmap_tui.data.types import utc_now
from acctmap_tui.domain.vocabulary import STANDARD_DISCOVERY_QUESTIONS, ChangeAction
from acctmap_tui.errors import AcctmapError

PROTECTED_COLUMNS = frozenset(
    {"id", "name_key", "version", "created_at", "updated_at", "deleted_at"}
)
"""Columns the store maintains itself; values naming them are a programming error."""

EDITABLE_COLUMNS = frozenset(Account.__table__.columns.keys()) - PROTECTED_COLUMNS  # type: ignore[attr-defined]


class DuplicateAccountNameError(AcctmapError):
    """Another account (live or deleted) already has this name, ignoring case and spaces."""

    def __init__(
        self, name: str, *, existing_deleted: bool = False, message: str | None = None
    ) -> None:
        self.name = name
        """The name as the account that holds it spells it."""
        self.existing_deleted = existing_deleted
        super().__init__(
            message
            or f"An account named {name!r} already exists "
            "(deleted accounts count too: restore or rename it)"
        )


class AccountNotFoundError(AcctmapError):
    """The account does not exist (or was deleted, for an edit)."""

    def __init__(self, account_id: int, *, deleted: bool = False) -> None:
        self.account_id = account_id
        self.deleted = deleted
        state = "was deleted" if deleted else "does not exist"
        super().__init__(f"Account {account_id} {state}")


class StaleRecordError(AcctmapError):
    """The account changed since the editor read it; nothing was written.

    Carries what is stored now, so the editor can show the other person's values
    next to its own and decide, rather than overwrite them silently.
    """

    def __init__(
        self,
        account_id: int,
        *,
        expected_version: int,
        current_version: int,
        current: dict[str, Any],
        changed_by: str | None,
    ) -> None:
        self.account_id = account_id
        self.expected_version = expected_version
        self.current_version = current_version
        self.current = current
        """The stored values now, by column (as :func:`record_values` gives them)."""
        self.changed_by = changed_by
        """Who made the latest recorded change, if the history knows."""
        who = changed_by or "someone else"
        super().__init__(
            f"{current.get('name')!r} was changed by {who} since you opened it "
            f"(version {current_version}, you had {expected_version}); nothing was saved"
        )


def _check_columns(values: Mapping[str, Any]) -> None:
    unknown = set(values) - EDITABLE_COLUMNS
    if unknown:
        raise ValueError(f"not editable account columns: {', '.join(sorted(unknown))}")


def _clean_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("an account needs a non-empty name")
    return name.strip()


def _holder_of_name(key: str, *, session: Session, excluding: int | None = None) -> Account | None:
    statement = select(Account).where(Account.name_key == key)
    if excluding is not None:
        statement = statement.where(Account.id != excluding)
    return session.exec(statement).first()


def _refuse_duplicate(name: str, *, session: Session, excluding: int | None = None) -> None:
    holder = _holder_of_name(name_key(name), session=session, excluding=excluding)
    if holder is None:
        return
    raise DuplicateAccountNameError(holder.name, existing_deleted=holder.deleted_at is not None)


def _flush(session: Session, name: str) -> None:
    """Flush, turning a lost race on the unique name into the same clear error."""
    try:
        session.flush()
    except sa.exc.IntegrityError as error:
        if "name_key" not in str(error.orig):
            raise
        session.rollback()
        raise DuplicateAccountNameError(name) from None


def _locked(account_id: int, *, session: Session) -> Account:
    """The stored account, re-read and (on servers that can) locked for this transaction."""
    account = session.exec(
        select(Account)
        .where(Account.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if account is None:
        raise AccountNotFoundError(account_id)
    return account


def create_account(values: Mapping[str, Any], *, session: Session, user: str) -> Account:
    """A new account with the seed's seven standard discovery questions.

    Raises:
        DuplicateAccountNameError: the name is taken by a live or a deleted account.
        ValueError: no name, or a column that cannot be set.
    """
    _check_columns(values)
    name = _clean_name(values.get("name"))
    _refuse_duplicate(name, session=session)
    fields = {key: value for key, value in values.items() if value is not None}
    account = Account(**{**fields, "name": name, "name_key": name_key(name)})
    session.add(account)
    _flush(session, name)
    assert account.id is not None
    record_created(session, account, user=user)
    for position, question in enumerate(STANDARD_DISCOVERY_QUESTIONS):
        discovery = DiscoveryQuestion(
            account_id=account.id, position=position, question=question, is_standard=True
        )
        session.add(discovery)
        session.flush()
        record_created(session, discovery, user=user)
    session.flush()
    return account


def _last_changed_by(account_id: int, *, session: Session) -> str | None:
    return session.exec(
        select(ChangeLogEntry.user)
        .where(ChangeLogEntry.entity == "account", ChangeLogEntry.entity_id == str(account_id))
        .order_by(col(ChangeLogEntry.id).desc())
    ).first()


def update_account(
    account_id: int,
    values: Mapping[str, Any],
    *,
    expected_version: int,
    session: Session,
    user: str,
) -> Account:
    """Write the given columns if the account is still at ``expected_version``.

    Only values that differ from what is stored are written (and get a history
    entry); nothing changed means no new version.

    Raises:
        StaleRecordError: someone saved the account since ``expected_version``.
        AccountNotFoundError: no such account, or it was deleted.
        DuplicateAccountNameError: the new name is another account's.
    """
    _check_columns(values)
    account = _locked(account_id, session=session)
    if account.version != expected_version:
        raise StaleRecordError(
            account_id,
            expected_version=expected_version,
            current_version=account.version,
            current=record_values(account),
            changed_by=_last_changed_by(account_id, session=session),
        )
    if account.deleted_at is not None:
        raise AccountNotFoundError(account_id, deleted=True)
    changes = dict(values)
    if "name" in changes:
        changes["name"] = _clean_name(changes["name"])
        _refuse_duplicate(changes["name"], session=session, excluding=account_id)
    changes = {key: value for key, value in changes.items() if getattr(account, key) != value}
    if not changes:
        return account
    before = record_values(account)
    for key, value in changes.items():
        setattr(account, key, value)
    if "name" in changes:
        account.name_key = name_key(account.name)
    session.add(account)
    _flush(session, account.name)
    record_updated(session, account, before, user=user)
    session.flush()
    return account


def delete_account(
    account_id: int, *, expected_version: int | None = None, session: Session, user: str
) -> Account:
    """Soft-delete: the account disappears from the map and can be restored.

    Deleting a deleted account changes nothing. With ``expected_version`` (the
    version the user was looking at when they asked), an account someone saved
    since then is not deleted, so the user can be asked again knowing that;
    ``None`` deletes whatever is stored (the CLI names the account explicitly).

    Raises:
        StaleRecordError: someone saved the account since ``expected_version``.
        AccountNotFoundError: no such account.
    """
    account = _locked(account_id, session=session)
    if account.deleted_at is not None:
        return account
    if expected_version is not None and account.version != expected_version:
        raise StaleRecordError(
            account_id,
            expected_version=expected_version,
            current_version=account.version,
            current=record_values(account),
            changed_by=_last_changed_by(account_id, session=session),
        )
    account.deleted_at = utc_now()
    session.add(account)
    session.flush()
    record_deleted(session, account, user=user)
    session.flush()
    return account


def restore_account(account_id: int, *, session: Session, user: str) -> Account:
    """Bring a deleted account back (undo of a delete, or recovery from the CLI).

    The name is checked again, folded as names are folded today, so a restore
    never produces two live accounts that differ only in case or spaces.

    Raises:
        AccountNotFoundError: no such account.
        DuplicateAccountNameError: a live account now has the same name.
    """
    account = _locked(account_id, session=session)
    if account.deleted_at is None:
        return account
    key = name_key(account.name)
    clash = _holder_of_name(key, session=session, excluding=account_id)
    if clash is not None and clash.deleted_at is None:
        raise DuplicateAccountNameError(
            clash.name,
            message=f"Cannot restore {account.name!r}: the live account {clash.name!r} "
            "has the same name; rename one of them first",
        )
    before = record_values(account)
    account.deleted_at = None
    account.name_key = key
    session.add(account)
    _flush(session, account.name)
    record_updated(session, account, before, user=user, action=ChangeAction.RESTORE)
    session.flush()
    return account


def get_account(account_id: int, *, session: Session, include_deleted: bool = False) -> Account:
    """The account to edit.

    Raises:
        AccountNotFoundError: no such account, or it was deleted.
    """
    account = session.get(Account, account_id, populate_existing=True)
    if account is None:
        raise AccountNotFoundError(account_id)
    if account.deleted_at is not None and not include_deleted:
        raise AccountNotFoundError(account_id, deleted=True)
    return account


def list_deleted_accounts(*, session: Session) -> list[Account]:
    """Deleted accounts, most recently deleted first, for recovery."""
    statement = (
        select(Account)
        .where(col(Account.deleted_at).is_not(None))
        .order_by(col(Account.deleted_at).desc(), col(Account.id).desc())
    )
    return list(session.exec(statement))


def find_account_by_name(
    name: str, *, session: Session, include_deleted: bool = False
) -> Account | None:
    """The account with this name, ignoring case and surrounding spaces."""
    account = _holder_of_name(name_key(name), session=session)
    if account is None or (account.deleted_at is not None and not include_deleted):
        return None
    return account


def list_team_members(*, session: Session, include_inactive: bool = False) -> list[TeamMember]:
    """Our team, by name: the people an account can be owned by."""
    statement = select(TeamMember).order_by(by_code_point(TeamMember.name), TeamMember.id)
    if not include_inactive:
        statement = statement.where(col(TeamMember.active).is_(True))
    return list(session.exec(statement))
