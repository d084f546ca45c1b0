"""The child's lifeline: a proxy child exits, and removes its folder, when its parent is gone.

The parent (``ProxyProcess``) keeps the write end of a pipe and hands the read end to the child
(``MIREADY_LIFELINE_FD``). The kernel closes the write end on every kind of parent exit, SIGKILL
included, so the child reads EOF: it then stops the proxy the way SIGTERM does (the ledger queue
drains) and removes ``MIREADY_LIFELINE_DIR``, the folder with the mitmproxy CA key that the parent
would have removed. A pipe rather than ``PR_SET_PDEATHSIG``: the death signal follows the *thread*
that forked, so a proxy started from a short-lived thread would die with that thread.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import threading
from pathlib import Path

logger = logging.getLogger(__name__)

FD_ENV = "MIREADY_LIFELINE_FD"
DIR_ENV = "MIREADY_LIFELINE_DIR"
# After the parent is gone, a graceful stop gets this long before the child exits anyway.
GRACE_S = 20.0


def watch_parent_from_env() -> threading.Thread | None:
    """Start watching the pipe named in the environment (a child of ``ProxyProcess``), if any."""
    raw = os.environ.pop(FD_ENV, None)
    folder = os.environ.pop(DIR_ENV, None)
    if not raw:
        return None
    return watch_parent(int(raw), Path(folder) if folder else None)


def watch_parent(fd: int, folder: Path | None = None) -> threading.Thread:
    """A daemon thread that blocks on ``fd`` and, at EOF, stops this process and removes folder."""
    thread = threading.Thread(
        target=_wait_for_eof, args=(fd, folder), name="miready-lifeline", daemon=True
    )
    thread.start()
    return thread


def _wait_for_eof(fd: int, folder: Path | None) -> None:
    try:
        while os.read(fd, 1024):
            pass
    except OSError:
        pass
    logger.warning("the parent process is gone: stopping the proxy")
    if folder is not None:
        atexit.register(_remove, folder)
    # The serving loop stops on SIGTERM as it does for an operator; if it hangs, exit anyway.
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):  # not serving yet
        _exit_now(folder)
    timer = threading.Timer(GRACE_S, _exit_now, args=(folder,))
    timer.daemon = True
    timer.start()
    os.kill(os.getpid(), signal.SIGTERM)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def _exit_now(folder: Path | None) -> None:
    if folder is not None:
        _remove(folder)
    os._exit(1)
