"""The conflict dialog: someone else saved the fields you changed; choose, field by field.

A form shows it when its save finds a newer version whose changes overlap the
user's (:func:`acctmap_tui.domain.merge.three_way_merge` found conflicts). One
row per field: yours, theirs (with who changed it and when), and which is kept.
The choice is spelled out in words and marks, so it reads without colour.
Nothing is written here: the form saves what the dialog dismisses with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

from acctmap_tui.data.account_store import StaleRecordError
from acctmap_tui.data.change_authors import FieldChange, RecordChange, last_field_changes
from acctmap_tui.data.db import Database
from acctmap_tui.domain.merge import MergeResult, Side, how_long_ago
from acctmap_tui.screens.form_widgets import after_typed_keys

CELL_WIDTH = 18
"""Characters of a value shown in the table; the full values show under it."""


@dataclass(frozen=True)
class ConflictRow:
    """One conflicting field as the dialog shows it (values already formatted)."""

    column: str
    label: str
    mine: str
    theirs: str
    changed_by: str = ""
    """Who stored theirs and when, e.g. "ana, 2 min ago" (empty if unknown)."""


def _clip(text: str, width: int, *, ascii_only: bool) -> str:
    flat = " ".join(text.split()) or "(empty)"
    if len(flat) <= width:
        return flat
    ellipsis = "..." if ascii_only else "…"
    return flat[: width - len(ellipsis)] + ellipsis


class ConflictScreen(ModalScreen[dict[str, Side] | None]):
    """Choose yours or theirs for each conflicting field; dismisses with the choices.

    Starts on "yours" for every field: theirs are already in the history, yours
    are not yet stored anywhere. Escape dismisses with ``None`` (nothing saved,
    the form keeps what was typed).
    """

    BINDING_GROUP_TITLE = "Conflict"
    BINDINGS = [
        Binding("y", "keep_all('mine')", "All yours", id="conflict.all-mine"),
        Binding("t", "keep_all('theirs')", "All theirs", id="conflict.all-theirs"),
        Binding("space", "toggle", "Toggle", id="conflict.toggle"),
        Binding("left", "keep('mine')", "Yours", show=False, id="conflict.mine"),
        Binding("right", "keep('theirs')", "Theirs", show=False, id="conflict.theirs"),
        Binding("ctrl+s,enter", "apply", "Save choice", priority=True, id="conflict.apply"),
        Binding("escape", "back", "Back to form", id="conflict.back"),
    ]

    def __init__(
        self,
        rows: Sequence[ConflictRow],
        *,
        title: str = "Changed while you were editing",
        intro: str = "",
        ascii_only: bool = False,
    ) -> None:
        super().__init__(classes="conflict-screen")
        self._rows = list(rows)
        self._title = title
        self._intro = intro
        self._ascii_only = ascii_only
        self.choices: dict[str, Side] = {row.column: Side.MINE for row in self._rows}
        """The side kept for each field, by column."""

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog") as dialog:
            dialog.border_title = self._title
            if self._intro:
                yield Static(self._intro, id="conflict-intro", markup=False)
            yield DataTable(
                id="conflict-table", cursor_type="row", zebra_stripes=False, show_cursor=True
            )
            yield Static("", id="conflict-detail", markup=False)
            separator = " - " if self._ascii_only else " · "
            hint = separator.join(
                ("y/t all yours/theirs", "space/left/right this field", "enter save", "esc back")
            )
            yield Static(hint, id="conflict-hint", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#conflict-table", DataTable)
        table.add_column("Field", key="field")
        table.add_column("Yours", key="mine")
        table.add_column("Theirs", key="theirs")
        table.add_column("Keep", key="keep")
        for row in self._rows:
            table.add_row(*self._cells(row), key=row.column)
        table.focus()
        self._show_detail()

    # --- what the table shows ---------------------------------------------------------

    def _mark(self, chosen: bool) -> str:
        if self._ascii_only:
            return "(*)" if chosen else "( )"
        return "●" if chosen else "○"

    def _cells(self, row: ConflictRow) -> tuple[Text, Text, Text, Text]:
        side = self.choices[row.column]
        ascii_only = self._ascii_only
        mine = (
            f"{self._mark(side is Side.MINE)} {_clip(row.mine, CELL_WIDTH, ascii_only=ascii_only)}"
        )
        who = row.changed_by.split(",")[0].strip()
        width = CELL_WIDTH - (len(who) + 3 if who else 0)
        theirs_text = _clip(row.theirs, max(width, 8), ascii_only=ascii_only)
        theirs = f"{self._mark(side is Side.THEIRS)} {theirs_text}" + (f" ({who})" if who else "")
        keep = "yours" if side is Side.MINE else "theirs"
        return (
            Text(_clip(row.label, 16, ascii_only=ascii_only)),
            Text(mine, style="bold" if side is Side.MINE else ""),
            Text(theirs, style="bold" if side is Side.THEIRS else ""),
            Text(keep, style="bold"),
        )

    def _redraw(self, row: ConflictRow) -> None:
        table = self.query_one("#conflict-table", DataTable)
        for key, cell in zip(("field", "mine", "theirs", "keep"), self._cells(row), strict=True):
            table.update_cell(row.column, key, cell)
        self._show_detail()

    def _current(self) -> ConflictRow | None:
        table = self.query_one("#conflict-table", DataTable)
        if not self._rows or not 0 <= table.cursor_row < len(self._rows):
            return None
        return self._rows[table.cursor_row]

    def _show_detail(self) -> None:
        """The highlighted field's full values, which the table may have clipped."""
        row = self._current()
        detail = self.query_one("#conflict-detail", Static)
        if row is None:
            detail.update("")
            return
        who = f" ({row.changed_by})" if row.changed_by else ""
        keep = "yours" if self.choices[row.column] is Side.MINE else "theirs"
        detail.update(
            f"{row.label}: keeping {keep}\n"
            f"Yours: {row.mine or '(empty)'}\n"
            f"Theirs{who}: {row.theirs or '(empty)'}"
        )

    @on(DataTable.RowHighlighted, "#conflict-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    # --- choosing ---------------------------------------------------------------------

    def _choose(self, row: ConflictRow, side: Side) -> None:
        self.choices[row.column] = side
        self._redraw(row)

    def action_keep(self, side: str) -> None:
        """Keep one side for the highlighted field."""
        row = self._current()
        if row is not None:
            self._choose(row, Side(side))

    def action_toggle(self) -> None:
        """Switch the highlighted field between yours and theirs."""
        row = self._current()
        if row is not None:
            other = Side.THEIRS if self.choices[row.column] is Side.MINE else Side.MINE
            self._choose(row, other)

    def action_keep_all(self, side: str) -> None:
        """Keep one side for every field."""
        for row in self._rows:
            self._choose(row, Side(side))

    def action_apply(self) -> None:
        """Save the choice, once the y/t/space typed just before Enter have made it."""
        after_typed_keys(self, self._apply_now)

    def _apply_now(self) -> None:
        """Dismiss with the side chosen for each field; the form saves it."""
        self.dismiss(dict(self.choices))

    def action_back(self) -> None:
        """Back to the form, nothing saved; what was typed stays in the form."""
        self.dismiss(None)


def who_changed(changes: Mapping[str, FieldChange], *, fallback: str | None) -> dict[str, str]:
    """Each field's "user, 2 min ago" from the log, for the Theirs column.

    A field the log has no entry for (history predating the log) gets ``fallback``,
    the record's last writer, if known.
    """
    now = datetime.now(UTC)
    described = {
        c: f"{change.user}, {how_long_ago(change.at, now)}" for c, change in changes.items()
    }
    return defaultdict(lambda: fallback or "", described)


RECENTLY = timedelta(minutes=10)
"""A change by someone else this recent is mentioned before a delete is confirmed."""


def describe_change(
    change: RecordChange, *, noun: str, labels: Mapping[str, str], now: datetime | None = None
) -> str:
    """What a delete's second question says: "ana changed this account 2 min ago (Strategy).".

    Fields are named by ``labels`` and listed in its order, which is the form's.
    """
    when = how_long_ago(change.at, now or datetime.now(UTC))
    position = {column: index for index, column in enumerate(labels)}
    columns = sorted(change.fields, key=lambda c: (position.get(c, len(position)), c))
    fields = ", ".join(labels.get(column, column) for column in columns)
    return f"{change.user} changed this {noun} {when}" + (f" ({fields})." if fields else ".")


def changed_recently_by_other(change: RecordChange | None, *, user: str) -> bool:
    """Whether someone other than ``user`` saved the record within :data:`RECENTLY`."""
    if change is None or change.user == user:
        return False
    at = change.at if change.at.tzinfo else change.at.replace(tzinfo=UTC)
    return datetime.now(UTC) - at < RECENTLY


@dataclass
class FormConflicted(Message):
    """A form's save met someone's change to the same fields: the user decides, per field."""

    merge: MergeResult
    version: int
    """The version the conflicts were found against: the save after the dialog names it."""
    stored: dict[str, Any]
    """What was stored at ``version``: the base of the next merge."""
    changed_by: dict[str, str]
    """Per conflicting column, who stored theirs and when ("ana, 2 min ago")."""
    who: str


def conflict_found(
    database: Database, entity: str, record_id: int, merge: MergeResult, stale: StaleRecordError
) -> FormConflicted:
    """The form's question for ``merge``'s conflicts, with who changed each field.

    Reads the change log, so call it in the save's worker, not on the UI thread.
    """
    columns = [conflict.column for conflict in merge.conflicts]
    with database.session() as session:
        changes = last_field_changes(entity, record_id, columns, session=session)
    changed_by = who_changed(changes, fallback=stale.changed_by)
    return FormConflicted(
        merge,
        stale.current_version,
        stale.current,
        {column: changed_by[column] for column in columns},
        stale.changed_by or "Someone else",
    )


def ask_field_by_field(
    screen: Screen[Any],
    message: FormConflicted,
    *,
    noun: str,
    describe: Callable[[str, Any], str],
    say: Callable[[str, bool], None],
    save: Callable[[dict[str, Any]], None],
    ascii_only: bool,
) -> None:
    """Show yours and theirs side by side; ``save`` what the user keeps.

    ``describe(column, value)`` formats a value as the form shows it; ``say(text,
    error)`` writes the form's message line. Escape in the dialog leaves the form as
    typed with nothing saved; the next save finds the conflict again and asks again.
    """
    merge = message.merge
    rows = [
        ConflictRow(
            conflict.column,
            conflict.label,
            describe(conflict.column, conflict.mine),
            describe(conflict.column, conflict.theirs),
            message.changed_by.get(conflict.column, ""),
        )
        for conflict in merge.conflicts
    ]
    fields = "this field" if len(rows) == 1 else f"these {len(rows)} fields"
    say(f"Not saved yet: {message.who} changed {fields} while you were editing.", False)

    def chosen(choices: dict[str, Side] | None) -> None:
        if choices is None:
            say(
                f"Not saved: {message.who} changed the same fields. Your values are "
                "still here: ctrl+s to choose again, escape to discard them.",
                True,
            )
            return
        save(merge.resolved(choices))

    screen.app.push_screen(
        ConflictScreen(
            rows,
            title="Changed while you were editing",
            intro=f"{message.who} saved {fields} of this {noun} after you opened it. "
            "Choose the value to keep; theirs stay in the history either way.",
            ascii_only=ascii_only,
        ),
        chosen,
    )
