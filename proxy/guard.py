"""Refuse the upstream's admin API and the proxy's private paths: answered 403, never forwarded."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from miready.contracts.urlpath import normalized_path
from miready.proxy import STATUS_PATH
from miready.proxy.flowstate import CallState, set_call_state
from mitmproxy import http

# The mock platform's admin API, and every path of the proxy's own but its status endpoint.
REFUSED_PREFIXES = ("/_mock", "/_miready")


def refused(target: str) -> bool:
    """True for the admin prefixes in any spelling; `/_miready/status` itself passes."""
    if target.split("?", 1)[0] == STATUS_PATH:
        return False
    return normalized_path(target).startswith(REFUSED_PREFIXES)


class AdminGuard:
    """First in the chain: an app never reaches the store's admin API through the proxy."""

    def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or not refused(flow.request.path):
            return
        set_call_state(
            flow,
            CallState(
                at=datetime.now(UTC),
                method=flow.request.method,
                raw_path=flow.request.path.split("?", 1)[0][:200],
                internal=True,  # not an app call: nothing is recorded
            ),
        )
        body = {
            "code": 403,
            "message": "Forbidden",
            "description": "The proxy never forwards the store's admin API "
            f"({', '.join(p + '/' for p in REFUSED_PREFIXES)}); call the store directly, with "
            "its admin token.",
        }
        flow.response = http.Response.make(
            403,
            json.dumps(body),
            {"Content-Type": "application/json", "Cache-Control": "no-store"},
        )
