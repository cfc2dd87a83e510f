"""``acctmap import``: bringing accounts, contacts and whole databases in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from acctmap_tui.data.import_store import ImportResult, Progress
    from acctmap_tui.interchange.csv_headers import ImportKind
    from acctmap_tui.interchange.csv_import import ImportPlan
    from acctmap_tui.interchange.csv_read import CsvFile

import_app = typer.Typer(help="Bring accounts, contacts or a whole JSON export in.")

# After ``import_app`` exists: ``acctmap_tui.cli`` imports this module at its end, and
# whichever of the two is imported first, the other then finds what it needs.
from acctmap_tui.cli import DbOption, UserOption  # noqa: E402

PROGRESS_LINES = 2_000
"""Files longer than this show a progress bar on stderr (a terminal only)."""

ERRORS_SHOWN = 50
"""Errors listed before "and N more": a wrong file would otherwise print every row."""


class ConflictChoice(StrEnum):
    FAIL = "fail"
    SKIP = "skip"
    UPDATE = "update"


FileArgument = Annotated[
    Path, typer.Argument(help="The CSV file (comma, semicolon or tab; UTF-8, UTF-16 or 1252).")
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        metavar="HEADER=FIELD",
        help='Read a column as a field: "Header=field" (repeatable). "Header=extra" keeps '
        'it in the record\'s extra data, "Header=ignore" leaves it out.',
        show_default=False,
    ),
]
ConflictOption = Annotated[
    ConflictChoice,
    typer.Option(
        "--on-conflict",
        help="A row that matches a stored record: fail (an error), skip it, or update it.",
    ),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would be done; change nothing.")
]
DecimalCommaOption = Annotated[
    bool,
    typer.Option("--decimal-comma", help="Numbers are written 1.234.567,89 (comma decimals)."),
]


@import_app.command("accounts")
def import_accounts(
    ctx: typer.Context,
    file: FileArgument,
    map_items: MapOption = None,
    on_conflict: ConflictOption = ConflictChoice.FAIL,
    dry_run: DryRunOption = False,
    decimal_comma: DecimalCommaOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import accounts from a CSV file: all rows, or none if any row has an error.

    Recognises acctmap's own exports, the seed template's columns, and Salesforce
    and HubSpot account/company exports. Exits 1 (nothing imported) on any error.
    """
    from acctmap_tui.interchange.csv_headers import ImportKind

    _import_csv(
        ctx, ImportKind.ACCOUNTS, file, map_items, on_conflict, dry_run, decimal_comma, db, user
    )


@import_app.command("contacts")
def import_contacts(
    ctx: typer.Context,
    file: FileArgument,
    map_items: MapOption = None,
    on_conflict: ConflictOption = ConflictChoice.FAIL,
    dry_run: DryRunOption = False,
    decimal_comma: DecimalCommaOption = False,
    db: DbOption = None,
    user: UserOption = None,
) -> None:
    """Import contacts from a CSV file into stored accounts: all rows, or none.

    Each contact names its account (by name or CRM ID); Reports To (a name at the
    same account) or ReportsToId (a CRM ID) sets the manager, who may come later in
    the file. Exits 1 (nothing imported) on any error.
    """
    from acctmap_tui.interchange.csv_headers import ImportKind

    _import_csv(
        ctx, ImportKind.CONTACTS, file, map_items, on_conflict, dry_run, decimal_comma, db, user
    )


def _import_csv(
    ctx: typer.Context,
    kind: ImportKind,
    file: Path,
    map_items: list[str] | None,
    on_conflict: ConflictChoice,
    dry_run: bool,
    decimal_comma: bool,
    db: str | None,
    user: str | None,
) -> None:
    import sqlalchemy as sa

    from acctmap_tui.cli import _chosen_db, _chosen_user, _open, _settings, fail
    from acctmap_tui.data.import_store import run_import
    from acctmap_tui.interchange.csv_headers import (
        HeaderMapError,
        map_headers,
        parse_map_options,
    )
    from acctmap_tui.interchange.csv_import import ConflictMode, ImportOptions
    from acctmap_tui.interchange.csv_read import CsvReadError, read_csv

    try:
        overrides = parse_map_options(map_items or (), kind)
    except HeaderMapError as error:
        fail(str(error), 2)
    try:
        source = read_csv(file)
    except CsvReadError as error:
        fail(f"{error}; nothing was imported")
    try:
        mapping = map_headers(source.headers, kind, overrides)
    except HeaderMapError as error:
        fail(str(error), 2)
    options = ImportOptions(ConflictMode(on_conflict.value), decimal_comma=decimal_comma)
    database = _open(_chosen_db(ctx, db))
    author = _settings(_chosen_user(ctx, user)).user
    try:
        with _progress_bar(source) as progress:
            plan, result = run_import(
                database, source, mapping, options, user=author, dry_run=dry_run, progress=progress
            )
    except sa.exc.SQLAlchemyError as error:
        from acctmap_tui.data.db_errors import explain_database_error

        fail(f"nothing was imported: {explain_database_error(error)}")
    finally:
        database.close()
    _report(file, source, plan, result, dry_run)
    if not plan.ok:
        count = len(plan.errors)
        fail(f"{count} error{'s' if count != 1 else ''} in {file.name}; nothing was imported")


