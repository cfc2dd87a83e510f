"""The Qualification sub-tab of the Plan tab: the eight MEDDPICC letters, three of them editable.

Derived letters show what the plan already answers and where it comes from;
decision criteria, decision process and paper process are text areas. The
widget only holds text: the Plan tab reads :meth:`QualificationView.changed`,
saves it with the rest of the plan, and calls :meth:`QualificationView.load`
again afterwards, so one ctrl+s and one unsaved-changes prompt cover it all.
A missing letter says "✗ missing" in words, so it reads the same under NO_COLOR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Static, TextArea

from acctmap_tui.domain.qualification import (
    EDITABLE_COLUMNS,
    EDITABLE_FIELDS,
    QualificationFacts,
    QualificationLetter,
    assess_qualification,
    filled_count,
    letter_mark,
)
from acctmap_tui.widgets.text_inputs import TextBox

LAYOUT: tuple[QualificationLetter, ...] = assess_qualification(QualificationFacts())
"""The eight rows as composed (their values are filled in later)."""

_LABELS = {form.key: form.label for form in EDITABLE_FIELDS}


def input_id(column: str) -> str:
    """The stable id of an editable letter's text area: ``plan-account-decision-criteria``."""
    return f"plan-account-{column.replace('_', '-')}"


def value_text(letter: QualificationLetter) -> str:
    """A derived letter's answer and its source; where to fill it in when it is missing."""
    if letter.filled:
        return f"{letter.value}  (from {letter.source})"
    return f"Nothing yet: fill in {letter.source}."


class QualificationView(Vertical):
    """MEDDPICC as eight rows; holds the three editable texts and what was loaded."""

    BINDING_GROUP_TITLE = "Qualification"

    def __init__(self, *, ascii_only: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ascii_only = ascii_only
        self._initial: dict[str, str] = dict.fromkeys(EDITABLE_COLUMNS, "")
        self._areas: dict[str, TextArea] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="qualification-score", classes="plan-section", markup=False)
        for index, letter in enumerate(LAYOUT):
            with Horizontal(id=f"qualification-{index}", classes="qualification-row form-row"):
                yield Static("", id=f"qualification-mark-{index}", classes="qualification-mark")
                yield Label(
                    f"{letter.letter}  {letter.name}",
                    classes="qualification-name form-label",
                    markup=False,
                )
                if letter.column is not None:
                    yield TextBox(
                        id=input_id(letter.column),
                        classes="form-input form-long qualification-input",
                        compact=True,
                        soft_wrap=True,
                        placeholder=f"({_LABELS[letter.column].lower()}: several lines allowed)",
                    )
                else:
                    yield Static(
                        "",
                        id=f"qualification-value-{index}",
                        classes="qualification-value",
                        markup=False,
                    )

    def on_mount(self) -> None:
        self._areas = {
            column: self.query_one(f"#{input_id(column)}", TextArea) for column in EDITABLE_COLUMNS
        }

    # --- the editable texts ---------------------------------------------------------------

    def load(self, texts: Mapping[str, str]) -> None:
        """Show the stored texts (by column) and take them as the unsaved-changes baseline."""
        self._initial = {column: texts.get(column, "") for column in EDITABLE_COLUMNS}
        self.reset()

    def reset(self) -> None:
        """Back to the texts as loaded (discard)."""
        for column, area in self._areas.items():
            if area.text != self._initial[column]:
                area.load_text(self._initial[column])

    def initial(self, column: str) -> str:
        """The text as loaded (the baseline an edit is measured against)."""
        return self._initial[column]

    def accept(self, column: str, text: str) -> None:
        """Show ``text`` as stored: someone else's value, chosen over an edit."""
        self._initial[column] = text
        if self._areas[column].text != text:
            self._areas[column].load_text(text)

    def texts(self) -> dict[str, str]:
        """What the three text areas hold now, by column."""
        return {column: area.text for column, area in self._areas.items()}

    def changed(self) -> dict[str, str]:
        """The texts that differ from what was loaded, by column."""
        return {c: t for c, t in self.texts().items() if t != self._initial[c]}

    @property
    def is_dirty(self) -> bool:
        return bool(self.changed())

    # --- the letters ------------------------------------------------------------------------

    def show_letters(self, letters: Sequence[QualificationLetter]) -> None:
        """Mark every letter filled or missing and show the derived answers."""
        count = filled_count(letters)
        missing = [letter.name for letter in letters if not letter.filled]
        summary = f"MEDDPICC: {count} of {len(letters)} answered"
        if missing:
            summary += f" · missing: {', '.join(missing)}"
        self.query_one("#qualification-score", Static).update(summary)
        for index, letter in enumerate(letters):
            mark = self.query_one(f"#qualification-mark-{index}", Static)
            mark.update(letter_mark(letter.filled, ascii_only=self._ascii_only))
            self.query_one(f"#qualification-{index}").set_class(not letter.filled, "-missing")
            if letter.column is None:
                self.query_one(f"#qualification-value-{index}", Static).update(value_text(letter))
