"""The background writer: batching, flush, drain on close, drops when full, failures counted."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier.ledger import CallRecord, LedgerError, LedgerWriter, WriterStats
from miready.certifier.ledger.sqlite import SqliteLedger

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def calls(call, n: int, start: int = 0) -> list[CallRecord]:
    return [call(T0 + timedelta(milliseconds=i), store_id=str(i)) for i in range(start, start + n)]


class FakeLedger:
    """A ledger that only records batches; ``fail`` makes the next writes raise, ``gate`` blocks."""

    def __init__(self, fail: int = 0, gate: threading.Event | None = None) -> None:
        self.batches: list[list[CallRecord]] = []
        self.fail = fail
        self.gate = gate
        self.entered = threading.Event()
        self.closed = False

    def write_calls(self, records: Sequence[CallRecord]) -> None:
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(10)
        if self.fail:
            self.fail -= 1
            raise LedgerError("disk on fire")
        self.batches.append(list(records))

    def close(self) -> None:
        self.closed = True


def fast(**kwargs) -> dict:
    return {"retries": 2, "retry_backoff": 0.001, **kwargs}


def test__close__many_queued__should_drain_them_all(backend, call):
    writer = LedgerWriter(backend.url, batch_size=500)
    for record in calls(call, 2_000):
        assert writer.submit(record)

    assert writer.close()

    assert writer.stats() == WriterStats(
        submitted=2_000, written=2_000, pending=0, failed=0, dropped=0, last_error=None
    )
    reopened = backend.open()
    try:
        assert reopened.count_calls() == 2_000
    finally:
        reopened.close()


def test__flush__after_submits__should_return_once_readable_elsewhere(backend, call):
    reader = backend.open()
    with LedgerWriter(backend.url, flush_interval=5.0) as writer:
        for record in calls(call, 30):
            writer.submit(record)

        started = time.monotonic()
        assert writer.flush(timeout=10)

        # flush() does not wait for the batch to fill up (flush_interval is 5 s here).
        assert time.monotonic() - started < 2.5
        assert writer.stats().pending == 0
        assert reader.count_calls() == writer.stats().written == 30
    reader.close()


def test__flush__nothing_submitted__should_return_true_at_once():
    with LedgerWriter(FakeLedger) as writer:
        assert writer.flush(timeout=1)


def test__flush__ledger_stuck__should_time_out_with_false(call):
    gate = threading.Event()
    with LedgerWriter(lambda: FakeLedger(gate=gate)) as writer:
        writer.submit(call())

        assert writer.flush(timeout=0.1) is False

        gate.set()
        assert writer.flush(timeout=5)


def test__submit__queue_full__should_drop_count_and_not_block(call, caplog):
    gate = threading.Event()
    fake = FakeLedger(gate=gate)
    writer = LedgerWriter(lambda: fake, max_queue=5, batch_size=1, flush_interval=0)
    writer.submit(call())
    assert fake.entered.wait(5)  # the thread holds that one record, blocked in the ledger

    started = time.monotonic()
    accepted = [writer.submit(record) for record in calls(call, 20)]
    elapsed = time.monotonic() - started

    assert accepted == [True] * 5 + [False] * 15
    assert elapsed < 0.5
    assert writer.stats().dropped == 15 and writer.stats().pending == 6
    assert "dropped 10 records" in caplog.text
    gate.set()
    assert writer.close()
    assert writer.stats().written == 6 and sum(map(len, fake.batches)) == 6


def test__write__ledger_keeps_failing__should_count_failed_and_keep_taking_traffic(call, caplog):
    fake = FakeLedger(fail=10**9)
    opened: list[FakeLedger] = []

    def factory() -> FakeLedger:
        opened.append(fake)
        return fake

    records = calls(call, 7)
    with LedgerWriter(factory, **fast(batch_size=4)) as writer:
        assert all(writer.submit(r) for r in records[:4])
        assert writer.flush(timeout=5) is False
        assert all(writer.submit(r) for r in records[4:])
        assert writer.flush(timeout=5) is False
        stats = writer.stats()

    assert (stats.submitted, stats.written, stats.failed, stats.pending) == (7, 0, 7, 0)
    assert "disk on fire" in stats.last_error
    assert writer.failed_records() == records  # in order of arrival
    assert len(opened) >= 3  # each failed attempt starts over on a fresh connection
    errors = [
        r for r in caplog.records if r.name == "miready.ledger" and r.levelno >= logging.ERROR
    ]
    assert any("gave up on" in r.getMessage() for r in errors)


def test__write__ledger_fails_once__should_retry_and_count_written(call):
    fake = FakeLedger(fail=1)
    with LedgerWriter(lambda: fake, **fast()) as writer:
        for record in calls(call, 3):
            writer.submit(record)
        assert writer.flush(timeout=5)
        stats = writer.stats()

    assert (stats.written, stats.failed) == (3, 0)
    assert stats.last_error == "LedgerError: disk on fire"


def test__write__ledger_cannot_open__should_count_failed_without_crashing(call):
    def factory() -> SqliteLedger:
        return SqliteLedger("sqlite:////no/such/dir/ledger.db")

    with LedgerWriter(factory, **fast()) as writer:
        assert writer.submit(call())
        assert writer.flush(timeout=5) is False
        assert writer.submit(call())  # still taking traffic
        stats = writer.stats()

    assert "does not exist" in stats.last_error
    assert writer.stats().failed == 2


def test__flush__failure_of_an_earlier_batch__should_not_fail_a_later_flush(call):
    fake = FakeLedger(fail=3)  # exactly the first batch's three attempts
    with LedgerWriter(lambda: fake, **fast()) as writer:
        writer.submit(call())
        assert writer.flush(timeout=5) is False
        writer.submit(call())
        assert writer.flush(timeout=5) is True


def test__submit__after_close__should_refuse_and_count_a_drop(call):
    writer = LedgerWriter(FakeLedger)
    assert writer.close()
    assert writer.close()  # again: harmless

    assert writer.submit(call()) is False
    assert writer.stats().dropped == 1


def test__submit__naive_time__should_refuse_it_alone_without_raising(call):
    good = calls(call, 2)
    fake = FakeLedger()
    with LedgerWriter(lambda: fake) as writer:
        assert writer.submit(good[0])
        assert writer.submit(call(datetime(2024, 5, 1))) is False
        assert writer.submit(good[1])
        assert writer.submit(None) is False  # not even a record: still no exception
        assert writer.flush(timeout=5)

    assert [r for batch in fake.batches for r in batch] == good
    assert (writer.stats().written, writer.stats().dropped) == (2, 2)


def test__writer__unsupported_url__should_fail_at_construction():
    with pytest.raises(LedgerError, match="sqlite:///relative/path.db"):
        LedgerWriter("mysql://u@h/db")


def test__written__acknowledged_records__should_survive_reopening_the_file(tmp_path, call):
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    writer = LedgerWriter(url)
    for record in calls(call, 1_234):
        writer.submit(record)
    assert writer.flush(timeout=10)
    written = writer.stats().written

    fresh = SqliteLedger(url)  # another connection, while the writer is still open
    try:
        assert fresh.count_calls() == written == 1_234
    finally:
        fresh.close()
        writer.close()


@pytest.mark.parametrize("batch_size", [1, 7, 500])
def test__batches__any_size__should_keep_arrival_order(call, batch_size):
    fake = FakeLedger()
    records = calls(call, 50)
    with LedgerWriter(lambda: fake, batch_size=batch_size) as writer:
        for record in records:
            writer.submit(record)

    assert [r for batch in fake.batches for r in batch] == records
    assert max(map(len, fake.batches)) <= batch_size
    assert fake.closed
