"""Freezing start-up data out of the collector happens a bounded number of times."""

from __future__ import annotations

import gc

import pytest

from acctmap_tui import gc_tuning


def test_freezes_stop_after_the_budget_and_collection_comes_back_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gc_tuning, "_freezes_left", 1)
    with gc_tuning.quiet_collector():
        assert not gc.isenabled()
        kept = [object() for _ in range(100)]
    frozen = gc.get_freeze_count()
    assert frozen > 0 and gc.isenabled()
    garbage = [[] for _ in range(100)]
    with gc_tuning.quiet_collector():
        garbage.append(garbage)  # a cycle made during a later reload
    assert gc.get_freeze_count() == frozen  # not frozen: it can still be collected
    assert gc.isenabled() and kept
