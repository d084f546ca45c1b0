"""What the run recorded: findings per (app, rule) and per test, calls recorded, calls unrecorded.

Read from each proxy's ledger and the mock's traffic counters, merged across xdist workers
through a JSON round-trip.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

# Rollups are per UTC day; the widest range reads every day the ledger holds.
ALL_DAYS = (date(1970, 1, 1), date(9999, 12, 31))


class Finding(NamedTuple):
    """One deprecated rule an app hit: how often, and the first redacted example (parsed JSON)."""

    app_id: str
    rule_id: str
    count: int
    example: Any


class TestHit(NamedTuple):
    """A test that made deprecated calls: which rule, for which app, how often."""

    test_id: str
    app_id: str
    rule_id: str
    count: int


@dataclass
class Tally:
    """Everything the gate decides on, for one worker or (merged) the whole run."""

    apps: set[str] = field(default_factory=set)
    hits: dict[tuple[str, str], Finding] = field(default_factory=dict)
    by_test: dict[tuple[str, str, str], int] = field(default_factory=dict)
    calls: int = 0  # recorded by the proxies
    unrecorded: dict[str, int] = field(default_factory=dict)  # test id -> calls that skipped them
    tests: list[str] = field(default_factory=list)  # every test that ran, in order
    ledgers: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)  # proxies that did not record in time

    def add(self, finding: Finding) -> None:
        key = (finding.app_id, finding.rule_id)
        old = self.hits.get(key)
        if old is None:
            self.hits[key] = finding
        else:
            example = old.example if old.example is not None else finding.example
            self.hits[key] = old._replace(count=old.count + finding.count, example=example)

    def add_test_hit(self, hit: TestHit) -> None:
        key = (hit.test_id, hit.app_id, hit.rule_id)
        self.by_test[key] = self.by_test.get(key, 0) + hit.count

    def merge(self, data: dict[str, Any]) -> None:
        self.apps.update(data.get("apps", []))
        for row in data.get("findings", []):
            self.add(Finding(*row))
        for row in data.get("by_test", []):
            self.add_test_hit(TestHit(*row))
        self.calls += data.get("calls", 0)
        for test_id, count in data.get("unrecorded", {}).items():
            self.unrecorded[test_id] = self.unrecorded.get(test_id, 0) + count
        self.tests.extend(data.get("tests", []))
        self.ledgers.extend(data.get("ledgers", []))
        self.incomplete.extend(data.get("incomplete", []))

    def to_json(self) -> dict[str, Any]:
        return {
            "apps": sorted(self.apps),
            "findings": [list(f) for f in self.findings()],
            "by_test": [list(h) for h in self.test_hits()],
            "calls": self.calls,
            "unrecorded": dict(self.unrecorded),
            "tests": list(self.tests),
            "ledgers": list(self.ledgers),
            "incomplete": list(self.incomplete),
        }

    def findings(self) -> list[Finding]:
        return [self.hits[k] for k in sorted(self.hits)]

    def test_hits(self) -> list[TestHit]:
        return [TestHit(*k, count) for k, count in sorted(self.by_test.items())]

    @property
    def deprecated(self) -> int:
        return sum(f.count for f in self.hits.values())

    @property
    def unrecorded_calls(self) -> int:
        return sum(self.unrecorded.values())


def read_ledger(ledger_url: str) -> Tally:
    """Findings per (app, rule) from the rollups, per test from the calls, and the call count."""
    from miready.certifier.ledger import open_ledger

    tally = Tally(ledgers=[ledger_url])
    ledger = open_ledger(ledger_url)
    try:
        tally.calls = ledger.count_calls()
        for app in ledger.apps():
            tally.apps.add(app.app_id)
            counts: dict[str, int] = {}
            for row in ledger.rollups(app.app_id, *ALL_DAYS, kind="rule"):
                counts[row.key] = counts.get(row.key, 0) + row.count
            examples = ledger.examples(app.app_id)
            for rule_id, count in counts.items():
                raw = examples.get(rule_id)
                tally.add(Finding(app.app_id, rule_id, count, json.loads(raw) if raw else None))
    finally:
        ledger.close()
    for hit in test_hits(ledger_url):
        tally.add_test_hit(hit)
    return tally


def test_hits(ledger_url: str, test_id: str | None = None) -> list[TestHit]:
    """Deprecated calls by test (one test's with ``test_id``), from the plugin's SQLite ledger.

    The ledger interface reads per app and day; a per-test view is the plugin's own need, so it
    reads its own ledger file directly.
    """
    path = ledger_url.removeprefix("sqlite:///")
    query = "SELECT test_id, app_id, findings FROM calls WHERE findings <> '[]'"
    params: tuple[str, ...] = ()
    if test_id is not None:
        query, params = query + " AND test_id = ?", (test_id,)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return []
    try:
        rows = conn.execute(query, params).fetchall()
    except sqlite3.Error:  # no calls table yet
        return []
    finally:
        conn.close()
    counts: dict[tuple[str, str, str], int] = {}
    for tid, app_id, findings in rows:
        for rule_id in json.loads(findings):
            key = (tid or "", app_id, rule_id)
            counts[key] = counts.get(key, 0) + 1
    return [TestHit(*k, n) for k, n in sorted(counts.items())]
