"""ULIDs: 48 bits of Unix milliseconds, then 80 bits, in Crockford's base32 (26 characters).

Written here rather than imported: python-ulid reads its own version from the installed
distributions' metadata when imported, tens of milliseconds at every start of the proxy and
of the mock.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's: no I, L, O, U


def encode(raw: bytes) -> str:
    """16 bytes as a ULID string."""
    if len(raw) != 16:
        raise ValueError(f"a ULID is 16 bytes, not {len(raw)}")
    n = int.from_bytes(raw, "big")
    return "".join(ALPHABET[(n >> shift) & 31] for shift in range(125, -1, -5))


def ulid_from(millis: int, tail: bytes) -> str:
    """The ULID of ``millis`` (Unix milliseconds) and 10 bytes."""
    return encode(millis.to_bytes(6, "big") + tail)


def new_ulid(at: datetime | None = None) -> str:
    """A fresh ULID at ``at`` (an aware datetime; now if None), with 80 random bits."""
    millis = time.time_ns() // 1_000_000 if at is None else int(at.timestamp() * 1000)
    return ulid_from(millis, os.urandom(10))
