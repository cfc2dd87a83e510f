"""Live refresh: every screen re-reads what it shows when another process commits.

The app polls :class:`~acctmap_tui.data.change_watch.ChangeWatcher` a few times a
second (a PRAGMA, microseconds); only when it says "maybe" does a worker read the
change log, and only a real change posts
:class:`~acctmap_tui.messages.DatabaseChanged` to every screen on the stack. Views
keep their cursor, filter, sort and unsaved edits themselves.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from acctmap_tui.messages import DatabaseChanged

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from acctmap_tui.data.change_watch import Changes, ChangeWatcher

POLL_INTERVAL_S = 0.25
"""How often to ask SQLite whether anything was committed: the wait before a change
shows is at most this plus one read of the changed view."""

MIN_SPACING_S = 0.5
"""Changes arriving faster than this (a long import) are shown at most this often."""


class LiveRefresh:
    """Owns the watcher, its timer and the worker that reads what changed."""

    def __init__(self, app: App[object], database: object) -> None:
        self._app = app
        self._database = database
        self._watcher: ChangeWatcher | None = None
        self._timer: Timer | None = None
        self._reading = False
        self._last_posted = 0.0
        self._pending: Changes | None = None

    def start(self) -> None:
        """Open the watcher off the UI thread, then poll on a timer."""
        self._app.run_worker(self._open, thread=True, group="live-refresh-open")

    def _open(self) -> None:
        from acctmap_tui.data.change_watch import ChangeWatcher

        try:
            watcher = ChangeWatcher(self._database)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - no live refresh is better than no app
            return
        self._app.call_from_thread(self._started, watcher)

    def _started(self, watcher: ChangeWatcher) -> None:
        self._watcher = watcher
        self._timer = self._app.set_interval(POLL_INTERVAL_S, self._poll, name="live-refresh")

    @property
    def watching(self) -> bool:
        return self._watcher is not None

    def _poll(self) -> None:
        if self._watcher is None or self._reading:
            return
        if self._pending is not None:
            self._post_pending()
            return
        if self._watcher.poll():
            self._reading = True
            self._app.run_worker(self._read, thread=True, group="live-refresh-read")

    def _read(self) -> None:
        assert self._watcher is not None
        try:
            changes = self._watcher.changes()
        except Exception:  # noqa: BLE001 - a busy file now is read on the next change
            changes = None
        self._app.call_from_thread(self._read_done, changes)

    def _read_done(self, changes: Changes | None) -> None:
        self._reading = False
        if changes is None:
            return
        self._pending = _merged(self._pending, changes)
        self._post_pending()

    def _post_pending(self) -> None:
        if self._pending is None or time.monotonic() - self._last_posted < MIN_SPACING_S:
            return
        changes, self._pending = self._pending, None
        self._last_posted = time.monotonic()
        for screen in self._app.screen_stack:
            screen.post_message(DatabaseChanged(changes.account_ids))

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._watcher is not None:
            self._watcher.close()
            self._watcher = None


def _merged(first: Changes | None, second: Changes) -> Changes:
    from acctmap_tui.data.change_watch import Changes

    if first is None:
        return second
    if first.account_ids is None or second.account_ids is None:
        return Changes(None)
    return Changes(first.account_ids | second.account_ids)
