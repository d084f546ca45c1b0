"""What the ledger keeps: one call, its findings and the daily rollups, never a value or a token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ulid import ULID


def new_call_id() -> str:
    """A fresh call id (the proxy's); imports derive theirs from the capture entry's content."""
    return str(ULID())


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


@dataclass(frozen=True, slots=True, kw_only=True)
class AppInfo:
    app_id: str
    name: str | None
    scopes: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None


# The rollup vocabulary: kind "all" counts every call (key "*"); kind "deprecated" the calls with
# at least one finding, each once (key "*"); kind "rule" per rule id; kind "operation" per
# operation id (or the unknown path template).
KIND_ALL = "all"
KIND_DEPRECATED = "deprecated"
KIND_RULE = "rule"
KIND_OPERATION = "operation"
ALL_KEY = "*"


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyCount:
    """A rollup row: how often ``key`` of ``kind`` happened for one app on one UTC day.

    kind is ``"all"`` (key ``"*"``: every call), ``"rule"`` (key: rule id) or ``"operation"``
    (key: operation id, or the unknown path template).
    """

    app_id: str
    day: date
    kind: str
    key: str
    count: int
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one ``write_calls`` did: every record given is in exactly one of the three counts."""

    inserted: int = 0  # new calls, counted in the rollups
    duplicates: int = 0  # call ids already in the ledger (a retry, replay or re-import): ignored
    quarantined: int = 0  # refused records, kept with their error in the quarantine table

    def __add__(self, other: WriteResult) -> WriteResult:
        return WriteResult(
            self.inserted + other.inserted,
            self.duplicates + other.duplicates,
            self.quarantined + other.quarantined,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Quarantined:
    """A record the ledger refused, with why: it never takes the rest of its batch with it."""

    call_id: str | None
    at: datetime  # when it was quarantined
    error: str
    record: str  # the record as JSON, as far as it could be rendered


@dataclass(frozen=True, slots=True, kw_only=True)
class UnidentifiedCount:
    """Calls without a valid app identity on one UTC day, by status and path template."""

    day: date
    status: int
    path_template: str
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Review:
    app_id: str
    decision: str  # "approved" | "rejected" | "pending"
    reviewer: str
    reason: str
    at: datetime
