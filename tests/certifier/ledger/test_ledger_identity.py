"""Every call has an identity, one bad record is quarantined alone, unidentified traffic is no app.

Run against SQLite and PostgreSQL alike; each test prints the figures it counts.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

from miready.certifier.ledger.verify import verify

DAY1 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def all_count(ledger, app_id: str) -> int:
    return sum(r.count for r in ledger.rollups(app_id, date(2000, 1, 1), date(2100, 1, 1), "all"))


def test__write_calls__same_batch_three_times__should_leave_counts_unchanged(ledger, call):
    batch = [
        call(DAY1 + timedelta(seconds=i), findings=("rule.a",) if i % 3 == 0 else ())
        for i in range(300)
    ]

    results = [ledger.write_calls(batch) for _ in range(3)]

    print(f"\nsame batch x3: results {results}, calls {ledger.count_calls()}")
    assert [(r.inserted, r.duplicates) for r in results] == [(300, 0), (0, 300), (0, 300)]
    assert ledger.count_calls() == all_count(ledger, "app-1") == 300
    assert verify(ledger).ok


def test__write_calls__repeated_id_within_one_batch__should_count_once(ledger, call):
    result = ledger.write_calls([call(DAY1, call_id="x"), call(DAY1, call_id="x")])

    assert (result.inserted, result.duplicates, ledger.count_calls()) == (1, 1, 1)
    assert all_count(ledger, "app-1") == 1


def test__write_calls__two_writers_same_ids_at_once__should_count_each_call_once(backend, call):
    batch = [call(DAY1 + timedelta(seconds=i), call_id=f"c{i}") for i in range(400)]
    ledgers = [backend.open() for _ in range(4)]
    results, errors = [], []

    def write(ledger) -> None:
        try:
            for start in range(0, len(batch), 50):
                results.append(ledger.write_calls(batch[start : start + 50]))
        except Exception as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=write, args=(lg,)) for lg in ledgers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    reader = ledgers[0]
    inserted = sum(r.inserted for r in results)
    print(f"\n4 writers x 400 same ids: inserted {inserted}, calls {reader.count_calls()}")
    assert errors == []
    assert inserted == reader.count_calls() == all_count(reader, "app-1") == 400
    assert verify(reader).ok
    for lg in ledgers:
        lg.close()


def test__write_calls__poison_record_next_to_a_good_app__should_lose_none_of_the_good(ledger, call):
    good = [call(DAY1 + timedelta(seconds=i), app_id="good", app_name="Good") for i in range(600)]
    poison = [
        call(DAY1, app_id="bad", app_name={"x": 1}),  # coerced? no text inside: name dropped
        call(DAY1, app_id="bad", status="200"),  # refused: a status is a number
        call(DAY1, app_id={"nested": ["id"]}),  # refused: an app id is text
        call(DAY1, app_id="bad", params=({"k": 1},)),  # refused: a parameter name is text
    ]
    batch = good[:300] + poison + good[300:]

    result = ledger.write_calls(batch)

    good_in = all_count(ledger, "good")
    print(f"\npoison: {result}; good app {good_in} of 600 recorded, {len(ledger.quarantined())} "
          "quarantined")  # fmt: skip
    assert good_in == 600
    assert (result.inserted, result.quarantined) == (601, 3)
    assert ledger.app("bad").name is None
    assert len(ledger.quarantined()) == 3
    assert verify(ledger).ok


def test__write_calls__localized_app_name__should_be_stored_as_its_text(ledger, call):
    ledger.write_calls([call(DAY1, app_name={"es": "Mi App", "pt": "Meu App"})])

    assert ledger.app("app-1").name == "Mi App"


def test__write_calls__overlong_text__should_be_bounded(ledger, call):
    ledger.write_calls([call(DAY1, app_name="n" * 10_000)])

    assert len(ledger.app("app-1").name) == 200


def test__unidentified_calls__should_be_counted_apart_and_never_be_apps(ledger, call):
    ledger.write_calls(
        [call(DAY1, app_id="good")]
        + [call(DAY1 + timedelta(minutes=i), app_id="anonymous", identified=False, status=401,
                path_template="/orders", findings=("rule.x",)) for i in range(3)]
        + [call(DAY1 + timedelta(days=1), app_id="anonymous", identified=False, status=404,
                path_template="unknown:/v1/{id}/x")]
    )  # fmt: skip

    counts = ledger.unidentified(DAY1, DAY1 + timedelta(days=1))

    print(f"\nunidentified: {counts}")
    assert [a.app_id for a in ledger.apps()] == ["good"]
    assert ledger.app("anonymous") is None and all_count(ledger, "anonymous") == 0
    assert [(c.day, c.status, c.path_template, c.count) for c in counts] == [
        (date(2024, 5, 1), 401, "/orders", 3),
        (date(2024, 5, 2), 404, "unknown:/v1/{id}/x", 1),
    ]
    assert ledger.unidentified(DAY1, DAY1) == counts[:1]
    assert ledger.count_calls() == 5
    assert verify(ledger).ok


def test__verify__rollup_edited_by_hand__should_report_the_mismatch(backend, ledger, call):
    ledger.write_calls([call(DAY1 + timedelta(seconds=i)) for i in range(5)])
    backend.raw("UPDATE rollups SET count = count + 1 WHERE kind = 'all'")

    result = verify(ledger)

    print(f"\n{result}")
    assert not result.ok
    [m] = result.mismatches
    assert (m.key[2], m.rollup, m.recount) == ("all", 6, 5)


def test__prune__old_calls__should_keep_rollups_and_verify_from_the_boundary(ledger, call):
    ledger.write_calls([call(DAY1 - timedelta(days=d)) for d in range(100)])
    before = all_count(ledger, "app-1")

    deleted = ledger.prune(DAY1 - timedelta(days=89, hours=1))
    result = verify(ledger)

    print(f"\nprune: deleted {deleted} of 100 calls; rollups count {all_count(ledger, 'app-1')}")
    assert (deleted, ledger.count_calls()) == (10, 90)
    assert all_count(ledger, "app-1") == before == 100
    assert result.ok and result.since == (DAY1 - timedelta(days=88)).date()
    assert ledger.pruned_before() == DAY1 - timedelta(days=89, hours=1)


def test__scan_calls__more_than_a_page__should_yield_every_identified_call_once(
    backend, ledger, call, monkeypatch
):
    import importlib

    module = importlib.import_module(f"miready.certifier.ledger.{backend.name}")
    monkeypatch.setattr(module, "SCAN_PAGE", 7)
    ledger.write_calls([call(DAY1 + timedelta(seconds=i), call_id=f"s{i}") for i in range(20)])
    ledger.write_calls([call(DAY1, call_id="anon", identified=False)])

    ids = [c.call_id for c in ledger.scan_calls(None)]

    assert sorted(ids) == sorted(f"s{i}" for i in range(20))
    assert [c.call_id for c in ledger.scan_calls(DAY1 + timedelta(seconds=15))] == [
        f"s{i}" for i in range(15, 20)
    ]
