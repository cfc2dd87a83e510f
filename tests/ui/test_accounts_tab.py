"""The Accounts tab as a user drives it: ranking, filter as you type, quick filters, sort."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal

import pytest
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Input
from typer.testing import CliRunner

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.cli import app as cli_app
from acctmap_tui.data.account_store import create_account
from acctmap_tui.data.db import Database
from acctmap_tui.data.models import Account
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_map_view import AccountMapView
from acctmap_tui.widgets.account_table import AccountTable
from tests.ui.helpers import screen_text, settle

SIZES = [(80, 24), (160, 48)]


def _shown_names(app: AcctmapApp) -> list[str]:
    return [row.name for row in app.query_one(AccountTable).rows]


def _summary(app: AcctmapApp) -> str:
    return str(app.query_one("#account-summary").render())


@pytest.mark.parametrize("size", SIZES)
async def test_the_table_shows_the_cli_ranking(
    app: AcctmapApp, database: Database, size: tuple[int, int]
) -> None:
    result = CliRunner().invoke(cli_app, ["accounts", "--db", database.url, "--format", "json"])
    cli_names = [record["name"] for record in json.loads(result.stdout)]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert _shown_names(app) == cli_names
        text = screen_text(app)
        assert cli_names[0] in text
        assert "6/6 shown" in text
        # Expected value of the top account, formatted with separators and currency.
        top = app.query_one(AccountTable).rows[0]
        assert f"${top.expected_value:,.0f}" in text


@pytest.mark.parametrize(("size", "visible"), [((80, 24), False), ((200, 50), True)])
async def test_more_columns_show_on_a_wide_terminal(
    app: AcctmapApp, size: tuple[int, int], visible: bool
) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert ("Key contacts" in screen_text(app)) is visible


@pytest.mark.parametrize("size", SIZES)
async def test_typing_a_filter_narrows_the_table_as_you_type(
    app: AcctmapApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("slash", "c")
        assert app.query_one("#account-filter", Input).value == "c"
        narrowed_once = _shown_names(app)
        await pilot.press("o", "b")
        assert _shown_names(app) == ["Cobalt Mining"]
        assert len(narrowed_once) > 1
        await pilot.pause()
        text = screen_text(app)
        assert "Cobalt Mining" in text and "Acme Logistics" not in text
        assert "1/6 shown" in text
        await pilot.press("enter")  # back to the table, filter kept
        assert isinstance(app.focused, AccountTable)
        await pilot.press("escape")  # on the table: clear every filter
        assert len(_shown_names(app)) == 6
        assert app.query_one("#account-filter", Input).value == ""


async def test_keys_typed_fast_after_slash_all_reach_the_filter(app: AcctmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # No pause between keys: the keys a filter letter shares with bindings
        # (c columns, s sort, m mine) must not trigger them.
        await pilot.press("slash", "c", "o", "s", "m")
        assert app.query_one("#account-filter", Input).value == "cosm"
        assert app.screen is app.main_screen


async def test_the_filter_matches_owner_stage_and_industry(app: AcctmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for text, expected in [
            ("mia chen", ["Cobalt Mining"]),  # owner
            ("negot", ["Cobalt Mining"]),  # stage label
            ("logist", ["Acme Logistics"]),  # industry
        ]:
            app.query_one("#account-filter", Input).value = text
            await pilot.pause()
            assert _shown_names(app) == expected, text


@pytest.mark.parametrize("size", SIZES)
async def test_quick_filters_combine_and_show_as_chips(
    app: AcctmapApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("m")  # mine: owner is susan
        assert sorted(_shown_names(app)) == ["Acme Logistics", "Delta Retail"]
        assert "[Mine]" in screen_text(app)
        await pilot.press("t")  # and Tier 1
        view = app.query_one(AccountMapView)
        tier1 = {row.name for row in view.rows if row.tier == 1}
        assert set(_shown_names(app)) == tier1 & {"Acme Logistics", "Delta Retail"}
        assert "[Tier 1]" in screen_text(app)
        await pilot.press("m", "t", "t", "t")  # mine off; tier 1 → 2 → 3 → off
        assert len(_shown_names(app)) == 6
        await pilot.press("f")  # the full quick-filter menu
        await pilot.pause()
        text = screen_text(app)
        assert "Quick filters" in text and "Stage: Negotiation" in text
        # Tick "Stage: Negotiation" and apply.
        options = [option.prompt for option in app.screen.query_one("#tick-list")._options]
        index = [str(prompt) for prompt in options].index("Stage: Negotiation")
        await pilot.press(*(["down"] * index), "space", "enter")
        await pilot.pause()
        assert _shown_names(app) == ["Cobalt Mining"]
        assert "[Negotiation]" in screen_text(app)


async def test_sort_by_any_column_both_ways(app: AcctmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert "Sort by" in screen_text(app)
        options = [str(o.prompt) for o in app.screen.query_one("#choice-list")._options]
        index = options.index("Expected")
        await pilot.press(*(["down"] * index), "enter")
        await pilot.pause()
        values = [r.expected_value for r in app.query_one(AccountTable).rows]
        assert values == sorted(values)
        assert "Expected ▲" in screen_text(app)
        await pilot.press("r")
        values = [r.expected_value for r in app.query_one(AccountTable).rows]
        assert values == sorted(values, reverse=True)
        assert "Expected ▼" in screen_text(app)
        app.query_one(AccountMapView).sort_by("revenue_potential")
        revenues = [r.revenue_potential for r in app.query_one(AccountTable).rows]
        assert revenues[-1] is None  # empty values last, whatever the direction
        app.query_one(AccountMapView).sort_by("revenue_potential")
        revenues = [r.revenue_potential for r in app.query_one(AccountTable).rows]
        present = [r for r in revenues if r is not None]
        assert present == sorted(present, reverse=True) and revenues[-1] is None


async def test_clicking_a_header_sorts_by_it(app: AcctmapApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(AccountTable)
        await pilot.click(AccountTable, offset=(8, 0))  # the Account column's header
        assert _shown_names(app) == sorted(_shown_names(app), key=str.casefold)
        await pilot.click(AccountTable, offset=(8, 0))  # again: descending
        assert _shown_names(app) == sorted(_shown_names(app), key=str.casefold, reverse=True)
        assert table.rows


async def test_refresh_keeps_filter_sort_and_cursor(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.query_one(AccountMapView)
        view.sort_by("name")
        app.query_one("#account-filter", Input).value = "o"
        await pilot.pause()
        table = app.query_one(AccountTable)
        cobalt = account_ids["Cobalt Mining"]
        view.select_account(cobalt)
        assert table.cursor_account_id == cobalt
        # Another process changes the data; the view reloads.
        with database.session() as session:
            account = session.get(Account, account_ids["Borealis Health"])
            assert account is not None
            account.revenue_potential = Decimal("900000")
            session.commit()
        view.reload()
        await settle(pilot)
        assert table.cursor_account_id == cobalt
        assert view.sort == ("name", False)
        assert app.query_one("#account-filter", Input).value == "o"
        assert "Borealis Health" in _shown_names(app)
        assert _shown_names(app) == sorted(_shown_names(app), key=str.casefold)


async def test_cursor_moves_and_selection_follows(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.query_one(AccountTable)
        first, second = table.rows[0].id, table.rows[1].id
        assert table.cursor_account_id == first
        await pilot.press("down")
        await settle(pilot)
        assert table.cursor_account_id == second
        assert app.main_screen.selected_account_id == second
        await pilot.press("end")
        assert table.cursor_account_id == table.rows[-1].id
        await pilot.press("home")
        assert table.cursor_account_id == first


async def test_delete_asks_then_undo_restores(
    app: AcctmapApp, database: Database, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.query_one(AccountMapView)
        view.select_account(account_ids["Borealis Health"])
        await pilot.press("d")
        await pilot.pause()
        assert "Delete Borealis Health" in screen_text(app)
        await pilot.press("n")  # no: nothing changes
        await settle(pilot)
        assert "Borealis Health" in _shown_names(app)
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert "Borealis Health" not in _shown_names(app)
        with database.session() as session:
            stored = session.get(Account, account_ids["Borealis Health"])
            assert stored is not None and stored.deleted_at is not None  # recoverable
        await pilot.press("u")
        await settle(pilot)
        assert "Borealis Health" in _shown_names(app)
        assert app.query_one(AccountTable).cursor_account_id == account_ids["Borealis Health"]
        with database.session() as session:
            stored = session.get(Account, account_ids["Borealis Health"])
            assert stored is not None and stored.deleted_at is None


async def test_new_account_from_the_table_is_stored_and_selected(
    app: AcctmapApp, database: Database
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Hooli", "tab", "tab", "tab", "tab", *"1.2M", "enter", *"70%")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.query_one(AccountTable)
        hooli = next(row for row in table.rows if row.name == "Hooli")
        assert table.cursor_account_id == hooli.id
        assert hooli.revenue_potential == Decimal("1200000.00")
        assert hooli.win_probability == 0.7
        assert "7/7 shown" in screen_text(app)
        await pilot.press("enter")  # Enter edits the highlighted account
        await settle(pilot)
        assert "Hooli" in screen_text(app) and "Edit" in screen_text(app)


async def test_the_cursor_is_marked_without_colour(
    database: Database, account_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from acctmap_tui.app import make_app
    from acctmap_tui.settings import Settings

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await pilot.pause()
        second = app.query_one(AccountTable).rows[1].name
        marked = [line for line in screen_text(app).splitlines() if line.startswith(">")]
        assert len(marked) == 1 and second[:20] in marked[0]


async def test_health_column_and_has_findings_filter(database: Database) -> None:
    from datetime import date

    from acctmap_tui.app import make_app
    from acctmap_tui.demo import generate_demo
    from acctmap_tui.settings import Settings

    generate_demo(database, accounts=25, seed=7, today=date.today())
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        rows = app.query_one(AccountMapView).rows
        assert all(row.health_percent is not None for row in rows)
        with_findings = {row.name for row in rows if row.health_findings}
        assert 0 < len(with_findings) < len(rows)  # the full plans have none
        text = screen_text(app)
        assert "Health" in text and "100% ok" in text
        await pilot.press("h")
        assert set(_shown_names(app)) == with_findings
        assert "[Has findings]" in screen_text(app)


@asynccontextmanager
async def _with_fillers(
    database: Database, settings: Settings
) -> AsyncIterator[tuple[AcctmapApp, Pilot[object], AccountTable]]:
    """The app at 80x24 on the fixture accounts and 40 more ("Filler 00"…), so pages scroll."""
    with database.session() as session:
        for number in range(40):
            create_account({"name": f"Filler {number:02}"}, session=session, user="tester")
        session.commit()
    app = make_app(database, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield app, pilot, app.query_one(AccountTable)


async def test_the_scrollbar_follows_the_filtered_row_count(
    database: Database, account_ids: dict[str, int], settings: Settings
) -> None:
    """The table's row count changes without a screen layout; its scrollbar must still follow."""
    async with _with_fillers(database, settings) as (app, pilot, table):
        assert table.show_vertical_scrollbar
        assert table.vertical_scrollbar.window_virtual_size == 46 + 1  # rows and header
        await pilot.press("slash", *"cob")
        await pilot.pause()
        assert _shown_names(app) == ["Cobalt Mining"]
        assert not table.show_vertical_scrollbar
        await pilot.press("backspace", "backspace", "backspace", *"filler")
        await pilot.pause()
        assert len(_shown_names(app)) == 40
        assert table.show_vertical_scrollbar
        assert table.vertical_scrollbar.window_virtual_size == 40 + 1
        await pilot.press("enter", "end")
        await pilot.pause()
        assert table.scroll_y == table.max_scroll_y > 0
        assert "Filler 39" in screen_text(app)


