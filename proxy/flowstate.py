"""What the addons learn about one call, kept on the flow between hooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from miready.contracts.observe import AppIdentity, Observation
from miready.contracts.privacy import path_template
from miready.contracts.rules import Finding
from miready.contracts.spec import Match
from mitmproxy import http

METADATA_KEY = "miready"
UPSTREAM_TIMEOUT = "upstream timeout"  # ``CallState.upstream_error`` when the timeout answered

__all__ = ["UPSTREAM_TIMEOUT", "AppIdentity", "CallState", "call_state", "set_call_state"]


@dataclass(slots=True, kw_only=True)
class CallState:
    """Filled in pipeline order: matcher (start), classifier (observation), identifier, policy."""

    at: datetime
    method: str
    raw_path: str  # without the query string
    observation: Observation | None = None
    app: AppIdentity | None = None
    action: str | None = None  # what the policy did: "warned", "enforced", "translated"
    internal: bool = False  # answered by the proxy about itself (status endpoint): not recorded
    upstream_error: str | None = None
    test_id: str | None = None  # the pytest node id running when the call came (proxy.testid)

    @property
    def match(self) -> Match | None:
        return self.observation.match if self.observation else None

    @property
    def findings(self) -> list[Finding]:
        return self.observation.findings if self.observation else []

    @property
    def body(self) -> object:
        return self.observation.body if self.observation else None

    @property
    def params(self) -> frozenset[str]:
        return self.observation.params if self.observation else frozenset()

    @property
    def operation_id(self) -> str | None:
        return self.observation.operation_id if self.observation else None

    @property
    def path_template(self) -> str:
        if self.observation:
            return self.observation.path_template
        return "unknown:" + path_template(self.raw_path)


def call_state(flow: http.HTTPFlow) -> CallState | None:
    return flow.metadata.get(METADATA_KEY)


def set_call_state(flow: http.HTTPFlow, state: CallState) -> None:
    flow.metadata[METADATA_KEY] = state
