"""The embedded ledger: one SQLite file in WAL mode, every commit fsynced.

URLs: ``sqlite:///relative/path.db`` (relative to the working directory),
``sqlite:////absolute/path.db`` and ``sqlite:///:memory:`` (private to this one object).

Durability: ``synchronous=FULL``. In WAL mode ``NORMAL`` may lose the last transactions on a power
cut, which would break "an acknowledged write is durable". Times are stored as fixed-width UTC ISO
text (``2024-05-01T12:00:00.000000+00:00``), which sorts and compares like the instant itself.

Concurrency: each ``SqliteLedger`` owns one connection and serialises its own use of it with a
lock, so one object may be shared by threads. The writer thread opens its own object; readers in
other threads or processes open theirs, and WAL lets them read while the writer writes.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from miready.certifier.ledger.base import SCHEMA_VERSION, LedgerError
from miready.certifier.ledger.batch import build_rows, to_utc, utc_day
from miready.certifier.ledger.records import AppInfo, CallRecord, DailyCount, Review
from miready.certifier.ledger.sqlite_sql import (
    INSERT_CALL,
    INSERT_EXAMPLE,
    SCHEMA,
    UPSERT_APP,
    UPSERT_ROLLUP,
)

PREFIX = "sqlite:///"
BUSY_TIMEOUT_S = 30.0


def sqlite_path(url: str) -> str:
    """The file path of a ``sqlite:///`` URL (``:memory:`` kept as is)."""
    if not url.startswith(PREFIX) or url == PREFIX:
        raise LedgerError(
            f"bad SQLite ledger URL {url!r}: use sqlite:///relative/path.db, "
            "sqlite:////absolute/path.db or sqlite:///:memory:"
        )
    return url[len(PREFIX) :]


def _text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


