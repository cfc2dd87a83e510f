"""``acctmap copy-db --from URL --to URL``: move a team's data between SQLite and PostgreSQL.

The work is :func:`acctmap_tui.data.copy_db.copy_database` (all or nothing, ids kept,
``presence`` skipped); this module draws its progress and prints the outcome.
``cli.py`` registers :func:`copy_db` as the Typer command.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from acctmap_tui.errors import AcctmapError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class RichCopyProgress:
    """A progress bar on stderr: the table being copied, its rows done and in total."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None
        self._counts: dict[str, int] = {}
        self._done: dict[str, int] = {}

    def started(self, counts: dict[str, int]) -> None:
        self._counts = dict(counts)
        self._task = self._progress.add_task("starting", total=sum(counts.values()) or 1)

    def advanced(self, table: str, rows: int) -> None:
        if self._task is None:
            return
        done = self._done[table] = self._done.get(table, 0) + rows
        total = self._counts.get(table, done)
        self._progress.update(
            self._task, advance=rows, description=f"{table:<20} {done:>9,} / {total:,}"
        )


def _progress_bar() -> Progress:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _fail(message: str) -> NoReturn:
    typer.echo(f"acctmap: {message}", err=True)
    raise typer.Exit(1)


def copy_db(
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="DATABASE",
            help="The database to copy: a file path or a SQLAlchemy URL. It is only read.",
            show_default=False,
        ),
    ],
    destination: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="DATABASE",
            help="Where to copy it: a file path or a SQLAlchemy URL "
            "(e.g. postgresql+psycopg://user@host/dbname). Must hold no data unless --replace.",
            show_default=False,
        ),
    ],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Empty the destination first (in the same transaction)."),
    ] = False,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Afterwards, check that the JSON exports of both are identical; "
            "exit 1 with the first differing line if not.",
        ),
    ] = False,
) -> None:
    """Copy a whole database, SQLite or PostgreSQL, in either direction, keeping every id.

    All or nothing: a PostgreSQL destination is written in one transaction; an SQLite
    one is built beside the target and renamed over it once complete. Who-is-online
    (presence) is not copied. The source must be at this acctmap's schema.
    """
    from acctmap_tui.data.copy_db import CopyProgress, copy_database, first_difference

    progress: CopyProgress | None = None
    bar: Any = None
    if sys.stderr.isatty():
        bar = _progress_bar()
        progress = RichCopyProgress(bar)
    try:
        if bar is not None:
            with bar:
                summary = copy_database(source, destination, replace=replace, progress=progress)
        else:
            summary = copy_database(source, destination, replace=replace, progress=progress)
    except AcctmapError as error:
        _fail(str(error))
    typer.echo(summary.line())
    if not verify:
        return
    try:
        difference = first_difference(source, destination)
    except AcctmapError as error:
        _fail(f"--verify: {error}")
    if difference is not None:
        _fail(f"--verify: the JSON exports differ at {difference}")
    typer.echo("Verified: the JSON exports of both databases are identical")
