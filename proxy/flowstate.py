"""What the addons learn about one call, kept on the flow between hooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from miready.contracts.rules import Finding
from miready.contracts.spec import Match
from mitmproxy import http

METADATA_KEY = "miready"


@dataclass(frozen=True, slots=True, kw_only=True)
class AppIdentity:
    """Who made a call. Never the token: ``token_id`` is a SHA-256 prefix of it."""

    app_id: str
    name: str | None = None
    store_id: str | None = None
    token_id: str | None = None
    scopes: tuple[str, ...] = ()
    source: str = "token"  # "upstream" | "apps_file" | "token" | "anonymous"


@dataclass(slots=True, kw_only=True)
class CallState:
    """Filled in pipeline order: matcher, identifier, classifier, policy/translator, recorder."""

    at: datetime
    method: str
    raw_path: str  # without the query string
    match: Match | None = None
    app: AppIdentity | None = None
    params: frozenset[str] = frozenset()
    query_keys: tuple[str, ...] = ()
    body: object = None  # the parsed JSON body, kept only in memory for the redacted example
    findings: list[Finding] = field(default_factory=list)
    action: str | None = None  # what the policy did: "warned", "enforced", "translated"
    internal: bool = False  # answered by the proxy about itself (status endpoint): not recorded
    upstream_error: str | None = None
    test_id: str | None = None  # the pytest node id running when the call came (proxy.testid)

    @property
    def operation_id(self) -> str | None:
        return self.match.operation.operation_id if self.match else None

    @property
    def path_template(self) -> str:
        return self.match.operation.path if self.match else f"unknown:{self.raw_path}"


def call_state(flow: http.HTTPFlow) -> CallState | None:
    return flow.metadata.get(METADATA_KEY)


def set_call_state(flow: http.HTTPFlow, state: CallState) -> None:
    flow.metadata[METADATA_KEY] = state
