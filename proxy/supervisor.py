"""``miready proxy --workers N``: N proxy processes on one port, all recording into one ledger.

The supervisor serves nothing itself. It reserves the port (bound, never listening: ``--port 0``
has its number before any worker starts), makes mitmproxy's CA once, and starts N
``python -m miready.proxy`` workers with the same settings. Each binds the port with SO_REUSEPORT
(``proxy/reuseport.py``), so the kernel spreads connections over them; each takes its own journal
slot (``<journal>``, ``<journal>.1`` ...: ``certifier/ledger/journal.py``) and drains it into the
one ledger. The supervisor says it listens once every worker does, forwards SIGTERM and SIGINT
(each worker drains and logs its exact counts, then the supervisor logs the totals) and stops
them all when one fails. The workers hold the read end of a lifeline pipe (``proxy/lifeline.py``):
a supervisor killed with SIGKILL leaves none of them behind.
"""

from __future__ import annotations

import json
import logging
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from miready.proxy import ADMIN_TOKEN_ENV, reuseport
from miready.proxy.embed import prepare_confdir
from miready.proxy.lifeline import DIR_ENV, FD_ENV
from miready.proxy.options import option_argv
from miready.proxy.server import LISTENING_PREFIX, configure_logging, write_port_file
from miready.proxy.worker import WORKER_ENV, Worker

logger = logging.getLogger("miready.proxy")

STARTUP_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 30.0  # a worker drains its journal for up to 15 s (recorder.CLOSE_TIMEOUT)
UNSUPPORTED = (
    "--workers N>1 needs SO_REUSEPORT with load balancing, which only Linux has; run one proxy "
    "per port behind a front instead (README: Scale-out on one host)"
)
# The counts each worker leaves at exit, summed by the supervisor (Recorder.status's names).
TOTALS = ("calls_seen", "journaled", "replayed", "written", "duplicates", "quarantined", "lost")
TOTALS += ("spooled", "refused_at_shutdown")


@dataclass(frozen=True, slots=True)
class ProxyArgs:
    """What ``python -m miready.proxy`` was given, handed to every worker unchanged."""

    upstream: str | None
    host: str
    port: int
    mode: str
    confdir: str | None
    port_file: str | None
    settings: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Child:
    worker: Worker
    port_file: Path
    proc: subprocess.Popen[bytes]


def run_workers(count: int, args: ProxyArgs) -> int:
    """Serve with ``count`` workers until SIGTERM or SIGINT; 0 when every worker stopped cleanly."""
    if not reuseport.SUPPORTED:
        raise ValueError(UNSUPPORTED)
    configure_logging("supervisor")
    try:
        reserved = reuseport.reserve(args.host, args.port)
    except OSError as e:
        logger.error("cannot listen on %s:%d (%s)", args.host, args.port, e.strerror or e)
        return 1
    with reserved, tempfile.TemporaryDirectory(prefix="miready-workers-") as tmp:
        return Supervisor(count, args, reserved.getsockname()[1], Path(tmp)).run()


