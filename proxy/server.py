"""``run_proxy``: the blocking entry point of ``miready proxy`` (one proxy per process)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from miready.proxy import reuseport
from miready.proxy.addons import default_addons
from miready.proxy.embed import create_master, make_options
from miready.proxy.policy import Policy
from miready.proxy.recorder import Recorder
from miready.proxy.upstream import preload
from miready.proxy.worker import this_worker

logger = logging.getLogger("miready.proxy")
LISTENING_PREFIX = "miready proxy listening on "


def configure_logging(who: str = "") -> None:
    """miready's log lines on stderr, each marked ``[who]`` when given (a worker, a supervisor)."""
    root = logging.getLogger()
    if not any(getattr(h, "_miready", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        mark = f"[{who}] " if who else ""
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s %(levelname)s {mark}%(name)s: %(message)s")
        )
        handler._miready = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    for name in ("miready",):
        logging.getLogger(name).setLevel(logging.INFO)


def write_port_file(path: str | Path, port: int) -> None:
    """Write atomically, so a reader never sees a half-written number."""
    _write_atomically(Path(path), f"{port}\n")


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def run_proxy(
    upstream: str | None,
    *,
    host: str = "127.0.0.1",
    port: int = 8081,
    mode: str = "reverse",
    confdir: str | None = None,
    ready: Callable[[int], None] | None = None,
    port_file: str | None = None,
    settings: Mapping[str, Any] | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM, then drain the ledger queue and return.

    ``settings`` holds ``miready_*`` option values, as the addons declare them. Prints
    ``miready proxy listening on http://HOST:PORT`` once listening; ``ready(port)`` and
    ``port_file`` get the real port (useful with ``port=0``).

    A worker of ``--workers N`` (``proxy/worker.py``) binds its port with SO_REUSEPORT, logs
    under its number, and leaves its final counts where its supervisor reads them.
    """
    settings = dict(settings or {})
    Policy(settings.get("miready_policy", Policy.OBSERVE.value))  # fail before mitmproxy does
    worker = this_worker()
    configure_logging(worker.label if worker.shared else "")
    asyncio.run(_serve(upstream, host, port, mode, confdir, ready, port_file, settings))


async def _serve(
    upstream: str | None,
    host: str,
    port: int,
    mode: str,
    confdir: str | None,
    ready: Callable[[int], None] | None,
    port_file: str | None,
    settings: dict[str, Any],
) -> None:
    options = make_options(mode=mode, upstream=upstream, host=host, port=port, confdir=confdir)
    worker = this_worker()

    def on_listening(listen_host: str, listen_port: int) -> None:
        shown = f"[{listen_host}]" if ":" in listen_host else listen_host
        if worker.shared:  # the supervisor says when every worker listens
            logger.info("listening on http://%s:%d (pid %d)", shown, listen_port, os.getpid())
        else:
            target = upstream if mode == "reverse" else "any origin (regular proxy mode)"
            print(f"{LISTENING_PREFIX}http://{shown}:{listen_port} -> {target}", flush=True)
        if port_file:
            write_port_file(port_file, listen_port)
        if ready is not None:
            ready(listen_port)
        preload()  # the side calls' client, while the first app is still getting ready

    addons = default_addons()
    master = create_master(options, addons, settings, on_listening)
    if worker.shared:
        reuseport.install(master)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, master.shutdown)
        except (NotImplementedError, RuntimeError):  # not the main thread, or not POSIX
            pass
    try:
        await master.run()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError):
                pass
    if worker.report:
        _report(worker.report, next(a for a in addons if isinstance(a, Recorder)))


def _report(path: str, recorder: Recorder) -> None:
    """A worker's final counts, as JSON, for its supervisor's totals."""
    final = recorder.final or recorder.status()
    try:
        _write_atomically(Path(path), json.dumps({**final, "pid": os.getpid()}))
    except OSError as e:  # the supervisor is gone (SIGKILL) and a sibling removed its folder
        logger.debug("no supervisor to report the counts to: %s", e)
