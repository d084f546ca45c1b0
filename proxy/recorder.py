"""Record every call durably before it is answered: names, rule ids, redacted examples; no values.

The response (or error) hook builds the call's record, hands it to the writer and awaits its
durability in the local journal before mitmproxy releases the response: an answered call is a
recorded call. The journal is drained to the ledger in the background (see ``Spooler``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, Protocol

from miready.certifier.ledger.records import CallRecord
from miready.contracts.observe import build_call_record
from miready.proxy.flowstate import UPSTREAM_TIMEOUT, CallState, call_state
from mitmproxy import ctx, http

logger = logging.getLogger(__name__)

UPSTREAM_FAILURE_STATUS = 502
CLOSE_TIMEOUT = 15.0
_RECORDED = "miready_recorded"
DEFAULT_JOURNAL_MAX_BYTES = 1 << 30
JOURNAL_OPTIONS = {"miready_ledger", "miready_journal", "miready_journal_max_bytes"}


class Writer(Protocol):
    def submit(self, record: CallRecord) -> bool | Future[bool]: ...
    def close(self, timeout: float = ...) -> Any: ...
    def stats(self) -> Any: ...


def default_writer_factory(url: str) -> Writer:
    """A ``Spooler`` on the journal the options name (default: next to the ledger)."""
    from miready.certifier.ledger.journal import default_journal_path  # noqa: PLC0415
    from miready.certifier.ledger.spooler import Spooler  # noqa: PLC0415

    journal = ctx.options.miready_journal or default_journal_path(url, ctx.options.confdir)
    return Spooler(url, journal, max_bytes=ctx.options.miready_journal_max_bytes)


GATEWAY_TIMEOUT = 504


def build_record(state: CallState, status: int, latency_ms: float) -> CallRecord:
    """The call's record through ``contracts.observe``, with a fresh call id.

    A call the upstream timeout answered is recorded with that answer's status (504).
    """
    if state.observation is None:
        raise ValueError("the call was never observed (no rule pack loaded?)")
    if state.upstream_error == UPSTREAM_TIMEOUT:
        status = GATEWAY_TIMEOUT
    record = build_call_record(
        state.observation, state.app, at=state.at, status=status, latency_ms=latency_ms
    )
    return replace(record, test_id=state.test_id) if state.test_id else record


class Recorder:
    """Make one ``CallRecord`` per call durable before the call is answered."""

    def __init__(self, writer_factory: Callable[[str], Writer] = default_writer_factory) -> None:
        self.writer_factory = writer_factory
        self.writer: Writer | None = None
        self.ledger_url = ""
        self.calls_seen = 0  # calls answered and handed to the writer
        self.local_lost = 0  # calls answered whose record could not be made or kept
        self.refused = 0  # calls cut at shutdown, never answered (so never recorded)
        self.closing = False
        self.final: dict[str, Any] | None = None  # the counts at exit, once `done` has run
        self.started = time.monotonic()
        self._config: tuple[str, str, int] | None = None

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_ledger",
            str,
            "",
            "Ledger URL to record calls in, e.g. sqlite:///miready.db or postgresql://host/db. "
            "Empty: calls are counted but not recorded.",
        )
        loader.add_option(
            "miready_journal",
            str,
            "",
            "Local journal (a SQLite file) where each call's record is made durable before the "
            "call is answered, then drained to the ledger; replayed at start-up. Empty: next to "
            "a SQLite ledger file (LEDGER.journal), else miready-journal.db in the confdir. A "
            "journal in use by another proxy makes this one take the next slot (.1, .2 ...).",
        )
        loader.add_option(
            "miready_journal_max_bytes",
            int,
            DEFAULT_JOURNAL_MAX_BYTES,
            "Disk cap of the journal while the ledger is down. Records that do not fit are "
            "answered but LOST: counted in /_miready/status and logged as errors.",
        )

    def configure(self, updated: set[str]) -> None:
        if not JOURNAL_OPTIONS & updated:
            return
        options = ctx.options
        config = (
            options.miready_ledger,
            options.miready_journal,
            options.miready_journal_max_bytes,
        )
        if config == self._config and self.writer is not None:
            return
        self._close_writer()
        self._config = config
        self.ledger_url = url = options.miready_ledger
        if not url:
            return
        try:
            self.writer = self.writer_factory(url)
        except Exception as e:  # traffic flows even without a journal; losses are counted
            logger.error("LEDGER UNAVAILABLE: cannot open %s: %s; calls are NOT recorded", url, e)
            self.writer = None

    async def response(self, flow: http.HTTPFlow) -> None:
        status = flow.response.status_code if flow.response is not None else 0
        await self._record(flow, status)

    async def error(self, flow: http.HTTPFlow) -> None:
        # A response already sent was recorded by `response`; this is the upstream-down case.
        if flow.response is None:
            await self._record(flow, UPSTREAM_FAILURE_STATUS)

    async def _record(self, flow: http.HTTPFlow, status: int) -> None:
        state = call_state(flow)
        if state is None or state.internal or flow.metadata.get(_RECORDED):
            return
        flow.metadata[_RECORDED] = True
        if self.closing:
            # Shutting down: the journal is closed, so the call is cut instead of answered.
            self.refused += 1
            flow.kill()
            return
        self.calls_seen += 1
        latency_ms = (time.time() - flow.request.timestamp_start) * 1000
        try:
            record = build_record(state, status, latency_ms)
        except Exception:
            logger.exception("cannot build the record of %s %s", state.method, state.raw_path)
            self.local_lost += 1
            return
        writer = self.writer
        if writer is None:
            if self.ledger_url:
                self.local_lost += 1
            return
        try:
            accepted = writer.submit(record)
            if isinstance(accepted, Future):
                accepted = await asyncio.wrap_future(accepted)
            elif inspect.isawaitable(accepted):
                accepted = await accepted
        except Exception:
            logger.exception("LEDGER: the record of a call could not be journaled")
            accepted = False
        if not accepted and not hasattr(writer.stats(), "lost"):
            self.local_lost += 1  # a writer without its own loss count

    def status(self) -> dict[str, Any]:
        """The counters of ``GET /_miready/status``."""
        counts: dict[str, Any] = {}
        if self.writer is not None:
            counts = dataclasses.asdict(self.writer.stats())
        counts["lost"] = counts.get("lost", 0) + self.local_lost
        counts.setdefault("pending", 0)
        return {
            "calls_seen": self.calls_seen,
            **counts,
            "refused_at_shutdown": self.refused,
            "uptime_seconds": round(time.monotonic() - self.started, 3),
        }

    async def done(self) -> None:
        # mitmproxy keeps serving while `done` runs: calls from now on are cut, not answered,
        # so that the counts printed below are exact.
        self.closing = True
        writer, self.writer = self.writer, None
        if writer is None:
            self.final = self.status()
            return
        await asyncio.to_thread(writer.close, CLOSE_TIMEOUT)
        self.writer = writer  # for the final counts only; `closing` keeps it unused
        self.final = s = self.status()
        self.writer = None
        logger.info(
            "ledger at exit: %d calls answered; %d journaled, %d replayed from an earlier run; "
            "%d written to the ledger (%d were already there), %d quarantined, %d lost; "
            "%d left in the journal %s for the next start; %d cut at shutdown (not answered)",
            s["calls_seen"], s.get("journaled", 0), s.get("replayed", 0), s.get("written", 0),
            s.get("duplicates", 0), s.get("quarantined", 0), s["lost"], s.get("spooled", 0),
            s.get("journal", "-"), s["refused_at_shutdown"],
        )  # fmt: skip

    def _close_writer(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close(CLOSE_TIMEOUT)
