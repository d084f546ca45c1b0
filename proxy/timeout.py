"""The upstream timeout: a store that does not answer in time gets the app a JSON 504."""

from __future__ import annotations

import asyncio
from typing import Any

from miready.proxy.embed import abort_upstream
from miready.proxy.flowstate import UPSTREAM_TIMEOUT, call_state
from mitmproxy import ctx, exceptions, http

DEFAULT_UPSTREAM_TIMEOUT = 30.0
_TIMER = "miready_upstream_timer"


class UpstreamTimeout:
    """Arm a timer when a request leaves for the store; disarm it when the answer starts."""

    def __init__(self) -> None:
        self.timeout = DEFAULT_UPSTREAM_TIMEOUT

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_upstream_timeout",
            float,
            DEFAULT_UPSTREAM_TIMEOUT,
            "Seconds the store may take to start answering a forwarded call; past that the app "
            "gets 504 with a JSON error body and the call is recorded with status 504.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_upstream_timeout" in updated:
            value = ctx.options.miready_upstream_timeout
            if not value > 0:
                raise exceptions.OptionsError(f"miready_upstream_timeout={value}: must be > 0")
            self.timeout = value

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None:  # answered by the proxy itself
            return
        loop = asyncio.get_running_loop()
        flow.metadata[_TIMER] = loop.call_later(self.timeout, self._expire, flow)

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        self._disarm(flow)

    def response(self, flow: http.HTTPFlow) -> None:
        self._disarm(flow)

    def error(self, flow: http.HTTPFlow) -> None:
        self._disarm(flow)

    def _disarm(self, flow: http.HTTPFlow) -> None:
        timer = flow.metadata.pop(_TIMER, None)
        if timer is not None:
            timer.cancel()

    def _expire(self, flow: http.HTTPFlow) -> None:
        flow.metadata.pop(_TIMER, None)
        if flow.response is not None or flow.error is not None:
            return
        state = call_state(flow)
        if state is not None:
            state.upstream_error = UPSTREAM_TIMEOUT
        abort_upstream(flow, f"the store did not answer within {self.timeout:g} s")
