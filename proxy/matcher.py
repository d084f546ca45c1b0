"""Match each request onto an operation of ``openapi.yaml``; unknown paths stay unknown."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from miready.contracts.errors import ContractError
from miready.contracts.pack import load_pack
from miready.contracts.spec import OperationIndex, default_operations
from miready.proxy.clock import FileClock
from miready.proxy.flowstate import CallState, call_state, set_call_state
from mitmproxy import ctx, exceptions, http


class OperationMatcher:
    """Start the call's state: when, which operation (or ``unknown:<path>``), which store."""

    def __init__(self, operations: OperationIndex | None = None) -> None:
        self._pack_operations = operations is None  # follow --rules unless given a spec
        self.operations = operations or default_operations()
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
        if "miready_rules" in updated and self._pack_operations:
            # The classifier's option names the platform pack; match on that pack's spec.
            try:
                self.operations = load_pack(ctx.options.miready_rules or None).operations
            except ContractError as e:
                raise exceptions.OptionsError(f"miready_rules: {e}") from e
        if "miready_clock_file" in updated:
            path = ctx.options.miready_clock_file
            self.clock = FileClock(path) if path else None

    def now(self) -> datetime:
        return self.clock.now() if self.clock else datetime.now(UTC)

    def request(self, flow: http.HTTPFlow) -> None:
        if call_state(flow) is not None:  # already answered by the proxy itself
            return
        raw_path = flow.request.path.split("?", 1)[0]
        state = CallState(
            at=self.now(),
            method=flow.request.method.upper(),
            raw_path=raw_path,
            match=self.operations.match(flow.request.method, raw_path),
        )
        set_call_state(flow, state)
