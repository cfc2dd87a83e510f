"""Live refresh: another user's save shows up with no key pressed, and nothing is lost.

The other user is another connection to the same file (or, in one test, another
process). The app notices with its own timer, as it would in a review meeting.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent, TextArea

from acctmap_tui.app import AcctmapApp
from acctmap_tui.data.account_store import update_account
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Account
from acctmap_tui.data.people_store import create_contact
from acctmap_tui.domain.plan_fields import PLAN_FIELDS_BY_KEY
from acctmap_tui.widgets.account_map_view import AccountMapView
from acctmap_tui.widgets.account_table import AccountTable
from acctmap_tui.widgets.people_view import PeopleTable, PeopleView
from acctmap_tui.widgets.plan_view import PlanView
from tests.ui.helpers import SIZE, screen_text, settle

WAIT_S = 15.0
"""A generous ceiling for the poll timer on a loaded machine: not a speed check."""


async def wait_until(pilot: Pilot[object], what: str, condition: Callable[[], bool]) -> None:
    """Let the app run (its timers included) until ``condition`` holds."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the app never showed {what}")


def _as_raj(db_path: Path, write: Callable[[Database], None]) -> None:
    """Commit a change through a second connection, as a colleague's app would."""
    other = open_database(db_path)
    try:
        write(other)
    finally:
        other.close()


def _update(db_path: Path, account_id: int, values: dict[str, object]) -> None:
    def write(other: Database) -> None:
        with other.session() as session:
            account = session.get(Account, account_id)
            assert account is not None
            update_account(
                account_id, values, expected_version=account.version, session=session, user="raj"
            )
            session.commit()

    _as_raj(db_path, write)


async def _ready(app: AcctmapApp, pilot: Pilot[object]) -> None:
    await settle(pilot)
    await wait_until(pilot, "the watcher started", lambda: app.live_refresh.watching)


def _update_in_another_process(db_path: Path, account_id: int, values: str) -> None:
    """A colleague's app: a second process saving the account through the store.

    ``values`` is the Python text of the values to save, e.g. ``{"name": "X"}``.
    """
    script = textwrap.dedent(
        f"""
        from decimal import Decimal
        from acctmap_tui.data.account_store import update_account
        from acctmap_tui.data.db import open_database
        from acctmap_tui.data.models import Account
        database = open_database({str(db_path)!r})
        with database.session() as session:
            version = session.get(Account, {account_id}).version
            update_account({account_id}, {values},
                           expected_version=version, session=session, user="raj")
            session.commit()
        database.close()
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


async def test_a_save_in_another_process_shows_keeping_cursor_filter_and_sort(
    app: AcctmapApp, db_path: Path, account_ids: dict[str, int]
) -> None:
    """Two real processes on one file, as two people in an account review."""
    cobalt = account_ids["Cobalt Mining"]
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        await pilot.press("slash", "i", "n", "enter")  # Cobalt Mining, Fjord [Nordic] Energy…
        await settle(pilot)
        table = app.query_one(AccountTable)
        app.main_screen.show_account(cobalt)
        await settle(pilot)
        assert table.cursor_account_id == cobalt
        view = app.query_one(AccountMapView)
        sort_before = view.sort
        shown_before = {row.id for row in view.shown_rows}
        assert len(shown_before) < len(view.rows)  # the filter hides some

        _update_in_another_process(
            db_path,
            cobalt,
            '{"name": "Cobalt Mining Group", "revenue_potential": Decimal("900000.00")}',
        )
        await wait_until(pilot, "the new name", lambda: "Cobalt Mining Group" in screen_text(app))

        assert table.cursor_account_id == cobalt
        assert app.query_one("#account-filter", Input).value == "in"
        assert view.sort == sort_before
        # The filter still applies to the re-read rows.
        assert {row.id for row in view.shown_rows} == shown_before
        cobalt_row = next(row for row in view.rows if row.id == cobalt)
        assert cobalt_row.revenue_potential == Decimal("900000.00")


async def test_a_colleagues_change_never_overwrites_unsaved_plan_edits(
    app: AcctmapApp, db_path: Path, database: Database, account_ids: dict[str, int]
) -> None:
    acme = account_ids["Acme Logistics"]
    website = PLAN_FIELDS_BY_KEY["account.website"]
    customers = PLAN_FIELDS_BY_KEY["account.customers"]
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        app.main_screen.show_account(acme)
        await pilot.press("2")
        await settle(pilot)
        view = app.query_one(PlanView)

        # Not edited here: the colleague's value simply shows.
        _update(db_path, acme, {"website": "acme.example"})
        await wait_until(
            pilot,
            "the colleague's website",
            lambda: app.query_one(f"#{website.widget_id}", Input).value == "acme.example",
        )
        assert not view.is_dirty

        # Edited here and not saved: the edit stays, and saving merges both.
        field = app.query_one(f"#{customers.widget_id}", TextArea)
        field.focus()
        await pilot.press(*"Walmart")
        assert view.is_dirty
        _update(db_path, acme, {"industry": "Freight"})
        await wait_until(
            pilot,
            "the note about unsaved edits",
            lambda: "unsaved edits are kept" in " ".join(screen_text(app).split()),
        )
        assert field.text == "Walmart"
        assert view.is_dirty
        await pilot.press("ctrl+s")
        await settle(pilot)

    with database.session() as session:
        account = session.get(Account, acme)
        assert account is not None
        assert (account.customers, account.industry, account.website) == (
            "Walmart",
            "Freight",
            "acme.example",
        )


async def test_a_colleagues_new_contact_shows_and_the_highlight_stays(
    app: AcctmapApp, db_path: Path, account_ids: dict[str, int]
) -> None:
    acme = account_ids["Acme Logistics"]
    async with app.run_test(size=SIZE) as pilot:
        await _ready(app, pilot)
        app.main_screen.show_account(acme)
        await pilot.press("3")
        await settle(pilot)
        assert app.query_one("#tabs", TabbedContent).active == "people"
        people = app.query_one(PeopleTable)
        people.focus()
        await pilot.press("down")
        highlighted = people.cursor_record_id
        assert highlighted is not None

        def write(other: Database) -> None:
            with other.session() as session:
                create_contact(acme, {"name": "Aaron Abbott"}, session=session, user="raj")
                session.commit()

        _as_raj(db_path, write)
        await wait_until(pilot, "the new contact", lambda: "Aaron Abbott" in screen_text(app))
        assert people.cursor_record_id == highlighted
        assert app.query_one(PeopleView).account_id == acme
