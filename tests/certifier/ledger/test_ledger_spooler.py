"""The journal and its spooler: durable before acknowledged, replayed, drained through outages."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier.ledger import CallRecord, LedgerError, open_ledger
from miready.certifier.ledger.journal import Journal, default_journal_path
from miready.certifier.ledger.spooler import Spooler

T0 = datetime(2024, 5, 1, 12, tzinfo=UTC)
DEADLINE_S = 60.0


def wait_for(condition, what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


def calls(n: int, start: int = 0) -> list[CallRecord]:
    return [
        CallRecord(at=T0 + timedelta(milliseconds=i), call_id=f"c{i:06d}", app_id="app-1",
                   method="GET", path_template="/p", status=200)
        for i in range(start, n)
    ]  # fmt: skip


def count(url: str) -> int:
    ledger = open_ledger(url)
    try:
        return ledger.count_calls()
    finally:
        ledger.close()


class Switch:
    """A ledger factory that fails while ``down`` is set: an outage on demand."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.down = threading.Event()
        self.attempts = 0

    def __call__(self):
        self.attempts += 1
        if self.down.is_set():
            raise LedgerError("ledger down (test)")
        return open_ledger(self.url)


@pytest.mark.parametrize(
    ("url", "journal"),
    [
        ("sqlite:///data/miready.db", "data/miready.db.journal"),
        ("sqlite:////var/x.db", "/var/x.db.journal"),
        ("sqlite:///:memory:", "conf/miready-journal.db"),
        ("postgresql://u@h/db", "conf/miready-journal.db"),
    ],
)
def test__default_journal_path__should_sit_next_to_a_sqlite_ledger_else_in_confdir(
    url, journal, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert default_journal_path(url, "conf") == (tmp_path / journal).absolute()


def test__spooler__concurrent_submits__should_be_durable_before_acknowledged_and_all_written(
    tmp_path,
):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    spooler = Spooler(url, tmp_path / "journal.db")
    futures = []
    lock = threading.Lock()

    def client(k: int) -> None:
        for i in range(k * 250, (k + 1) * 250):
            future = spooler.submit(calls(i + 1, i)[0])
            with lock:
                futures.append(future)

    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_S)
    acknowledged = sum(f.result(DEADLINE_S) for f in futures)
    assert spooler.flush(DEADLINE_S)
    stats = spooler.close()

    print(f"\n8 threads x 250: {acknowledged} acknowledged; {stats}")
    assert acknowledged == stats.journaled == stats.written == count(url) == 2_000
    assert (stats.spooled, stats.lost, stats.pending, stats.quarantined) == (0, 0, 0, 0)


def test__spooler__ledger_down__should_spool_then_drain_everything_when_it_is_back(tmp_path):
    switch = Switch(f"sqlite:///{tmp_path / 'ledger.db'}")
    switch.down.set()
    spooler = Spooler(switch, tmp_path / "journal.db")
    acknowledged = sum(spooler.submit(r).result(DEADLINE_S) for r in calls(300))
    wait_for(lambda: switch.attempts >= 2, "a few attempts against the down ledger")
    during = spooler.stats()

    switch.down.clear()
    assert spooler.flush(DEADLINE_S)
    after = spooler.close()

    print(f"\noutage: {acknowledged} acknowledged; during {during}; after {after}")
    assert (during.spooled, during.pending, during.written, during.ledger_ok) == (
        300,
        300,
        0,
        False,
    )
    assert during.outages == 1 and "ledger down" in during.last_error
    assert after.written == count(switch.url) == acknowledged == 300
    assert after.lost == after.spooled == 0


def test__spooler__closed_with_the_ledger_down__should_leave_records_for_the_next_start(tmp_path):
    switch = Switch(f"sqlite:///{tmp_path / 'ledger.db'}")
    switch.down.set()
    first = Spooler(switch, tmp_path / "journal.db")
    for r in calls(120):
        assert first.submit(r).result(DEADLINE_S)
    left = first.close(timeout=0.2)

    switch.down.clear()
    second = Spooler(switch, tmp_path / "journal.db")
    assert second.flush(DEADLINE_S)
    replayed = second.close()

    print(f"\nreplay: left {left.spooled} in the journal; next start {replayed}")
    assert (left.journaled, left.spooled, left.written) == (120, 120, 0)
    assert (replayed.replayed, replayed.written, count(switch.url)) == (120, 120, 120)


def test__spooler__journal_over_its_cap__should_count_and_log_every_lost_record(tmp_path, caplog):
    switch = Switch(f"sqlite:///{tmp_path / 'ledger.db'}")
    switch.down.set()
    spooler = Spooler(switch, tmp_path / "journal.db", max_bytes=64 * 1024)
    results = [spooler.submit(r).result(DEADLINE_S) for r in calls(1_000)]
    stats = spooler.close(timeout=0.1)

    print(f"\ncap 64 KiB: {results.count(True)} journaled, {results.count(False)} lost; {stats}")
    assert results.count(False) == stats.lost > 0
    assert results.count(True) == stats.journaled == stats.spooled
    assert "JOURNAL FULL" in caplog.text


def test__spooler__sqlite_ledger_file_removed__should_be_detected_and_recreated(tmp_path):
    path = tmp_path / "ledger.db"
    url = f"sqlite:///{path}"
    spooler = Spooler(url, tmp_path / "journal.db")
    for r in calls(100):
        spooler.submit(r).result(DEADLINE_S)
    assert spooler.flush(DEADLINE_S)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.remove(f"{path}{suffix}")
    for r in calls(250, 100):
        spooler.submit(r).result(DEADLINE_S)
    assert spooler.flush(DEADLINE_S)
    stats = spooler.close()

    print(f"\nledger file removed after 100 calls: {stats}; new file holds {count(url)}")
    assert stats.ledger_replaced >= 1
    assert count(url) == 150  # everything after the removal is in the recreated file


def test__journal__second_owner__should_take_the_next_slot(tmp_path):
    first = Journal(tmp_path / "j.db")
    second = Journal(tmp_path / "j.db")
    try:
        assert (first.path.name, second.path.name) == ("j.db", "j.db.1")
    finally:
        first.close()
        second.close()
    with pytest.raises(LedgerError, match="in use"):
        held = Journal(tmp_path / "k.db")
        try:
            Journal(tmp_path / "k.db", take_free_slot=False)
        finally:
            held.close()


def test__spooler__unreadable_row_in_the_journal__should_be_quarantined_not_block(tmp_path):
    journal = tmp_path / "journal.db"
    Journal(journal).close()
    conn = sqlite3.connect(journal)
    conn.execute("INSERT INTO spool (record) VALUES ('{not json')")
    conn.commit()
    conn.close()
    url = f"sqlite:///{tmp_path / 'ledger.db'}"

    spooler = Spooler(url, journal)
    spooler.submit(calls(1)[0]).result(DEADLINE_S)
    assert spooler.flush(DEADLINE_S)
    stats = spooler.close()

    ledger = open_ledger(url)
    assert (stats.replayed, stats.written, stats.quarantined, ledger.count_calls()) == (1, 1, 1, 1)
    assert "not a CallRecord" in ledger.quarantined()[0].error
    ledger.close()
