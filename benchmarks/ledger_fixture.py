"""A large ledger built fast: daily rollups written straight into the tables, not call by call.

Recording 10 million calls first would take far longer than what is measured; a decision reads
rollups only, so rollups worth N calls are what a decision over N calls sees.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta

from miready.certifier.ledger import open_ledger

AS_OF = datetime(2024, 5, 20, 23, 59, 59, 999999, tzinfo=UTC)
WINDOW = timedelta(days=14)
SCOPES = ["read_orders", "write_orders", "write_products"]
UNAFFECTED_SCOPES = ["read_customers"]
# (operation id, rule hit by a legacy app's call to it or None, share of an app's calls)
OPERATIONS = [
    ("getOrder", None, 0.4),
    ("listFulfillmentOrders", None, 0.2),
    ("updateFulfillmentOrder", None, 0.2),
    ("packOrder", "endpoint.orders.pack", 0.1),
    ("updateProduct", "param.variant.stock", 0.1),
]
APP_COLUMNS = "app_id, name, scopes, first_seen, last_seen"
ROLLUP_COLUMNS = "app_id, day, kind, key, count, first_at, last_at"


def _t(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def rows(calls: int, apps: int, days: int, seed: int) -> tuple[list[tuple], list[tuple]]:
    """App rows and rollup rows worth ``calls`` calls; a third of the apps are legacy."""
    rng = random.Random(seed)
    per_app_day = calls / (apps * days)
    first_day = (AS_OF - timedelta(days=days - 1)).date()
    app_rows, rollup_rows = [], []
    for a in range(apps):
        app_id = f"app-{a:05d}"
        legacy = a % 3 == 0
        # one app in ten is a newcomer, seen for less than the window
        start = days - rng.randrange(2, WINDOW.days) if a % 10 == 1 else 0
        for d in range(start, days):
            day = first_day + timedelta(days=d)
            base = datetime(day.year, day.month, day.day, tzinfo=UTC)
            first_at, last_at = _t(base + timedelta(hours=1)), _t(base + timedelta(hours=22))
            n = max(1, int(per_app_day * rng.uniform(0.5, 1.5)))
            rollup_rows.append((app_id, day.isoformat(), "all", "*", n, first_at, last_at))
            for op, rule, share in OPERATIONS:
                k = max(1, int(n * share))
                if rule and not legacy:
                    continue
                rollup_rows.append((app_id, day.isoformat(), "operation", op, k, first_at, last_at))
                if rule:
                    rollup_rows.append(
                        (app_id, day.isoformat(), "rule", rule, k, first_at, last_at)
                    )
            if legacy:
                k = max(1, int(n * 0.2))
                row = (app_id, day.isoformat(), "deprecated", "*", k, first_at, last_at)
                rollup_rows.append(row)
        first_seen = datetime.combine(first_day + timedelta(days=start), datetime.min.time(), UTC)
        scopes = json.dumps(UNAFFECTED_SCOPES if a % 50 == 7 else SCOPES)
        app_rows.append((app_id, None, scopes, _t(first_seen + timedelta(hours=1)), _t(AS_OF)))
    return app_rows, rollup_rows


def build(url: str, calls: int, apps: int = 1000, days: int = 30, seed: int = 4) -> int:
    """Fill the ledger at ``url`` (SQLite or PostgreSQL); returns the rollup row count."""
    open_ledger(url).close()  # the ledger creates its schema
    app_rows, rollup_rows = rows(calls, apps, days, seed)
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        with conn:
            conn.executemany(f"INSERT INTO apps ({APP_COLUMNS}) VALUES (?, ?, ?, ?, ?)", app_rows)
            conn.executemany(
                f"INSERT INTO rollups ({ROLLUP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", rollup_rows
            )
        conn.close()
        return len(rollup_rows)
    import psycopg
    from miready.certifier.ledger.postgres import split_schema

    base, schema = split_schema(url)
    with psycopg.connect(base) as conn:
        if schema:
            conn.execute(f'SET search_path TO "{schema}"')
        with conn.cursor() as cur:
            with cur.copy(f"COPY apps ({APP_COLUMNS}) FROM STDIN") as copy:
                for r in app_rows:
                    copy.write_row(r)
            with cur.copy(f"COPY rollups ({ROLLUP_COLUMNS}) FROM STDIN") as copy:
                for r in rollup_rows:
                    copy.write_row(r)
    return len(rollup_rows)
