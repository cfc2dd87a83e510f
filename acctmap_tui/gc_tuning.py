"""Keeping Python's cyclic garbage collector out of the keystroke path.

Loading 10,000 accounts allocates hundreds of thousands of long-lived objects;
each full collection then walks all of them (about 100 ms here), landing at random
in the middle of a key press. The rows hold no reference cycles worth collecting,
so collection pauses while they are built and they are then frozen out of it.

Freezing is for the start-up data only, and happens at most :data:`FREEZES`
times per process: the objects frozen are never collected, so freezing after
every reload (or in every test's app) would keep each previous generation's
garbage alive for good.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

FREEZES = 2
"""The app's start-up and its first full load of the account map."""

_freezes_left = FREEZES


@contextmanager
def quiet_collector() -> Iterator[None]:
    """No cyclic collection while building long-lived data; freeze it the first times."""
    global _freezes_left
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freezes_left > 0:
            _freezes_left -= 1
            gc.freeze()  # everything alive now (modules, rows) stays out of collections
        if was_enabled:
            gc.enable()
