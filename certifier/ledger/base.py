"""The one interface every ledger backend implements, and ``open_ledger`` which picks one by URL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Protocol

from miready.certifier.ledger.records import (
    AppInfo,
    CallRecord,
    DailyCount,
    Quarantined,
    Review,
    UnidentifiedCount,
    WriteResult,
)

DEFAULT_LEDGER_URL = "sqlite:///miready.db"
SUPPORTED_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")
SCHEMA_VERSION = 2  # the number of migration scripts of each backend


class LedgerError(Exception):
    """The ledger could not be opened, read or written."""


class BadBatchError(LedgerError):
    """A batch was refused because of its data (not an outage): split it to find the bad record."""


class Ledger(Protocol):
    url: str

    def write_calls(self, records: Sequence[CallRecord]) -> WriteResult:
        """Store calls and update apps, examples and daily rollups, each batch in one transaction.

        Returns only once committed: a record acknowledged by this call is durable. A call id
        already stored is skipped (counted as a duplicate, never again in the rollups); a record
        that cannot be stored goes to the quarantine table with its error, alone. Raises
        ``LedgerError`` only when the ledger itself fails (down, read-only...): retry later.
        """

    def apps(self) -> list[AppInfo]:
        """Identified apps only: unidentified traffic is never an app."""

    def app(self, app_id: str) -> AppInfo | None: ...

    def rollups(
        self, app_id: str, start: datetime | date, end: datetime | date, kind: str | None = None
    ) -> list[DailyCount]:
        """Rollup rows of days overlapping [start, end] (UTC), optionally one kind only.

        Ordered by day, kind, key. A ``date`` is taken as a UTC day; a naive datetime is refused.
        """

    def rollups_by_app(
        self,
        app_ids: Sequence[str],
        start: datetime | date,
        end: datetime | date,
        kind: str | None = None,
    ) -> dict[str, list[DailyCount]]:
        """``rollups(app_id, start, end, kind)`` of each app in ``app_ids``, in one query.

        Every app asked is a key, in the order asked (an app without rows maps to ``[]``); each
        list is what ``rollups`` returns for that app, row for row. The certifier decides every
        app from this one read, so its number of statements does not grow with the apps.
        """

    def examples(self, app_id: str) -> dict[str, str]:
        """Rule id -> the first redacted example recorded for that (app, rule)."""

    def examples_by_app(self, app_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """``examples(app_id)`` of each app in ``app_ids`` (every one a key), in one query."""

    def add_review(self, review: Review) -> None: ...

    def reviews(self, app_id: str) -> list[Review]:
        """Oldest first."""

    def reviews_by_app(self, app_ids: Sequence[str]) -> dict[str, list[Review]]:
        """``reviews(app_id)`` of each app in ``app_ids`` (every one a key), in one query."""

    def count_calls(self) -> int: ...

    def stored_calls(self, app_id: str) -> list[CallRecord]:
        """The app's stored calls, oldest first, as records (no examples): for re-classifying."""

    def unidentified(self, start: datetime | date, end: datetime | date) -> list[UnidentifiedCount]:
        """Calls without a valid app identity on the UTC days [start, end], by status and path."""

    def quarantined(self) -> list[Quarantined]:
        """Every quarantined record, oldest first."""

    def scan_calls(self, since: datetime | None) -> Iterator[CallRecord]:
        """Every identified call at or after ``since`` (all when None), in no particular order.

        Only the fields rollups are made of are filled in (for ``miready ledger verify``).
        """

    def all_rollups(self, since: date | None) -> list[DailyCount]:
        """Every rollup row of days on or after ``since`` (all when None)."""

    def prune(self, before: datetime) -> int:
        """Delete calls older than ``before`` (rollups, apps, examples, reviews stay); how many."""

    def pruned_before(self) -> datetime | None:
        """The latest ``prune`` boundary: calls older than it may be gone, their rollups are not."""

    def fingerprint(self) -> object | None:
        """What identifies the storage now (a SQLite file's device and inode); None: nothing to
        compare. A change since the ledger was opened means the file was removed or replaced."""

    def close(self) -> None: ...


def check_url(url: str) -> None:
    """Raise ``LedgerError`` naming the supported forms unless ``url`` has a known scheme."""
    if not url.startswith(("sqlite:", *SUPPORTED_SCHEMES)):
        raise LedgerError(
            f"unsupported ledger URL {url!r}: use one of "
            "sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite:///:memory: "
            "or postgresql://user@host:port/dbname[?schema=name]"
        )


def open_ledger(url: str | None = None) -> Ledger:
    """Open (and create if needed) the ledger at ``url``; ``None`` means ``DEFAULT_LEDGER_URL``.

    Backends are imported here, not at module level, so SQLite users never import psycopg.
    """
    url = DEFAULT_LEDGER_URL if url is None else url
    check_url(url)
    if url.startswith("sqlite:"):
        from miready.certifier.ledger.sqlite import SqliteLedger

        return SqliteLedger(url)
    from miready.certifier.ledger.postgres import PostgresLedger

    return PostgresLedger(url)
