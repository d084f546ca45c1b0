"""Move records from the journal to the ledger in the background, for as long as the proxy runs.

A record leaves the journal only once the ledger has committed it (or quarantined it). While the
ledger is down, unwritable or gone, the drainer retries with backoff and the journal holds the
records. A SQLite ledger file removed or replaced under the proxy is noticed by its device and
inode, before and after each write: that is an outage too, and the ledger is reopened (recreated).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from miready.certifier.ledger.base import Ledger, LedgerError
from miready.certifier.ledger.codec import record_from_json
from miready.certifier.ledger.journal import Journal
from miready.certifier.ledger.records import WriteResult

log = logging.getLogger("miready.ledger")

BATCH_SIZE = 500
LINGER_S = 0.05  # wait this long for a fuller batch (never when closing)
BACKOFF_MIN_S = 0.05
BACKOFF_MAX_S = 2.0
LOG_EVERY_S = 10.0  # an outage that lasts is logged again this often


@dataclass
class Counts:
    """Counters shared by the spooler and the drainer, guarded by ``lock``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    replayed: int = 0  # found in the journal at start-up
    journaled: int = 0  # made durable in the journal by this process
    spooled: int = 0  # in the journal now, not yet in the ledger
    written: int = 0  # drained into the ledger (inserted, or already there)
    duplicates: int = 0  # of ``written``: already in the ledger (a replay after a crash)
    quarantined: int = 0  # refused by the ledger, kept in its quarantine table
    lost: int = 0  # never journaled: journal over its size cap, or failing
    outages: int = 0  # times the ledger failed after working (or never opened)
    ledger_replaced: int = 0  # times a SQLite ledger file was found removed or replaced
    last_error: str | None = None
    ledger_ok: bool = False


class LedgerReplacedError(LedgerError):
    """The SQLite ledger file is not the one that was opened (removed or replaced)."""


class Drainer:
    """One thread: journal -> ledger, oldest first, idempotent (call ids are unique)."""

    def __init__(
        self,
        journal: Journal,
        open_ledger: Callable[[], Ledger],
        counts: Counts,
        *,
        batch_size: int = BATCH_SIZE,
        backoff_max: float = BACKOFF_MAX_S,
    ) -> None:
        self.journal = journal
        self._open = open_ledger
        self.counts = counts
        self._batch_size = batch_size
        self._backoff_max = backoff_max
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._deadline = float("inf")
        self._thread = threading.Thread(target=self._run, name="miready-drainer", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def close(self, timeout: float) -> bool:
        """Drain what the journal holds, for at most ``timeout`` s; True if it is empty."""
        self._deadline = time.monotonic() + timeout
        self._closing.set()
        self._wake.set()
        self._thread.join(timeout + 5.0)
        return not self._thread.is_alive() and self.counts.spooled == 0

    def _run(self) -> None:
        ledger: Ledger | None = None
        fingerprint: object | None = None
        backoff = BACKOFF_MIN_S
        logged_at = 0.0
        while not (self._closing.is_set() and time.monotonic() >= self._deadline):
            try:
                rows = self.journal.oldest(self._batch_size)
                if len(rows) < self._batch_size and not self._closing.is_set():
                    if not rows:
                        self._wake.wait(0.5)
                        self._wake.clear()
                        continue
                    time.sleep(LINGER_S)  # let a group gather; cheaper per record
                    rows = self.journal.oldest(self._batch_size)
                if not rows:
                    break  # closing, and nothing left
                if ledger is None:
                    ledger = self._open()
                    fingerprint = ledger.fingerprint()
                self._check(ledger, fingerprint)
                result = ledger.write_calls([_decode(text) for _, text in rows])
                self._check(ledger, fingerprint)  # a file removed mid-write kept nothing
                self.journal.remove([seq for seq, _ in rows])
                self._done(len(rows), result)
                backoff = BACKOFF_MIN_S
            except Exception as e:  # an outage: keep the records, retry for as long as we run
                ledger = _close_quietly(ledger)
                now = time.monotonic()
                first = self._failed(e)
                if first or now - logged_at > LOG_EVERY_S:
                    log.error(
                        "LEDGER OUTAGE: %s; %d records spooled in the journal %s, retrying",
                        e, self.counts.spooled, self.journal.path,
                    )  # fmt: skip
                    logged_at = now
                if self._closing.is_set() and now >= self._deadline:
                    break
                if self._closing.is_set():
                    time.sleep(min(backoff, max(0.0, self._deadline - now)))
                else:
                    self._closing.wait(backoff)  # closing cuts the wait short
                backoff = min(backoff * 2, self._backoff_max)
        _close_quietly(ledger)

    def _check(self, ledger: Ledger, fingerprint: object | None) -> None:
        now = ledger.fingerprint()
        if now != fingerprint:
            with self.counts.lock:
                self.counts.ledger_replaced += 1
            raise LedgerReplacedError(
                f"ledger {ledger.url} was removed or replaced under the proxy ({now}); "
                "it is reopened and the spooled records written again"
            )

    def _done(self, rows: int, result: WriteResult) -> None:
        with self.counts.lock:
            if not self.counts.ledger_ok and self.counts.outages:
                log.warning("ledger is back: draining %d spooled records", self.counts.spooled)
            self.counts.ledger_ok = True
            self.counts.spooled -= rows
            self.counts.written += result.inserted + result.duplicates
            self.counts.duplicates += result.duplicates
            self.counts.quarantined += result.quarantined
        if result.quarantined:
            log.error("LEDGER QUARANTINE: %d records refused, see `miready ledger verify`",
                      result.quarantined)  # fmt: skip

    def _failed(self, error: Exception) -> bool:
        with self.counts.lock:
            first = self.counts.ledger_ok or not self.counts.outages
            if first:
                self.counts.outages += 1
            self.counts.ledger_ok = False
            self.counts.last_error = f"{type(error).__name__}: {error}"
        return first


def _decode(text: str) -> object:
    """The record, or the text itself when it is not one: the ledger then quarantines it."""
    try:
        return record_from_json(text)
    except (ValueError, KeyError, TypeError):
        return text


def _close_quietly(ledger: Ledger | None) -> None:
    if ledger is not None:
        try:
            ledger.close()
        except Exception as e:  # closing a broken connection may fail too
            log.debug("closing the ledger failed: %s", e)
    return None
