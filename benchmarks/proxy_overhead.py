"""What the proxy costs per call: mock direct, bare mitmdump and miready, in interleaved rounds."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from benchmarks import load, procs
from benchmarks.measure import Sample, sample
from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

CALLS = [
    load.Call("GET", "/v1/1/locations"),
    load.Call("GET", "/v1/1/products/10"),
    load.Call("GET", "/v1/1/orders?per_page=5"),
]
DIRECT, BARE = "mock direct", "bare mitmdump"
GOAL_RPS = 1.2  # x bare mitmdump at 16 connections


def targets(mock: procs.Server, tmp: Path) -> dict[str, procs.Server]:
    """Each proxy target, in the order a round visits them."""
    up = mock.url
    return {
        BARE: procs.mitmdump(up, tmp),
        "miready observe": procs.miready_proxy(up, tmp, policy="observe"),
        "miready translate": procs.miready_proxy(up, tmp, policy="translate"),
        "observe, DumpMaster engine": procs.miready_proxy(up, tmp, engine="dump"),
        "observe, lean engine": procs.miready_proxy(up, tmp, engine="lean"),
    }


@benchmark
def proxy_overhead(settings: Settings) -> Table:
    conns = [1, 16] if settings.quick else [1, 16, 64]
    seconds = 1.0 if settings.quick else 5.0
    table = Table("proxy_overhead", settings.quick)
    samples: dict[tuple[str, int], list[Sample]] = {}
    with tempfile.TemporaryDirectory(prefix="miready-bench-") as t:
        tmp = Path(t)
        with procs.mock(tmp) as mock:
            servers = targets(mock, tmp)
            try:
                for s in servers.values():  # start together, then wait: start-up is slow here
                    s.launch()
                for s in servers.values():
                    s.wait()
                everyone = {DIRECT: mock, **servers}
                for s in everyone.values():  # warm-up: imports, caches, first connections
                    sample(s, CALLS, 4, 0.5, s)
                for _ in range(settings.rounds):
                    for c in conns:
                        for name, s in everyone.items():
                            got = sample(s, CALLS, c, seconds, s)
                            samples.setdefault((name, c), []).append(got)
            finally:
                for s in servers.values():
                    s.stop()
    _fill(table, samples, conns)
    tool = next(iter(samples.values()))[0].tool
    table.notes.append(
        f"load: {tool} in its own process, {seconds:g} s per run, GETs of small JSON on loopback;"
        " CPU per request is the measured server's utime+stime (the proxy's, not the mock's)"
    )
    errors = {f"{n}@{c}": sum(x.errors for x in v) for (n, c), v in samples.items()}
    if any(errors.values()):
        table.notes.append(f"error answers seen: {errors}")
    table.extra["samples"] = {f"{n}@{c}": [asdict(x) for x in v] for (n, c), v in samples.items()}
    return table


def _fill(table: Table, samples: dict[tuple[str, int], list[Sample]], conns: list[int]) -> None:
    def fig(name: str, c: int, attr: str) -> Figure:
        return Figure.of([getattr(x, attr) for x in samples[(name, c)]])

    names = sorted({n for n, _ in samples}, key=list(dict.fromkeys(n for n, _ in samples)).index)
    for c in conns:
        for name in names:
            if name == DIRECT:
                table.add(f"{name} @{c} req/s", fig(name, c, "rps"), "req/s")
                continue
            table.add(
                f"{name} @{c} req/s", fig(name, c, "rps"), "req/s",
                baseline=BARE, baseline_value=fig(BARE, c, "rps"),
            )  # fmt: skip
        for name in names:
            base = dict(baseline=BARE, baseline_value=fig(BARE, c, "cpu_ms_per_request"))
            table.add(
                f"{name} @{c} CPU/req", fig(name, c, "cpu_ms_per_request"), "ms",
                **(base if name not in (DIRECT, BARE) else {}),
            )  # fmt: skip
    if 1 in conns:
        direct = fig(DIRECT, 1, "p50_ms")
        for name in names:
            p50 = fig(name, 1, "p50_ms")
            table.add(f"{name} @1 p50", p50, "ms", baseline=DIRECT, baseline_value=direct)
        for name in names:
            if name == DIRECT:
                continue
            added = _per_round(samples, name, DIRECT, 1, lambda a, d: a.p50_ms - d.p50_ms)
            table.add(f"{name} @1 added p50", added, "ms")
    _goals(table, samples, conns)


def _per_round(
    samples: dict[tuple[str, int], list[Sample]],
    name: str,
    other: str,
    c: int,
    f: Callable[[Sample, Sample], float],
) -> Figure:
    """``f(sample of name, sample of other)`` within each round, then the median over rounds."""
    pairs = zip(samples[(name, c)], samples[(other, c)], strict=True)
    return Figure.of([f(a, b) for a, b in pairs])


def _goals(table: Table, samples: dict[tuple[str, int], list[Sample]], conns: list[int]) -> None:
    """The goals, each as a same-round comparison (noise between rounds cancels out)."""
    ours = "miready observe"
    if 16 in conns:
        ratio = _per_round(samples, ours, BARE, 16, lambda a, b: a.rps / b.rps if b.rps else 0)
        table.add(
            f"GOAL {ours} @16 throughput / bare's, same round", ratio, "x",
            goal=f">= {GOAL_RPS}x", met=ratio.median >= GOAL_RPS,
        )  # fmt: skip
    if 1 in conns:
        # added p50 = p50 - direct p50; ours minus bare's, the direct p50 cancels out
        diff = _per_round(samples, ours, BARE, 1, lambda a, b: a.p50_ms - b.p50_ms)
        table.add(
            f"GOAL {ours} @1 added p50 minus bare's, same round", diff, "ms",
            goal="<= 0 ms", met=diff.median <= 0,
        )  # fmt: skip
