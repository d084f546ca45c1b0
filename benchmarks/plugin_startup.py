"""The pytest plugin's start-up: from a test asking for ``miready_proxy`` to mock and proxy ready.

Each round runs three one-test suites in fresh ``pytest`` processes, as an app's CI runs them:
only miready's plugin is loaded (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 -p miready.pytest_plugin``),
so the ``test`` extra's own plugins (schemathesis, hypothesis) are not in the figures.

- cold: the test asks for the fixture with ``request.getfixturevalue`` (the plugin cannot see it
  coming), timed inside the test: the whole start-up, end to end;
- first test: the test names ``miready_proxy`` as an argument, as suites do; its setup phase is
  what the first test waits for;
- suite: the wall time of that run, against the same suite whose test uses no fixture.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

GOAL_S = 1.0
RUN_TIMEOUT_S = 120.0
OUT_ENV = "MIREADY_BENCH_OUT"

COLD = """\
import os, time
from pathlib import Path

def test_cold(request):
    began, cpu = time.perf_counter(), time.process_time()
    proxy = request.getfixturevalue("miready_proxy")
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    stat = Path(f"/proc/{proxy._proxy.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    child = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    with open(os.environ["MIREADY_BENCH_OUT"], "a") as f:
        f.write(f"{wall} {cpu} {child}\\n")
"""
FIRST = """\
def test_first(miready_proxy):
    assert miready_proxy.url
"""
BASELINE = """\
def test_first():
    assert True
"""
# The setup phase of each test, as pytest times it.
CONFTEST = """\
import os

def pytest_runtest_logreport(report):
    if report.when == "setup" and os.environ.get("MIREADY_BENCH_OUT"):
        with open(os.environ["MIREADY_BENCH_OUT"], "a") as f:
            f.write(f"{report.duration}\\n")
"""


def suite(root: Path, name: str, test: str, conftest: str = "") -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (folder / "test_one.py").write_text(test, encoding="utf-8")
    if conftest:
        (folder / "conftest.py").write_text(conftest, encoding="utf-8")
    return folder


def run_suite(folder: Path, out: Path | None = None) -> tuple[float, float, list[float]]:
    """Wall and CPU seconds (its children's included) of one ``pytest`` run of ``folder``, and
    the numbers its test wrote."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "MIREADY_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    if out is not None:
        out.unlink(missing_ok=True)
        env[OUT_ENV] = str(out)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "miready.pytest_plugin"]
    cmd += ["-p", "no:cacheprovider", str(folder)]
    began, cpu = time.perf_counter(), children_cpu()
    proc = subprocess.run(
        cmd, cwd=folder, env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S
    )
    wall, cpu = time.perf_counter() - began, children_cpu() - cpu
    if proc.returncode != 0:
        raise RuntimeError(f"{folder.name}: pytest exited {proc.returncode}\n{proc.stdout}")
    numbers = []
    if out is not None and out.exists():
        numbers = [float(line) for line in out.read_text().split()]
    return wall, cpu, numbers


def children_cpu() -> float:
    """User + system seconds of every child process waited for so far (and of theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@benchmark
def plugin_startup(settings: Settings) -> Table:
    table = Table("plugin_startup", settings.quick)
    cold, cold_cpu, child_cpu, first = [], [], [], []
    with_proxy, baseline, with_proxy_cpu, baseline_cpu = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="miready-bench-startup-") as tmp:
        root = Path(tmp)
        out = root / "out.txt"
        suites = {
            "cold": suite(root, "cold", COLD),
            "first": suite(root, "first", FIRST, CONFTEST),
            "baseline": suite(root, "baseline", BASELINE),
        }
        run_suite(suites["baseline"])  # warm the file cache and .pyc files once, unmeasured
        rounds = settings.rounds if settings.quick else max(3, settings.rounds)
        for _ in range(rounds):  # interleaved: the machine's noise hits all three alike
            wall, cpu, child = run_suite(suites["cold"], out)[2]
            cold.append(wall)
            cold_cpu.append(cpu)
            child_cpu.append(child)
            wall, cpu, setup = run_suite(suites["first"], out)
            with_proxy.append(wall)
            with_proxy_cpu.append(cpu)
            first += setup
            wall, cpu, _ = run_suite(suites["baseline"])
            baseline.append(wall)
            baseline_cpu.append(cpu)
    cold_f = Figure.of(cold)
    goal = f"< {GOAL_S:g} s"
    table.add("cold: fixture request -> ready", cold_f, "s", goal=goal, met=cold_f.median < GOAL_S)
    table.add("cold: CPU in pytest's process", Figure.of(cold_cpu), "s")
    table.add("cold: CPU in the proxy child", Figure.of(child_cpu), "s")
    first_f = Figure.of(first)
    table.add("first test's setup", first_f, "s", goal=goal, met=first_f.median < GOAL_S)
    base_f = Figure.of(baseline)
    table.add(
        "suite: 1 test using miready_proxy", Figure.of(with_proxy), "s",
        baseline="no fixture", baseline_value=base_f,
    )  # fmt: skip
    extra = [w - b for w, b in zip(with_proxy, baseline, strict=True)]
    table.add("suite: time added by the plugin", Figure.of(extra), "s")
    table.add(
        "suite: CPU, pytest and its children", Figure.of(with_proxy_cpu), "s",
        baseline="no fixture", baseline_value=Figure.of(baseline_cpu),
    )  # fmt: skip
    table.notes.append(
        "fresh pytest processes, only miready's plugin loaded (PYTEST_DISABLE_PLUGIN_AUTOLOAD=1); "
        "cold: the fixture asked for with request.getfixturevalue, timed in the test; its CPU "
        "seconds are less noisy than wall time on a busy machine (2 cores: the two run side by "
        "side)"
    )
    return table
