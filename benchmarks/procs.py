"""The processes a benchmark measures: the mock, bare mitmdump and miready proxies; CPU time."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[1]
ADMIN_TOKEN = "bench-admin-token"
STARTUP_TIMEOUT = 120.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# what the mock, mitmdump and the miready proxy print once listening on port 0
LISTENING = re.compile(r"listening (?:on|at) (?:http://)?127\.0\.0\.1:(\d+)")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat (0.0 where there is no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    """The live children of ``pid`` (a supervisor's workers), from /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its children: a proxy supervisor and its workers."""
    return cpu_seconds(pid) + sum(cpu_seconds(child) for child in children(pid))


class Server:
    """A child process listening on 127.0.0.1:``port``; ``with Server(...) as s: s.url``."""

    def __init__(
        self,
        name: str,
        cmd: list[str],
        port: int,
        log: Path,
        env: dict | None = None,
        ready_text: str = "",
    ) -> None:
        self.name, self.cmd, self.port, self.log_path = name, cmd, port, log
        self.ready_text = ready_text  # wait for this in the log too, not just for the port
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu(self) -> float:
        return tree_cpu_seconds(self.pid)

    def start(self) -> Server:
        return self.launch().wait()

    def launch(self) -> Server:
        """Start the process without waiting (launch several, then ``wait`` for each)."""
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                self.cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=self.env, cwd=str(ROOT),
            )  # fmt: skip
        return self

    def wait(self) -> Server:
        """Until it listens (and has logged ``ready_text``); bounded by STARTUP_TIMEOUT."""
        assert self.proc is not None
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if not self.port:  # started on port 0: the child logs the real one
                found = LISTENING.search(self.log_path.read_text(errors="replace"))
                if not found:
                    time.sleep(0.05)
                    continue
                self.port = int(found.group(1))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                if self.ready_text in self.log_path.read_text(errors="replace"):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        text = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{self.name} did not listen on {self.port}:\n{text}")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def mock(tmp: Path, *, legacy: bool = True, name: str = "mock") -> Server:
    """``miready mock`` with the sample fixture, admin API open to the benchmark's token."""
    cmd = [sys.executable, "-m", "miready", "mock", "--port", "0"]
    if not legacy:
        cmd.append("--no-legacy")
    env = {"MIREADY_ADMIN_TOKEN": ADMIN_TOKEN}
    return Server(name, cmd, 0, tmp / f"{name}.log", env)


def mock_with(fixture: Path, tmp: Path) -> Server:
    """The mock plus the stores of ``fixture`` (JSON), loaded in-process before it is used."""
    cmd = [sys.executable, "-m", "benchmarks.mock_server", "0", str(fixture)]
    return Server("mock-big", cmd, 0, tmp / "mock-big.log", ready_text="listening on")


def mitmdump(upstream: str, tmp: Path) -> Server:
    """Bare mitmproxy: ``mitmdump --mode reverse:<upstream>``, no addons of ours."""
    exe = str(Path(sys.executable).with_name("mitmdump"))
    cmd = [exe, "--mode", f"reverse:{upstream}", "--listen-host", "127.0.0.1"]
    # flow_detail=0: no line per flow (as -q), but the listening line is still printed
    cmd += ["--listen-port", "0", "--set", "flow_detail=0"]
    cmd += ["--set", f"confdir={tmp / 'mitmdump-conf'}"]
    return Server("mitmdump", cmd, 0, tmp / "mitmdump.log")


def miready_proxy(
    upstream: str,
    tmp: Path,
    *,
    policy: str = "observe",
    engine: str = "",
    name: str = "",
    workers: int = 1,
) -> Server:
    """``python -m miready.proxy`` as shipped, or with ``engine`` ("dump"/"lean") swapped in.

    ``workers`` > 1: ``--workers N``, ready once the supervisor says every worker listens.
    """
    name = name or f"miready-{policy}{'-' + engine if engine else ''}"
    module = ["-m", "benchmarks.engines", engine] if engine else ["-m", "miready.proxy"]
    cmd = [sys.executable, *module, "--upstream", upstream, "--port", "0"]
    cmd += ["--ledger", ledger_url(tmp, name), "--policy", policy]
    cmd += ["--confdir", str(tmp / "miready-conf")]
    ready = ""
    if workers != 1:
        cmd += ["--workers", str(workers)]
        ready = f"({workers} workers"
    return Server(name, cmd, 0, tmp / f"{name}.log", ready_text=ready)


def ledger_url(tmp: Path, name: str) -> str:
    """Where ``miready_proxy(..., name=name)`` records."""
    return f"sqlite:///{tmp / (name + '.db')}"
