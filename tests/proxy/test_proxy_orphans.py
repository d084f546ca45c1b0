"""No orphans: killing a pytest run that uses the plugin leaves no proxy child and no CA folder.

Each run gets its own TMPDIR, so its proxies' command lines (``--confdir <TMPDIR>/miready-proxy-*``)
and temp folders carry a path no other run shares: the scan of /proc counts this run's only.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc"),
]

START_DEADLINE_S = 120.0
CLEANUP_DEADLINE_S = 30.0

# Each test makes a call through its worker's proxy, says so in a file, then waits to be killed.
BLOCKING_SUITE = textwrap.dedent(
    """
    import os
    import time
    import urllib.request
    from pathlib import Path

    import pytest


    @pytest.mark.parametrize("n", range(4))
    def test_blocks_until_killed(miready_proxy, n):
        request = urllib.request.Request(
            miready_proxy.api_url + "/locations",
            headers={"Authentication": f"bearer {miready_proxy.token}", "User-Agent": "Orphans"},
        )
        urllib.request.urlopen(request, timeout=30).read()
        ready = Path(os.environ["ORPHAN_READY_DIR"]) / f"{os.getpid()}-{n}"
        ready.write_text("up")
        time.sleep(3600)  # the outer test kills the run while this test is in progress
    """
)


def processes_mentioning(marker: str) -> list[int]:
    """Pids of live processes whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="ignore")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def poll(condition, deadline_s: float, what: str):
    deadline = time.monotonic() + deadline_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {deadline_s:.0f}s waiting for {what}")
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("workers", [0, 2], ids=["no-xdist", "xdist-2"])
def test_killed_pytest_run__any_signal_with_or_without_xdist__should_leave_no_proxy_nor_folder(
    tmp_path: Path, sig: signal.Signals, workers: int
):
    suite, tmpdir, ready = tmp_path / "suite", tmp_path / "tmp", tmp_path / "ready"
    for folder in (suite, tmpdir, ready):
        folder.mkdir()
    (suite / "test_blocking.py").write_text(BLOCKING_SUITE)
    env = dict(os.environ, TMPDIR=str(tmpdir), ORPHAN_READY_DIR=str(ready))
    env.pop("PYTEST_XDIST_WORKER", None)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "xdist"]
    args += ["--basetemp", str(tmp_path / "basetemp"), "--rootdir", str(suite)]
    args += ["-n", str(workers)] if workers else []
    run = subprocess.Popen(
        [*args, str(suite)],
        cwd=suite,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a signal to our own group never reaches it, nor its to ours
    )
    try:
        expected = max(workers, 1)
        poll(lambda: len(list(ready.iterdir())) >= expected, START_DEADLINE_S, "tests to start")
        proxies = processes_mentioning(str(tmpdir))
        folders = list(tmpdir.glob("miready-proxy-*"))
        assert len(proxies) == expected, f"one proxy per worker before the kill: {proxies}"
        assert len(folders) == expected

        run.send_signal(sig)
        run.wait(CLEANUP_DEADLINE_S)

        poll(lambda: not processes_mentioning(str(tmpdir)), CLEANUP_DEADLINE_S, "no proxy left")
        poll(
            lambda: not list(tmpdir.glob("miready-proxy-*")),
            CLEANUP_DEADLINE_S,
            "no CA folder left",
        )
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        for pid in processes_mentioning(str(tmpdir)):  # never leak into the next test
            os.kill(pid, signal.SIGKILL)
