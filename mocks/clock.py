"""The injectable clock every timestamp the mock writes comes from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def parse_time(value: str) -> datetime:
    """An ISO 8601 / RFC 3339 instant; naive values are taken as UTC. Raises ValueError."""
    if not isinstance(value, str) or not value:
        raise ValueError("not a date-time")
    parsed = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class Clock:
    """Real UTC time until set; `set` freezes it at an instant, `advance` moves it forward."""

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._frozen_at = frozen_at
        self._offset = timedelta(0)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return datetime.now(UTC) + self._offset

    def iso(self) -> str:
        return iso(self.now())

    def set(self, moment: datetime) -> None:
        self._frozen_at = moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def advance(self, seconds: float) -> None:
        if self._frozen_at is not None:
            self._frozen_at += timedelta(seconds=seconds)
        else:
            self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        self._frozen_at = None
        self._offset = timedelta(0)
