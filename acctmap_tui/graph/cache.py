"""Built stakeholder graphs, kept per account until the data or the day changes.

Building an account's graph means reading its facts and adding every edge; a query on
a built graph is far cheaper. The cache keeps one graph per account with the *stamp*
of the data it was built from (:func:`~acctmap_tui.data.stakeholder_queries.load_graph_stamp`:
counts and latest edit times, one cheap query) and rebuilds that one account when the
stamp differs, so an edit by anyone (another process in an account review included)
is seen on the next query. ``invalidate`` drops an account at once after our own edit.

Freshness depends on the clock: a graph built more than :data:`MAX_AGE` before the
moment asked about, or with another half-life, is rebuilt too.

Not thread-safe by itself: the app uses it from one worker group at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from acctmap_tui.data.stakeholder_queries import load_graph_stamp, load_stakeholder_facts
from acctmap_tui.graph.build import StakeholderGraph, build_graph
from acctmap_tui.graph.freshness import Freshness

if TYPE_CHECKING:
    from sqlmodel import Session

MAX_AGE = timedelta(hours=1)
"""How far the analysis moment may drift from a cached graph's before it is rebuilt."""


@dataclass(frozen=True, slots=True)
class CachedGraph:
    graph: StakeholderGraph
    stamp: tuple[object, ...]
    version: int
    """1 for the first build of the account, then one more per rebuild (never reused)."""


class StakeholderGraphCache:
    """One built graph per account, rebuilt when its data changes (see the module)."""

    def __init__(self) -> None:
        self._entries: dict[int, CachedGraph] = {}
        self._versions: dict[int, int] = {}
        self.builds = 0
        """Graphs built so far (a test and benchmark aid)."""

    def get(self, account_id: int, *, session: Session, freshness: Freshness) -> CachedGraph:
        """The account's graph, built now if missing, stale or from older data.

        Raises:
            KeyError: there is no account with this id.
        """
        stamp = load_graph_stamp(account_id, session=session)
        entry = self._entries.get(account_id)
        if entry is not None and stamp == entry.stamp and _close(entry.graph.freshness, freshness):
            return entry
        facts = load_stakeholder_facts(account_id, session=session)
        if facts is None:
            self._entries.pop(account_id, None)
            raise KeyError(account_id)
        version = self._versions.get(account_id, 0) + 1
        self._versions[account_id] = version
        entry = CachedGraph(build_graph(facts, freshness), stamp, version)
        self._entries[account_id] = entry
        self.builds += 1
        return entry

    def invalidate(self, account_id: int | None = None) -> None:
        """Forget one account's graph (after an edit), or every graph."""
        if account_id is None:
            self._entries.clear()
        else:
            self._entries.pop(account_id, None)

    def __contains__(self, account_id: object) -> bool:
        return account_id in self._entries


def _close(built: Freshness, wanted: Freshness) -> bool:
    return built.half_life_days == wanted.half_life_days and abs(built.as_of - wanted.as_of) <= (
        MAX_AGE
    )
