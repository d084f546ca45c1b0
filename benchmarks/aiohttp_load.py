"""The fallback load generator (no wrk): a JSON spec on stdin, a JSON result on stdout."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

import aiohttp


async def load(spec: dict) -> dict:
    base, calls, headers = spec["base"], spec["calls"], spec["headers"]
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + spec["seconds"]

    async def worker(session: aiohttp.ClientSession, start: int) -> None:
        nonlocal errors
        i = start
        while time.monotonic() < deadline:
            method, path, body = calls[i % len(calls)]
            i += 1
            t0 = time.perf_counter()
            h = dict(headers) | ({"Content-Type": "application/json"} if body else {})
            try:
                async with session.request(method, base + path, data=body, headers=h) as r:
                    await r.read()
                    errors += r.status >= 400
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - t0)

    connector = aiohttp.TCPConnector(limit=spec["connections"])
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session, k) for k in range(spec["connections"])))
        elapsed = time.perf_counter() - began
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "seconds": elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if n else float("nan"),
        "p99_ms": latencies[max(0, int(n * 0.99) - 1)] * 1000 if n else float("nan"),
        "errors": errors,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(load(json.load(sys.stdin)))))
