"""Certify every app of a large ledger from rollups, against scanning the calls in the same run.

    python benchmarks/bench_certify.py [--calls 10000000] [--apps 1000] [--baseline-calls 300000]

Builds a SQLite ledger holding the daily rollups of ``--calls`` calls by ``--apps`` apps over
``--days`` days (written straight into the rollup table: recording 10 million calls first would
take far longer than what is measured), then times ``certify`` for all apps (decision + JSON
report). The baseline is the same decision computed by scanning a calls table of
``--baseline-calls`` rows, measured now and extrapolated linearly to ``--calls``.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from miready.certifier.commands import certify  # noqa: E402
from miready.certifier.ledger import open_ledger  # noqa: E402

AS_OF = datetime(2024, 5, 20, 23, 59, 59, 999999, tzinfo=UTC)
WINDOW = timedelta(days=14)
SCOPES = json.dumps(["read_orders", "write_orders", "write_products"])
UNAFFECTED_SCOPES = json.dumps(["read_customers"])
# (operation id, rule hit by a legacy app's call to it or None, share of an app's calls)
OPERATIONS = [
    ("getOrder", None, 0.4),
    ("listFulfillmentOrders", None, 0.2),
    ("updateFulfillmentOrder", None, 0.2),
    ("packOrder", "endpoint.orders.pack", 0.1),
    ("updateProduct", "param.variant.stock", 0.1),
]


def _t(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def build_rollups(url: str, calls: int, apps: int, days: int, seed: int) -> int:
    """Rollup rows worth ``calls`` calls; a third of the apps are legacy. Returns the row count."""
    rng = random.Random(seed)
    open_ledger(url).close()  # the ledger creates its schema
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
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
        first_seen = datetime.combine(first_day + timedelta(days=start), datetime.min.time(), UTC)
        scopes = UNAFFECTED_SCOPES if a % 50 == 7 else SCOPES
        app_rows.append((app_id, None, scopes, _t(first_seen + timedelta(hours=1)), _t(AS_OF)))
    with conn:
        conn.executemany("INSERT INTO apps VALUES (?, ?, ?, ?, ?)", app_rows)
        conn.executemany("INSERT INTO rollups VALUES (?, ?, ?, ?, ?, ?, ?)", rollup_rows)
    conn.close()
    return len(rollup_rows)


def build_calls(path: Path, calls: int, apps: int, days: int, seed: int) -> None:
    """A plain calls table (app, time, findings) for the scanning baseline."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE calls (app_id TEXT, at TEXT, findings TEXT)")
    conn.execute("CREATE INDEX calls_at ON calls (at)")
    span = days * 86400
    start = AS_OF - timedelta(days=days)
    rows = []
    for _ in range(calls):
        a = rng.randrange(apps)
        at = start + timedelta(seconds=rng.randrange(span))
        rule = '["endpoint.orders.pack"]' if a % 3 == 0 and rng.random() < 0.2 else "[]"
        rows.append((f"app-{a:05d}", _t(at), rule))
    with conn:
        conn.executemany("INSERT INTO calls VALUES (?, ?, ?)", rows)
    conn.close()


def scan_decide(path: Path) -> dict[str, str]:
    """The baseline: read every call of the window and decide per app in Python."""
    conn = sqlite3.connect(path)
    start = AS_OF - WINDOW
    first_seen: dict[str, str] = dict(
        conn.execute("SELECT app_id, min(at) FROM calls GROUP BY app_id").fetchall()
    )
    seen: dict[str, bool] = {}
    for app_id, _at, findings in conn.execute(
        "SELECT app_id, at, findings FROM calls WHERE at >= ? AND at <= ?", (_t(start), _t(AS_OF))
    ):
        seen[app_id] = seen.get(app_id, False) or findings != "[]"
    conn.close()
    verdicts = {}
    for app_id, first in first_seen.items():
        if seen.get(app_id):
            verdicts[app_id] = "not_ready"
        elif app_id not in seen or first > _t(start):
            verdicts[app_id] = "insufficient_evidence"
        else:
            verdicts[app_id] = "auto_approved"
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000_000)
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--baseline-calls", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="miready-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'ledger.db'}"
        t0 = time.perf_counter()
        rows = build_rollups(url, args.calls, args.apps, args.days, args.seed)
        build_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        code = certify(url, None, AS_OF.isoformat(), "json", str(Path(tmp) / "report.json"))
        certify_s = time.perf_counter() - t0
        report = json.loads((Path(tmp) / "report.json").read_text())

        calls_db = Path(tmp) / "calls.db"
        build_calls(calls_db, args.baseline_calls, args.apps, args.days, args.seed)
        t0 = time.perf_counter()
        scan_decide(calls_db)
        scan_s = time.perf_counter() - t0

    scan_full_s = scan_s * args.calls / args.baseline_calls
    print(f"ledger: {args.calls:,} calls of {args.apps:,} apps over {args.days} days")
    print(f"  as {rows:,} rollup rows (built in {build_s:.1f} s)")
    print(f"certify, all apps, from rollups (decision + JSON report): {certify_s:.2f} s")
    print(f"  exit {code}; verdicts: {report['summary']}")
    print(
        f"baseline, scanning calls: {scan_s:.2f} s for {args.baseline_calls:,} calls"
        f" -> {scan_full_s:.1f} s extrapolated to {args.calls:,}"
    )
    print(f"ratio (scan / rollups): {scan_full_s / certify_s:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