async def test_the_next_page_is_drawn_ahead_and_shown_right_on_page_down(
    database: Database, account_ids: dict[str, int], settings: Settings
) -> None:
    """Page down uses lines drawn while the user read the page; they must be the rows'."""
    async with _with_fillers(database, settings) as (app, pilot, table):
        body = table.scrollable_content_region.height - 1
        width = table.scrollable_content_region.width
        next_page = table.rows[body : 2 * body]

        def drawn_ahead() -> dict[int, Strip]:
            return {key[0]: strip for key, strip in table._line_cache.items()}

        for _ in range(100):  # drawn once the app is idle after showing the page
            if {row.id for row in next_page} <= set(drawn_ahead()):
                break
            await pilot.pause(0.05)
        else:
            raise AssertionError("the next page was never drawn ahead")
        for row in next_page:
            fresh = table._row_strip(row, False, 0, width)
            assert drawn_ahead()[row.id].text == fresh.text

        await pilot.press("pagedown", "pagedown")  # the first only moves the cursor down
        await pilot.pause()
        top = round(table.scroll_y)
        assert top > 0
        text = screen_text(app)
        shown = [row for row in table.rows[top : top + body - 1]]
        for row in shown:
            assert row.name[:20] in text
        assert table.rows[0].name[:20] not in text
