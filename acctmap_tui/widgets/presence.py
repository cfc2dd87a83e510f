"""Presence on screen: who else has the database open, and following one of them.

:class:`PresenceWatch` sits (invisible) on the main screen. It keeps this app's
``presence`` row alive (a heartbeat every few seconds, and shortly after the user
moves to another account or tab), reads everyone else's, and shows them in the
header ("also here: ana (Acme Logistics, Plan)") and as a mark on their account's
row. All database work happens in a thread worker, so the UI never waits on it.

Following: the user picks a colleague (``F``) and the main screen then shows the
colleague's account and tab as they move. Moving to another account yourself, or
``F`` again, stops following; switching tabs yourself does not (the next move of
the colleague brings you along again).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, get_args

from textual import on, work
from textual.message import Message
from textual.timer import Timer
from textual.widget import Widget
from textual.worker import get_current_worker

from acctmap_tui.messages import TabId

if TYPE_CHECKING:
    # The database stack loads after the first paint (in the worker), not with the UI.
    from acctmap_tui.data.db import Database
    from acctmap_tui.data.presence_store import PresenceEntry
    from acctmap_tui.screens.main import MainScreen
    from acctmap_tui.settings import Settings

HEARTBEAT_SECONDS = 5.0
"""How often the row is refreshed and the others read: well inside the 30 s expiry."""

FOLLOW_POLL_SECONDS = 1.0
"""How often the others are read (read only) while following someone."""

MOVE_SETTLE_SECONDS = 0.3
"""After a move, wait this long for the next key before writing: holding an arrow
key through the list writes once, not once per row."""

PRESENCE_MARK = "◆"
PRESENCE_MARK_ASCII = "*"
"""Put before the name of an account someone else is on; a symbol, so it reads
the same without colour."""

HEADER_CHROME = 18
"""Columns of the header that are not title: the icon (8) and the clock space (10)."""

_TABS: frozenset[str] = frozenset(get_args(TabId))

ProcessKey = tuple[str, str, int]
"""(user, host, pid): one running app, whatever its presence row id."""


# --- text ---------------------------------------------------------------------------


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def where_text(entry: PresenceEntry, *, account_width: int | None = None) -> str:
    """Where someone is: ``Acme Logistics, Plan``; the account cut to ``account_width``."""
    parts = []
    if entry.account_name:
        name = entry.account_name
        parts.append(name if account_width is None else _cut(name, account_width))
    if entry.tab:
        parts.append(entry.tab.capitalize())
    return ", ".join(parts)


def _who(entry: PresenceEntry, account_width: int | None) -> str:
    where = where_text(entry, account_width=account_width)
    return f"{entry.user} ({where})" if where else entry.user


def _unique_users(entries: Sequence[PresenceEntry]) -> list[str]:
    return list(dict.fromkeys(entry.user for entry in entries))


def presence_text(
    entries: Sequence[PresenceEntry], *, following: PresenceEntry | None = None, width: int
) -> str:
    """The header's presence part, as detailed as ``width`` columns allow ("" if alone).

    Tries, in order: every user with account and tab; account names cut shorter
    and shorter; user names only; a count. Following someone is always said first.
    """
    sizes = (None, 16, 12, 8)
    if following is not None:
        others = len(_unique_users([e for e in entries if e.user != following.user]))
        more = f" +{others}" if others else ""
        candidates = [f"following {_who(following, size)}{more}" for size in sizes]
        candidates.append(f"following {following.user}{more}")
    elif entries:
        users = _unique_users(entries)
        candidates = ["also here: " + ", ".join(_who(entry, None) for entry in entries)]
        candidates += [
            "here: " + ", ".join(_who(entry, size) for entry in entries) for size in sizes
        ]
        candidates.append("here: " + ", ".join(users))
        candidates.append(f"here: {users[0]}" + (f" +{len(users) - 1}" if len(users) > 1 else ""))
        candidates.append(f"+{len(users)} here")
    else:
        return ""
    for text in candidates:
        if len(text) <= width:
            return text
    return _cut(candidates[-1], max(width, 1))


def users_by_account(entries: Sequence[PresenceEntry]) -> dict[int, str]:
    """Who is on each account, as ``"ana, raj"``: the rows that get a mark."""
    names: dict[int, list[str]] = {}
    for entry in entries:
        if entry.account_id is not None:
            users = names.setdefault(entry.account_id, [])
            if entry.user not in users:
                users.append(entry.user)
    return {account_id: ", ".join(users) for account_id, users in names.items()}


def follow_labels(entries: Sequence[PresenceEntry]) -> list[str]:
    """The follow picker's lines: who and where; the machine and process only for a
    user who has more than one app open, to tell those apart."""
    users = [entry.user for entry in entries]
    labels = []
    for entry in entries:
        label = f"{entry.user}: {where_text(entry) or 'starting up'}"
        if users.count(entry.user) > 1:
            label += f" ({entry.host}, pid {entry.pid})"
        labels.append(label)
    return labels


# --- the watcher ----------------------------------------------------------------------


class PresenceWatch(Widget):
    """Keeps this app's presence row alive and shows the others; draws nothing itself."""

    DEFAULT_CSS = """
    PresenceWatch {
        display: none;
    }
    """

    @dataclass
    class Read(Message):
        """The worker finished one exchange with the presence table."""

        entries: list[PresenceEntry] | None
        """Everyone else present, or ``None`` if the table could not be read."""

    def __init__(self, database: Database, settings: Settings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._database = database
        self._settings = settings
        self._host = socket.gethostname()
        self._pid = os.getpid()
        self._presence_id: int | None = None
        """Our row; written by the worker thread, under ``_lock``."""
        self._can_write = not getattr(database, "read_only", False)
        """False on a read-only database (opened so, or found so): then we only look."""
        self._left = False
        self._lock = threading.Lock()
        """One exchange with the table at a time, and none after leaving."""
        self._where: tuple[int | None, str | None] = (None, None)
        """Our account and tab, as the worker should write them."""
        self._in_flight = False
        self._again: bool | None = None
        """An exchange asked for while one runs: None none, False read, True write."""
        self._settle_timer: Timer | None = None
        self._follow_timer: Timer | None = None
        self.entries: list[PresenceEntry] = []
        """Everyone else present, as last read."""
        self.following: ProcessKey | None = None
        """The app whose account and tab this one follows."""
        self._following_user = ""
        self._followed_account: int | None = None
        """The account we last moved to for them: a move elsewhere is the user's own."""
        self._followed_where: tuple[int | None, str | None] | None = None
        self._header_suffix = ""
        """What this widget appended to the app's sub-title (so it can replace just that)."""

    @property
    def main_screen(self) -> MainScreen:
        return self.screen  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.set_interval(HEARTBEAT_SECONDS, self.exchange)
        self._follow_timer = self.set_interval(FOLLOW_POLL_SECONDS, self._poll, pause=True)
        self.call_after_refresh(self._start)

    def _start(self) -> None:
        screen = self.main_screen
        self.watch(screen, "selected_account_id", self._selection_changed, init=False)
        self.watch(screen.query_one("#tabs"), "active", self._tab_changed, init=False)
        self.exchange()

    def on_unmount(self) -> None:
        """Remove our row on the way out (a crash leaves it to expire instead)."""
        with self._lock:
            self._left = True
            if self._presence_id is None or not self._can_write:
                return
            from acctmap_tui.data import presence_store

            try:
                with self._database.session() as session:
                    presence_store.leave(self._presence_id, session=session)
                    session.commit()
            except Exception:  # noqa: BLE001 - it expires on its own
                pass

    # --- exchanging with the table ---------------------------------------------------

    def exchange(self, *, write: bool = True) -> None:
        """Write our heartbeat (``write``) and read the others, in a worker.

        Tests call this instead of waiting for the timer.
        """
        self._where = self._location()
        if self._in_flight:
            self._again = bool(self._again) or write
            return
        self._in_flight = True
        self._exchange(write)

    def _location(self) -> tuple[int | None, str | None]:
        """Where we are: the main screen's account and tab, unless the screen on top
        (review mode) says otherwise through a ``presence_location()`` method."""
        locate = getattr(self.app.screen, "presence_location", None)
        where = locate() if callable(locate) else None
        if where is not None:
            return where
        screen = self.main_screen
        tabs = screen.query("#tabs")
        return screen.selected_account_id, screen.active_tab if tabs else None

    def _poll(self) -> None:
        self.exchange(write=False)

    @work(thread=True, group="presence")
    def _exchange(self, write: bool) -> None:
        from acctmap_tui.data import presence_store

        entries: list[PresenceEntry] | None = None
        with self._lock:
            if self._left or get_current_worker().is_cancelled:
                return
            account_id, tab = self._where
            if write and self._can_write:
                try:
                    with self._database.session() as session:
                        if self._presence_id is None:
                            self._presence_id = presence_store.join(
                                session=session,
                                user=self._settings.user,
                                host=self._host,
                                pid=self._pid,
                                account_id=account_id,
                                tab=tab,
                            )
                        else:
                            self._presence_id = presence_store.heartbeat(
                                self._presence_id,
                                session=session,
                                user=self._settings.user,
                                host=self._host,
                                pid=self._pid,
                                account_id=account_id,
                                tab=tab,
                            )
                        entries = presence_store.others(self._presence_id, session=session)
                        session.commit()
                except Exception as error:  # noqa: BLE001 - presence is never worth a crash
                    # Read-only (another user's file, a read-only mount): carry on
                    # looking without being seen. Anything else (locked, full disk)
                    # is retried at the next heartbeat.
                    if "readonly" in str(error).replace("-", "").replace(" ", "").lower():
                        self._can_write = False
            if entries is None:
                try:
                    with self._database.session() as session:
                        entries = presence_store.others(
                            self._presence_id, session=session, prune_expired=False
                        )
                except Exception:  # noqa: BLE001
                    entries = None
        self.post_message(self.Read(entries))

    @on(Read)
    def _read(self, message: Read) -> None:
        message.stop()
        self._in_flight = False
        if message.entries is not None:
            self.show(message.entries)
        again, self._again = self._again, None
        if again is not None:
            self.exchange(write=again)

    # --- showing ---------------------------------------------------------------------

    def show(self, entries: list[PresenceEntry]) -> None:
        """Show these others: header, row marks, and the followed colleague's place."""
        self.entries = entries
        from acctmap_tui.widgets.account_table import AccountTable

        mark = PRESENCE_MARK_ASCII if self._settings.ascii_only else PRESENCE_MARK
        for table in self.main_screen.query(AccountTable):
            table.set_presence(users_by_account(entries), mark=mark)
        if self.following is not None:
            self._follow_along()
        self._update_header()

    def _followed_entry(self) -> PresenceEntry | None:
        return next((e for e in self.entries if e.process_key == self.following), None)

    def _update_header(self) -> None:
        app = self.app
        base = app.sub_title
        if self._header_suffix and base.endswith(self._header_suffix):
            base = base[: -len(self._header_suffix)]
        separator = " - " if self._settings.ascii_only else " · "
        width = app.size.width - HEADER_CHROME - len(f"{app.title} — {base}{separator}")
        followed = self._followed_entry() if self.following is not None else None
        text = presence_text(self.entries, following=followed, width=max(width, 12))
        self._header_suffix = f"{separator}{text}" if text else ""
        app.sub_title = base + self._header_suffix

    # --- following -------------------------------------------------------------------

    def toggle_follow(self) -> None:
        """Stop following, or pick a colleague to follow."""
        if self.following is not None:
            self.stop_following(f"Stopped following {self._following_user}.")
            return
        if not self.entries:
            self.notify("Nobody else has this database open right now.", title="Follow")
            return
        from acctmap_tui.screens.pickers import ChoiceScreen

        choices = list(self.entries)

        def chosen(value: str | None) -> None:
            if value is not None:
                self.follow(choices[int(value)])

        options = [(str(index), label) for index, label in enumerate(follow_labels(choices))]
        self.app.push_screen(
            ChoiceScreen("Follow whom? (Esc: nobody)", options, current="0"), chosen
        )

    def follow(self, entry: PresenceEntry) -> None:
        """Follow this colleague: go where they are now, and wherever they go next."""
        self.following = entry.process_key
        self._following_user = entry.user
        self._followed_account = None
        self._followed_where = None
        if self._follow_timer is not None:
            self._follow_timer.resume()
        self.notify(
            f"Following {entry.user}. Moving to another account yourself, or F, stops.",
            title="Follow",
        )
        self._follow_along()
        self._update_header()

    def stop_following(self, why: str | None = None) -> None:
        """Stay where you are from now on."""
        if self.following is None:
            return
        self.following = None
        self._followed_account = None
        self._followed_where = None
        if self._follow_timer is not None:
            self._follow_timer.pause()
        if why:
            self.notify(why, title="Follow")
        self._update_header()

    def _follow_along(self) -> None:
        entry = self._followed_entry()
        if entry is None:
            self.stop_following(f"{self._following_user} has left; no longer following.")
            return
        where = (entry.account_id, entry.tab)
        if where == self._followed_where:
            return
        screen = self.main_screen
        tab: TabId | None = entry.tab if entry.tab in _TABS else None  # type: ignore[assignment]
        if entry.account_id is None:
            if tab is not None:
                screen.action_show_tab(tab)
            self._followed_where = where
            return
        self._followed_account = entry.account_id
        screen.show_account(entry.account_id, tab)
        # A screen on top that walks accounts (review mode) follows too, via go_to().
        go_to = getattr(self.app.screen, "go_to", None)
        if self.app.screen is not screen and callable(go_to):
            go_to(entry.account_id)
        if screen.selected_account_id == entry.account_id:
            self._followed_where = where
        # else the account is not in our list yet (just created): try at the next read

    def _selection_changed(self, account_id: int | None) -> None:
        if self.following is not None and account_id != self._followed_account:
            self.stop_following(
                f"Stopped following {self._following_user}: you moved to another account."
            )
        self._moved()

    def _tab_changed(self) -> None:
        self._moved()

    def _moved(self) -> None:
        """Tell the others soon, once the user stops moving for a moment."""
        if self._settle_timer is not None:
            self._settle_timer.stop()
        self._settle_timer = self.set_timer(MOVE_SETTLE_SECONDS, self.exchange)
