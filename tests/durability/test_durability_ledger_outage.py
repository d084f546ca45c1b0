"""Ledger outages are survived: the proxy keeps answering, spools, drains once the ledger is back.

Both sides are counted: every call answered while the ledger was gone is matched in the ledger.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from conftest import DEADLINE_S, POSTGRES_URL, Burst, recorded_calls, wait_for, write_apps_file
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

CLIENTS = 12  # the first half calls before the outage, the second half during and after it
PER_CLIENT = 60


def halves(tokens: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    items = list(tokens.items())
    return dict(items[: len(items) // 2]), dict(items[len(items) // 2 :])


def proxy_for(store_url: str, ledger_url: str, directory: Path) -> ProxyProcess:
    return ProxyProcess(
        store_url,
        ledger_url=ledger_url,
        apps_file=directory / "apps.yaml",
        confdir=directory / "conf",  # the journal of a PostgreSQL ledger lives here
        options={"miready_introspect": False},
        startup_timeout=DEADLINE_S,
    )


@pytest.fixture
def scratch_database():
    """A database of its own on the test server, dropped afterwards; (admin connection, URL)."""
    psycopg = pytest.importorskip("psycopg")
    if os.environ.get("MIREADY_SKIP_POSTGRES") == "1":
        pytest.skip("MIREADY_SKIP_POSTGRES=1")
    name = f"miready_outage_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10)
    admin.execute(f"CREATE DATABASE {name}")
    url = urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    try:
        yield admin, name, url
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.mark.postgres
def test__postgres_database_dropped_and_recreated_mid_run__should_miss_no_call_answered_since(
    store, tmp_path, scratch_database
):
    admin, name, url = scratch_database
    before, during = halves(write_apps_file(tmp_path / "apps.yaml", CLIENTS))
    seen: dict[str, dict] = {}
    with proxy_for(store.url, url, tmp_path) as proxy:
        Burst(proxy.url, before, 20).run()
        assert proxy.wait_until_recorded(DEADLINE_S), proxy.log()
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")

        def recreate() -> None:
            wait_for(lambda: proxy.status()["outages"] >= 1, "the proxy to notice the outage")
            seen["outage"] = proxy.status()
            admin.execute(f"CREATE DATABASE {name}")

        burst = Burst(proxy.url, during, PER_CLIENT).when(150, recreate).run()
        assert proxy.wait_until_recorded(DEADLINE_S), proxy.log()[-3000:]
        final = proxy.status()
    recorded = recorded_calls(url)
    missing = burst.answered - set(recorded)

    outage = seen["outage"]
    print(f"\nPostgreSQL dropped: {len(burst.answered)} calls answered since, {len(recorded)} in "
          f"the recreated ledger, missing {len(missing)}; during the outage spooled "
          f"{outage['spooled']}, written {outage['written']}; at the end {final}")  # fmt: skip
    assert burst.failed == 0  # the proxy kept answering
    assert not outage["ledger_ok"] and outage["spooled"] > 0
    assert missing == set(), sorted(missing)[:10]
    assert len(recorded) == len(burst.answered)  # the calls before the drop went with it
    assert (final["lost"], final["quarantined"], final["pending"]) == (0, 0, 0)


def _immutable(paths: list[Path], on: bool) -> None:
    for path in paths:
        if path.exists():
            subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True)


def test__sqlite_ledger_read_only_then_writable__should_miss_no_answered_call(store, tmp_path):
    # root ignores file modes, so the file is made immutable (chattr +i): read-only even for root.
    if os.geteuid() != 0 or shutil.which("chattr") is None:
        pytest.skip("needs root and chattr to make a file read-only for the proxy's own fds")
    db = tmp_path / "ledger.db"
    url = f"sqlite:///{db}"
    before, during = halves(write_apps_file(tmp_path / "apps.yaml", CLIENTS))
    frozen = [db, Path(f"{db}-wal")]  # never -shm: SQLite maps it, a read-only map is a SIGBUS
    seen: dict[str, dict] = {}
    try:
        with proxy_for(store.url, url, tmp_path) as proxy:
            Burst(proxy.url, before, 20).run()
            assert proxy.wait_until_recorded(DEADLINE_S), proxy.log()
            _immutable(frozen, True)

            def thaw() -> None:
                wait_for(lambda: proxy.status()["outages"] >= 1, "the proxy to notice")
                seen["outage"] = proxy.status()
                _immutable(frozen, False)

            burst = Burst(proxy.url, during, PER_CLIENT).when(150, thaw).run()
            assert proxy.wait_until_recorded(DEADLINE_S), proxy.log()[-3000:]
            final = proxy.status()
    finally:
        _immutable(frozen, False)
    recorded = set(recorded_calls(url))
    missing = burst.answered - recorded

    outage = seen["outage"]
    print(f"\nSQLite read-only: {len(burst.answered)} answered meanwhile, missing {len(missing)}; "
          f"during: spooled {outage['spooled']}, error {outage['last_error']!r}")  # fmt: skip
    print(f"at the end: {final}")
    assert burst.failed == 0
    assert not outage["ledger_ok"] and outage["spooled"] > 0
    assert missing == set(), sorted(missing)[:10]
    assert (final["lost"], final["quarantined"], final["pending"]) == (0, 0, 0)
