"""``Spooler``: the proxy's writer. A record is durable in the journal before its call is answered.

``submit`` hands a record to one committer thread and returns a future; the thread commits every
record queued meanwhile in ONE journal transaction (one fsync for the group) and then resolves
their futures. The proxy awaits the future before releasing the response, so an answered call is
a recorded call. A ``Drainer`` moves journaled records to the ledger in the background.

Nothing is dropped silently: a record is ``lost`` only when the journal is over its size cap
(``max_bytes``) or the journal itself fails, and each loss is counted and logged as an error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from miready.certifier.ledger.base import Ledger, check_url, open_ledger
from miready.certifier.ledger.codec import record_to_json
from miready.certifier.ledger.drainer import Counts, Drainer
from miready.certifier.ledger.journal import Journal
from miready.certifier.ledger.records import CallRecord

log = logging.getLogger("miready.ledger")

DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB of spooled records: days of traffic during an outage
ROW_OVERHEAD = 64  # bytes a journal row takes beyond its text, roughly


@dataclass(frozen=True, slots=True)
class SpoolStats:
    """A snapshot of the counters: ``replayed + journaled == written + quarantined + spooled``."""

    journal: str
    replayed: int
    journaled: int
    spooled: int
    written: int
    duplicates: int
    quarantined: int
    lost: int
    pending: int  # not in the ledger yet: waiting for the journal, or spooled in it
    outages: int
    ledger_replaced: int
    ledger_ok: bool
    last_error: str | None


class Spooler:
    """Journal -> ledger. ``ledger`` is a URL or a factory called (again) in the drainer thread."""

    def __init__(
        self,
        ledger: str | Callable[[], Ledger],
        journal: str | Path,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        batch_size: int = 500,
    ) -> None:
        if isinstance(ledger, str):
            check_url(ledger)  # a typo in the configuration fails now, not in a log later
            url = ledger
            opener: Callable[[], Ledger] = lambda: open_ledger(url)  # noqa: E731
        else:
            opener = ledger
        self.max_bytes = max_bytes
        self.journal = Journal(journal)
        self.counts = Counts()
        self.counts.replayed = self.counts.spooled = self.journal.count()
        self._used = self.journal.used_bytes()
        self._queue: list[tuple[str, Future[bool]]] = []
        self._cond = threading.Condition()
        self._closing = False
        if self.counts.replayed:
            log.warning(
                "journal %s holds %d records from an earlier run: replaying them to the ledger",
                self.journal.path, self.counts.replayed,
            )  # fmt: skip
        self._committer = threading.Thread(
            target=self._commit_loop, name="miready-journal", daemon=True
        )
        self._committer.start()
        self.drainer = Drainer(self.journal, opener, self.counts, batch_size=batch_size)

    def submit(self, record: CallRecord) -> Future[bool]:
        """A future set to True once ``record`` is durable (False: lost, counted and logged)."""
        future: Future[bool] = Future()
        text = record_to_json(record)
        with self._cond:
            self._queue.append((text, future))
            self._cond.notify()
        return future

    def stats(self) -> SpoolStats:
        with self._cond:
            queued = len(self._queue)
        c = self.counts
        with c.lock:
            return SpoolStats(
                journal=str(self.journal.path),
                replayed=c.replayed, journaled=c.journaled, spooled=c.spooled, written=c.written,
                duplicates=c.duplicates, quarantined=c.quarantined, lost=c.lost,
                pending=queued + c.spooled, outages=c.outages, ledger_replaced=c.ledger_replaced,
                ledger_ok=c.ledger_ok, last_error=c.last_error,
            )  # fmt: skip

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until nothing is pending (every record in the ledger or quarantined)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.stats().pending:
            if deadline is not None and time.monotonic() > deadline:
                return False
            self.drainer.wake()
            time.sleep(0.01)
        return True

    def close(self, timeout: float = 15.0) -> SpoolStats:
        """Journal what is queued, drain the journal for at most ``timeout`` s; the final counts.

        Records the ledger could not take stay in the journal, replayed at the next start.
        """
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._committer.join()
        self.drainer.close(timeout)
        stats = self.stats()
        self.journal.close()
        return stats

    # --- the committer thread ----------------------------------------------------------------

    def _commit_loop(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                group, self._queue = self._queue, []
            if not group:
                return  # closing and nothing queued
            self._commit(group)

    def _commit(self, group: list[tuple[str, Future[bool]]]) -> None:
        kept, over = [], []
        refreshed = False
        for item in group:
            size = len(item[0]) + ROW_OVERHEAD
            if self._used + size > self.max_bytes and not refreshed:
                # The estimate only grows; the drainer may have freed pages since: measure.
                pending = sum(len(text) + ROW_OVERHEAD for text, _ in kept)
                self._used = self.journal.used_bytes() + pending
                refreshed = True
            if self._used + size > self.max_bytes:
                over.append(item)
            else:
                self._used += size
                kept.append(item)
        failed: list[tuple[str, Future[bool]]] = []
        if kept:
            try:
                self.journal.append([text for text, _ in kept])
            except Exception as e:  # the journal's disk failed: these records are lost
                log.error("JOURNAL FAILED: %d records lost: %s", len(kept), e)
                failed, kept = kept, []
        with self.counts.lock:
            self.counts.journaled += len(kept)
            self.counts.spooled += len(kept)
            self.counts.lost += len(over) + len(failed)
            lost = self.counts.lost
        if over:
            log.error(
                "JOURNAL FULL (%d bytes, cap %d): %d records LOST, %d in all; the ledger is "
                "probably down, see /_miready/status",
                self._used, self.max_bytes, len(over), lost,
            )  # fmt: skip
        for _, future in kept:
            future.set_result(True)
        for _, future in over + failed:
            future.set_result(False)
        self.drainer.wake()


__all__ = ["DEFAULT_MAX_BYTES", "SpoolStats", "Spooler"]
