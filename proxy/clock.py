"""The proxy's notion of "now": the system clock, or a simulated one the operator injects.

A simulated clock is a file holding an ISO 8601 instant, written by whoever drives the
simulation (``miready demo``); the proxy reads it again whenever the file changes. It is set
out of band on purpose: nothing an app sends can move the time its calls are recorded at.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from miready.contracts.instants import parse_iso


class FileClock:
    """``now()`` = the instant in the file plus the real time elapsed since it was read."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._mtime_ns: int | None = None
        self._base: datetime | None = None
        self._read_at = 0.0

    def now(self) -> datetime:
        try:
            mtime_ns = os.stat(self.path).st_mtime_ns
        except OSError:
            return datetime.now(UTC)
        if mtime_ns != self._mtime_ns:
            self._reload(mtime_ns)
        if self._base is None:
            return datetime.now(UTC)
        return self._base + timedelta(seconds=time.monotonic() - self._read_at)

    def _reload(self, mtime_ns: int) -> None:
        self._mtime_ns = mtime_ns
        try:
            text = self.path.read_text(encoding="utf-8").strip()
            self._base = parse_iso(text)
        except (OSError, ValueError):
            self._base = None
            return
        self._read_at = time.monotonic()


def write_clock_file(path: str | Path, instant: datetime) -> None:
    """Set a simulated clock atomically (write then rename), so the proxy never reads half."""
    path = Path(path)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(instant.astimezone(UTC).isoformat(), encoding="utf-8")
    os.replace(tmp, path)
