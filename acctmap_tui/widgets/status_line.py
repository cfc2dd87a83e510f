"""A one-line text that repaints without asking for a layout pass."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class StatusLine(Widget):
    """One line of plain text (never markup) whose updates only repaint it.

    ``Static.update`` asks for a layout of the whole screen, which costs more than the
    rest of a keystroke in the account map; this line keeps its size, so it need not.
    """

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
    }
    """

    text: reactive[str] = reactive("", layout=False)
    """What the line says."""

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")