class SqliteLedger:
    """A ledger in one SQLite file (or in memory)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = sqlite_path(url)
        self._lock = threading.Lock()
        if self.path != ":memory:" and not Path(self.path).parent.is_dir():
            raise LedgerError(
                f"cannot open ledger {url!r}: directory {Path(self.path).parent} does not exist"
            )
        try:
            # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE so that a
            # writer takes the write lock up front instead of failing on upgrade.
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._create_schema()
        except sqlite3.Error as e:
            raise LedgerError(f"cannot open ledger {url!r}: {e}") from e

    def __repr__(self) -> str:
        return f"SqliteLedger({self.url!r})"

    def _create_schema(self) -> None:
        with self._transaction() as conn:
            # Statement by statement: executescript() would COMMIT the open transaction first.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
            if row[0] is None:
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise LedgerError(
                    f"ledger {self.url!r} has schema version {row[0]}, newer than this miready "
                    f"({SCHEMA_VERSION}): upgrade miready"
                )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    def _run[T](self, what: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return fn(self._conn)
            except sqlite3.Error as e:
                raise LedgerError(f"ledger {self.url!r}: cannot {what}: {e}") from e

    def write_calls(self, records: Sequence[CallRecord]) -> None:
        if not records:
            return
        rows = build_rows(records)

        def write(conn: sqlite3.Connection) -> None:
            with _Transaction(conn):
                conn.executemany(
                    INSERT_CALL,
                    [
                        (_text(c.at), c.app_id, c.store_id, c.token_id, c.operation_id, c.method,
                         c.path_template, c.status, c.latency_ms, c.params, c.findings, c.source)
                        for c in rows.calls
                    ],
                )  # fmt: skip
                conn.executemany(
                    UPSERT_APP,
                    [
                        (a.app_id, a.name, a.scopes, _text(a.first_seen), _text(a.last_seen))
                        for a in rows.apps
                    ],
                )
                conn.executemany(
                    INSERT_EXAMPLE,
                    [(e.app_id, e.rule_id, e.example, _text(e.at)) for e in rows.examples],
                )
                conn.executemany(
                    UPSERT_ROLLUP,
                    [
                        (r.app_id, r.day.isoformat(), r.kind, r.key, r.count, _text(r.first_at),
                         _text(r.last_at))
                        for r in rows.rollups
                    ],
                )  # fmt: skip

        self._run(f"write {len(records)} calls", write)

    def apps(self) -> list[AppInfo]:
        rows = self._run(
            "read apps",
            lambda c: c.execute(
                "SELECT app_id, name, scopes, first_seen, last_seen FROM apps ORDER BY app_id"
            ).fetchall(),
        )
        return [_app(row) for row in rows]

    def app(self, app_id: str) -> AppInfo | None:
        row = self._run(
            f"read app {app_id!r}",
            lambda c: c.execute(
                "SELECT app_id, name, scopes, first_seen, last_seen FROM apps WHERE app_id = ?",
                (app_id,),
            ).fetchone(),
        )
        return None if row is None else _app(row)

    def rollups(
        self, app_id: str, start: datetime | date, end: datetime | date, kind: str | None = None
    ) -> list[DailyCount]:
        first, last = utc_day(start, "rollups start"), utc_day(end, "rollups end")
        sql = (
            "SELECT app_id, day, kind, key, count, first_at, last_at FROM rollups "
            "WHERE app_id = ? AND day >= ? AND day <= ?"
        )
        args: tuple = (app_id, first.isoformat(), last.isoformat())
        if kind is not None:
            sql += " AND kind = ?"
            args += (kind,)
        sql += " ORDER BY day, kind, key"
        rows = self._run(f"read rollups of {app_id!r}", lambda c: c.execute(sql, args).fetchall())
        return [
            DailyCount(
                app_id=r[0], day=date.fromisoformat(r[1]), kind=r[2], key=r[3], count=r[4],
                first_at=_time(r[5]), last_at=_time(r[6]),
            )
            for r in rows
        ]  # fmt: skip

    def examples(self, app_id: str) -> dict[str, str]:
        rows = self._run(
            f"read examples of {app_id!r}",
            lambda c: c.execute(
                "SELECT rule_id, example FROM examples WHERE app_id = ? ORDER BY rule_id",
                (app_id,),
            ).fetchall(),
        )
        return dict(rows)

    def add_review(self, review: Review) -> None:
        at = _text(to_utc(review.at, "Review.at"))

        def add(conn: sqlite3.Connection) -> None:
            with _Transaction(conn):
                conn.execute(
                    "INSERT INTO reviews (app_id, decision, reviewer, reason, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (review.app_id, review.decision, review.reviewer, review.reason, at),
                )

        self._run(f"add a review of {review.app_id!r}", add)

    def reviews(self, app_id: str) -> list[Review]:
        rows = self._run(
            f"read reviews of {app_id!r}",
            lambda c: c.execute(
                "SELECT app_id, decision, reviewer, reason, at FROM reviews WHERE app_id = ? "
                "ORDER BY at, id",
                (app_id,),
            ).fetchall(),
        )
        return [
            Review(app_id=r[0], decision=r[1], reviewer=r[2], reason=r[3], at=_time(r[4]))
            for r in rows
        ]

    def stored_calls(self, app_id: str) -> list[CallRecord]:
        rows = self._run(
            f"read the calls of {app_id!r}",
            lambda c: c.execute(
                "SELECT at, app_id, store_id, token_id, operation_id, method, path_template,"
                " status, latency_ms, params, findings, source FROM calls WHERE app_id = ?"
                " ORDER BY at, id",
                (app_id,),
            ).fetchall(),
        )
        info = self.app(app_id)
        scopes = info.scopes if info else ()
        return [
            CallRecord(
                at=_time(row[0]),
                app_id=row[1],
                app_name=info.name if info else None,
                store_id=row[2],
                token_id=row[3],
                scopes=scopes,
                operation_id=row[4],
                method=row[5],
                path_template=row[6],
                status=row[7],
                latency_ms=row[8],
                params=tuple(_stored_list(row[9])),
                findings=tuple(_stored_list(row[10])),
                source=row[11],
            )
            for row in rows
        ]

    def count_calls(self) -> int:
        return self._run(
            "count calls", lambda c: c.execute("SELECT count(*) FROM calls").fetchone()[0]
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _app(row: tuple) -> AppInfo:
    return AppInfo(
        app_id=row[0],
        name=row[1],
        scopes=tuple(json.loads(row[2])),
        first_seen=_time(row[3]),
        last_seen=_time(row[4]),
    )


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` if the block raises."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            try:
                self._conn.execute("COMMIT")
                return
            except sqlite3.Error:
                self._rollback()
                raise
        self._rollback()

    def _rollback(self) -> None:
        # Some errors (disk full, I/O) have already rolled the transaction back.
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")


def _stored_list(value: object) -> list[str]:
    """A JSON list column, as text (SQLite) or already decoded (PostgreSQL jsonb)."""
    return json.loads(value) if isinstance(value, str | bytes) else list(value or ())
