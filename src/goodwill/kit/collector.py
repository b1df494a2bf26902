"""Python's cyclic garbage collector, paused over bulk work that makes millions of objects and no garbage cycles.

CPython frees an object when its last reference goes; the cyclic collector is only for reference cycles,
and it runs whenever allocations outnumber deallocations by a threshold, each full run visiting every
object alive. A storm's settlement keeps hundreds of thousands of claims alive while it makes more: at
150,000 passengers the collector ran 92 full passes and took 15 of the 65 seconds (ADR 0023), finding next
to nothing. `paused()` turns it off for the length of such work and back on after; what cycles were made
meanwhile are collected by its next run.

The switch is the interpreter's, not the thread's: pauses in several threads at once (the console's storm
thread beside requests) are counted, and the collector comes back on when the last one ends, if it was on
before the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def paused() -> Iterator[None]:
    """Run the block (or a decorated function) with the cyclic garbage collector off."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
