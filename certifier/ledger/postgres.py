"""The shared ledger: PostgreSQL through psycopg 3, same tables and meaning as the SQLite one.

URL: any libpq URL, ``postgresql://user[:password]@host[:port]/dbname[?param=value...]``, plus one
parameter of ours, ``schema=NAME``, which is removed before connecting: the ledger then creates the
schema if needed and keeps its tables there (``SET search_path``). Tests use it to get a fresh,
isolated ledger each, e.g. ``postgresql://postgres@127.0.0.1:5432/test?schema=miready_test_1a2b``.
Without it the tables go to the connection's default ``search_path`` (normally ``public``).

Durability: the session sets ``synchronous_commit = on``, so a commit returns only once its WAL is
flushed, whatever the server's default. Times are ``timestamptz`` and the session zone is UTC.
Concurrent writers lock apps, examples and rollups in sorted key order, so they cannot deadlock.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
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
from miready.certifier.ledger.postgres_sql import (
    INSERT_CALL,
    INSERT_EXAMPLE,
    INSERT_QUARANTINE,
    MIGRATIONS,
    SET_META,
    UPSERT_APP,
    UPSERT_ROLLUP,
)
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
from psycopg import errors, sql

SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
CONNECT_TIMEOUT_S = 10
PRUNED_BEFORE = "pruned_before"
SCAN_PAGE = 10_000
ROLLUP_COLUMNS = "app_id, day, kind, key, count, first_at, last_at"
# Errors caused by a batch's data: the batch is split to isolate the record. A missing table or a
# refused privilege is the ledger's problem (a database recreated under us), never the record's.
DATA_ERRORS = (psycopg.DataError, psycopg.IntegrityError, psycopg.ProgrammingError,
               errors.RaiseException, TypeError, ValueError, OverflowError)  # fmt: skip
NOT_DATA_ERRORS = (errors.UndefinedTable, errors.UndefinedColumn, errors.InsufficientPrivilege,
                   errors.InvalidSchemaName, errors.ReadOnlySqlTransaction)  # fmt: skip


def split_schema(url: str) -> tuple[str, str | None]:
    """The libpq URL without our ``schema=`` parameter, and that schema (or None)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for name, value in query if name == "schema"]
    if not schemas:
        return url, None
    schema = schemas[-1]
    if not SCHEMA_NAME.fullmatch(schema):
        raise LedgerError(
            f"bad schema {schema!r} in ledger URL: use letters, digits and '_', "
            "not starting with a digit, at most 63 characters"
        )
    rest = urlencode([(name, value) for name, value in query if name != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


class PostgresLedger:
    """A ledger in a PostgreSQL database, optionally in its own schema."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        conninfo, self.schema = split_schema(url)
        try:
            self._conn = psycopg.connect(
                conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S
            )
        except psycopg.Error as e:
            raise LedgerError(f"cannot connect to ledger {_safe(url)}: {e}") from e
        try:
            self._conn.execute("SET TIME ZONE 'UTC'")
            self._conn.execute("SET synchronous_commit = on")
            self._create_schema()
        except psycopg.Error as e:
            self._conn.close()
            raise LedgerError(f"cannot open ledger {_safe(url)}: {e}") from e

    def __repr__(self) -> str:
        return f"PostgresLedger({_safe(self.url)!r})"

    def _create_schema(self) -> None:
        def query(statement: str, args: tuple) -> list[tuple]:
            cursor = self._conn.execute(statement, args)
            return cursor.fetchall() if cursor.description else []

        def table_exists(name: str) -> bool:
            return query("SELECT to_regclass(%s)", (name,))[0][0] is not None

        with self._conn.transaction():
            # Two processes migrating the same tables at once would otherwise race on pg_type.
            self._conn.execute("SELECT pg_advisory_xact_lock(hashtext('miready.ledger.schema'))")
            if self.schema is not None:
                name = sql.Identifier(self.schema)
                self._conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(name))
                self._conn.execute(sql.SQL("SET search_path TO {}").format(name))
            run_migrations(
                query,
                MIGRATIONS,
                placeholder="%s",
                table_exists=table_exists,
                where=_safe(self.url),
            )

    def _run[T](self, what: str, fn: Callable[[psycopg.Connection], T]) -> T:
        with self._lock:
            try:
                return fn(self._conn)
            except psycopg.Error as e:
                raise LedgerError(f"ledger {_safe(self.url)}: cannot {what}: {e}") from e

    def write_calls(self, records: Sequence[CallRecord]) -> WriteResult:
        return write_all(records, self._write_batch, self._quarantine)

    def _write_batch(self, records: Sequence[CallRecord]) -> WriteResult:
        """One transaction: the calls not stored yet, then what they add to apps and rollups."""

        def write(conn: psycopg.Connection) -> WriteResult:
            with conn.transaction(), conn.cursor() as cur:
                params = []
                for record in records:
                    c = call_row(record)
                    params.append(
                        (c.call_id, c.identified, c.test_id, c.at, c.app_id, c.store_id,
                         c.token_id, c.operation_id, c.method, c.path_template, c.status,
                         c.latency_ms, c.params, c.findings, c.source)
                    )  # fmt: skip
                cur.executemany(INSERT_CALL, params, returning=True)
                stored: set[str] = set()
                while True:
                    stored.update(row[0] for row in cur.fetchall())
                    if not cur.nextset():
                        break
                inserted = [r for r in records if r.call_id in stored]
                rows = build_rows(inserted)
                if rows.apps:
                    cur.executemany(
                        UPSERT_APP,
                        [
                            (a.app_id, a.name, a.scopes, a.first_seen, a.last_seen)
                            for a in rows.apps
                        ],
                    )
                if rows.examples:
                    cur.executemany(
                        INSERT_EXAMPLE,
                        [(e.app_id, e.rule_id, e.example, e.at) for e in rows.examples],
                    )
                if rows.rollups:
                    cur.executemany(
                        UPSERT_ROLLUP,
                        [
                            (r.app_id, r.day, r.kind, r.key, r.count, r.first_at, r.last_at)
                            for r in rows.rollups
                        ],
                    )
            return WriteResult(inserted=len(inserted), duplicates=len(records) - len(inserted))

        with self._lock:
            try:
                return write(self._conn)
            except NOT_DATA_ERRORS as e:
                raise LedgerError(f"ledger {_safe(self.url)}: cannot write calls: {e}") from e
            except DATA_ERRORS as e:
                raise BadBatchError(f"{type(e).__name__}: {e}") from e
            except psycopg.Error as e:
                raise LedgerError(f"ledger {_safe(self.url)}: cannot write calls: {e}") from e

    def _quarantine(self, bad: list[tuple[object, str]]) -> None:
        now = datetime.now(UTC)

        def add(conn: psycopg.Connection) -> None:
            with conn.transaction(), conn.cursor() as cur:
                cur.executemany(
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
                "SELECT app_id, name, scopes, first_seen, last_seen FROM apps WHERE app_id = %s",
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
        query = (
            f"SELECT {ROLLUP_COLUMNS} FROM rollups WHERE app_id = ANY(%s)"
            " AND day >= %s AND day <= %s"
        )
        args: tuple = (list(found), first, last)
        if kind is not None:
            query += " AND kind = %s"
            args += (kind,)
        query += " ORDER BY app_id, day, kind, key"
        # Rows become records as the cursor yields them: never all rows and all records at once.
        rows = self._run(
            f"read rollups of {len(found)} apps", lambda c: _daily_counts(c.execute(query, args))
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
                "SELECT app_id, rule_id, example FROM examples WHERE app_id = ANY(%s)"
                " ORDER BY app_id, rule_id",
                (list(found),),
            ).fetchall(),
        )
        for app_id, rule_id, example in rows:
            found[app_id][rule_id] = example
        return found

    def add_review(self, review: Review) -> None:
        at = to_utc(review.at, "Review.at")
        self._run(
            f"add a review of {review.app_id!r}",
            lambda c: c.execute(
                "INSERT INTO reviews (app_id, decision, reviewer, reason, at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (review.app_id, review.decision, review.reviewer, review.reason, at),
            ),
        )

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
                " WHERE app_id = ANY(%s) ORDER BY app_id, at, id",
                (list(found),),
            ).fetchall(),
        )
        for r in rows:
            found[r[0]].append(
                Review(app_id=r[0], decision=r[1], reviewer=r[2], reason=r[3], at=_utc(r[4]))
            )
        return found

    def stored_calls(self, app_id: str) -> list[CallRecord]:
        rows = self._run(
            f"read the calls of {app_id!r}",
            lambda c: c.execute(
                "SELECT at, app_id, store_id, token_id, operation_id, method, path_template,"
                " status, latency_ms, params, findings, source, call_id, test_id FROM calls"
                " WHERE app_id = %s AND identified ORDER BY at, id",
                (app_id,),
            ).fetchall(),
        )
        info = self.app(app_id)
        return [stored_call(row, row[0], info) for row in rows]

    def count_calls(self) -> int:
        return self._run(
            "count calls", lambda c: c.execute("SELECT count(*) FROM calls").fetchone()[0]
        )

    def unidentified(self, start: datetime | date, end: datetime | date) -> list[UnidentifiedCount]:
        first, last = utc_day(start, "unidentified start"), utc_day(end, "unidentified end")
        lo = datetime(first.year, first.month, first.day, tzinfo=UTC)
        hi = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
        rows = self._run(
            "count unidentified calls",
            lambda c: c.execute(
                "SELECT (at AT TIME ZONE 'UTC')::date AS day, status, path_template, count(*) "
                "FROM calls WHERE NOT identified AND at >= %s AND at < %s "
                "GROUP BY day, status, path_template ORDER BY day, status, path_template",
                (lo, hi),
            ).fetchall(),
        )
        return [
            UnidentifiedCount(day=r[0], status=r[1], path_template=r[2], count=r[3]) for r in rows
        ]

    def quarantined(self) -> list[Quarantined]:
        rows = self._run(
            "read the quarantine",
            lambda c: c.execute(
                "SELECT call_id, at, error, record FROM quarantine ORDER BY id"
            ).fetchall(),
        )
        return [Quarantined(call_id=r[0], at=_utc(r[1]), error=r[2], record=r[3]) for r in rows]

    def scan_calls(self, since: datetime | None) -> Iterator[CallRecord]:
        bound = (
            to_utc(since, "scan since") if since is not None else datetime.min.replace(tzinfo=UTC)
        )
        last = 0
        while True:  # in pages by id, so that a large ledger is never held in memory whole
            rows = self._run(
                "read calls",
                lambda c, after=last: c.execute(
                    "SELECT id, call_id, at, app_id, operation_id, method, path_template, status, "
                    "findings FROM calls WHERE identified AND at >= %s AND id > %s "
                    "ORDER BY id LIMIT %s",
                    (bound, after, SCAN_PAGE),
                ).fetchall(),
            )
            for r in rows:
                yield CallRecord(
                    call_id=r[1], at=_utc(r[2]), app_id=r[3], operation_id=r[4], method=r[5],
                    path_template=r[6], status=r[7], findings=tuple(r[8]),
                )  # fmt: skip
            if len(rows) < SCAN_PAGE:
                return
            last = rows[-1][0]

    def all_rollups(self, since: date | None) -> list[DailyCount]:
        rows = self._run(
            "read rollups",
            lambda c: c.execute(
                f"SELECT {ROLLUP_COLUMNS} FROM rollups WHERE day >= %s", (since or date.min,)
            ).fetchall(),
        )
        return _daily_counts(rows)

    def prune(self, before: datetime) -> int:
        bound = to_utc(before, "prune before")

        def delete(conn: psycopg.Connection) -> int:
            with conn.transaction():
                deleted = conn.execute("DELETE FROM calls WHERE at < %s", (bound,)).rowcount
                old = self._pruned(conn)
                if old is None or old < bound:
                    conn.execute(SET_META, (PRUNED_BEFORE, bound.isoformat()))
            return deleted

        return self._run("prune calls", delete)

    def pruned_before(self) -> datetime | None:
        return self._run("read the prune boundary", self._pruned)

    @staticmethod
    def _pruned(conn: psycopg.Connection) -> datetime | None:
        row = conn.execute(
            "SELECT value FROM ledger_meta WHERE key = %s", (PRUNED_BEFORE,)
        ).fetchone()
        return None if row is None else datetime.fromisoformat(row[0])

    def fingerprint(self) -> object | None:
        return None

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _daily_counts(rows: Iterable[tuple]) -> list[DailyCount]:
    """Rollup rows (``ROLLUP_COLUMNS``) as records: a certify reads 100,000s of them."""
    return [
        daily_count(app_id, day, kind, key, count, first.astimezone(UTC), last.astimezone(UTC))
        for app_id, day, kind, key, count, first, last in rows
    ]


def _app(row: tuple) -> AppInfo:
    return AppInfo(
        app_id=row[0],
        name=row[1],
        scopes=tuple(row[2]),
        first_seen=_utc(row[3]),
        last_seen=_utc(row[4]),
    )


def _safe(url: str) -> str:
    """``url`` with any password masked, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
