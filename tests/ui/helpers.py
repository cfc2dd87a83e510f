"""Helpers for Pilot tests: wait for the database workers, read the screen as text."""

from __future__ import annotations

import io

from rich.console import Console
from textual import events
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


_CHARACTERS = {"space": " ", "enter": "\r", "tab": "\t", "escape": "\x1b"}


async def burst(pilot: Pilot[object], *keys: str) -> None:
    """Send keys the way one SSH packet delivers them: all queued before any is handled.

    ``Pilot.press`` waits for each key to be handled before sending the next, which
    hides bugs where a priority binding overtakes the keys typed just before it.
    """
    for key in keys:
        if len(key) == 1:
            character: str | None = key
        else:
            character = _CHARACTERS.get(key)
        pilot.app.post_message(events.Key(key, character))
    await settle(pilot)
