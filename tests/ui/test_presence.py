"""Presence and follow: this app next to another user's app on the same database file.

The other user is a second :class:`Database` on the same file writing the presence
row their app would write; the tests call the watcher's ``exchange`` instead of
waiting for the heartbeat timer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import select
from textual.app import ComposeResult
from textual.message import Message
from textual.notifications import Notify
from textual.screen import ModalScreen
from textual.widgets import Static

from acctmap_tui.app import AcctmapApp, make_app
from acctmap_tui.data import presence_store
from acctmap_tui.data.db import Database, open_database
from acctmap_tui.data.models import Presence
from acctmap_tui.data.presence_store import PresenceEntry
from acctmap_tui.settings import Settings
from acctmap_tui.widgets.presence import follow_labels, presence_text, users_by_account
from tests.ui.helpers import SIZE, screen_text, settle


@pytest.fixture
def other_database(db_path: Path, database: Database) -> Iterator[Database]:
    """The other user's process: its own engine on the same file."""
    second = open_database(db_path)
    yield second
    second.close()


def _ana_joins(database: Database, account_id: int | None, tab: str | None) -> int:
    with database.session() as session:
        presence_id = presence_store.join(
            session=session, user="ana", host="box", pid=4242, account_id=account_id, tab=tab
        )
        session.commit()
    return presence_id


def _ana_moves(database: Database, presence_id: int, account_id: int, tab: str) -> None:
    with database.session() as session:
        presence_store.heartbeat(
            presence_id,
            session=session,
            user="ana",
            host="box",
            pid=4242,
            account_id=account_id,
            tab=tab,
        )
        session.commit()


def _ana_goes_silent(database: Database, presence_id: int) -> None:
    """What SIGKILL leaves behind: a row whose last heartbeat is over 30 s old."""
    with database.session() as session:
        session.execute(
            sa.update(Presence)
            .where(Presence.id == presence_id)  # type: ignore[arg-type]
            .values(heartbeat_at=datetime.now(UTC) - timedelta(seconds=31))
        )
        session.commit()


def _header(app: AcctmapApp) -> str:
    return screen_text(app).splitlines()[0]


def _row(app: AcctmapApp, name: str) -> str:
    """The account list's line for this account (the header may name it too)."""
    return next(line for line in screen_text(app).splitlines()[1:] if name in line)


async def _exchange(pilot, app: AcctmapApp) -> None:  # type: ignore[no-untyped-def]
    app.main_screen.presence.exchange()
    await settle(pilot)


