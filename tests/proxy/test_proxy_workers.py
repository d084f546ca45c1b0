"""``miready proxy --workers 2``: two processes on one port, one ledger, exact counts on both sides.

Every call opens its own connection, so the kernel's SO_REUSEPORT balancing spreads them over the
workers. The app side counts the answers; the ledger side counts the rows; each worker's exit
line and the supervisor's totals count what each one served.
"""

from __future__ import annotations

import os
import re
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from miready.certifier.ledger import open_ledger
from miready.mocks.admin_token import exported
from miready.mocks.server import MockServer
from miready.proxy import reuseport, supervisor
from miready.proxy.cli import main
from miready.proxy.process import ProxyProcess

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not reuseport.SUPPORTED, reason="SO_REUSEPORT balancing is Linux's"),
]

CALLS = 120
CLIENTS = 6
DEADLINE_S = 120.0  # generous: the machine is shared
TOKEN = "demo-ready-token-0002"  # the sample fixture's migrated app
POSTGRES_URL = os.environ.get(
    "MIREADY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
EXIT_LINE = re.compile(r"\[worker (\d) of 2\] miready\.proxy\.recorder: ledger at exit: (\d+) ")


@pytest.fixture(scope="module")
def mock():
    with MockServer() as running, exported(running.admin_token):
        yield running


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    import psycopg

    if os.environ.get("MIREADY_SKIP_POSTGRES") == "1":
        pytest.skip("MIREADY_SKIP_POSTGRES=1")
    schema = f"miready_workers_{uuid.uuid4().hex[:12]}"
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def poll(condition, what: str, deadline_s: float = DEADLINE_S):
    deadline = time.monotonic() + deadline_s
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {deadline_s:.0f} s waiting for {what}")
        time.sleep(0.05)
    return value


def answers(client, calls: int) -> list[int]:
    """``calls`` GETs from CLIENTS threads at once, each on a connection of its own."""
    with ThreadPoolExecutor(CLIENTS) as pool:
        replies = pool.map(lambda _: client.call("GET", "/v1/1/locations").status, range(calls))
        return list(replies)


def workers_seen(proxy: ProxyProcess) -> dict[int, dict]:
    """Each worker's status, asked over fresh connections until both have answered."""
    seen: dict[int, dict] = {}

    def both() -> bool:
        status = proxy.status()
        seen[status["worker"]["index"]] = status
        return len(seen) == 2

    poll(both, "both workers to answer /_miready/status")
    return seen


def recorded(url: str) -> int:
    ledger = open_ledger(url)
    try:
        return ledger.count_calls()
    finally:
        ledger.close()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # an orphan's zombie waits for a reaper that may never come


def test__two_workers__calls_over_many_connections__should_be_answered_and_recorded_exactly(
    mock, ledger_url, client_for
):
    with ProxyProcess(mock.url, ledger_url=ledger_url, workers=2) as proxy:
        statuses = answers(client_for(proxy.url, TOKEN, "ScaleOut/1.0"), CALLS)
        seen = workers_seen(proxy)
        assert proxy.stop() == 0  # SIGTERM: forwarded, each worker drains its journal
        log = proxy.log()
    print(f"\n{CALLS} calls answered: {statuses.count(200)} x 200; ledger: {recorded(ledger_url)}")
    print("\n".join(line for line in log.splitlines() if "at exit" in line))
    assert statuses == [200] * CALLS
    assert recorded(ledger_url) == CALLS
    # one journal each, both draining into the one ledger
    assert {w["worker"]["count"] for w in seen.values()} == {2}
    assert len({w["journal"] for w in seen.values()}) == 2
    assert len({w["worker"]["pid"] for w in seen.values()}) == 2
    served = {int(i): int(n) for i, n in EXIT_LINE.findall(log)}
    assert served.keys() == {1, 2} and all(served.values()), log
    assert sum(served.values()) == CALLS
    totals = f"workers at exit (2 of 2 reported): {CALLS} calls answered"
    assert totals in log and f"{CALLS} written to the ledger" in log
    assert ", 0 lost; 0 left in the journals" in log


def test__supervisor_killed__should_leave_no_worker_running(mock, tmp_path):
    with ProxyProcess(mock.url, ledger_url=f"sqlite:///{tmp_path / 'l.db'}", workers=2) as proxy:
        pids = [w["worker"]["pid"] for w in workers_seen(proxy).values()]
        assert all(alive(pid) for pid in pids)
        os.kill(proxy.pid, signal.SIGKILL)
        poll(lambda: not any(alive(pid) for pid in pids), "the workers to exit")


def test__workers_on_a_platform_without_reuse_port__should_fail_with_one_line(monkeypatch, capsys):
    monkeypatch.setattr(reuseport, "SUPPORTED", False)
    code = main(["--upstream", "http://127.0.0.1:9", "--workers", "2"], prog="miready proxy")
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == f"miready proxy: error: {supervisor.UNSUPPORTED}"


def test__one_worker__should_say_so_in_its_status(mock):
    with ProxyProcess(mock.url) as proxy:
        status, pid = proxy.status(), proxy.pid
    assert status["worker"] == {"index": 1, "count": 1, "pid": pid}


@pytest.mark.postgres
def test__two_workers__ledger_dead_then_back__should_answer_spool_and_record_every_call(
    mock, client_for
):
    """Both workers keep answering while the one ledger is missing, spool in their own journals,
    and drain every call into it once it exists: answered = spooled = recorded."""
    psycopg = pytest.importorskip("psycopg")
    if os.environ.get("MIREADY_SKIP_POSTGRES") == "1":
        pytest.skip("MIREADY_SKIP_POSTGRES=1")
    name = f"miready_workers_dead_{uuid.uuid4().hex[:12]}"
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"  # a database not created yet
    calls = 60
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10) as admin:
        try:
            with ProxyProcess(mock.url, ledger_url=url, workers=2) as proxy:
                statuses = answers(client_for(proxy.url, TOKEN, "ScaleOut/1.0"), calls)
                seen = workers_seen(proxy)
                assert not any(w["ledger_ok"] for w in seen.values()), seen
                admin.execute(f"CREATE DATABASE {name}")
                poll(lambda: recorded(url) == calls, f"{calls} calls in the ledger once it exists")
                assert proxy.stop() == 0
                log = proxy.log()
            assert statuses == [200] * calls
            assert recorded(url) == calls
            served = {int(i): int(n) for i, n in EXIT_LINE.findall(log)}
            assert sum(served.values()) == calls, log
            assert ", 0 lost; 0 left in the journals" in log
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
