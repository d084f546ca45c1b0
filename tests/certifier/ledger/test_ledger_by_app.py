"""The bulk reads (``rollups_by_app``, ``reviews_by_app``, ``examples_by_app``) return, for every
app asked, exactly what the per-app read returns, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from miready.certifier.decision import Window
from miready.certifier.ledger import DailyCount, Ledger, LedgerError, Review
from miready.certifier.ledger.records import daily_count
from miready.certifier.reclassify import reclassify
from miready.contracts.pack import default_pack

AS_OF = datetime(2024, 5, 20, 12, 30, tzinfo=UTC)
WINDOW = Window.ending(AS_OF, 14)
TOKYO = timezone(timedelta(hours=9))
# Asked in this order; "quiet" called only before the window, "ghost" never called at all.
APP_IDS = ["legacy", "quiet", "ghost", "clean"]
LEGACY_EXAMPLE = '{"method":"POST","path":"/orders/{order_id}/pack"}'


def _fill(ledger: Ledger, call) -> None:
    """Calls on each side of both window edges, findings, reviews and an unidentified call."""
    edges = [
        WINDOW.start - timedelta(days=1),  # the day before the window's first day
        WINDOW.start - timedelta(hours=1),  # the first day, before the window starts
        WINDOW.start,  # the window's first instant
        WINDOW.start + timedelta(days=3),
        AS_OF,  # the window's last instant
        AS_OF + timedelta(hours=2),  # as_of's day, after as_of
        AS_OF + timedelta(days=1),  # the day after
    ]
    ledger.write_calls(
        [call(at, app_id="legacy", operation_id="packOrder", path_template="/orders/{id}/pack",
              method="POST", findings=("endpoint.orders.pack",),
              examples={"endpoint.orders.pack": LEGACY_EXAMPLE})
         for at in edges]
        + [call(at, app_id="clean", operation_id="getOrder") for at in edges[1:-1]]
        + [call(WINDOW.start - timedelta(days=5), app_id="quiet", operation_id="getOrder"),
           call(AS_OF, app_id="nobody", identified=False)]
    )  # fmt: skip
    ledger.add_review(
        Review(app_id="clean", decision="pending", reviewer="r", reason="a", at=AS_OF)
    )
    for hours, decision in [(-30, "approved"), (-2, "rejected")]:
        at = AS_OF + timedelta(hours=hours)
        ledger.add_review(
            Review(app_id="legacy", decision=decision, reviewer="r", reason="b", at=at)
        )


# One row per window edge or kind: (start, end, kind).
READS = [
    pytest.param(WINDOW.start, WINDOW.end, None, id="the decision window, every kind"),
    pytest.param(WINDOW.start, WINDOW.end, "rule", id="the window, rules only"),
    pytest.param(WINDOW.start, WINDOW.end, "operation", id="the window, operations only"),
    pytest.param(WINDOW.start, WINDOW.end, "deprecated", id="the window, deprecated only"),
    pytest.param(AS_OF - timedelta(hours=30), AS_OF, "rule", id="since an approval, rules"),
    pytest.param(WINDOW.start.date(), AS_OF.date(), None, id="plain dates"),
    pytest.param(WINDOW.start.astimezone(TOKYO), AS_OF.astimezone(TOKYO), None, id="Tokyo time"),
    pytest.param(AS_OF, AS_OF, None, id="one instant: as_of's day"),
    pytest.param(AS_OF + timedelta(days=1), AS_OF + timedelta(days=1), None, id="the day after"),
    pytest.param(date(2000, 1, 1), date(2100, 1, 1), None, id="every day"),
    pytest.param(date(2030, 1, 1), date(2030, 1, 2), None, id="days without rows"),
]


@pytest.mark.parametrize(("start", "end", "kind"), READS)
def test__rollups_by_app__any_window_and_kind__should_equal_each_apps_rollups(
    ledger, call, start, end, kind
):
    _fill(ledger, call)

    bulk = ledger.rollups_by_app(APP_IDS, start, end, kind)

    assert list(bulk) == APP_IDS
    assert bulk == {app_id: ledger.rollups(app_id, start, end, kind) for app_id in APP_IDS}
    assert bulk["ghost"] == []


def test__rollups_by_app__the_decision_window__should_hold_rows_on_both_edges(ledger, call):
    _fill(ledger, call)

    rows = ledger.rollups_by_app(APP_IDS, WINDOW.start, WINDOW.end)

    # The first day and as_of's day come whole: the decision cuts them at the instant itself.
    days = {r.day for r in rows["legacy"]}
    assert min(days) == WINDOW.start.date() and max(days) == AS_OF.date()
    assert rows["quiet"] == [] and rows["ghost"] == []
    assert all(r.first_at.tzinfo is UTC and r.last_at.tzinfo is UTC for r in rows["legacy"])


def test__reviews_and_examples_by_app__every_app__should_equal_each_apps_reads(ledger, call):
    _fill(ledger, call)

    reviews = ledger.reviews_by_app(APP_IDS)
    examples = ledger.examples_by_app(APP_IDS)

    assert list(reviews) == APP_IDS and list(examples) == APP_IDS
    assert reviews == {app_id: ledger.reviews(app_id) for app_id in APP_IDS}
    assert examples == {app_id: ledger.examples(app_id) for app_id in APP_IDS}
    assert [r.decision for r in reviews["legacy"]] == ["approved", "rejected"]
    assert examples["legacy"] == {"endpoint.orders.pack": LEGACY_EXAMPLE}


def test__by_app_reads__no_app__should_return_empty_without_asking(ledger):
    assert ledger.rollups_by_app([], WINDOW.start, WINDOW.end) == {}
    assert ledger.reviews_by_app([]) == {}
    assert ledger.examples_by_app([]) == {}


def test__rollups_by_app__naive_datetime__should_be_refused_like_rollups(ledger):
    with pytest.raises(LedgerError, match="timezone-aware"):
        ledger.rollups_by_app(APP_IDS, datetime(2024, 5, 1), WINDOW.end)


def test__rollups_by_app__a_reclassified_ledger__should_equal_each_apps_rollups(ledger, call):
    _fill(ledger, call)
    pack = default_pack()
    judged = reclassify(ledger, pack, [a for a in ledger.apps() if a.app_id in APP_IDS])
    try:
        bulk = judged.rollups_by_app(APP_IDS, WINDOW.start, WINDOW.end)
        assert bulk == {
            app_id: judged.rollups(app_id, WINDOW.start, WINDOW.end) for app_id in APP_IDS
        }
        assert bulk["legacy"] and bulk["ghost"] == []
        assert judged.reviews_by_app(APP_IDS) == ledger.reviews_by_app(APP_IDS)
    finally:
        judged.close()


def test__daily_count__a_stored_row__should_equal_the_dataclass_made_by_keywords():
    at = datetime(2024, 5, 1, 9, tzinfo=UTC)
    values = ("app-1", date(2024, 5, 1), "rule", "r", 3, at, at + timedelta(hours=1))

    made = daily_count(*values)

    assert made == DailyCount(
        **dict(zip([f.name for f in fields(DailyCount)], values, strict=True))
    )
    with pytest.raises(AttributeError):
        made.count = 4  # type: ignore[misc]
