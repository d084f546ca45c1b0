"""What the ledger keeps: calls (``CallRecord``, from contracts), apps, daily rollups, reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from miready.contracts.records import CallRecord, new_call_id


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


# DailyCount's slot descriptors, in field order (a slots dataclass lists its fields as __slots__).
_new = object.__new__
_SET_APP_ID, _SET_DAY, _SET_KIND, _SET_KEY, _SET_COUNT, _SET_FIRST_AT, _SET_LAST_AT = (
    getattr(DailyCount, name).__set__ for name in DailyCount.__slots__
)


def daily_count(
    app_id: str, day: date, kind: str, key: str, count: int, first_at: datetime, last_at: datetime
) -> DailyCount:
    """``DailyCount(...)`` from a stored row, whose fields the ledger already checked.

    The frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``, which
    costs twice as much as filling the slots directly, and a certify reads 100,000s of rows.
    """
    row = _new(DailyCount)
    _SET_APP_ID(row, app_id)
    _SET_DAY(row, day)
    _SET_KIND(row, kind)
    _SET_KEY(row, key)
    _SET_COUNT(row, count)
    _SET_FIRST_AT(row, first_at)
    _SET_LAST_AT(row, last_at)
    return row


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


__all__ = ["AppInfo", "CallRecord", "DailyCount", "Review", "new_call_id"]
