"""Batch calls into the ledger from one background thread, so the proxy's event loop never waits.

``submit`` only puts the record in a bounded queue: when the queue is full the record is dropped
and counted, because blocking the proxy would stall every app behind it. One thread drains the
queue in batches through its own ledger connection. A batch that still fails after a few retries
is counted as failed and kept (in arrival order) in ``failed_records()``; only committed records
are ever counted as written.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from miready.certifier.ledger.base import Ledger, check_url, open_ledger
from miready.certifier.ledger.records import CallRecord

log = logging.getLogger("miready.ledger")

POLL_S = 0.05  # how often an idle writer thread looks at the closing flag


@dataclass(frozen=True, slots=True)
class WriterStats:
    """Counters of a writer; ``submitted == written + failed + pending`` at every moment."""

    submitted: int  # accepted into the queue
    written: int  # committed to the ledger
    pending: int  # accepted, not yet written nor failed (queued or being written)
    failed: int  # given up on after the retries
    dropped: int  # refused: queue full, writer closed, or a naive (zone-less) time
    last_error: str | None


class LedgerWriter:
    """A bounded queue of calls drained into a ledger by one thread.

    ``ledger`` is a URL, or a factory called in the writer thread whenever it needs a connection
    (again after a failed write, since the connection may be broken); the writer owns and closes
    what the factory returns.
    """

    def __init__(
        self,
        ledger: str | Callable[[], Ledger],
        *,
        max_queue: int = 10_000,
        batch_size: int = 500,
        flush_interval: float = 0.05,
        retries: int = 3,
        retry_backoff: float = 0.1,
        keep_failed: int = 10_000,
    ) -> None:
        if isinstance(ledger, str):
            check_url(ledger)  # a typo in the configuration fails now, not in a log later
            url = ledger
            self._open: Callable[[], Ledger] = lambda: open_ledger(url)
        else:
            self._open = ledger
        self._batch_size = max(1, batch_size)
        self._flush_interval = flush_interval
        self._retries = max(0, retries)
        self._retry_backoff = retry_backoff
        self._queue: queue.Queue[CallRecord] = queue.Queue(maxsize=max(1, max_queue))
        self._state = threading.Condition()
        self._closing = False
        self._flushing = 0  # flush() calls waiting: the thread then stops waiting for a full batch
        self._submitted = self._written = self._failed = self._dropped = 0
        self._done = 0  # records written or failed; records are done in arrival order
        self._failed_spans: list[tuple[int, int]] = []  # (after, upto] ranges of `_done` failed
        self._failed_records: deque[CallRecord] = deque(maxlen=keep_failed)
        self._last_error: str | None = None
        self._thread = threading.Thread(target=self._run, name="miready-ledger-writer", daemon=True)
        self._thread.start()

    # --- the caller's side -------------------------------------------------------------------

    def submit(self, record: CallRecord) -> bool:
        """Queue ``record`` without blocking; False (and counted as dropped) if it was refused.

        A record with a naive time is refused here: in the ledger it would fail its whole batch.
        """
        try:
            valid = record.at.utcoffset() is not None
            with self._state:
                if valid and not self._closing:
                    try:
                        self._queue.put_nowait(record)
                    except queue.Full:
                        pass
                    else:
                        self._submitted += 1
                        return True
                self._dropped += 1
                dropped = self._dropped
            # 1st, 10th, 100th... drop: loud enough to notice, quiet enough for the hot path.
            if str(dropped).rstrip("0") == "1":
                log.warning(
                    "ledger writer dropped %d records (queue full, closed, or naive time)", dropped
                )
        except Exception:  # the proxy must never fail because of its ledger
            log.exception("ledger writer: submit failed")
            with self._state:
                self._dropped += 1
        return False

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every record submitted before this call is committed.

        False on timeout, if the writer thread has stopped, or if one of those records failed.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._state:
            target, before = self._submitted, self._done
            self._flushing += 1
            try:
                while self._done < target:
                    if not self._thread.is_alive():
                        return False
                    remaining = POLL_S if deadline is None else deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._state.wait(min(remaining, POLL_S))
            finally:
                self._flushing -= 1
            return not any(lo < target and hi > before for lo, hi in self._failed_spans)

    def close(self, timeout: float = 10.0) -> bool:
        """Refuse new records, write the queued ones, stop the thread; True if it stopped in time.

        Calling it again is harmless.
        """
        with self._state:
            self._closing = True
            self._state.notify_all()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error(
                "ledger writer: %d records still pending after %.1f s at close",
                self.stats().pending,
                timeout,
            )
            return False
        return True

    def stats(self) -> WriterStats:
        with self._state:
            return WriterStats(
                submitted=self._submitted,
                written=self._written,
                pending=self._submitted - self._written - self._failed,
                failed=self._failed,
                dropped=self._dropped,
                last_error=self._last_error,
            )

    def failed_records(self) -> list[CallRecord]:
        """The records of failed batches, oldest first (the latest ``keep_failed`` of them)."""
        with self._state:
            return list(self._failed_records)

    def __enter__(self) -> LedgerWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        ledger = self._connect()
        try:
            while (batch := self._next_batch()) is not None:
                ledger = self._write(ledger, batch)
        except Exception:  # a bug here must not silently stop the writing
            log.exception("ledger writer thread crashed")
        finally:
            _close_quietly(ledger)

    def _next_batch(self) -> list[CallRecord] | None:
        """Up to ``batch_size`` records, waiting at most ``flush_interval`` to fill it up."""
        while True:
            try:
                batch = [self._queue.get(timeout=POLL_S)]
                break
            except queue.Empty:
                # submit() checks `_closing` under the same lock, so once it is set and the
                # queue is empty, nothing more can come.
                if self._closing and self._queue.empty():
                    return None
        deadline = time.monotonic() + self._flush_interval
        while len(batch) < self._batch_size:
            try:
                batch.append(self._queue.get_nowait())
                continue
            except queue.Empty:
                pass
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing or self._flushing:
                break
            try:
                # In short slices, so that a flush() or close() is noticed at once.
                batch.append(self._queue.get(timeout=min(remaining, POLL_S)))
            except queue.Empty:
                pass
        return batch

    def _connect(self) -> Ledger | None:
        try:
            return self._open()
        except Exception as e:
            self._note_error(f"cannot open the ledger: {type(e).__name__}: {e}")
            log.error("ledger writer: cannot open the ledger: %s", e)
            return None

    def _write(self, ledger: Ledger | None, batch: list[CallRecord]) -> Ledger | None:
        """Write ``batch`` with retries; returns the connection to use next (None: reopen)."""
        attempts = 1 + self._retries
        for attempt in range(1, attempts + 1):
            if ledger is None:
                ledger = self._connect()
            if ledger is not None:
                try:
                    ledger.write_calls(batch)
                except Exception as e:
                    self._note_error(f"{type(e).__name__}: {e}")
                    log.error(
                        "ledger writer: writing %d records failed (attempt %d of %d): %s",
                        len(batch),
                        attempt,
                        attempts,
                        e,
                    )
                    # The connection may be broken: start the next attempt on a fresh one.
                    _close_quietly(ledger)
                    ledger = None
                else:
                    with self._state:
                        self._written += len(batch)
                        self._done += len(batch)
                        self._state.notify_all()
                    return ledger
            if attempt < attempts:
                time.sleep(self._retry_backoff * 2 ** (attempt - 1))
        log.error(
            "ledger writer: gave up on %d records after %d attempts; they are counted as failed",
            len(batch),
            attempts,
        )
        with self._state:
            self._failed_spans.append((self._done, self._done + len(batch)))
            self._failed += len(batch)
            self._done += len(batch)
            self._failed_records.extend(batch)
            self._state.notify_all()
        return ledger

    def _note_error(self, error: str) -> None:
        with self._state:
            self._last_error = error


def _close_quietly(ledger: Ledger | None) -> None:
    if ledger is None:
        return
    try:
        ledger.close()
    except Exception as e:
        log.warning("ledger writer: closing the ledger failed: %s", e)
