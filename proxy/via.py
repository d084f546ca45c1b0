"""``Via: 1.1 miready`` on every call the proxy forwards, so the store can tell who came through."""

from __future__ import annotations

from miready.proxy.flowstate import call_state
from mitmproxy import http

VIA = "1.1 miready"


def add_via(existing: str | None) -> str:
    """RFC 9110: each proxy appends its own entry to the Via list."""
    return f"{existing}, {VIA}" if existing else VIA


class ViaHeader:
    def request(self, flow: http.HTTPFlow) -> None:
        state = call_state(flow)
        if state is None or state.internal or flow.response is not None:
            return
        flow.request.headers["Via"] = add_via(flow.request.headers.get("Via"))
