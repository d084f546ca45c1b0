"""``miready certify`` through the CLI over 1M, 3M and 10M calls in rollups: wall time, peak RSS."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from benchmarks import ledger_fixture, pg
from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

FORMATS = ("json", "text", "md", "html", "junit")
GOALS = {"json": 1.0, "text": 1.5}  # seconds at 10M calls on SQLite
GOAL_RSS_MB = 200.0


def child_env(tmp: Path) -> dict[str, str]:
    """Each child's environment: bytecode cached under ``tmp``, as an installed miready has its
    modules compiled; with PYTHONDONTWRITEBYTECODE set, every start would compile them again."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def run_certify(
    url: str, fmt: str, out: Path, env: dict[str, str] | None = None
) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one ``miready certify`` child."""
    peak_file = out.with_name(out.name + ".hwm")
    # the child reports its own peak (benchmarks.hwm): wait4's ru_maxrss starts at this process's
    cmd = [sys.executable, "-m", "benchmarks.hwm", str(peak_file), "miready", "certify"]
    cmd += ["--ledger", url, "--format", fmt]
    cmd += ["--as-of", ledger_fixture.AS_OF.isoformat(), "--out", str(out)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, _ = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: an app is not ready, which the fixture has
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"certify --format {fmt} exited {proc.returncode}: {err[-2000:]}")
    return wall, int(peak_file.read_text(encoding="utf-8")) / 1024, proc.returncode


@contextmanager
def sqlite_url(tmp: Path, name: str) -> Iterator[str]:
    yield f"sqlite:///{tmp / (name + '.db')}"


@benchmark
def certify_scale(settings: Settings) -> Table:
    sizes = [100_000] if settings.quick else [1_000_000, 3_000_000, 10_000_000]
    apps = 100 if settings.quick else 1000
    table = Table("certify_scale", settings.quick)
    backends = {"sqlite": None}
    pg_missing = pg.unavailable()
    if pg_missing:
        table.notes.append(f"PostgreSQL not measured: {pg_missing}")
    else:
        backends["postgresql"] = None
    with tempfile.TemporaryDirectory(prefix="miready-bench-") as t:
        tmp = Path(t)
        for backend in backends:
            for size in [0, *sizes]:
                where = pg.schema() if backend == "postgresql" else nullcontext(None)
                with where as pg_url, sqlite_url(tmp, f"{backend}-{size}") as lite:
                    url = pg_url or lite
                    t0 = time.perf_counter()
                    if size:
                        n_rows = ledger_fixture.build(url, size, apps=apps)
                        table.extra[f"{backend}-{size}-rollup-rows"] = n_rows
                        table.extra[f"{backend}-{size}-build-s"] = time.perf_counter() - t0
                    else:
                        from miready.certifier.ledger import open_ledger

                        open_ledger(url).close()
                    formats = FORMATS if size else tuple(GOALS)  # start-up: json and text
                    if settings.quick:  # the quick run checks the plumbing, not the curve
                        formats = ("json", "text") if backend == "sqlite" else ("json",)
                    _measure(table, settings, backend, size, url, formats, tmp)
    table.notes.append(
        "baseline: the same command on an empty ledger (start-up, imports, schema check);"
        f" ledgers hold {apps:,} apps over 30 days as rollups; RSS is the child's peak;"
        " bytecode compiled once before measuring (as installed)"
    )
    return table


_EMPTY: dict[tuple[str, str], Figure] = {}


def _measure(
    table: Table,
    settings: Settings,
    backend: str,
    size: int,
    url: str,
    formats: tuple[str, ...],
    tmp: Path,
) -> None:
    env = child_env(tmp)
    if size == 0:  # warm-up, not measured: compiles the bytecode once, as installing does
        run_certify(url, formats[0], tmp / "warm-up", env)
    for fmt in formats:
        walls, rss = [], []
        # the goals are on json and text; the other formats get one run each
        for _ in range(settings.rounds if fmt in GOALS else 1):
            wall, peak, _code = run_certify(url, fmt, tmp / f"report.{fmt}", env)
            walls.append(wall)
            rss.append(peak)
        wall_f, rss_f = Figure.of(walls), Figure.of(rss)
        if size == 0:
            _EMPTY[(backend, fmt)] = wall_f
            table.add(f"{backend} empty ledger --format {fmt}", wall_f, "s")
            continue
        goal, met = "", None
        if backend == "sqlite" and fmt in GOALS and size >= 10_000_000:
            goal, met = f"< {GOALS[fmt]:g} s", wall_f.median < GOALS[fmt]
        calls = f"{size / 1e6:g}M" if size >= 1_000_000 else f"{size // 1000}k"
        base_fmt = fmt if (backend, fmt) in _EMPTY else "json"
        table.add(
            f"{backend} {calls} calls --format {fmt}", wall_f, "s",
            baseline=f"empty --format {base_fmt}", baseline_value=_EMPTY.get((backend, base_fmt)),
            goal=goal, met=met,
        )  # fmt: skip
        rss_goal = f"< {GOAL_RSS_MB:g} MB" if fmt == "json" else ""
        table.add(
            f"{backend} {calls} calls --format {fmt} peak RSS", rss_f, "MB",
            goal=rss_goal, met=(rss_f.median < GOAL_RSS_MB) if rss_goal else None,
        )  # fmt: skip
