"""An addon that samples the proxy's event-loop lag and writes its percentiles at shutdown.

Added by ``benchmarks.engines`` when ``MIREADY_BENCH_LAG_FILE`` names the output file: every
10 ms a task asks to wake up, and how late it wakes is the lag every request waiting on the loop
pays too.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from pathlib import Path

TICK = 0.01
MAX_SAMPLES = 200_000


class LoopLag:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.lags: deque[float] = deque(maxlen=MAX_SAMPLES)
        self.task: asyncio.Task[None] | None = None

    def running(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        loop = asyncio.get_running_loop()
        while True:  # cancelled in done()
            t0 = loop.time()
            await asyncio.sleep(TICK)
            self.lags.append(max(0.0, loop.time() - t0 - TICK))

    def reset(self) -> None:
        self.lags.clear()

    def done(self) -> None:
        if self.task is not None:
            self.task.cancel()
        lags = sorted(self.lags)
        n = len(lags)

        def pct(p: float) -> float:
            return lags[min(n - 1, int(n * p))] * 1000 if n else 0.0

        result = {"samples": n, "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": pct(1.0)}
        self.path.write_text(json.dumps(result))
