"""Record every call in the ledger: names, rule ids, redacted examples; never a value or token."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from miready.certifier.ledger.records import CallRecord
from miready.contracts.redaction import redacted_example
from miready.proxy.flowstate import CallState, call_state
from mitmproxy import ctx, http

logger = logging.getLogger(__name__)

UPSTREAM_FAILURE_STATUS = 502
CLOSE_TIMEOUT = 15.0
_RECORDED = "miready_recorded"


class Writer(Protocol):
    def submit(self, record: CallRecord) -> bool: ...
    def flush(self, timeout: float | None = None) -> bool: ...
    def close(self, timeout: float = ...) -> bool: ...
    def stats(self) -> Any: ...


def default_writer_factory(url: str) -> Writer:
    from miready.certifier.ledger.writer import LedgerWriter  # noqa: PLC0415 - only when a ledger is set

    return LedgerWriter(url)


def build_record(state: CallState, status: int, latency_ms: float) -> CallRecord:
    app = state.app
    examples = {}
    if state.findings:
        example = redacted_example(
            state.method,
            state.path_template,
            state.query_keys,
            state.body,
            has_body=state.body is not None,
        )
        examples = {f.rule_id: example for f in state.findings}
    return CallRecord(
        at=state.at,
        app_id=app.app_id if app else "anonymous",
        app_name=app.name if app else None,
        store_id=(app.store_id if app else None) or (state.match.store_id if state.match else None),
        token_id=app.token_id if app else None,
        scopes=app.scopes if app else (),
        operation_id=state.operation_id,
        method=state.method,
        path_template=state.path_template,
        status=status,
        latency_ms=round(latency_ms, 3),
        params=tuple(sorted(state.params)),
        findings=tuple(dict.fromkeys(f.rule_id for f in state.findings)),
        examples=examples,
        source="proxy",
    )


class Recorder:
    """Submit one ``CallRecord`` per call to the ledger writer; the writer never blocks traffic."""

    def __init__(self, writer_factory: Callable[[str], Writer] = default_writer_factory) -> None:
        self.writer_factory = writer_factory
        self.writer: Writer | None = None
        self.ledger_url = ""
        self.calls_seen = 0
        self.local_failed = 0  # calls that could not even be handed to a writer
        self.started = time.monotonic()
        self._reported: tuple[int, int] = (0, 0)  # (failed, dropped) already logged
        self._next_check = 0.0

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_ledger",
            str,
            "",
            "Ledger URL to record calls in, e.g. sqlite:///miready.db or postgresql://host/db. "
            "Empty: calls are counted but not recorded.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_ledger" not in updated:
            return
        url = ctx.options.miready_ledger
        if url == self.ledger_url and self.writer is not None:
            return
        self._close_writer()
        self.ledger_url = url
        if not url:
            return
        try:
            self.writer = self.writer_factory(url)
        except Exception as e:  # traffic flows even without a ledger
            logger.error("LEDGER UNAVAILABLE: cannot open %s: %s; calls are NOT recorded", url, e)
            self.writer = None

    def response(self, flow: http.HTTPFlow) -> None:
        status = flow.response.status_code if flow.response is not None else 0
        self._record(flow, status)

    def error(self, flow: http.HTTPFlow) -> None:
        # A response already sent was recorded by `response`; this is the upstream-down case.
        if flow.response is None:
            self._record(flow, UPSTREAM_FAILURE_STATUS)

    def _record(self, flow: http.HTTPFlow, status: int) -> None:
        state = call_state(flow)
        if state is None or state.internal or flow.metadata.get(_RECORDED):
            return
        flow.metadata[_RECORDED] = True
        self.calls_seen += 1
        latency_ms = (time.time() - flow.request.timestamp_start) * 1000
        try:
            record = build_record(state, status, latency_ms)
        except Exception:
            logger.exception("cannot build the record of %s %s", state.method, state.raw_path)
            self.local_failed += 1
            return
        if self.writer is None:
            if self.ledger_url:
                self.local_failed += 1
            return
        if not self.writer.submit(record):
            logger.error("LEDGER: a record was dropped (writer queue full or closed)")
        self._check_health()

    def _check_health(self) -> None:
        """Log loudly, at most once a second, when the writer starts failing or dropping."""
        now = time.monotonic()
        if self.writer is None or now < self._next_check:
            return
        self._next_check = now + 1.0
        s = self.writer.stats()
        if (s.failed, s.dropped) != self._reported:
            logger.error(
                "LEDGER WRITES FAILING: %d failed, %d dropped so far; last error: %s",
                s.failed,
                s.dropped,
                s.last_error,
            )
            self._reported = (s.failed, s.dropped)

    def status(self) -> dict[str, Any]:
        """The counters of ``GET /_miready/status``."""
        written = pending = failed = dropped = 0
        if self.writer is not None:
            s = self.writer.stats()
            written, pending, failed, dropped = s.written, s.pending, s.failed, s.dropped
        return {
            "calls_seen": self.calls_seen,
            "records_written": written,
            "pending": pending,
            "failed": failed + self.local_failed,
            "dropped": dropped,
            "uptime_seconds": round(time.monotonic() - self.started, 3),
        }

    async def done(self) -> None:
        # Drain the queue off the event loop: the writer's thread does the writing.
        writer, self.writer = self.writer, None
        if writer is not None:
            await asyncio.to_thread(writer.close, CLOSE_TIMEOUT)
            s = writer.stats()
            logger.info(
                "ledger: %d records written, %d failed, %d dropped", s.written, s.failed, s.dropped
            )

    def _close_writer(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close(CLOSE_TIMEOUT)
