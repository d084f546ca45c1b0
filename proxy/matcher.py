"""Start each call's state: when it arrived (the system clock or a simulated one) and what it is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from miready.proxy.clock import FileClock
from miready.proxy.flowstate import CallState, call_state, set_call_state
from mitmproxy import ctx, http


class OperationMatcher:
    """The first stage: the call's ``CallState``; the classifier then observes the request."""

    def __init__(self) -> None:
        self.clock: FileClock | None = None

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_clock_file",
            str,
            "",
            """
            A file holding an ISO 8601 instant: calls are recorded at that simulated time (plus
            the real time elapsed since the file last changed). Empty: the system clock.
            """,
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_clock_file" in updated:
            path = ctx.options.miready_clock_file
            self.clock = FileClock(path) if path else None

    def now(self) -> datetime:
        return self.clock.now() if self.clock else datetime.now(UTC)

    def request(self, flow: http.HTTPFlow) -> None:
        if call_state(flow) is not None:  # already answered by the proxy itself
            return
        state = CallState(
            at=self.now(),
            method=flow.request.method.upper(),
            raw_path=flow.request.path.split("?", 1)[0],
        )
        set_call_state(flow, state)
