"""One load run against one server, with the server's CPU time per request beside it."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks import load
from benchmarks.procs import Server


@dataclass(frozen=True, slots=True)
class Sample:
    rps: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    errors: int
    tool: str
    requests: int = 0  # answers the load tool counted


def sample(
    server: Server, calls: list[load.Call], connections: int, seconds: float, cpu_of: Server
) -> Sample:
    """Load ``server``; CPU is read from ``cpu_of`` (the process whose cost is measured)."""
    before = cpu_of.cpu()
    r = load.run(server.url, calls, connections, seconds)
    cpu = cpu_of.cpu() - before
    per_request = cpu * 1000 / r.requests if r.requests else float("nan")
    return Sample(r.rps, r.p50_ms, r.p99_ms, per_request, r.errors, r.tool, r.requests)
