"""What every ledger backend promises, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from miready.certifier.ledger import DailyCount, Ledger, Review

DAY1 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
NEW_YORK_SUMMER = timezone(timedelta(hours=-4))
TOKYO = timezone(timedelta(hours=9))

FAIL_ON_BOOM_ROLLUP = {
    "sqlite": """
        CREATE TRIGGER boom BEFORE INSERT ON rollups WHEN NEW.key = 'boom'
        BEGIN SELECT RAISE(ABORT, 'boom rollup refused'); END;
    """,
    "postgres": """
        CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.key = 'boom' THEN RAISE EXCEPTION 'boom rollup refused'; END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER boom BEFORE INSERT ON rollups FOR EACH ROW EXECUTE FUNCTION boom();
    """,
}


def counts(ledger: Ledger, app_id: str, kind: str | None = None) -> dict[tuple, int]:
    rows = ledger.rollups(app_id, date(2000, 1, 1), date(2100, 1, 1), kind)
    return {(r.day.isoformat(), r.kind, r.key): r.count for r in rows}


def test__write_calls__one_batch__should_store_calls_apps_examples_and_rollups(ledger, call):
    ledger.write_calls(
        [
            call(DAY1, app_name="Stock Sync", scopes=("write_inventory",), operation_id="getP",
                 findings=("legacy.variant_stock",), examples={"legacy.variant_stock": '{"a": 1}'}),
            call(DAY1 + timedelta(minutes=5), operation_id=None,
                 path_template="unknown:/admin/x"),
        ]
    )  # fmt: skip

    assert ledger.count_calls() == 2
    [app] = ledger.apps()
    assert (app.app_id, app.name, app.scopes) == ("app-1", "Stock Sync", ("write_inventory",))
    assert (app.first_seen, app.last_seen) == (DAY1, DAY1 + timedelta(minutes=5))
    assert ledger.app("app-1") == app
    assert ledger.app("nobody") is None
    assert ledger.examples("app-1") == {"legacy.variant_stock": '{"a": 1}'}
    assert counts(ledger, "app-1") == {
        ("2024-05-01", "all", "*"): 2,
        ("2024-05-01", "deprecated", "*"): 1,
        ("2024-05-01", "operation", "getP"): 1,
        ("2024-05-01", "operation", "unknown:/admin/x"): 1,
        ("2024-05-01", "rule", "legacy.variant_stock"): 1,
    }


def test__write_calls__empty_batch__should_do_nothing(ledger):
    ledger.write_calls([])
    assert ledger.count_calls() == 0


def test__write_calls__record_failing_midway__should_be_quarantined_alone_and_not_half_written(
    backend, ledger, call
):
    ledger.write_calls([call(DAY1, findings=("rule.a",), examples={"rule.a": "first"})])
    # The trigger fails a batch after its calls, apps, examples and first rollups were written.
    backend.raw(FAIL_ON_BOOM_ROLLUP[backend.name])

    result = ledger.write_calls(
        [
            call(DAY1 + timedelta(hours=1), app_name="renamed", findings=("rule.a",)),
            call(DAY1 + timedelta(hours=2), app_id="app-2", findings=("boom",),
                 examples={"boom": "x"}, call_id="the-boom"),
        ]
    )  # fmt: skip

    assert (result.inserted, result.duplicates, result.quarantined) == (1, 0, 1)
    assert ledger.count_calls() == 2
    assert ledger.app("app-1").name == "renamed"
    assert counts(ledger, "app-1")[("2024-05-01", "rule", "rule.a")] == 2
    assert ledger.app("app-2") is None and counts(ledger, "app-2") == {}
    [bad] = ledger.quarantined()
    assert bad.call_id == "the-boom" and "boom rollup refused" in bad.error
    # The connection is still usable afterwards.
    ledger.write_calls([call(DAY1 + timedelta(hours=3))])
    assert ledger.count_calls() == 3


def test__examples__several_for_one_rule__should_keep_the_first(ledger, call):
    ledger.write_calls(
        [
            call(DAY1, findings=("r",), examples={"r": "one"}),
            call(DAY1, findings=("r",), examples={"r": "two"}),
        ]
    )
    ledger.write_calls([call(DAY1 - timedelta(days=1), findings=("r", "s"),
                             examples={"r": "three", "s": "four"})])  # fmt: skip

    assert ledger.examples("app-1") == {"r": "one", "s": "four"}
    assert ledger.examples("app-2") == {}


def test__rollups__over_several_batches__should_count_per_day_with_first_and_last(ledger, call):
    times = [DAY1, DAY1 + timedelta(hours=10), DAY1 + timedelta(days=1, hours=3)]
    ledger.write_calls([call(times[1], findings=("r",))])
    ledger.write_calls([call(times[0], findings=("r",)), call(times[2], findings=("r", "r"))])

    rows = ledger.rollups("app-1", DAY1, DAY1 + timedelta(days=1), kind="rule")

    assert rows == [
        DailyCount(app_id="app-1", day=date(2024, 5, 1), kind="rule", key="r", count=2,
                   first_at=times[0], last_at=times[1]),
        DailyCount(app_id="app-1", day=date(2024, 5, 2), kind="rule", key="r", count=1,
                   first_at=times[2], last_at=times[2]),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 3, tzinfo=UTC), ["01", "02", "03"]),
        # Any instant of a day brings in the whole day.
        (datetime(2024, 5, 2, 23, 59, tzinfo=UTC), datetime(2024, 5, 3, 0, 1, tzinfo=UTC),
         ["02", "03"]),
        (datetime(2024, 5, 2, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC), ["02"]),
        # Bounds are taken in UTC: 2024-05-02 01:00 in Tokyo is still May 1st in UTC.
        (datetime(2024, 5, 2, 1, 0, tzinfo=TOKYO), datetime(2024, 5, 2, 1, 0, tzinfo=TOKYO),
         ["01"]),
        (datetime(2024, 5, 1, 22, 0, tzinfo=NEW_YORK_SUMMER),
         datetime(2024, 5, 1, 22, 0, tzinfo=NEW_YORK_SUMMER), ["02"]),
        (date(2024, 5, 3), date(2024, 5, 9), ["03"]),
        (datetime(2024, 5, 4, tzinfo=UTC), datetime(2024, 5, 9, tzinfo=UTC), []),
    ],
)  # fmt: skip
def test__rollups__window__should_return_the_utc_days_it_overlaps(ledger, call, start, end, days):
    ledger.write_calls([call(datetime(2024, 5, d, 12, tzinfo=UTC)) for d in (1, 2, 3)])

    rows = ledger.rollups("app-1", start, end, kind="all")

    assert [r.day.strftime("%d") for r in rows] == days


def test__rollups__kind__should_filter_one_kind(ledger, call):
    ledger.write_calls([call(DAY1, operation_id="op", findings=("r",))])

    assert [r.kind for r in ledger.rollups("app-1", DAY1, DAY1)] == [
        "all",
        "deprecated",
        "operation",
        "rule",
    ]
    assert [r.key for r in ledger.rollups("app-1", DAY1, DAY1, kind="operation")] == ["op"]


def test__write_calls__non_utc_times__should_be_stored_and_returned_in_utc(ledger, call):
    # 22:30 in New York on May 1st is 02:30 UTC on May 2nd.
    local = datetime(2024, 5, 1, 22, 30, tzinfo=NEW_YORK_SUMMER)
    ledger.write_calls([call(local, findings=("r",))])

    [row] = ledger.rollups("app-1", date(2024, 5, 1), date(2024, 5, 3), kind="rule")
    app = ledger.app("app-1")

    assert row.day == date(2024, 5, 2)
    for value in (row.first_at, row.last_at, app.first_seen, app.last_seen):
        assert value == local
        assert value.utcoffset() == timedelta(0)
        assert value.hour == 2


def test__write_calls__naive_time__should_quarantine_that_record_only(ledger, call):
    result = ledger.write_calls([call(DAY1), call(datetime(2024, 5, 1, 12))])

    assert (result.inserted, result.quarantined, ledger.count_calls()) == (1, 1, 1)
    assert "timezone-aware" in ledger.quarantined()[0].error


def test__apps__later_and_earlier_calls__should_follow_the_newest_name_and_scopes(ledger, call):
    ledger.write_calls([call(DAY1, app_name="Old", scopes=("read_products",))])
    ledger.write_calls([call(DAY1 + timedelta(days=2), app_name="New",
                             scopes=("write_inventory", "read_products"))])  # fmt: skip
    # An older call, imported late, widens the span but does not bring back the old name.
    ledger.write_calls([call(DAY1 - timedelta(days=3), app_name="Older", scopes=("x",))])
    ledger.write_calls([call(DAY1 + timedelta(days=1))])  # no name nor scopes: keeps them

    app = ledger.app("app-1")

    assert app.name == "New"
    assert app.scopes == ("read_products", "write_inventory")
    assert (app.first_seen, app.last_seen) == (DAY1 - timedelta(days=3), DAY1 + timedelta(days=2))


def test__apps__several__should_be_sorted_by_id(ledger, call):
    ledger.write_calls([call(DAY1, app_id="b"), call(DAY1, app_id="a")])

    assert [a.app_id for a in ledger.apps()] == ["a", "b"]
    assert ledger.app("a").scopes == ()


def test__reviews__added_out_of_order__should_come_back_oldest_first(ledger):
    reviews = [
        Review(app_id="app-1", decision="approved", reviewer="ana", reason="ok", at=DAY1),
        Review(app_id="app-1", decision="pending", reviewer="bo", reason="look",
               at=datetime(2024, 4, 30, 23, 0, tzinfo=TOKYO)),  # 14:00 UTC on April 30th
        Review(app_id="app-2", decision="rejected", reviewer="cy", reason="no", at=DAY1),
    ]  # fmt: skip
    for review in reviews:
        ledger.add_review(review)

    got = ledger.reviews("app-1")

    assert [r.reviewer for r in got] == ["bo", "ana"]
    assert got[0].at == reviews[1].at and got[0].at.utcoffset() == timedelta(0)
    assert ledger.reviews("app-2") == [reviews[2]]
    assert ledger.reviews("app-3") == []


def test__reopen__written_calls__should_still_be_there(backend, call):
    first = backend.open()
    first.write_calls([call(DAY1 + timedelta(seconds=i)) for i in range(10)])
    first.close()

    again = backend.open()  # creating the tables again is harmless
    try:
        assert again.count_calls() == 10
        assert counts(again, "app-1") == {
            ("2024-05-01", "all", "*"): 10,
            ("2024-05-01", "operation", "/admin/api/products/{id}.json"): 10,
        }
    finally:
        again.close()


def test__read_while_writing__other_connection__should_see_whole_batches(backend, ledger, call):
    batches, size = 20, 50
    errors: list[BaseException] = []
    seen: list[int] = []

    def write() -> None:
        try:
            for b in range(batches):
                ledger.write_calls([call(DAY1 + timedelta(seconds=b)) for _ in range(size)])
        except BaseException as e:  # reported by the assertion below
            errors.append(e)

    reader = backend.open()
    writer = threading.Thread(target=write)
    writer.start()
    try:
        while writer.is_alive():
            seen.append(reader.count_calls())
        writer.join()
        seen.append(reader.count_calls())
    finally:
        reader.close()

    assert errors == []
    assert all(n % size == 0 for n in seen)  # never half a batch
    assert seen == sorted(seen) and seen[-1] == batches * size
