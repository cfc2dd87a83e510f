"""Keeping Python's cyclic garbage collector out of the keystroke path.

Loading 10,000 accounts allocates hundreds of thousands of long-lived objects;
each full collection then walks all of them (about 100 ms here), landing at random
in the middle of a key press. The rows hold no reference cycles worth collecting,
so collection pauses while they are built and they are then frozen out of it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_collector() -> Iterator[None]:
    """No cyclic collection while building long-lived data; freeze it afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Everything alive now (modules, rows) stays out of later collections.
        gc.freeze()
        if was_enabled:
            gc.enable()
