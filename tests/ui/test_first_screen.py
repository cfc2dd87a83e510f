"""Started from a cached first page, the app shows it with true totals, then the full load."""

from __future__ import annotations

import threading
from datetime import date

import pytest

import acctmap_tui.data.map_queries as map_queries
from acctmap_tui.app import make_app
from acctmap_tui.data.db import Database
from acctmap_tui.data.first_screen import (
    FIRST_PAGE,
    read_first_screen,
    stamp_of,
    write_first_screen,
)
from acctmap_tui.demo import generate_demo
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.account_map_view import AccountMapView
from acctmap_tui.widgets.account_table import AccountTable
from acctmap_tui.widgets.status_line import StatusLine
from tests.ui.helpers import SIZE, settle

ACCOUNTS = 250


async def test_cached_page_first_then_the_full_load(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = date.today()
    settings = Settings(user="susan")
    generate_demo(database, accounts=ACCOUNTS, seed=3, today=today)
    stamp = stamp_of(database.url)
    assert stamp is not None
    full = map_queries.load_ranked_map(
        database, today=today, stale_after_days=settings.stale_after_days
    )
    write_first_screen(database.url, stamp, full, today, settings.stale_after_days)
    cached = read_first_screen(
        database.url, today=today, stale_after_days=settings.stale_after_days
    )
    assert cached is not None and len(cached.rows) == FIRST_PAGE

    # Hold the full load back until the first frame has been checked.
    release = threading.Event()
    real_load = map_queries.load_ranked_map

    def held_load(*args: object, **kwargs: object) -> object:
        release.wait(60)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(map_queries, "load_ranked_map", held_load)
    last = full[-1]
    app = make_app(database, settings, first_screen=cached)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one(AccountTable)
        status = app.query_one("#account-summary", StatusLine)
        assert [row.id for row in table.rows] == [row.id for row in full[:FIRST_PAGE]]
        first_status = status.text
        assert first_status.startswith(f"{ACCOUNTS}/{ACCOUNTS} shown · weighted ")
        assert "Tier 1: " in first_status and "overdue: " in first_status

        # Filtering before the full load works on the page; the full load re-applies it.
        await pilot.press("slash", *last.name)
        await pilot.pause()
        assert last.id not in {row.id for row in table.rows}
        assert f"loading all {ACCOUNTS}" in status.text

        release.set()
        await settle(pilot)
        view = app.query_one(AccountMapView)
        assert len(view.rows) == ACCOUNTS
        assert last.id in {row.id for row in table.rows}
        await pilot.press("escape", "escape")  # leave the box, then clear the filter
        await pilot.pause()
        assert len(table.rows) == ACCOUNTS
        assert status.text == first_status  # the cached totals were the true ones
