"""Identifiers: time-ordered UUIDs (version 7 layout) so new rows append to the index instead of scattering."""

from __future__ import annotations

import os
import struct
import time
import uuid

_last_ms = 0
_seq = 0


def new_id() -> uuid.UUID:
    """A UUIDv7: 48-bit Unix milliseconds, then random bits; monotonic within this process."""
    global _last_ms, _seq
    ms = time.time_ns() // 1_000_000
    if ms <= _last_ms:
        ms = _last_ms
        _seq = (_seq + 1) & 0xFFF
        if _seq == 0:
            ms += 1
    else:
        _seq = int.from_bytes(os.urandom(2), "big") & 0x7FF
    _last_ms = ms
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | _seq << 64 | 0b10 << 62 | rand
    return uuid.UUID(int=value)


def new_ids(count: int) -> list[uuid.UUID]:
    """`count` UUIDv7s at once, for bulk inserts: same layout and order as new_id(), a fraction of the cost."""
    global _last_ms, _seq
    ms = max(time.time_ns() // 1_000_000, _last_ms)
    seq = _seq
    noise = struct.unpack(f">{count}Q", os.urandom(8 * count))
    mask = (1 << 62) - 1
    variant = 0b10 << 62
    ids: list[uuid.UUID] = []
    append = ids.append
    make = object.__new__
    assign = object.__setattr__
    unknown = uuid.SafeUUID.unknown
    high = 0
    for rand in noise:
        seq = (seq + 1) & 0xFFF
        if seq == 0 or not high:
            ms += seq == 0
            high = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76
        # uuid.UUID(int=...) re-checks what is true by construction; this builds the same object faster.
        u = make(uuid.UUID)
        assign(u, "int", high | seq << 64 | variant | (rand & mask))
        assign(u, "is_safe", unknown)
        append(u)
    _last_ms, _seq = ms, seq
    return ids
