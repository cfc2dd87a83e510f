"""Snapshots of each tab and the help at 80x24, on the fixture account map.

A snapshot checks layout; the behaviour is asserted in test_app.py. Regenerate
after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from acctmap_tui.app import AcctmapApp
from tests.ui.helpers import SIZE, settle


def after(*keys: str) -> Callable[[Pilot[object]], Awaitable[None]]:
    """Wait for the database, press ``keys``, and wait again."""

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_accounts_tab(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after())


def test_people_tab(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("3"))


def test_pipeline_tab(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("4"))


def test_help_screen(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("question_mark"))


def test_empty_database(snap_compare, empty_app: AcctmapApp) -> None:
    assert snap_compare(empty_app, terminal_size=SIZE, run_before=after())


def test_accounts_filtered(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("slash", "o", "enter", "m"))


def test_quick_filters_dialog(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("f"))


def test_sort_dialog(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("s"))


def test_new_account_form(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("n"))


def test_delete_confirmation(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("d"))


def test_actions_dialog(snap_compare, app: AcctmapApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=after("a"))
