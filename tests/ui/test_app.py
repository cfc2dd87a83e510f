"""The app shell, driven with Pilot at 80x24 on a real SQLite file."""

from __future__ import annotations

from datetime import date

import pytest
from textual.command import CommandPalette
from textual.message import Message
from textual.widgets import TabbedContent

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data.db import Database
from acctmap_tui.data.map_queries import load_account_map_rows
from acctmap_tui.demo import generate_demo
from acctmap_tui.domain.account_map import rank_rows
from acctmap_tui.domain.forecast import summarise
from acctmap_tui.domain.values import format_money
from acctmap_tui.messages import AccountSelected
from acctmap_tui.screens.help import HelpScreen
from acctmap_tui.screens.main import MainScreen
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_table import AccountTable
from acctmap_tui.widgets.people_view import PeopleTable
from tests.ui.helpers import SIZE, screen_text, settle

LIVE_ACCOUNTS = [
    "Acme Logistics",
    "Borealis Health",
    "Cobalt Mining",
    "Delta Retail",
    "Evergreen Foods",
    "Fjord [Nordic] Energy",
]


async def test_starts_at_80x24_and_lists_the_accounts_in_the_database(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one("#account-table", AccountTable)
        assert sorted(row.name for row in table.rows) == LIVE_ACCOUNTS
        text = screen_text(app)
        for name in LIVE_ACCOUNTS:  # brackets shown as typed, not read as markup
            assert name in text
        assert "Ghost Corp" not in text  # soft-deleted
        assert "Early discussions" in text  # the stage's label, not its stored value
        assert "Susan Park" in text
        assert app.focused is table


async def test_header_shows_the_database_name_and_the_user(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.title == "acctmap"
        assert app.sub_title == "acctmap.db · susan"
        assert "acctmap — acctmap.db · susan" in screen_text(app).splitlines()[0]


async def test_number_keys_switch_tabs(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tabs = app.query_one("#tabs", TabbedContent)
        assert tabs.active == "accounts"
        for key, tab in [("2", "plan"), ("3", "people"), ("4", "pipeline"), ("1", "accounts")]:
            await pilot.press(key)
            await settle(pilot)
            assert tabs.active == tab


async def test_the_plan_tab_shows_the_highlighted_account(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    selected: list[int | None] = []

    def record(message: Message) -> None:
        if isinstance(message, AccountSelected):
            selected.append(message.account_id)

    async with app.run_test(size=SIZE, message_hook=record) as pilot:
        await settle(pilot)
        assert selected[-1] == app.query_one(AccountTable).rows[0].id  # the top-ranked
        app.main_screen.show_account(account_ids["Acme Logistics"])
        await settle(pilot)
        assert selected[-1] == account_ids["Acme Logistics"]
        await pilot.press("2")
        await settle(pilot)
        assert app.query_one("#tabs", TabbedContent).active == "plan"
        text = screen_text(app)
        for expected in [
            "Acme Logistics",
            "Existing customer (upsell)",
            "5,400",
            "Chicago",
            "Logistics",
            "complete",
        ]:
            assert expected in text, expected
        await pilot.press("right_square_bracket")  # the Problem section
        await settle(pilot)
        assert "Manual route planning wastes 12% of fleet hours" in screen_text(app)


async def test_people_tab_lists_the_selected_accounts_contacts(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(account_ids["Acme Logistics"])
        await pilot.press("3")
        await settle(pilot, rounds=8)  # the influence ranks follow the contacts
        table = app.query_one("#people-table", PeopleTable)
        rows = [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]
        dana = ["Dana Whitfield", "CFO", "Economic buyer", "Neutral", "—", "no", "#1"]
        luis = ["Luis Ortega", "VP Operations", "Champion", "Strong supporter", "Dana Whitfield"]
        priya = ["Priya Nair", "IT Director", "Technical buyer", "Detractor", "Luis Ortega"]
        assert rows == [dana, [*luis, "yes", "#2"], [*priya, "yes", "#3"]]
        text = screen_text(app)
        for expected in ["Name", "Buying role", "Sentiment", "Reports to", "Met", "Champion"]:
            assert expected in text, expected
        assert app.focused is table


async def test_moving_the_selection_updates_the_other_tabs(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(AccountTable)
        await pilot.press("down")
        await settle(pilot)
        assert app.main_screen.selected_account_id == table.rows[1].id
        app.main_screen.show_account(account_ids["Borealis Health"])  # no details, no contacts
        await settle(pilot)
        assert app.main_screen.selected_account_id == account_ids["Borealis Health"]
        await pilot.press("2")
        await settle(pilot)
        text = screen_text(app)
        assert "Borealis Health" in text
        assert "New prospect (warm intro)" in text
        await pilot.press("3")
        await settle(pilot)
        assert app.query_one(PeopleTable).row_count == 0
        assert "No contacts on this account yet." in screen_text(app)


async def test_pipeline_shows_weighted_totals_by_stage_and_won_and_lost(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        lines = screen_text(app).splitlines()

        def row(label: str) -> list[str]:
            line = next(line for line in lines if line.strip().startswith(label))  # the table
            return line.split()[-3:]

        assert row("Prospecting") == ["1", "$80,000", "$8,000"]
        assert row("Early discussions") == ["1", "$60,000", "$15,000"]
        assert row("Proposal") == ["1", "$120,000", "$72,000"]
        assert row("Negotiation") == ["1", "$250,000", "$187,500"]  # deleted Ghost excluded
        assert row("Total") == ["4", "$510,000", "$282,500"]
        assert "Won: 1 account, $95,000   Lost: 1 account, $40,000" in "\n".join(lines)
        assert any("Open pipeline by stage (USD)" in line for line in lines)
        assert any(line.strip().startswith("all 6 accounts") for line in lines)


async def test_question_mark_opens_help_listing_the_keys_and_escape_closes_it(
    app: AcctmapApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for expected in ["Everywhere", "Quit", "Help", "Commands", "Accounts", "Pipeline"]:
            assert expected in text, expected
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        for close_key in ["question_mark", "q"]:  # q closes help rather than quitting
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press(close_key)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert app.is_running


async def test_help_is_generated_from_every_binding(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = {key.description for section in help_screen.sections for key in section.keys}
        assert [section.title for section in help_screen.sections] == [
            "Everywhere",
            "Main screen",
            "Accounts",
            "Account table",
        ]
        descriptions = [
            binding.description
            for _key, binding in [
                *app.main_screen._bindings,
                *app._bindings,
                *app.query_one(AccountTable)._bindings,
                *app.query_one("#account-map")._bindings,
            ]
            # "Back to the table" only works while typing in the filter box; the
            # screen's own Tab bindings give way to the app's priority ones.
            if binding.description
            and not binding.system
            and binding.action not in ("leave_filter", "app.focus_next", "app.focus_previous")
        ]
        assert set(descriptions) <= listed


async def test_command_palette_jumps_to_an_account(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"cobalt")
        await settle(pilot)
        assert "Jump to account: Cobalt Mining" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.main_screen.selected_account_id == account_ids["Cobalt Mining"]
        assert app.query_one(AccountTable).cursor_account_id == account_ids["Cobalt Mining"]
        await pilot.press("ctrl+p", *"nordic")
        await settle(pilot)
        assert "Jump to account: Fjord [Nordic] Energy" in screen_text(app)


async def test_command_palette_shows_a_tab(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"show tab pipeline")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#tabs", TabbedContent).active == "pipeline"


async def test_q_quits(app: AcctmapApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_empty_database_explains_what_to_do(empty_app: AcctmapApp) -> None:
    async with empty_app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "No accounts yet — press n to add one, or run `acctmap demo`" in screen_text(
            empty_app
        )
        assert empty_app.main_screen.selected_account_id is None
        for key in ["2", "3"]:
            await pilot.press(key)
            await settle(pilot)
            assert "Select an account" in screen_text(empty_app)
        await pilot.press("4")
        await settle(pilot)
        assert "No accounts yet — run `acctmap demo`" in screen_text(empty_app)
        await pilot.press("ctrl+p")
        await pilot.press(*"jump")
        await settle(pilot)
        assert "Jump to account" not in screen_text(empty_app)


async def test_everything_fits_at_80x24(app: AcctmapApp) -> None:
    """The right-most column of every tab and the whole footer are on screen."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        footer = lines[-1]
        for key in ["/ Filter", "s Sort", "a Actions", "q Quit", "? Help", "^p Commands"]:
            assert key in footer, key
        for label in ["1 Accounts", "2 Plan", "3 People", "4 Pipeline"]:  # tab keys on tabs
            assert label in lines[1], label
        expectations = {"1": "Owner", "2": "Target type", "3": "Met", "4": "Weighted"}
        for key, rightmost in expectations.items():
            await pilot.press(key)
            await settle(pilot)
            assert rightmost in screen_text(app), rightmost
        await pilot.press("3")
        await settle(pilot)
        assert app.query_one(PeopleTable).virtual_size.width <= SIZE[0]


async def test_a_wide_terminal_shows_names_in_full(
    app: AcctmapApp, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.main_screen.show_account(account_ids["Acme Logistics"])
        await pilot.press("3")
        await settle(pilot)
        assert "Dana Whitfi…" in screen_text(app)  # squeezed to fit 80 columns
        await pilot.resize_terminal(200, 50)
        await settle(pilot)
        assert "Dana Whitfield" in screen_text(app)


async def test_no_color_marks_the_active_tab_without_colour(
    database: Database, account_ids: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.no_color
        active = app.query_one("#tabs Tab.-active")
        assert active.rich_style.reverse and active.rich_style.bold
        assert "Acme Logistics" in screen_text(app)


async def test_starts_on_a_demo_database(database: Database) -> None:
    """The shell on the demo generator's data: every tab shows something real."""
    summary = generate_demo(database, accounts=25, seed=7, today=date.today())
    with database.session() as session:
        ranked = rank_rows(load_account_map_rows(session=session, today=date.today()), date.today())
    [forecast] = summarise(ranked, "stage")
    app = make_app(database, Settings(user="susan"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(AccountTable)
        assert table.row_count == len(ranked) == summary.accounts
        assert [row.name for row in table.rows] == [row.name for row in ranked]
        assert ranked[0].name[:20] in screen_text(app)  # long names end in "…"
        await pilot.press("2")
        await settle(pilot)
        assert app.query_one("#tabs", TabbedContent).active == "plan"
        assert ranked[0].name in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        assert app.query_one(PeopleTable).row_count > 0
        await pilot.press("4")
        await settle(pilot)
        assert format_money(forecast.weighted_pipeline, "USD") in screen_text(app)


async def test_help_explains_how_accounts_are_ranked(app: AcctmapApp) -> None:
    async with app.run_test(size=(100, 60)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        app.screen.query_one("#help-keys").scroll_end(animate=False)
        await pilot.pause()
        text = screen_text(app)
        assert "How accounts are ranked" in text
        assert "Expected value = revenue potential x win probability" in text
        assert "top 20% by priority are Tier 1" in text
