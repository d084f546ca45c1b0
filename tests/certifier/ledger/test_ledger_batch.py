"""Turning a batch of calls into rows, without a database."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from miready.certifier.ledger import CallRecord, LedgerError
from miready.certifier.ledger.batch import build_rows, rollup_keys, to_utc

T0 = datetime(2024, 5, 1, tzinfo=UTC)


def record(**fields) -> CallRecord:
    defaults = {"at": T0, "app_id": "a", "method": "GET", "path_template": "/p", "status": 200}
    return CallRecord(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ({}, [("all", "*"), ("operation", "/p")]),
        ({"operation_id": "getP"}, [("all", "*"), ("operation", "getP")]),
        ({"findings": ("r2", "r1", "r2")}, [("all", "*"), ("operation", "/p"), ("deprecated", "*"),
                                            ("rule", "r2"), ("rule", "r1")]),
    ],
)  # fmt: skip
def test__rollup_keys__call__should_count_once_per_kind_and_key(fields, keys):
    assert rollup_keys(record(**fields)) == keys


def test__to_utc__naive__should_be_refused():
    with pytest.raises(LedgerError, match="timezone-aware"):
        to_utc(datetime(2024, 1, 1), "x")


def test__build_rows__apps__should_take_name_and_scopes_from_the_newest_call():
    rows = build_rows(
        [
            record(at=T0 + timedelta(hours=2), app_name="new", scopes=("b", "a", "a")),
            record(at=T0, app_name="old", scopes=("z",)),
            record(at=T0 + timedelta(hours=3)),
        ]
    )
    [app] = rows.apps
    assert (app.name, app.scopes) == ("new", '["a", "b"]')
    assert (app.first_seen, app.last_seen) == (T0, T0 + timedelta(hours=3))


times = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2024, 1, 4), timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=13))]
    )
)  # fmt: skip
records = st.builds(
    record,
    at=times,
    app_id=st.sampled_from(["a", "b"]),
    operation_id=st.none() | st.sampled_from(["x", "y"]),
    findings=st.lists(st.sampled_from(["r1", "r2"]), max_size=3).map(tuple),
)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(records, max_size=40))
def test__build_rows__any_batch__should_roll_up_every_call_once_per_kind(batch):
    rows = build_rows(batch)

    totals: Counter = Counter()
    for r in rows.rollups:
        totals[(r.app_id, r.kind)] += r.count
        assert r.first_at <= r.last_at and r.first_at.date() == r.day == r.last_at.date()
    per_app = Counter(c.app_id for c in batch)
    for app_id, n in per_app.items():
        assert totals[(app_id, "all")] == totals[(app_id, "operation")] == n
        for rule in ("r1", "r2"):
            with_rule = sum(1 for c in batch if c.app_id == app_id and rule in c.findings)
            assert sum(
                r.count for r in rows.rollups if (r.app_id, r.kind, r.key) == (app_id, "rule", rule)
            ) == with_rule  # fmt: skip
    keys = [(r.app_id, r.day, r.kind, r.key) for r in rows.rollups]
    assert keys == sorted(keys)  # sorted: concurrent writers lock rows in the same order
