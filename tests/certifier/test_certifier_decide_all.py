"""Deciding every app at once: the same decisions as one app at a time, from a number of
statements that does not grow with the number of apps (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from miready.certifier.decision import Verdict, decide, decide_all
from miready.certifier.ledger import Ledger, Review
from miready.certifier.ledger.sqlite import SqliteLedger
from miready.certifier.report import build_report

AS_OF = datetime(2024, 5, 20, 12, tzinfo=UTC)
DAYS = [AS_OF - timedelta(days=d, hours=3) for d in range(20, -1, -1)]


class _CountingConnection:
    """A psycopg connection that notes every statement executed through it."""

    def __init__(self, conn: Any, seen: list[str]) -> None:
        self._conn, self._seen = conn, seen

    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        self._seen.append(str(query))
        return self._conn.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


@contextmanager
def statements(ledger: Ledger) -> Iterator[list[str]]:
    """Every SQL statement the ledger runs inside the block."""
    seen: list[str] = []
    conn = ledger._conn  # type: ignore[attr-defined]
    if isinstance(ledger, SqliteLedger):
        conn.set_trace_callback(seen.append)
        try:
            yield seen
        finally:
            conn.set_trace_callback(None)
        return
    ledger._conn = _CountingConnection(conn, seen)  # type: ignore[attr-defined]
    try:
        yield seen
    finally:
        ledger._conn = conn  # type: ignore[attr-defined]


def _fill(ledger: Ledger, calls, n: int) -> None:
    """n apps: clean, legacy (findings, examples), approved, approved then voided, rejected."""
    for i in range(n):
        app_id = f"app-{i:02d}"
        match i % 5:
            case 0:
                calls.clean(app_id, *DAYS)
            case 1:
                calls.clean(app_id, *DAYS)
                calls.legacy(app_id, DAYS[3])
            case 2:
                calls.clean(app_id, *DAYS)
                review(ledger, app_id, "approved", AS_OF - timedelta(days=2 + i % 3))
            case 3:
                calls.clean(app_id, *DAYS)
                review(ledger, app_id, "approved", AS_OF - timedelta(days=4))
                calls.legacy(app_id, AS_OF - timedelta(days=1))
            case 4:
                calls.clean(app_id, *DAYS[5:])
                review(ledger, app_id, "rejected", AS_OF - timedelta(days=1))


def review(ledger: Ledger, app_id: str, decision: str, at: datetime) -> None:
    ledger.add_review(Review(app_id=app_id, decision=decision, reviewer="r", reason="x", at=at))


def test__build_report__5_apps_or_30__should_run_the_same_few_statements(
    any_ledger, any_calls, pack
):
    _fill(any_ledger, any_calls, 30)
    apps = any_ledger.apps()

    with statements(any_ledger) as few:
        small = build_report(any_ledger, pack, AS_OF, apps[:5])
    with statements(any_ledger) as many:
        large = build_report(any_ledger, pack, AS_OF, apps)

    assert len(small.apps) == 5 and len(large.apps) == 30
    # the window's rollups, the reviews, rule rows since the approvals, the examples
    print(f"{len(few)} statements for 5 apps, {len(many)} for 30")
    assert len(few) == len(many) <= 4, many
    verdicts = {a.verdict for a in large.apps}
    assert {Verdict.NOT_READY, Verdict.MANUALLY_APPROVED, Verdict.MANUALLY_REJECTED} <= verdicts


def test__decide_all__apps_approved_at_different_times__should_equal_deciding_each_alone(
    any_ledger, any_calls, pack
):
    _fill(any_ledger, any_calls, 10)
    # A finding after app-02's approval but before app-07's: it voids app-02's approval only,
    # although the rule rows are read once from the earliest approval for both.
    review(any_ledger, "app-07", "approved", AS_OF - timedelta(hours=1))
    any_calls.legacy("app-02", AS_OF - timedelta(hours=2))
    any_calls.legacy("app-07", AS_OF - timedelta(hours=2))
    apps = any_ledger.apps()

    together = decide_all(any_ledger, apps, pack, AS_OF)

    assert together == [decide(any_ledger, app, pack, AS_OF) for app in apps]
    by_id = {d.app_id: d for d in together}
    assert by_id["app-02"].verdict is Verdict.NOT_READY and by_id["app-02"].voided_by is not None
    assert by_id["app-07"].voided_by is None
    assert by_id["app-08"].voided_by is not None  # approved, then a finding a day later
