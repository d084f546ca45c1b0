"""Which worker of ``miready proxy --workers N`` this process is, as its supervisor told it.

The supervisor (``proxy/supervisor.py``) sets ``MIREADY_WORKER`` in each worker's environment; a
proxy started on its own has none and is worker 0 of 1.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from functools import cache

WORKER_ENV = "MIREADY_WORKER"


@dataclass(frozen=True, slots=True)
class Worker:
    """Worker ``index`` (from 1) of ``count``; ``report``: where it leaves its final counts."""

    index: int = 1
    count: int = 1
    report: str = ""

    @property
    def shared(self) -> bool:
        """Started by a supervisor: the port is shared with the other workers (SO_REUSEPORT)."""
        return self.count > 1

    @property
    def label(self) -> str:
        return f"worker {self.index} of {self.count}"

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, value: str) -> Worker:
        data = json.loads(value)
        return cls(int(data["index"]), int(data["count"]), str(data.get("report", "")))

    def status(self) -> dict[str, int]:
        """What ``/_miready/status`` says about the process that answered."""
        return {"index": self.index, "count": self.count, "pid": os.getpid()}


@cache
def this_worker() -> Worker:
    value = os.environ.get(WORKER_ENV)
    return Worker.from_env(value) if value else Worker()
