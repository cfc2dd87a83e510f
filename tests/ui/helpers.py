"""Helpers for Pilot tests: wait for the database workers, read the screen as text."""

from __future__ import annotations

import io

from rich.console import Console
from textual.app import App
from textual.pilot import Pilot

SIZE = (80, 24)
"""The terminal the design brief assumes; every UI test runs at it unless it says why."""


async def settle(pilot: Pilot[object], rounds: int = 4) -> None:
    """Let database workers finish and the messages they post be handled.

    One worker's result can start another (the account list's first highlight
    loads the visible tab), so wait a few rounds.
    """
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def screen_text(app: App[object]) -> str:
    """What the terminal shows, as plain text (the same render as a screenshot).

    Textual offers the render only as SVG, so this reuses its compositor the way
    ``App.export_screenshot`` does and records plain text instead.
    """
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
    )
    render = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    console.print(render)
    return console.export_text()
