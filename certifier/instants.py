"""Parsing the instants users type: ISO 8601 with an offset, or a plain date (its end, UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from miready.certifier.errors import UsageError
from miready.contracts.instants import (
    RANGE,
    NoOffsetError,
    OutOfRangeError,
    check_range,
    parse_iso,
)

END_OF_DAY = time(23, 59, 59, 999999, tzinfo=UTC)


def parse_instant(text: str, what: str = "--as-of") -> datetime:
    """An aware UTC datetime; ``2024-05-01`` means 2024-05-01T23:59:59.999999Z.

    A plain date means the END of that UTC day, so ``--as-of 2024-05-01`` counts every call of
    that day. A date-time without an offset is refused: its zone would be a guess. So is an
    instant outside the supported range (``contracts.instants``).
    """
    raw = text.strip()
    try:
        if len(raw) == 10:
            return check_range(datetime.combine(date.fromisoformat(raw), END_OF_DAY))
        return parse_iso(raw)
    except NoOffsetError:
        raise UsageError(
            f"{what} {text!r} has no UTC offset: add one, as in {raw}Z or {raw}-03:00, "
            "or give a plain date (meaning the end of that day, UTC)"
        ) from None
    except OutOfRangeError:
        raise UsageError(f"{what} {text!r} is outside the supported range {RANGE}") from None
    except ValueError:
        raise UsageError(
            f"{what} {text!r} is not an ISO 8601 date or date-time "
            "(examples: 2024-05-01, 2024-05-01T12:00:00Z, 2024-05-01T09:00:00-03:00)"
        ) from None


def as_utc(value: datetime | str | None, what: str = "--as-of") -> datetime:
    """``None`` is now; a string is parsed; an aware datetime is converted to UTC."""
    if value is None:
        return datetime.now(UTC)
    if isinstance(value, str):
        return parse_instant(value, what)
    if value.tzinfo is None or value.utcoffset() is None:
        raise UsageError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    try:
        return check_range(value)
    except OutOfRangeError:
        raise UsageError(
            f"{what} {value.isoformat()} is outside the supported range {RANGE}"
        ) from None
