"""ULIDs (github.com/ulid/spec) through python-ulid, the one place miready makes them.

python-ulid is imported on first use, not with this module: importing it reads its version
from the installed distributions' metadata, about 30 ms that the proxy's and the mock's start-up
need not pay (the proxy warms it in its preload thread once it listens: ``proxy.upstream``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ulid import ULID


def _ulid() -> type[ULID]:
    from ulid import ULID

    return ULID


def encode(raw: bytes) -> str:
    """16 bytes as a ULID string."""
    if len(raw) != 16:
        raise ValueError(f"a ULID is 16 bytes, not {len(raw)}")
    return str(_ulid().from_bytes(raw))


def ulid_from(millis: int, tail: bytes) -> str:
    """The ULID of ``millis`` (Unix milliseconds) and 10 bytes."""
    return encode(millis.to_bytes(6, "big") + tail)


def new_ulid(at: datetime | None = None) -> str:
    """A fresh ULID at ``at`` (an aware datetime; now if None), with 80 random bits."""
    ulid = _ulid()
    return str(ulid() if at is None else ulid.from_datetime(at))


def preload() -> None:
    """Import python-ulid now (in a background thread), so the first call does not wait."""
    _ulid()
