"""The call record: one observed call, the shape the proxy, the importer and the ledger share.

It lives in ``contracts`` because ``contracts.observe`` makes it; the ledger stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from miready.contracts.ulids import new_ulid


def new_call_id() -> str:
    """A fresh call id (the proxy's); imports derive theirs from the capture entry's content."""
    return new_ulid()


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRecord:
    """One call an app made, as the proxy or the importer saw it.

    Holds names only: parameter names (body key paths like ``variants[].stock`` and query keys
    prefixed ``query:``), rule ids, and a token id (a SHA-256 prefix), never a value.
    """

    at: datetime  # timezone-aware; stored in UTC
    call_id: str = field(default_factory=new_call_id)  # unique in the ledger: never counted twice
    identified: bool = True  # False: no valid app identity (missing/unknown token, admin path)
    test_id: str | None = None  # the pytest node id that made the call, when the plugin runs
    app_id: str
    app_name: str | None = None
    store_id: str | None = None
    token_id: str | None = None
    scopes: tuple[str, ...] = ()
    operation_id: str | None = None  # None: the path matched no operation of the spec
    method: str
    path_template: str  # the spec's template, or "unknown:" + the raw path without query
    status: int  # 0 when no response came back (upstream down)
    latency_ms: float = 0.0
    params: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()  # rule ids
    examples: dict[str, str] = field(default_factory=dict)  # rule id -> redacted example (JSON)
    source: str = "proxy"  # "proxy" | "import"
