"""``miready proxy --workers N``: 2 workers against 1 and exact recorded counts (when it exists)."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table


def workers_option() -> bool:
    """Whether the proxy's command line offers ``--workers``."""
    cmd = [sys.executable, "-m", "miready.proxy", "--help"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return "--workers" in out.stdout


@benchmark
def proxy_scale_out(settings: Settings) -> Table:
    table = Table("proxy_scale_out", settings.quick)
    if not workers_option():
        table.notes.append(
            "not available: `python -m miready.proxy --help` offers no --workers option yet"
            " (scale-out on one host is not built on this branch)"
        )
        print("proxy_scale_out: not available (the proxy has no --workers option yet)")
    return table
