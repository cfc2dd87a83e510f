"""Import accounts or contacts from a CSV file, from the command palette.

Three steps on one dialog, as ``acctmap import`` does them on the command line: a
path, then a preview (how each column is read, the unknown columns kept as extra
data, what would be created, updated and skipped, and the first errors), then, on
confirmation, the import itself in a thread worker with a progress bar. The import
checks the file again against the database as it is then (someone may have changed
it since the preview) and writes all rows or none. The dialog closes with what was
done, and the account list (and the People tab) read the data again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, ProgressBar, Static

from acctmap_tui.data.db import Database
from acctmap_tui.data.import_store import ImportResult, run_import
from acctmap_tui.errors import AcctmapError
from acctmap_tui.interchange.csv_headers import ImportKind, describe_mapping, map_headers
from acctmap_tui.interchange.csv_import import (
    ImportOptions,
    ImportPlan,
    count_of,
    plan_counts,
)
from acctmap_tui.interchange.csv_read import CsvFile, read_csv
from acctmap_tui.screens.export_plan import resolve_path
from acctmap_tui.widgets.text_inputs import LineInput

if TYPE_CHECKING:
    from acctmap_tui.app import AcctmapApp

ERRORS_SHOWN = 8
"""Errors listed in the preview; the count says how many more there are."""

TITLES = {ImportKind.ACCOUNTS: "Import accounts", ImportKind.CONTACTS: "Import contacts"}


@dataclass(frozen=True)
class ImportDone:
    """What the dialog closes with after a written import."""

    kind: ImportKind
    path: Path
    result: ImportResult

    def summary(self) -> str:
        """``Created 12 accounts, updated 2, skipped 1.``"""
        result = self.result
        return (
            f"Created {count_of(result.created, self.kind)}, updated {result.updated:,}, "
            f"skipped {result.skipped:,} from {self.path.name}."
        )


def preview_text(plan: ImportPlan, source: CsvFile, *, ascii_only: bool = False) -> str:
    """The preview, most important first: what would be done (or the first errors), the
    unknown columns, then how every column is read."""
    lines = [f"{plan.rows_read:,} rows ({source.encoding}, {source.delimiter_name}-separated)"]
    if plan.ok:
        lines.append(f"Would {plan_counts(plan)}.")
    else:
        count = len(plan.errors)
        lines.append(f"{count:,} error{'s' if count != 1 else ''}: nothing can be imported.")
        lines += [f"  {issue}" for issue in plan.errors[:ERRORS_SHOWN]]
        if count > ERRORS_SHOWN:
            lines.append(f"  ... and {count - ERRORS_SHOWN:,} more")
    unknown = plan.mapping.unknown_headers
    if unknown:
        lines.append(f"Kept as extra data (unknown): {', '.join(unknown)}")
    lines += [
        "Columns:",
        *(f"  {line}" for line in describe_mapping(plan.mapping, ascii_only=ascii_only)),
    ]
    return "\n".join(lines)


class ImportCsvScreen(ModalScreen[ImportDone | None]):
    """Asks for a CSV file, previews the import, and runs it once confirmed."""

    BINDING_GROUP_TITLE = "Import CSV"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="import-csv.cancel")]

    def __init__(
        self,
        database: Database,
        kind: ImportKind,
        *,
        user: str,
        base: Path | None = None,
        ascii_only: bool = False,
    ) -> None:
        """``base``: where a relative path goes (the current directory when not given)."""
        super().__init__(id="import-csv-screen")
        self._database = database
        self._kind = kind
        self._user = user
        self._base = base
        self._ascii_only = ascii_only
        self._previewed: tuple[Path, CsvFile, ImportPlan] | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog") as dialog:
            dialog.border_title = Content(f"{TITLES[self._kind]} from CSV")
            yield Static("CSV file:", id="import-label", markup=False)
            yield LineInput(placeholder=f"e.g. {self._kind.value}.csv", id="import-path")
            with VerticalScroll(id="import-preview"):
                yield Static("", id="import-preview-text", markup=False)
            yield ProgressBar(id="import-progress", show_eta=False)
            with Horizontal(id="import-buttons"):
                yield Button(
                    "Import", id="import-confirm", variant="primary", disabled=True, compact=True
                )
                yield Button("Cancel", id="import-cancel", compact=True)
            yield Static("Enter preview · escape cancel", id="import-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#import-preview").display = False
        self.query_one("#import-progress").display = False
        self.query_one("#import-path", Input).focus()

    @property
    def path(self) -> Path:
        base = self._base if self._base is not None else Path.cwd()
        return resolve_path(self.query_one("#import-path", Input).value, base)

    def _show(self, text: str) -> None:
        self.query_one("#import-preview-text", Static).update(text)
        self.query_one("#import-preview").display = bool(text)

    def _hint(self, text: str) -> None:
        self.query_one("#import-hint", Static).update(text)

    def action_cancel(self) -> None:
        if not self._busy:
            self.dismiss(None)

    @on(Button.Pressed, "#import-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @on(Input.Changed, "#import-path")
    def _path_changed(self) -> None:
        """A new path needs a new preview before anything can be imported."""
        if self._previewed is not None and self._previewed[0] != self.path:
            self._previewed = None
            self.query_one("#import-confirm", Button).disabled = True
            self._hint("Enter preview · escape cancel")

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._busy:
            return
        if not event.value.strip():
            self._show("Type the path of a CSV file first.")
            return
        self._busy = True
        self._show("Reading…")
        self._preview(self.path)

    @work(thread=True, exclusive=True, group="import-csv")
    def _preview(self, path: Path) -> None:
        """Read and check the whole file against the database; write nothing."""
        try:
            source = read_csv(path)
            mapping = map_headers(source.headers, self._kind)
            plan, _ = run_import(
                self._database, source, mapping, ImportOptions(), user=self._user, dry_run=True
            )
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            self.app.call_from_thread(self._preview_failed, _one_line(error))
            return
        self.app.call_from_thread(self._previewed_plan, path, source, plan)

    def _preview_failed(self, message: str) -> None:
        self._busy = False
        self._show(f"Cannot import: {message}")
        self.query_one("#import-path", Input).focus()

    def _previewed_plan(self, path: Path, source: CsvFile, plan: ImportPlan) -> None:
        self._busy = False
        self._previewed = (path, source, plan)
        self._show(preview_text(plan, source, ascii_only=self._ascii_only))
        confirm = self.query_one("#import-confirm", Button)
        confirm.disabled = not plan.ok
        if plan.ok:
            confirm.label = f"Import {count_of(len(plan.creates) + len(plan.updates), self._kind)}"
            confirm.focus()
            self._hint("Enter import · escape cancel")
        else:
            self._hint("Fix the file (or choose another), then Enter · escape cancel")
            self.query_one("#import-path", Input).focus()

    @on(Button.Pressed, "#import-confirm")
    def _confirmed(self, event: Button.Pressed) -> None:
        event.stop()
        if self._busy or self._previewed is None:
            return
        path, source, _plan = self._previewed
        self._busy = True
        self.query_one("#import-confirm", Button).disabled = True
        self.query_one("#import-progress").display = True
        self._hint("Importing… (all rows or none)")
        self._import(path, source)

    @work(thread=True, exclusive=True, group="import-csv", description="import a CSV file")
    def _import(self, path: Path, source: CsvFile) -> None:
        """Check the file again against the database as it is now, and write it all."""

        def progress(what: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, what, done, total)

        try:
            mapping = map_headers(source.headers, self._kind)
            plan, result = run_import(
                self._database,
                source,
                mapping,
                ImportOptions(),
                user=self._user,
                progress=progress,
            )
        except (AcctmapError, sa.exc.SQLAlchemyError) as error:
            message = f"Nothing was imported: {_one_line(error)}"
            self.app.call_from_thread(self._import_failed, message)
            return
        if result is None:  # the database changed since the preview
            text = preview_text(plan, source, ascii_only=self._ascii_only)
            self.app.call_from_thread(self._import_failed, f"Nothing was imported.\n{text}")
            return
        self.app.call_from_thread(self.dismiss, ImportDone(self._kind, path, result))

    def _progress(self, what: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)
        self._hint(f"{what}… (all rows or none)")

    def _import_failed(self, message: str) -> None:
        self._busy = False
        self._previewed = None
        self.query_one("#import-progress").display = False
        self._show(message)
        self._hint("Enter preview again · escape cancel")
        self.query_one("#import-path", Input).focus()


def _one_line(error: Exception) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def open_import(app: AcctmapApp, kind: ImportKind) -> None:
    """Show the import dialog; afterwards say what was done and read the data again."""

    def done(outcome: ImportDone | None) -> None:
        if outcome is None:
            return
        app.notify(outcome.summary(), title=TITLES[outcome.kind])
        main = app.main_screen
        from acctmap_tui.widgets.account_map_view import AccountMapView

        main.query_one(AccountMapView).reload()
        for people in main.query("#people-view"):
            people.reload()  # type: ignore[attr-defined]

    app.push_screen(
        ImportCsvScreen(
            app.database, kind, user=app.settings.user, ascii_only=app.settings.ascii_only
        ),
        done,
    )
