"""``python -m benchmarks.hwm OUT MODULE [ARGS ...]``: run a module as ``python -m`` would, then
write this process's peak resident memory (``VmHWM`` of /proc/self/status, in kB) to OUT.

``ru_maxrss`` from ``wait4`` is no measure of a child on Linux: it starts from the parent's peak at
fork, so a child of a benchmark that built a large ledger in memory reports the parent's size.
VmHWM belongs to the address space ``exec`` made fresh.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    out, module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        Path(out).write_text(str(peak_kb()), encoding="utf-8")


if __name__ == "__main__":
    main()
