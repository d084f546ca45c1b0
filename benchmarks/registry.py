"""The benchmark registry: each benchmark module registers one function under its name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.report import Table


@dataclass(frozen=True, slots=True)
class Settings:
    """What every benchmark is told: shrink (``quick``) and how many interleaved rounds."""

    quick: bool
    rounds: int


Benchmark = Callable[[Settings], Table]
BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(func: Benchmark) -> Benchmark:
    """Register ``func`` under its own name; a name is registered once."""
    if func.__name__ in BENCHMARKS:
        raise ValueError(f"benchmark {func.__name__!r} is registered twice")
    BENCHMARKS[func.__name__] = func
    return func


def load_all() -> dict[str, Benchmark]:
    """Import every benchmark module (each registers itself), in the order they run."""
    from benchmarks import (  # noqa: F401
        certify_scale,
        classify,
        ledger_ingest,
        mock_throughput,
        plugin_startup,
        proxy_overhead,
        proxy_scale_out,
    )

    order = [
        "proxy_overhead",
        "proxy_scale_out",
        "classify",
        "ledger_ingest",
        "certify_scale",
        "mock_throughput",
        "plugin_startup",
    ]
    return {name: BENCHMARKS[name] for name in order}