class Supervisor:
    """Start ``count`` workers on ``port``, serve until a signal or a failure, stop them all."""

    def __init__(self, count: int, args: ProxyArgs, port: int, folder: Path) -> None:
        self.count, self.args, self.port, self.folder = count, args, port, folder
        self.children: list[_Child] = []
        self.stop_signal: int | None = None
        self.failed = False

    def run(self) -> int:
        confdir = prepare_confdir(self.args.confdir)
        previous = self._trap_signals()
        lifeline_read, lifeline_write = os.pipe()
        try:
            try:
                for index in range(1, self.count + 1):
                    self.children.append(self._spawn(index, confdir, lifeline_read))
            finally:
                os.close(lifeline_read)  # the workers hold it; EOF once the write end closes
            if self._wait_listening():
                self._announce()
                self._serve()
        finally:
            self._stop_all()
            os.close(lifeline_write)
            self._restore_signals(previous)
        self._log_totals()
        clean = all(c.proc.returncode == 0 for c in self.children)
        return 0 if clean and not self.failed else 1

    # --- the workers ---------------------------------------------------------------------------

    def command(self, port_file: Path, confdir: Path) -> list[str]:
        a = self.args
        cmd = [sys.executable, "-m", "miready.proxy", "--host", a.host, "--port", str(self.port)]
        cmd += ["--port-file", str(port_file), "--confdir", str(confdir), "--mode", a.mode]
        if a.upstream:
            cmd += ["--upstream", a.upstream]
        # The admin token goes through the environment, never a command line (ps shows it).
        options = {k: v for k, v in a.settings.items() if k != "miready_admin_token"}
        return cmd + option_argv(options)

    def _spawn(self, index: int, confdir: Path, lifeline: int) -> _Child:
        worker = Worker(index, self.count, str(self.folder / f"worker-{index}.json"))
        port_file = self.folder / f"worker-{index}.port"
        env = dict(os.environ)
        env[WORKER_ENV] = worker.to_env()
        env[FD_ENV], env[DIR_ENV] = str(lifeline), str(self.folder)
        if token := self.args.settings.get("miready_admin_token"):
            env[ADMIN_TOKEN_ENV] = token
        proc = subprocess.Popen(
            self.command(port_file, confdir), env=env, stdin=subprocess.DEVNULL,
            pass_fds=(lifeline,),
        )  # fmt: skip
        return _Child(worker, port_file, proc)

    def _exited(self) -> _Child | None:
        return next((c for c in self.children if c.proc.poll() is not None), None)

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while self.stop_signal is None:
            if (child := self._exited()) is not None:
                logger.error(
                    "%s exited with %d before listening (its log is above): stopping the others",
                    child.worker.label, child.proc.returncode,
                )  # fmt: skip
                self.failed = True
                return False
            if all(c.port_file.exists() for c in self.children):
                return True
            if time.monotonic() > deadline:
                logger.error("the workers did not all listen within %.0f s", STARTUP_TIMEOUT_S)
                self.failed = True
                return False
            self._sleep(0.05)
        return False

    def _announce(self) -> None:
        a = self.args
        host = f"[{a.host}]" if ":" in a.host else a.host
        target = a.upstream if a.mode == "reverse" else "any origin (regular proxy mode)"
        pids = ", ".join(str(c.proc.pid) for c in self.children)
        print(
            f"{LISTENING_PREFIX}http://{host}:{self.port} -> {target} "
            f"({self.count} workers, SO_REUSEPORT; pids {pids})",
            flush=True,
        )
        if a.port_file:
            write_port_file(a.port_file, self.port)

    def _serve(self) -> None:
        while self.stop_signal is None:
            if (child := self._exited()) is not None:
                logger.error(
                    "%s (pid %d) exited with %d: stopping the others",
                    child.worker.label, child.proc.pid, child.proc.returncode,
                )  # fmt: skip
                self.failed = True
                return
            self._sleep(5.0)  # a signal (stop, or a worker exiting) wakes it

    def _stop_all(self) -> None:
        sig = self.stop_signal or signal.SIGTERM
        for child in self.children:
            if child.proc.poll() is None:
                child.proc.send_signal(sig)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in self.children:
            try:
                child.proc.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.error("%s did not stop in time: killed", child.worker.label)
                child.proc.kill()
                child.proc.wait()

    def _log_totals(self) -> None:
        reports: dict[int, dict[str, Any]] = {}
        for child in self.children:
            try:
                reports[child.worker.index] = json.loads(Path(child.worker.report).read_text())
            except (OSError, ValueError):
                logger.error("%s left no counts at exit (killed?)", child.worker.label)
        if not reports:
            return
        t = {k: sum(r.get(k, 0) for r in reports.values()) for k in TOTALS}
        each = ", ".join(f"{i}: {r.get('calls_seen', 0)}" for i, r in sorted(reports.items()))
        logger.info(
            "workers at exit (%d of %d reported): %d calls answered (by worker %s); "
            "%d journaled, %d replayed from an earlier run; %d written to the ledger "
            "(%d were already there), %d quarantined, %d lost; %d left in the journals for the "
            "next start; %d cut at shutdown (not answered)",
            len(reports), self.count, t["calls_seen"], each, t["journaled"], t["replayed"],
            t["written"], t["duplicates"], t["quarantined"], t["lost"], t["spooled"],
            t["refused_at_shutdown"],
        )  # fmt: skip

    # --- signals -------------------------------------------------------------------------------

    def _trap_signals(self) -> tuple[Any, ...]:
        """SIGTERM/SIGINT ask to stop, SIGCHLD says a worker exited; each wakes ``_sleep``."""
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        handlers = {s: signal.signal(s, self._on_signal) for s in _TRAPPED}
        return handlers, signal.set_wakeup_fd(self._wake_write)

    def _restore_signals(self, previous: tuple[Any, ...]) -> None:
        handlers, wakeup = previous
        signal.set_wakeup_fd(wakeup)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if signum != signal.SIGCHLD and self.stop_signal is None:
            self.stop_signal = signum

    def _sleep(self, timeout: float) -> None:
        ready, _, _ = select.select([self._wake_read], [], [], timeout)
        if ready:
            try:
                while os.read(self._wake_read, 512):
                    pass
            except BlockingIOError:
                pass


_TRAPPED = (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD)
