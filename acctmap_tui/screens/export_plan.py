"""Export the selected account's plan as Markdown, from the command palette.

Asks for a path (prefilled with ``<account-name>-plan.md`` in the current
directory), asks again before replacing a file that exists, then writes the same
document as ``acctmap export plan`` in a thread worker. The file is written
whole or not at all (a temporary file renamed into place). A failure (no such
folder, no permission) is said on the dialog, which stays open with the path, so
it can be corrected; success closes it with the path written.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from acctmap_tui.data.account_store import AccountNotFoundError
from acctmap_tui.data.db import Database
from acctmap_tui.screens.confirm import ConfirmScreen
from acctmap_tui.widgets.text_inputs import LineInput


def default_file_name(account_name: str) -> str:
    """``acme-logistics-plan.md``: the name in lower case, anything but letters and digits as -."""
    slug = re.sub(r"[^\w]+", "-", account_name.casefold()).strip("-_")
    return f"{slug or 'account'}-plan.md"


def resolve_path(text: str, base: Path) -> Path:
    """The path typed, with ``~`` expanded and a relative path taken from ``base``."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else base / path


def write_plan_markdown(database: Database, account_id: int, path: Path, today: date) -> None:
    """Write the plan document to ``path`` whole, or raise and leave nothing behind.

    Raises:
        AccountNotFoundError: the account is gone (deleted meanwhile).
        OSError: the file could not be written.
        sqlalchemy.exc.SQLAlchemyError: the database could not be read.
    """
    from acctmap_tui.data.plan_document import load_plan_document
    from acctmap_tui.data.plan_queries import load_plan_facts
    from acctmap_tui.domain.plan_health import assess_plan
    from acctmap_tui.interchange.markdown import plan_as_markdown

    with database.session() as session:
        document = load_plan_document(account_id, session=session)
        facts = load_plan_facts(account_id, session=session)
    if document is None:
        raise AccountNotFoundError(account_id, deleted=True)
    findings = []
    if facts is not None:
        findings = [(f.title, f.fix) for f in assess_plan(facts, today).findings]
    text = plan_as_markdown(document, findings=findings, generated_on=today)
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_text(text, encoding="utf-8", newline="")
        temporary.replace(path)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise


def explain_write_error(error: Exception, path: Path) -> str:
    """One line on why the file was not written."""
    if isinstance(error, FileNotFoundError):
        return f"Not written: the folder {path.parent} does not exist."
    if isinstance(error, PermissionError):
        return f"Not written: no permission to write in {path.parent}."
    if isinstance(error, IsADirectoryError):
        return f"Not written: {path} is a folder."
    if isinstance(error, OSError):
        return f"Not written: {error.strerror or error}."
    if isinstance(error, sa.exc.SQLAlchemyError):
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        return f"Not written: the database could not be read ({reason})."
    return f"Not written: {error}."


class ExportPlanScreen(ModalScreen[Path | None]):
    """Asks where to write the plan; dismisses with the path written, or ``None``."""

    BINDING_GROUP_TITLE = "Export plan"
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="export-plan.cancel")]

    def __init__(
        self,
        database: Database,
        account_id: int,
        account_name: str,
        *,
        base: Path | None = None,
        unsaved_note: bool = False,
    ) -> None:
        """``base``: where a relative path goes (the current directory when not given).

        ``unsaved_note``: say that unsaved plan edits are not in the export.
        """
        super().__init__(id="export-plan-screen")
        self._database = database
        self._account_id = account_id
        self._account_name = account_name
        self._base = base
        self._unsaved_note = unsaved_note
        self._writing = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-plan-dialog") as dialog:
            dialog.border_title = Content(f"Export plan: {self._account_name}")
            yield Static("Markdown file to write:", id="export-plan-label", markup=False)
            yield LineInput(default_file_name(self._account_name), id="export-plan-path")
            yield Static(
                "The export shows the saved plan: your unsaved edits are not in it."
                if self._unsaved_note
                else "",
                id="export-plan-note",
                markup=False,
            )
            yield Static("", id="export-plan-message", markup=False)
            yield Static("Enter write · escape cancel", id="export-plan-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#export-plan-note").display = self._unsaved_note
        self.query_one("#export-plan-message").display = False
        self.query_one("#export-plan-path", Input).focus()

    @property
    def path(self) -> Path:
        """Where the plan would be written now."""
        base = self._base if self._base is not None else Path.cwd()
        return resolve_path(self.query_one("#export-plan-path", Input).value, base)

    def _say(self, text: str) -> None:
        line = self.query_one("#export-plan-message", Static)
        line.update(text)
        line.display = bool(text)

    @on(Input.Submitted, "#export-plan-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._writing:
            return
        if not event.value.strip():
            self._say("Type a file name first.")
            return
        path = self.path
        if path.is_dir():
            self._say(f"{path} is a folder: type a file name.")
            return
        if path.exists():

            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self._write(path)
                else:
                    self._say("Not written: the file is kept. Type another name.")

            self.app.push_screen(
                ConfirmScreen(
                    "File exists", f"{path} exists. Replace it?", confirm_label="Replace"
                ),
                answered,
            )
            return
        self._write(path)

    def _write(self, path: Path) -> None:
        self._writing = True
        self._say("Writing…")
        self._write_file(path, date.today())

    @work(thread=True, exclusive=True, group="export-plan")
    def _write_file(self, path: Path, today: date) -> None:
        """Read the plan and write the file off the UI thread."""
        try:
            write_plan_markdown(self._database, self._account_id, path, today)
        except (OSError, AccountNotFoundError, sa.exc.SQLAlchemyError) as error:
            message = explain_write_error(error, path)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._failed, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.dismiss, path)

    def _failed(self, message: str) -> None:
        self._writing = False
        self._say(message)
        self.query_one("#export-plan-path", Input).focus()
