"""Turn a batch of calls into the rows every backend writes: calls, apps, first examples, rollups.

Calls are inserted first (``ON CONFLICT (call_id) DO NOTHING``); apps, examples and rollups are then
aggregated from the calls actually inserted, and only from identified ones, so a retried, replayed
or re-imported call never counts twice and unidentified traffic never becomes an app.
Aggregating in Python first means one upsert per (app, day, kind, key) instead of one per call,
and the rows come out sorted so that concurrent writers lock them in the same order (no deadlock
between two proxies writing to one PostgreSQL ledger).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from miready.certifier.ledger.base import LedgerError
from miready.certifier.ledger.records import (
    ALL_KEY,
    KIND_ALL,
    KIND_DEPRECATED,
    KIND_OPERATION,
    KIND_RULE,
    AppInfo,
    CallRecord,
)


def to_utc(value: datetime, what: str) -> datetime:
    """``value`` in UTC; a naive datetime is refused because its zone would be a guess."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise LedgerError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def utc_day(value: datetime | date, what: str) -> date:
    """The UTC day of a datetime; a plain ``date`` is taken as a UTC day already."""
    if isinstance(value, datetime):
        return to_utc(value, what).date()
    return value


@dataclass(frozen=True, slots=True)
class CallRow:
    call_id: str
    identified: bool
    test_id: str | None
    at: datetime
    app_id: str
    store_id: str | None
    token_id: str | None
    operation_id: str | None
    method: str
    path_template: str
    status: int
    latency_ms: float
    params: str  # JSON list
    findings: str  # JSON list
    source: str


@dataclass(frozen=True, slots=True)
class AppRow:
    """One app as this batch saw it; scopes and name are those of its newest call that had them."""

    app_id: str
    name: str | None
    scopes: str | None  # JSON list, None when no call of the batch carried scopes
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True, slots=True)
class ExampleRow:
    app_id: str
    rule_id: str
    example: str
    at: datetime


@dataclass(frozen=True, slots=True)
class RollupRow:
    app_id: str
    day: date
    kind: str
    key: str
    count: int
    first_at: datetime
    last_at: datetime


@dataclass(frozen=True, slots=True)
class BatchRows:
    apps: list[AppRow]
    examples: list[ExampleRow]
    rollups: list[RollupRow]


def rollup_keys(record: CallRecord) -> list[tuple[str, str]]:
    """The (kind, key) pairs one call counts towards; a rule found twice in a call counts once."""
    operation = record.operation_id or record.path_template
    keys = [(KIND_ALL, ALL_KEY), (KIND_OPERATION, operation)]
    if record.findings:
        keys.append((KIND_DEPRECATED, ALL_KEY))
    keys.extend((KIND_RULE, rule) for rule in dict.fromkeys(record.findings))
    return keys


def unique_calls(records: Sequence[CallRecord]) -> list[CallRecord]:
    """``records`` without repeated call ids (the first wins), in arrival order."""
    return list({r.call_id: r for r in reversed(records)}.values())[::-1]


def call_row(record: CallRecord) -> CallRow:
    """The calls-table row of one (coerced) record; ``LedgerError`` for a naive time."""
    return CallRow(
        call_id=record.call_id,
        identified=record.identified,
        test_id=record.test_id,
        at=to_utc(record.at, f"CallRecord.at of app {record.app_id!r}"),
        app_id=record.app_id,
        store_id=record.store_id,
        token_id=record.token_id,
        operation_id=record.operation_id,
        method=record.method,
        path_template=record.path_template,
        status=record.status,
        latency_ms=float(record.latency_ms),
        params=json.dumps(list(record.params)),
        findings=json.dumps(list(record.findings)),
        source=record.source,
    )


def build_rows(inserted: Sequence[CallRecord]) -> BatchRows:
    """Apps, first examples and rollups of the calls just inserted; unidentified ones skipped."""
    apps: dict[str, _AppSeen] = {}
    examples: dict[tuple[str, str], ExampleRow] = {}
    rollups: dict[tuple[str, date, str, str], list] = {}  # [count, first_at, last_at]
    for record in inserted:
        if not record.identified:
            continue
        at = to_utc(record.at, f"CallRecord.at of app {record.app_id!r}")
        apps.setdefault(record.app_id, _AppSeen(at)).see(record, at)
        for rule_id, example in record.examples.items():
            # First in arrival order wins, within the batch as in the database.
            examples.setdefault(
                (record.app_id, rule_id), ExampleRow(record.app_id, rule_id, example, at)
            )
        for kind, key in rollup_keys(record):
            slot = rollups.get((record.app_id, at.date(), kind, key))
            if slot is None:
                rollups[(record.app_id, at.date(), kind, key)] = [1, at, at]
            else:
                slot[0] += 1
                slot[1] = min(slot[1], at)
                slot[2] = max(slot[2], at)
    return BatchRows(
        apps=[apps[k].row(k) for k in sorted(apps)],
        examples=[examples[k] for k in sorted(examples)],
        rollups=[RollupRow(*k, *rollups[k]) for k in sorted(rollups)],
    )


class _AppSeen:
    """An app's row while the batch is read; name and scopes remember when they were seen."""

    __slots__ = ("first_seen", "last_seen", "name", "name_at", "scopes", "scopes_at")

    def __init__(self, at: datetime) -> None:
        self.first_seen = self.last_seen = at
        self.name: str | None = None
        self.scopes: str | None = None
        self.name_at: datetime | None = None
        self.scopes_at: datetime | None = None

    def see(self, record: CallRecord, at: datetime) -> None:
        self.first_seen = min(self.first_seen, at)
        self.last_seen = max(self.last_seen, at)
        if record.app_name and (self.name_at is None or at >= self.name_at):
            self.name, self.name_at = record.app_name, at
        if record.scopes and (self.scopes_at is None or at >= self.scopes_at):
            self.scopes, self.scopes_at = json.dumps(sorted(set(record.scopes))), at

    def row(self, app_id: str) -> AppRow:
        return AppRow(app_id, self.name, self.scopes, self.first_seen, self.last_seen)


def stored_list(value: object) -> list[str]:
    """A JSON list column, as text (SQLite) or already decoded (PostgreSQL jsonb)."""
    return json.loads(value) if isinstance(value, str | bytes) else list(value or ())


def stored_call(row: Sequence[object], at: datetime, info: AppInfo | None) -> CallRecord:
    """A ``stored_calls`` row (at, app, store, token, operation, method, path, status, latency,
    params, findings, source, call id, test id) as the record it was written from."""
    return CallRecord(
        at=at,
        app_id=row[1],
        app_name=info.name if info else None,
        store_id=row[2],
        token_id=row[3],
        scopes=info.scopes if info else (),
        operation_id=row[4],
        method=row[5],
        path_template=row[6],
        status=row[7],
        latency_ms=row[8],
        params=tuple(stored_list(row[9])),
        findings=tuple(stored_list(row[10])),
        source=row[11],
        call_id=row[12],
        test_id=row[13],
    )
