"""Whether this process may fork a helper that shares its memory."""

from __future__ import annotations

import multiprocessing
import sys
import threading


def fork_is_safe() -> bool:
    """fork only on Linux and with no other thread, which could hold a lock (a progress bar's, a server's) at
    the moment of the fork and leave it held forever in the child."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )
