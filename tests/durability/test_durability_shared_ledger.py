"""One PostgreSQL ledger, many writers at once: 4 proxies and 4 importer processes, counts exact."""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from collections import Counter

import pytest
from conftest import DEADLINE_S, POSTGRES_URL, Burst, recorded_calls, write_apps_file
from miready.certifier.ledger import open_ledger
from miready.certifier.ledger.verify import verify
from miready.proxy.process import ProxyProcess

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PROXIES = 4
CLIENTS_PER_PROXY = 3
PER_CLIENT = 50
IMPORTERS = 4
IMPORTED = 500  # calls per importer, each written twice (a re-import) in batches of 50
# An importer as `miready import` writes: records with content-derived ids, through the ledger API.
IMPORTER = """
import sys
from datetime import UTC, datetime, timedelta
from miready.certifier.ledger import CallRecord, open_ledger

url, k, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = datetime(2024, 5, 1, tzinfo=UTC)
records = [
    CallRecord(call_id=f"import-{k}-{i}", at=t0 + timedelta(seconds=i), app_id=f"importer-{k}",
               method="GET", path_template="/products", status=200, source="import")
    for i in range(n)
]
ledger = open_ledger(url)
inserted = 0
for _ in range(2):
    for start in range(0, n, 50):
        inserted += ledger.write_calls(records[start:start + 50]).inserted
ledger.close()
print(inserted)
"""


@pytest.fixture
def shared_url(postgres_schema_name):
    return f"{POSTGRES_URL}?schema={postgres_schema_name}"


@pytest.fixture
def postgres_schema_name():
    psycopg = pytest.importorskip("psycopg")
    name = f"miready_shared_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


def test__four_proxies_and_four_importers_on_one_postgres_ledger__should_count_exactly(
    store, tmp_path, shared_url
):
    open_ledger(shared_url).close()  # tables first, so the proxies do not all race to make them
    tokens = write_apps_file(tmp_path / "apps.yaml", PROXIES * CLIENTS_PER_PROXY)
    groups = [dict(list(tokens.items())[i::PROXIES]) for i in range(PROXIES)]
    proxies = [
        ProxyProcess(store.url, ledger_url=shared_url, apps_file=tmp_path / "apps.yaml",
                     confdir=tmp_path / f"conf-{i}", options={"miready_introspect": False},
                     startup_timeout=DEADLINE_S)
        for i in range(PROXIES)
    ]  # fmt: skip
    bursts: list[Burst] = []
    try:
        for proxy in proxies:
            proxy.start()
        importers = [
            subprocess.Popen([sys.executable, "-c", IMPORTER, shared_url, str(k), str(IMPORTED)],
                             stdout=subprocess.PIPE, text=True)
            for k in range(IMPORTERS)
        ]  # fmt: skip
        bursts = [Burst(p.url, g, PER_CLIENT) for p, g in zip(proxies, groups, strict=True)]
        threads = [threading.Thread(target=b.run) for b in bursts]
        for t in threads:
            t.start()
        for t in threads:
            t.join(DEADLINE_S)
        inserted = [int(p.communicate(timeout=DEADLINE_S)[0]) for p in importers]
        for proxy in proxies:
            assert proxy.wait_until_recorded(DEADLINE_S), proxy.log()[-3000:]
        statuses = [p.status() for p in proxies]
    finally:
        for proxy in proxies:
            proxy.close()

    recorded = recorded_calls(shared_url)
    per_app = Counter(app for app, _ in recorded)
    answered = set().union(*(b.answered for b in bursts))
    ledger = open_ledger(shared_url)
    try:
        check = verify(ledger)
        total = ledger.count_calls()
    finally:
        ledger.close()
    written = sum(s["written"] for s in statuses)
    print(f"\n4 proxies: {len(answered)} answered, {written} written by them; 4 importers: "
          f"{inserted} inserted (each wrote its {IMPORTED} calls twice); ledger {total} calls; "
          f"verify {'OK' if check.ok else 'NOT OK'}, {check.rollup_rows} rollup rows")  # fmt: skip
    assert all(b.failed == 0 for b in bursts)
    assert len(answered) == written == PROXIES * CLIENTS_PER_PROXY * PER_CLIENT
    assert answered <= set(recorded)
    assert inserted == [IMPORTED] * IMPORTERS
    assert all(per_app[f"importer-{k}"] == IMPORTED for k in range(IMPORTERS))
    assert total == len(recorded) == len(answered) + IMPORTERS * IMPORTED
    assert check.ok, str(check)
