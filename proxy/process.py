"""``ProxyProcess``: the proxy in a child process, for tests, the demo and the pytest plugin.

mitmproxy allows one master per process, so anything that wants a proxy next to its own code
(a test session, the demo) starts it here: ``python -m miready.proxy --port 0 --port-file F``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.request import urlopen

from miready.proxy import ADMIN_TOKEN_ENV, STATUS_PATH
from miready.proxy.lifeline import DIR_ENV, FD_ENV
from miready.proxy.options import argv_of

STOP_TIMEOUT = 20.0
READY_POLL_S = 0.005  # the port file's poll: cheap, and a ready child waits at most this


class ProxyStartError(RuntimeError):
    """The child proxy exited or did not listen in time; the message carries its log."""


class ProxyProcess:
    """``with ProxyProcess(mock.url, ledger_url=...) as p: httpx.get(p.url + ...)``."""

    def __init__(
        self,
        upstream: str | None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        mode: str = "reverse",
        confdir: str | Path | None = None,
        options: Mapping[str, Any] | None = None,
        ledger_url: str | None = None,
        policy: str | None = None,
        rules: str | Path | None = None,
        apps_file: str | Path | None = None,
        admin_token: str | None = None,
        workers: int = 1,
        startup_timeout: float = 30.0,
    ) -> None:
        """``options`` maps ``miready_*`` option names to values, handed to the child as they are;
        the keyword shortcuts set the common ones (an empty ledger URL records nothing).
        ``workers`` > 1: the child is a supervisor of that many proxies on the one port."""
        self.upstream = upstream
        self.host = host
        self.requested_port = port
        self.mode = mode
        self.confdir = confdir
        self.workers = workers
        shortcuts = {
            "miready_ledger": ledger_url or "",
            "miready_policy": policy,
            "miready_rules": str(rules) if rules else None,
            "miready_apps_file": str(apps_file) if apps_file else None,
            "miready_admin_token": admin_token,
        }
        self.options: dict[str, Any] = {k: v for k, v in shortcuts.items() if v is not None}
        self.options.update(options or {})
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.returncode: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None
        self._port_file: Path | None = None
        self._deadline = 0.0
        self._lifeline: int | None = None  # write end: the child exits when it closes

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the proxy is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs (tests read its memory from /proc)."""
        return self._proc.pid if self._proc is not None else None

    def command(self, port_file: Path, confdir: Path) -> list[str]:
        cmd = [sys.executable, "-m", "miready.proxy", "--host", self.host]
        cmd += ["--port", str(self.requested_port), "--port-file", str(port_file)]
        cmd += ["--confdir", str(confdir), "--mode", self.mode]
        if self.upstream:
            cmd += ["--upstream", self.upstream]
        if self.workers != 1:
            cmd += ["--workers", str(self.workers)]
        # The admin token goes through the environment, never the command line (ps shows it).
        options = {k: v for k, v in self.options.items() if k != "miready_admin_token"}
        return cmd + argv_of(options)

    def start(self) -> ProxyProcess:
        """Launch the child and wait until it listens."""
        return self.launch().wait_ready()

    def launch(self) -> ProxyProcess:
        """Start the child and return at once (``wait_ready`` waits for its port): a caller has
        the child's start-up, mostly imports, run beside its own work."""
        self._tmp = tempfile.TemporaryDirectory(prefix="miready-proxy-")
        tmp = Path(self._tmp.name)
        self._port_file = tmp / "port"
        confdir = Path(self.confdir) if self.confdir else tmp / "mitmproxy"
        self._log_path = tmp / "proxy.log"
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        if self.options.get("miready_admin_token"):
            env[ADMIN_TOKEN_ENV] = self.options["miready_admin_token"]
        read_end, self._lifeline = os.pipe()
        env[FD_ENV], env[DIR_ENV] = str(read_end), str(tmp)
        self._deadline = time.monotonic() + self.startup_timeout
        try:
            with self._log_path.open("wb") as log:
                self._proc = subprocess.Popen(
                    self.command(self._port_file, confdir),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    env=env,
                    cwd=str(tmp),
                    pass_fds=(read_end,),
                )
        finally:
            os.close(read_end)
        return self

    def wait_ready(self) -> ProxyProcess:
        """Wait until the launched child listens: its port file is polled every few ms, for up
        to ``startup_timeout`` s after the launch; ``ProxyStartError`` if it exits or never does."""
        if self._proc is None or self._port_file is None:
            raise RuntimeError("the proxy is not launched")
        while True:
            if self._port_file.exists():
                self.port = int(self._port_file.read_text().strip())
                return self
            if self._proc.poll() is not None or time.monotonic() > self._deadline:
                break
            time.sleep(READY_POLL_S)
        log_text = self.log()
        self.stop()
        raise ProxyStartError(f"the proxy did not start (exit {self.returncode}):\n{log_text}")

    def status(self) -> dict[str, Any]:
        """The proxy's own counters (``GET /_miready/status``); with workers, one worker's."""
        with urlopen(self.url + STATUS_PATH, timeout=5) as response:
            return json.load(response)

    def wait_until_recorded(self, timeout: float = 10.0) -> bool:
        """Wait until every call the proxy has seen is written to the ledger (False: timed out)."""
        deadline = time.monotonic() + timeout
        while self.status().get("pending", 0) != 0:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def log(self) -> str:
        """Everything the child printed so far."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM (the proxy drains its ledger queue), wait, then SIGKILL if it hangs."""
        proc = self._proc
        if proc is None:
            return self.returncode
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.returncode = proc.returncode
        if self._lifeline is not None:
            os.close(self._lifeline)
            self._lifeline = None
        self._proc = None
        self.port = None
        return self.returncode

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ProxyProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
