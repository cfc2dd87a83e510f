"""``acctmap revert ID``: undo one recorded change (ids from ``acctmap history``).

Shows what the revert will do and asks first. If the field was changed again since
the entry, it says so with the value stored now and asks again; ``--yes`` alone
does not overwrite such a value (``--force`` does), so a script never replaces a
colleague's later edit it has not seen. The revert is one transaction, recorded in
the history as a ``revert`` entry pointing at the reverted one.

:func:`revert_command` does the work on an open database; ``cli.py`` registers
:func:`revert` as the Typer command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from acctmap_tui.data.db import Database


class RevertCancelled(Exception):
    """The person said no; nothing was written."""


def revert_command(
    database: Database,
    entry_id: int,
    *,
    user: str,
    yes: bool = False,
    force: bool = False,
    confirm: Callable[[str], bool] | None = None,
    echo: Callable[[str], None] = typer.echo,
) -> str:
    """Revert entry ``entry_id`` after confirming; returns the one-line summary.

    ``confirm`` asks a yes/no question (default: :func:`typer.confirm`).

    Raises:
        RevertError: the entry cannot be reverted (the text says why), or it changed
            since and neither a confirmation nor ``--force`` accepted the value now.
        RevertCancelled: the person answered no.
    """
    from acctmap_tui.data.retry import run_in_transaction
    from acctmap_tui.data.revert import (
        RevertConflictError,
        RevertError,
        preview_revert,
        revert_change,
    )

    ask = confirm or (lambda question: typer.confirm(question, default=False))
    with database.session() as session:
        preview = preview_revert(entry_id, session=session)
    if preview.problem is not None:
        raise RevertError(f"Cannot revert entry #{entry_id}: {preview.problem}")
    accept: str | None = None
    for _attempt in range(3):  # asked again only while someone keeps changing the field
        if preview.changed_since and not force and yes:
            raise RevertConflictError(preview)
        if not yes or preview.changed_since and not force:
            echo(preview.question)
            if not ask("Revert?"):
                raise RevertCancelled
        accept = preview.current_json if preview.changed_since else None
        try:
            result = run_in_transaction(  # run again if the server breaks a deadlock with it
                database,
                lambda session, accept=accept: revert_change(
                    entry_id, session=session, user=user, accept_current=accept
                ),
            )
        except RevertConflictError as conflict:
            preview = conflict.preview
            continue
        ids = ", ".join(f"#{new_id}" for new_id in result.new_entry_ids)
        return f"{result.summary} (recorded as {ids})"
    raise RevertConflictError(preview)


def revert(
    ctx: typer.Context,
    entry_id: Annotated[int, typer.Argument(help="The entry's # in `acctmap history`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Also replace a value someone changed after the entry."),
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Database file path or SQLAlchemy URL.")
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Name recorded as the author of the revert.")
    ] = None,
) -> None:
    """Undo one recorded change (a field, a deletion or a creation); the undo is recorded too."""
    from acctmap_tui.cli import _chosen_db, _chosen_user, _open, _settings, fail
    from acctmap_tui.data.revert import RevertConflictError, RevertError

    settings = _settings(_chosen_user(ctx, user))
    database = _open(_chosen_db(ctx, db))
    try:
        summary = revert_command(database, entry_id, user=settings.user, yes=yes, force=force)
    except RevertConflictError as conflict:
        fail(f"{conflict}. Run again without --yes to see it and confirm, or with --force")
    except RevertError as error:
        fail(str(error))
    except RevertCancelled:
        fail("revert cancelled; nothing was changed")
    finally:
        database.close()
    typer.echo(summary)
