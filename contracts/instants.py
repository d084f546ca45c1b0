"""ISO 8601 instants, parsed once for every caller, within a sane range of years."""

from __future__ import annotations

from datetime import UTC, datetime

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
RANGE = f"{EARLIEST:%Y-%m-%d} to {LATEST.year - 1}-12-31 (UTC)"


class NoOffsetError(ValueError):
    """A date-time without a UTC offset: its zone would be a guess."""


class OutOfRangeError(ValueError):
    """An instant outside the supported range."""


def parse_iso(text: str) -> datetime:
    """An aware UTC datetime; ValueError (with the reason) for garbage, no offset, or out of range.

    ``Z`` and ``+0000`` are accepted; the range (1970 to 2199) keeps date arithmetic away from
    ``datetime``'s limits, so a 14-day window never overflows.
    """
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw)
    except (ValueError, OverflowError):
        raise ValueError(f"not an ISO 8601 date-time: {raw[:64]!r}") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise NoOffsetError(f"no UTC offset in {raw[:64]!r}")
    return check_range(value, raw)


def check_range(value: datetime, shown: str | None = None) -> datetime:
    """An aware ``value`` in UTC; ``OutOfRangeError`` when outside the supported range."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        text = (shown or value.isoformat())[:64]
        raise OutOfRangeError(f"{text!r} is outside the supported range {RANGE}")
    return utc
