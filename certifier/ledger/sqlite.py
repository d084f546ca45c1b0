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
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from miready.certifier.ledger.base import BadBatchError, LedgerError
from miready.certifier.ledger.batch import (
    build_rows,
    call_row,
    stored_call,
    to_utc,
    utc_day,
)
from miready.certifier.ledger.isolate import quarantine_rows, write_all
from miready.certifier.ledger.migrate import run_migrations
from miready.certifier.ledger.records import (
    AppInfo,
    CallRecord,
    DailyCount,
    Quarantined,
    Review,
    UnidentifiedCount,
    WriteResult,
    daily_count,
)
from miready.certifier.ledger.sqlite_sql import (
    INSERT_CALL,
    INSERT_EXAMPLE,
    INSERT_QUARANTINE,
    MIGRATIONS,
    SET_META,
    UPSERT_APP,
    UPSERT_ROLLUP,
)

PREFIX = "sqlite:///"
BUSY_TIMEOUT_S = 30.0
PRUNED_BEFORE = "pruned_before"
SCAN_PAGE = 10_000
ROLLUP_COLUMNS = "app_id, day, kind, key, count, first_at, last_at"
# Errors caused by a batch's data: the batch is split to isolate the record. Any other error
# (read-only, disk full, locked, not a database) is the ledger's, and the batch is retried later.
DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError,
               sqlite3.DataError, TypeError, ValueError, OverflowError)  # fmt: skip


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
            self._migrate()
        except sqlite3.Error as e:
            self._conn.close()
            raise LedgerError(f"cannot open ledger {url!r}: {e}") from e

    def __repr__(self) -> str:
        return f"SqliteLedger({self.url!r})"

    def _migrate(self) -> None:
        def query(statement: str, args: tuple) -> list[tuple]:
            return self._conn.execute(statement, args).fetchall()

        def table_exists(name: str) -> bool:
            found = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
            return bool(query(found, (name,)))

        with self._transaction():
            # Statement by statement: executescript() would COMMIT the open transaction first.
            run_migrations(
                query, MIGRATIONS, placeholder="?", table_exists=table_exists, where=repr(self.url)
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)

    def _run[T](self, what: str, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            try:
                return fn(self._conn)
            except sqlite3.Error as e:
                raise LedgerError(f"ledger {self.url!r}: cannot {what}: {e}") from e

    def write_calls(self, records: Sequence[CallRecord]) -> WriteResult:
        return write_all(records, self._write_batch, self._quarantine)

    def _write_batch(self, records: Sequence[CallRecord]) -> WriteResult:
        """One transaction: the calls not stored yet, then what they add to apps and rollups."""

        def write(conn: sqlite3.Connection) -> WriteResult:
            with _Transaction(conn):
                inserted = []
                for record in records:
                    c = call_row(record)
                    cursor = conn.execute(
                        INSERT_CALL,
                        (c.call_id, int(c.identified), c.test_id, _text(c.at), c.app_id,
                         c.store_id, c.token_id, c.operation_id, c.method, c.path_template,
                         c.status, c.latency_ms, c.params, c.findings, c.source),
                    )  # fmt: skip
                    if cursor.rowcount == 1:
                        inserted.append(record)
                rows = build_rows(inserted)
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
            return WriteResult(inserted=len(inserted), duplicates=len(records) - len(inserted))

        with self._lock:
            try:
                return write(self._conn)
            except DATA_ERRORS as e:
                raise BadBatchError(f"{type(e).__name__}: {e}") from e
            except sqlite3.Error as e:
                raise LedgerError(f"ledger {self.url!r}: cannot write calls: {e}") from e

    def _quarantine(self, bad: list[tuple[object, str]]) -> None:
        now = _text(datetime.now(UTC))

        def add(conn: sqlite3.Connection) -> None:
            with _Transaction(conn):
                conn.executemany(
                    INSERT_QUARANTINE,
                    [(call_id, now, error, text) for call_id, error, text in quarantine_rows(bad)],
                )

        self._run(f"quarantine {len(bad)} records", add)

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
        return self.rollups_by_app([app_id], start, end, kind)[app_id]

    def rollups_by_app(
        self,
        app_ids: Sequence[str],
        start: datetime | date,
        end: datetime | date,
        kind: str | None = None,
    ) -> dict[str, list[DailyCount]]:
        first, last = utc_day(start, "rollups start"), utc_day(end, "rollups end")
        found: dict[str, list[DailyCount]] = {app_id: [] for app_id in app_ids}
        if not found:
            return found
        # One parameter whatever the number of apps (SQLite caps the number of parameters).
        sql = (
            f"SELECT {ROLLUP_COLUMNS} FROM rollups WHERE app_id IN (SELECT value FROM json_each(?))"
            " AND day >= ? AND day <= ?"
        )
        args: tuple = (json.dumps(list(found)), first.isoformat(), last.isoformat())
        if kind is not None:
            sql += " AND kind = ?"
            args += (kind,)
        sql += " ORDER BY app_id, day, kind, key"
        # Rows become records as the cursor yields them: never all rows and all records at once.
        rows = self._run(
            f"read rollups of {len(found)} apps", lambda c: _daily_counts(c.execute(sql, args))
        )
        for row in rows:
            found[row.app_id].append(row)
        return found

    def examples(self, app_id: str) -> dict[str, str]:
        return self.examples_by_app([app_id])[app_id]

    def examples_by_app(self, app_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {app_id: {} for app_id in app_ids}
        if not found:
            return found
        rows = self._run(
            f"read examples of {len(found)} apps",
            lambda c: c.execute(
                "SELECT app_id, rule_id, example FROM examples"
                " WHERE app_id IN (SELECT value FROM json_each(?)) ORDER BY app_id, rule_id",
                (json.dumps(list(found)),),
            ).fetchall(),
        )
        for app_id, rule_id, example in rows:
            found[app_id][rule_id] = example
        return found

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
        return self.reviews_by_app([app_id])[app_id]

    def reviews_by_app(self, app_ids: Sequence[str]) -> dict[str, list[Review]]:
        found: dict[str, list[Review]] = {app_id: [] for app_id in app_ids}
        if not found:
            return found
        rows = self._run(
            f"read reviews of {len(found)} apps",
            lambda c: c.execute(
                "SELECT app_id, decision, reviewer, reason, at FROM reviews"
                " WHERE app_id IN (SELECT value FROM json_each(?)) ORDER BY app_id, at, id",
                (json.dumps(list(found)),),
            ).fetchall(),
        )
        for r in rows:
            found[r[0]].append(
                Review(app_id=r[0], decision=r[1], reviewer=r[2], reason=r[3], at=_time(r[4]))
            )
        return found

    def stored_calls(self, app_id: str) -> list[CallRecord]:
        rows = self._run(
            f"read the calls of {app_id!r}",
            lambda c: c.execute(
                "SELECT at, app_id, store_id, token_id, operation_id, method, path_template,"
                " status, latency_ms, params, findings, source, call_id, test_id FROM calls"
                " WHERE app_id = ? AND identified = 1 ORDER BY at, id",
                (app_id,),
            ).fetchall(),
        )
        info = self.app(app_id)
        return [stored_call(row, _time(row[0]), info) for row in rows]

    def count_calls(self) -> int:
        return self._run(
            "count calls", lambda c: c.execute("SELECT count(*) FROM calls").fetchone()[0]
        )

    def unidentified(self, start: datetime | date, end: datetime | date) -> list[UnidentifiedCount]:
        first, last = utc_day(start, "unidentified start"), utc_day(end, "unidentified end")
        rows = self._run(
            "count unidentified calls",
            lambda c: c.execute(
                "SELECT substr(at, 1, 10) AS day, status, path_template, count(*) FROM calls "
                "WHERE identified = 0 AND at >= ? AND at < ? "
                "GROUP BY day, status, path_template ORDER BY day, status, path_template",
                (first.isoformat(), _next_day(last)),
            ).fetchall(),
        )
        return [
            UnidentifiedCount(day=date.fromisoformat(r[0]), status=r[1], path_template=r[2],
                              count=r[3])
            for r in rows
        ]  # fmt: skip

    def quarantined(self) -> list[Quarantined]:
        rows = self._run(
            "read the quarantine",
            lambda c: c.execute(
                "SELECT call_id, at, error, record FROM quarantine ORDER BY id"
            ).fetchall(),
        )
        return [Quarantined(call_id=r[0], at=_time(r[1]), error=r[2], record=r[3]) for r in rows]

    def scan_calls(self, since: datetime | None) -> Iterator[CallRecord]:
        bound = _text(to_utc(since, "scan since")) if since is not None else ""
        last = 0
        while True:  # in pages by id, so that a large ledger is never held in memory whole
            rows = self._run(
                "read calls",
                lambda c, after=last: c.execute(
                    "SELECT id, call_id, at, app_id, operation_id, method, path_template, status, "
                    "findings FROM calls WHERE identified = 1 AND at >= ? AND id > ? "
                    "ORDER BY id LIMIT ?",
                    (bound, after, SCAN_PAGE),
                ).fetchall(),
            )
            for r in rows:
                yield CallRecord(
                    call_id=r[1], at=_time(r[2]), app_id=r[3], operation_id=r[4], method=r[5],
                    path_template=r[6], status=r[7], findings=tuple(json.loads(r[8])),
                )  # fmt: skip
            if len(rows) < SCAN_PAGE:
                return
            last = rows[-1][0]

    def all_rollups(self, since: date | None) -> list[DailyCount]:
        rows = self._run(
            "read rollups",
            lambda c: c.execute(
                f"SELECT {ROLLUP_COLUMNS} FROM rollups WHERE day >= ?",
                ((since.isoformat() if since else ""),),
            ).fetchall(),
        )
        return _daily_counts(rows)

    def prune(self, before: datetime) -> int:
        bound = _text(to_utc(before, "prune before"))

        def delete(conn: sqlite3.Connection) -> int:
            with _Transaction(conn):
                deleted = conn.execute("DELETE FROM calls WHERE at < ?", (bound,)).rowcount
                old = conn.execute(
                    "SELECT value FROM ledger_meta WHERE key = ?", (PRUNED_BEFORE,)
                ).fetchone()
                if old is None or old[0] < bound:
                    conn.execute(SET_META, (PRUNED_BEFORE, bound))
            return deleted

        return self._run("prune calls", delete)

    def pruned_before(self) -> datetime | None:
        row = self._run(
            "read the prune boundary",
            lambda c: c.execute(
                "SELECT value FROM ledger_meta WHERE key = ?", (PRUNED_BEFORE,)
            ).fetchone(),
        )
        return None if row is None else _time(row[0])

    def fingerprint(self) -> object | None:
        if self.path == ":memory:":
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return "missing"
        return (st.st_dev, st.st_ino)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _daily_counts(rows: Iterable[tuple]) -> list[DailyCount]:
    """Rollup rows (``ROLLUP_COLUMNS``) as records: a certify reads 100,000s of them."""
    days: dict[str, date] = {}  # a day's text repeats on every row of that day
    time = datetime.fromisoformat
    out = []
    for app_id, day_text, kind, key, count, first_at, last_at in rows:
        day = days.get(day_text)
        if day is None:
            day = days[day_text] = date.fromisoformat(day_text)
        first, last = time(first_at), time(last_at)
        if first.tzinfo is not UTC or last.tzinfo is not UTC:  # stored as UTC by this ledger
            first, last = first.astimezone(UTC), last.astimezone(UTC)
        out.append(daily_count(app_id, day, kind, key, count, first, last))
    return out


def _next_day(day: date) -> str:
    return date.fromordinal(day.toordinal() + 1).isoformat()


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
