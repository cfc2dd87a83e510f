"""The help screen: every key that works where the user was, built from the bindings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from acctmap_tui.domain.scoring import RANKING_EXPLANATION


@dataclass(frozen=True)
class KeyHelp:
    """One line of help: the keys and what they do."""

    keys: str
    description: str


@dataclass(frozen=True)
class KeySection:
    """The keys one part of the app adds (the app, the screen, the focused widget)."""

    title: str
    keys: tuple[KeyHelp, ...]


def key_sections(
    bindings: Iterable[ActiveBinding], key_display: Callable[[Binding], str]
) -> list[KeySection]:
    """Group active bindings by the node that defines them, widest scope first.

    The app's keys come first because they work everywhere; the focused widget's
    keys, which only work there, come last.

    Keys bound to the same action are shown together ("escape ? q"); bindings
    without a description (Textual's internal ones) are left out.
    """
    by_node: dict[object, dict[str, tuple[list[str], str]]] = {}
    for node, binding, _enabled, _tooltip in bindings:
        if binding.system or not binding.description:
            continue
        actions = by_node.setdefault(node, {})
        keys, _description = actions.setdefault(binding.action, ([], binding.description))
        shown = key_display(binding)
        if shown not in keys:
            keys.append(shown)
    # Widest scope first: the app (no ancestors), then the screen, then inward.
    nodes = sorted(by_node, key=lambda node: len(getattr(node, "ancestors", ())))
    return [
        KeySection(
            title=getattr(node, "BINDING_GROUP_TITLE", None) or type(node).__name__,
            keys=tuple(
                KeyHelp(" ".join(keys), description) for keys, description in by_node[node].values()
            ),
        )
        for node in nodes
    ]


def keys_table(sections: list[KeySection]) -> Table:
    """A two-column table: keys on the left, descriptions on the right, per section."""
    table = Table(box=None, show_header=False, show_edge=False, padding=(0, 1), expand=True)
    table.add_column("Keys", justify="right", style="bold", no_wrap=True)
    table.add_column("Action", ratio=1)
    for index, section in enumerate(sections):
        if index:
            table.add_row()
        table.add_row("", Text(section.title, style="bold underline"))
        for key in section.keys:
            table.add_row(Text(key.keys), Text(key.description))
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys; escape, ? or q close it."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close help", id="close-help")]

    def __init__(self, sections: list[KeySection]) -> None:
        super().__init__(id="help-screen")
        self._sections = sections

    @property
    def sections(self) -> list[KeySection]:
        """What the help lists, section by section."""
        return self._sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog"):
            yield Static("Keys", id="help-title")
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table(self._sections), id="help-table")
                yield Static(RANKING_EXPLANATION, id="help-ranking", markup=False)
            yield Static(
                "↑ ↓ scroll · escape, ? or q close",
                id="help-hint",
                markup=False,
            )