async def test_another_user_shows_in_the_header_and_on_their_row_until_they_expire(
    app: AcctmapApp, other_database: Database, account_ids: dict[str, int]
) -> None:
    ana = _ana_joins(other_database, account_ids["Cobalt Mining"], "plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _exchange(pilot, app)

        assert "also here: ana" in _header(app) or "here: ana (Cobalt" in _header(app)
        assert "Cobalt Mining" in _header(app) and "Plan" in _header(app)
        assert "◆ Cobalt Mining" in _row(app, "Cobalt Mining")
        assert "◆" not in _row(app, "Acme Logistics")
        # And we are visible to them: our row names us and where we are.
        with other_database.session() as session:
            (me,) = presence_store.others(ana, session=session)
        assert (me.user, me.tab) == ("susan", "accounts")
        assert me.account_id == app.main_screen.selected_account_id

        _ana_goes_silent(other_database, ana)
        await _exchange(pilot, app)

        assert "ana" not in _header(app)
        assert "◆" not in _row(app, "Cobalt Mining")
        with other_database.session() as session:  # and the dead row was cleared away
            assert [p.user for p in session.exec(select(Presence))] == ["susan"]


async def test_our_row_moves_with_us_and_leaves_with_us(
    app: AcctmapApp, other_database: Database, account_ids: dict[str, int]
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "2")
        where = (app.main_screen.selected_account_id, "plan")

        # Written once the user pauses for a moment (no timer is driven by hand here).
        for _ in range(50):
            await pilot.pause(0.1)
            with other_database.session() as session:
                (me,) = presence_store.others(None, session=session)
            if (me.account_id, me.tab) == where:
                break
        assert (me.user, me.account_id, me.tab) == ("susan", *where)
    with other_database.session() as session:
        assert presence_store.others(None, session=session) == []


async def test_follow_goes_where_the_colleague_goes_until_the_user_moves(
    app: AcctmapApp, other_database: Database, account_ids: dict[str, int]
) -> None:
    ana = _ana_joins(other_database, account_ids["Delta Retail"], "accounts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _exchange(pilot, app)
        screen = app.main_screen

        await pilot.press("F")
        await pilot.pause()
        assert "ana: Delta Retail, Accounts" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)

        assert screen.selected_account_id == account_ids["Delta Retail"]
        assert _header(app).split(" · ")[-1].strip() == "following ana"  # 80 columns: short

        _ana_moves(other_database, ana, account_ids["Borealis Health"], "people")
        await _exchange(pilot, app)

        assert screen.selected_account_id == account_ids["Borealis Health"]
        assert screen.active_tab == "people"
        assert "following ana" in _header(app)

        # Back on the account list, the user moves on their own: following stops.
        await pilot.press("1", "down")
        await settle(pilot)
        assert screen.presence.following is None
        assert "following" not in _header(app)
        moved_to = screen.selected_account_id
        assert moved_to != account_ids["Borealis Health"]

        _ana_moves(other_database, ana, account_ids["Cobalt Mining"], "plan")
        await _exchange(pilot, app)
        assert screen.selected_account_id == moved_to


async def test_f_again_stops_following_and_escape_picks_nobody(
    app: AcctmapApp, other_database: Database, account_ids: dict[str, int]
) -> None:
    ana = _ana_joins(other_database, account_ids["Delta Retail"], "accounts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _exchange(pilot, app)
        screen = app.main_screen

        await pilot.press("F", "escape")
        await settle(pilot)
        assert screen.presence.following is None
        assert screen.selected_account_id != account_ids["Delta Retail"]

        await pilot.press("F", "enter")
        await settle(pilot)
        assert "following ana" in _header(app)
        await pilot.press("F")
        await settle(pilot)
        assert "following" not in _header(app)

        _ana_moves(other_database, ana, account_ids["Cobalt Mining"], "plan")
        await _exchange(pilot, app)
        assert screen.selected_account_id == account_ids["Delta Retail"]
        assert screen.active_tab == "accounts"


class _WalkScreen(ModalScreen[None]):
    """Stands in for review mode: a screen over the main one that walks accounts."""

    def __init__(self, account_id: int) -> None:
        super().__init__()
        self.account_id = account_id
        self.went_to: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static("walking")

    def presence_location(self) -> tuple[int | None, str | None]:
        return self.account_id, "review"

    def go_to(self, account_id: int) -> bool:
        self.went_to.append(account_id)
        self.account_id = account_id
        return True


async def test_a_screen_that_walks_accounts_reports_and_follows(
    app: AcctmapApp, other_database: Database, account_ids: dict[str, int]
) -> None:
    ana = _ana_joins(other_database, account_ids["Delta Retail"], "accounts")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _exchange(pilot, app)
        await pilot.press("F", "enter")  # review mode would bind F to app.follow itself
        await settle(pilot)

        walk = _WalkScreen(account_ids["Evergreen Foods"])
        await app.push_screen(walk)
        await _exchange(pilot, app)
        with other_database.session() as session:
            (me,) = presence_store.others(ana, session=session)
        assert (me.account_id, me.tab) == (account_ids["Evergreen Foods"], "review")

        _ana_moves(other_database, ana, account_ids["Cobalt Mining"], "plan")
        await _exchange(pilot, app)

        assert app.screen is walk
        assert walk.went_to == [account_ids["Cobalt Mining"]]
        assert app.main_screen.selected_account_id == account_ids["Cobalt Mining"]


async def test_follow_with_nobody_else_here_says_so(app: AcctmapApp) -> None:
    notes: list[str] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notes.append(message.notification.message)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(pilot)
        await pilot.press("F")
        await pilot.pause()
        assert notes == ["Nobody else has this database open right now."]
        assert app.screen is app.main_screen


def _open_read_only(db_path: Path, *, known: bool) -> Database:
    """Opened read-only on purpose, or (``known=False``) only found so on the first write."""
    if known:
        database = open_database(db_path, read_only=True)
        assert database.read_only
        return database
    engine = sa.create_engine(f"sqlite:///file:{db_path}?mode=ro&uri=true")
    return Database(f"sqlite:///{db_path}", engine)


@pytest.mark.parametrize("known", [True, False], ids=["opened-read-only", "write-refused"])
async def test_a_read_only_database_still_shows_others_without_joining(
    db_path: Path, other_database: Database, account_ids: dict[str, int], known: bool
) -> None:
    """Presence must not break an app that cannot write: it looks without being seen."""
    _ana_joins(other_database, account_ids["Acme Logistics"], "plan")
    read_only = _open_read_only(db_path, known=known)
    app = make_app(read_only, Settings(user="susan"))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await _exchange(pilot, app)
            await _exchange(pilot, app)  # the second round no longer tries to write

            assert "ana" in _header(app)
            assert "◆ Acme Logistics" in _row(app, "Acme Logistics")
        with other_database.session() as session:
            assert [p.user for p in session.exec(select(Presence))] == ["ana"]
    finally:
        read_only.close()


def _entry(user: str, account: str | None, tab: str | None, pid: int = 1) -> PresenceEntry:
    return PresenceEntry(
        id=pid,
        user=user,
        host="box",
        pid=pid,
        account_id=None if account is None else len(account),
        account_name=account,
        tab=tab,
        heartbeat_at=datetime.now(UTC),
    )


def test_the_header_text_gets_shorter_to_fit() -> None:
    entries = [_entry("ana", "Acme Logistics", "plan"), _entry("raj", None, "accounts", pid=2)]

    assert (
        presence_text(entries, width=80) == "also here: ana (Acme Logistics, Plan), raj (Accounts)"
    )
    assert presence_text(entries, width=46) == "here: ana (Acme Logist…, Plan), raj (Accounts)"
    assert presence_text(entries, width=40) == "here: ana, raj"
    assert presence_text(entries, width=12) == "here: ana +1"
    assert presence_text(entries, width=8) == "+2 here"
    assert presence_text([], width=80) == ""
    assert presence_text(entries, following=entries[0], width=80) == (
        "following ana (Acme Logistics, Plan) +1"
    )


def test_marks_and_picker_lines_name_each_user_once() -> None:
    entries = [
        _entry("ana", "Acme Logistics", "plan", pid=1),
        _entry("ana", "Acme Logistics", "people", pid=2),
        _entry("raj", "Acme Logistics", "accounts", pid=3),
    ]

    assert users_by_account(entries) == {len("Acme Logistics"): "ana, raj"}
    assert follow_labels(entries) == [
        "ana: Acme Logistics, Plan (box, pid 1)",
        "ana: Acme Logistics, People (box, pid 2)",
        "raj: Acme Logistics, Accounts",
    ]
