"""Match each request onto an operation of ``openapi.yaml``; unknown paths stay unknown."""

from __future__ import annotations

from datetime import UTC, datetime

from mitmproxy import http

from contracts.spec import OperationIndex, default_operations
from proxy.flowstate import CallState, call_state, set_call_state


class OperationMatcher:
    """Start the call's state: when, which operation (or ``unknown:<path>``), which store."""

    def __init__(self, operations: OperationIndex | None = None) -> None:
        self.operations = operations or default_operations()

    def request(self, flow: http.HTTPFlow) -> None:
        if call_state(flow) is not None:  # already answered by the proxy itself
            return
        raw_path = flow.request.path.split("?", 1)[0]
        state = CallState(
            at=datetime.now(UTC),
            method=flow.request.method.upper(),
            raw_path=raw_path,
            match=self.operations.match(flow.request.method, raw_path),
        )
        set_call_state(flow, state)