@contextmanager
def _progress_bar(source: CsvFile) -> Iterator[Progress | None]:
    """A Rich progress bar on stderr for long files; nothing for short ones."""
    if source.line_count <= PROGRESS_LINES:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as RichProgress

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with RichProgress(transient=True, console=console) as bar:
        task = bar.add_task("Checking", total=source.line_count)

        def report(what: str, done: int, total: int) -> None:
            bar.update(task, description=what, completed=done, total=total)

        yield report


def _report(
    file: Path, source: CsvFile, plan: ImportPlan, result: ImportResult | None, dry_run: bool
) -> None:
    """What was read, how its columns were read, and what was (or would be) done."""
    from acctmap_tui.interchange.csv_headers import describe_mapping
    from acctmap_tui.interchange.csv_import import count_of, plan_counts, plan_rows
    from acctmap_tui.launcher import stdout_is_utf8

    typer.echo(
        f"Read {file.name}: {plan.rows_read:,} rows ({source.encoding}, "
        f"{source.delimiter_name}-separated)"
    )
    if dry_run or not plan.ok:
        typer.echo("Columns:")
        for line in describe_mapping(plan.mapping, ascii_only=not stdout_is_utf8()):
            typer.echo(f"  {line}")
    unknown = plan.mapping.unknown_headers
    if unknown:
        typer.echo(f"Unknown columns, kept in each record's extra data: {', '.join(unknown)}")
    if not plan.ok:
        for issue in plan.errors[:ERRORS_SHOWN]:
            typer.echo(f"  {issue}", err=True)
        if len(plan.errors) > ERRORS_SHOWN:
            typer.echo(f"  ... and {len(plan.errors) - ERRORS_SHOWN:,} more errors", err=True)
        return
    if dry_run:
        for line in plan_rows(plan):
            typer.echo(f"  {line}")
        typer.echo(f"Dry run: would {plan_counts(plan)}. Nothing was changed.")
        return
    assert result is not None
    parts = [
        f"Created {count_of(result.created, plan.kind)}",
        f"updated {result.updated:,}",
        f"unchanged {result.unchanged:,}",
        f"skipped {result.skipped:,}",
    ]
    if result.members_created:
        parts.append(f"added {result.members_created} team member(s)")
    if result.contacts_added:
        parts.append(f"added {result.contacts_added:,} key contact(s)")
    if result.actions_added:
        parts.append(f"added {result.actions_added:,} next action(s)")
    typer.echo(", ".join(parts) + ".")


@import_app.command("json")
def import_json(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A file written by `acctmap export json`.")],
    db: DbOption = None,
) -> None:
    """Load a whole-database JSON export into an empty database: all of it, or nothing.

    Ids are kept. A database that already holds rows, a file of a newer format or
    schema, and a truncated or damaged file are refused (exit 1).
    """
    from acctmap_tui.cli import _chosen_db, _open, fail
    from acctmap_tui.interchange.json_load import JsonImportError, load_json_dump

    database = _open(_chosen_db(ctx, db))
    try:
        summary = load_json_dump(database, file)
    except JsonImportError as error:
        fail(str(error))
    finally:
        database.close()
    total = sum(summary.rows.values())
    typer.echo(
        f"Imported {total:,} rows into {database.name} "
        f"({summary.rows.get('account', 0):,} accounts, {summary.rows.get('contact', 0):,} "
        f"contacts; schema {summary.schema_revision})"
    )
