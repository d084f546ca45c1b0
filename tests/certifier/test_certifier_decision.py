"""The readiness verdict: every case, the window's edges, time zones, eligible-on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from miready.certifier.decision import (
    Evidence,
    ReviewState,
    Verdict,
    Window,
    decide,
    make_decision,
)
from miready.certifier.errors import UsageError
from miready.certifier.instants import parse_instant

AS_OF = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=14)
SECOND = timedelta(seconds=1)
EARLY = AS_OF - timedelta(days=30)  # a call long before the window: observed for all of it

T, F = True, False


@pytest.mark.parametrize(
    ("affected", "has_calls", "whole_window", "has_finding", "review", "expected"),
    [
        # the automatic verdicts
        (F, T, T, T, ReviewState.NONE, Verdict.NOT_AFFECTED),
        (F, F, F, F, ReviewState.NONE, Verdict.NOT_AFFECTED),
        (T, T, T, T, ReviewState.NONE, Verdict.NOT_READY),
        (T, T, F, T, ReviewState.NONE, Verdict.NOT_READY),
        (T, T, F, F, ReviewState.NONE, Verdict.INSUFFICIENT_EVIDENCE),
        (T, F, T, F, ReviewState.NONE, Verdict.INSUFFICIENT_EVIDENCE),
        (T, F, F, F, ReviewState.NONE, Verdict.INSUFFICIENT_EVIDENCE),
        (T, T, T, F, ReviewState.NONE, Verdict.AUTO_APPROVED),
        # manual review on top
        (T, T, T, F, ReviewState.PENDING, Verdict.MANUAL_REVIEW_PENDING),
        (T, T, T, T, ReviewState.PENDING, Verdict.NOT_READY),
        (T, T, T, F, ReviewState.APPROVED, Verdict.MANUALLY_APPROVED),
        (T, F, F, F, ReviewState.APPROVED, Verdict.MANUALLY_APPROVED),
        (T, T, T, F, ReviewState.REJECTED, Verdict.MANUALLY_REJECTED),
        (T, T, T, T, ReviewState.REJECTED, Verdict.MANUALLY_REJECTED),
        (T, T, T, T, ReviewState.VOIDED, Verdict.NOT_READY),
        (T, T, T, F, ReviewState.VOIDED, Verdict.AUTO_APPROVED),
        (F, T, T, F, ReviewState.APPROVED, Verdict.NOT_AFFECTED),
    ],
)
def test__make_decision__each_case__should_give_its_verdict(
    affected, has_calls, whole_window, has_finding, review, expected
):
    evidence = Evidence(
        affected=affected,
        has_calls=has_calls,
        observed_whole_window=whole_window,
        has_finding=has_finding,
        review=review,
    )
    assert make_decision(evidence) is expected


@pytest.mark.parametrize(
    ("verdict", "ready"),
    [
        (Verdict.NOT_AFFECTED, True),
        (Verdict.AUTO_APPROVED, True),
        (Verdict.MANUALLY_APPROVED, True),
        (Verdict.NOT_READY, False),
        (Verdict.INSUFFICIENT_EVIDENCE, False),
        (Verdict.MANUAL_REVIEW_PENDING, False),
        (Verdict.MANUALLY_REJECTED, False),
    ],
)
def test__verdict__ready__should_hold_for_the_three_ready_verdicts_only(verdict, ready):
    assert verdict.ready is ready


def test__verdict_values__should_be_readable_snake_case():
    assert [v.value for v in Verdict] == [
        "not_affected",
        "insufficient_evidence",
        "not_ready",
        "auto_approved",
        "manual_review_pending",
        "manually_approved",
        "manually_rejected",
    ]


@pytest.mark.parametrize(
    ("story", "scopes", "clean", "legacy", "expected"),
    [
        ("holds no affected scope", ("read_customers",), [EARLY, AS_OF], [AS_OF], "not_affected"),
        ("legacy call yesterday", None, [EARLY], [AS_OF - timedelta(days=1)], "not_ready"),
        ("legacy call but new app", None, [], [AS_OF - timedelta(days=2)], "not_ready"),
        ("observed 13 days only", None, [AS_OF - timedelta(days=13)], [], "insufficient_evidence"),
        ("silent in the window", None, [EARLY], [], "insufficient_evidence"),
        ("first call after as_of", None, [AS_OF + SECOND], [], "insufficient_evidence"),
        ("clean for the window", None, [EARLY, AS_OF - timedelta(days=3)], [], "auto_approved"),
        ("legacy long ago", None, [EARLY, AS_OF], [EARLY + SECOND], "auto_approved"),
        ("scopes unknown", (), [EARLY], [AS_OF], "not_ready"),
    ],
)
def test__decide__from_a_sqlite_ledger__should_give_the_seed_verdict(
    ledger, calls, pack, story, scopes, clean, legacy, expected
):
    kw = {} if scopes is None else {"scopes": scopes}
    calls.clean("app", *clean, **kw)
    calls.legacy("app", *legacy, **kw)
    assert decide(ledger, "app", pack, AS_OF).verdict.value == expected, story


@pytest.mark.parametrize(
    ("finding_at", "expected"),
    [
        (AS_OF - WINDOW - SECOND, Verdict.AUTO_APPROVED),  # one second outside
        (AS_OF - WINDOW - timedelta(microseconds=1), Verdict.AUTO_APPROVED),
        (AS_OF - WINDOW, Verdict.NOT_READY),  # exactly 14 days before: counts
        (AS_OF - WINDOW + SECOND, Verdict.NOT_READY),  # one second inside
        (AS_OF - timedelta(days=7), Verdict.NOT_READY),
        (AS_OF, Verdict.NOT_READY),  # as_of itself is in the window
        (AS_OF + timedelta(microseconds=1), Verdict.AUTO_APPROVED),  # after as_of: not yet
        (AS_OF + SECOND, Verdict.AUTO_APPROVED),
    ],
)
def test__window__a_finding_at_each_edge__should_count_only_inside_both_ends_included(
    any_ledger, any_calls, pack, finding_at, expected
):
    ledger, calls = any_ledger, any_calls
    # Clean calls on the edge days too, so their rollup rows hold calls on both sides of the edge.
    calls.clean("app", EARLY, AS_OF - WINDOW - timedelta(hours=1), AS_OF - timedelta(hours=1))
    calls.clean("app", AS_OF - WINDOW + timedelta(hours=1), AS_OF + timedelta(hours=1))
    calls.legacy("app", finding_at)
    assert decide(ledger, "app", pack, AS_OF).verdict is expected


@pytest.mark.parametrize(
    ("first_call", "expected"),
    [
        (AS_OF - WINDOW, Verdict.AUTO_APPROVED),  # observed from the window's first instant
        (AS_OF - WINDOW + SECOND, Verdict.INSUFFICIENT_EVIDENCE),
        (AS_OF - WINDOW - SECOND, Verdict.AUTO_APPROVED),
    ],
)
def test__observation__first_call_at_the_window_start__should_be_enough(
    ledger, calls, pack, first_call, expected
):
    calls.clean("app", first_call, AS_OF - timedelta(days=1))
    assert decide(ledger, "app", pack, AS_OF).verdict is expected


@pytest.mark.parametrize(
    ("as_of", "finding_at", "expected"),
    [
        # 21:00 at UTC-3 is midnight UTC: the window starts 2024-05-07T00:00:00Z
        ("2024-05-20T21:00:00-03:00", datetime(2024, 5, 7, tzinfo=UTC), Verdict.NOT_READY),
        (
            "2024-05-20T21:00:00-03:00",
            datetime(2024, 5, 7, tzinfo=UTC) - SECOND,
            Verdict.AUTO_APPROVED,
        ),
        ("2024-05-21T09:00:00+09:00", datetime(2024, 5, 7, tzinfo=UTC), Verdict.NOT_READY),
        (
            "2024-05-21T09:00:00+09:00",
            datetime(2024, 5, 6, 23, 59, 59, tzinfo=UTC),
            Verdict.AUTO_APPROVED,
        ),
        # a plain date is the END of that UTC day
        ("2024-05-20", datetime(2024, 5, 6, 23, 59, 59, 999999, tzinfo=UTC), Verdict.NOT_READY),
        ("2024-05-20", datetime(2024, 5, 6, 23, 59, 59, 999998, tzinfo=UTC), Verdict.AUTO_APPROVED),
        ("2024-05-20", datetime(2024, 5, 20, 23, 59, 59, tzinfo=UTC), Verdict.NOT_READY),
    ],
)
def test__as_of__in_another_zone_or_as_a_plain_date__should_place_the_window_in_utc(
    any_ledger, any_calls, pack, as_of, finding_at, expected
):
    ledger, calls = any_ledger, any_calls
    calls.clean("app", datetime(2024, 4, 1, tzinfo=UTC), datetime(2024, 5, 20, 1, tzinfo=UTC))
    calls.legacy("app", finding_at)
    assert decide(ledger, "app", pack, as_of).verdict is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-20", datetime(2024, 5, 20, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2024-05-20T12:00:00Z", datetime(2024, 5, 20, 12, tzinfo=UTC)),
        ("2024-05-20T12:00:00+00:00", datetime(2024, 5, 20, 12, tzinfo=UTC)),
        ("2024-05-20T09:00:00-03:00", datetime(2024, 5, 20, 12, tzinfo=UTC)),
        ("2024-05-20T12:00:00.250+02:00", datetime(2024, 5, 20, 10, 0, 0, 250000, tzinfo=UTC)),
    ],
)
def test__parse_instant__iso_8601__should_give_utc(text, expected):
    parsed = parse_instant(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024-05-20T12:00:00", "has no UTC offset"),
        ("yesterday", "is not an ISO 8601 date"),
        ("2024-13-01", "is not an ISO 8601 date"),
        ("", "is not an ISO 8601 date"),
    ],
)
def test__parse_instant__naive_or_garbage__should_raise_a_usage_error(text, message):
    with pytest.raises(UsageError, match=message):
        parse_instant(text)


@pytest.mark.parametrize(
    ("last_finding", "eligible_on"),
    [
        (datetime(2024, 5, 10, 3, 0, tzinfo=UTC), date(2024, 5, 24)),
        (datetime(2024, 5, 10, 23, 59, 59, tzinfo=UTC), date(2024, 5, 24)),
        (datetime(2024, 5, 10, 0, 0, tzinfo=UTC), date(2024, 5, 24)),
    ],
)
def test__eligible_on__not_ready__should_be_last_finding_plus_the_window(
    ledger, calls, pack, last_finding, eligible_on
):
    daily = [datetime(2024, 4, 1, 12, tzinfo=UTC) + timedelta(days=i) for i in range(90)]
    calls.clean("app", *daily)
    calls.legacy("app", last_finding - timedelta(days=2), last_finding)
    decision = decide(ledger, "app", pack, "2024-05-15")
    assert decision.verdict is Verdict.NOT_READY
    assert decision.eligible_on == eligible_on
    assert decision.last_finding_at == last_finding
    assert f"Eligible on {eligible_on}" in decision.reason
    # ... and true to its word: not ready the day before, approved on the day (clean calls go on).
    before = eligible_on - timedelta(days=1)
    assert decide(ledger, "app", pack, before.isoformat()).verdict is Verdict.NOT_READY
    assert decide(ledger, "app", pack, eligible_on.isoformat()).verdict is Verdict.AUTO_APPROVED


@pytest.mark.parametrize("verdict_story", ["auto_approved", "insufficient_evidence"])
def test__eligible_on__when_not_not_ready__should_be_none(ledger, calls, pack, verdict_story):
    calls.clean("app", AS_OF - timedelta(days=1))
    if verdict_story == "auto_approved":
        calls.clean("app", EARLY)
    decision = decide(ledger, "app", pack, AS_OF)
    assert decision.verdict.value == verdict_story
    assert decision.eligible_on is None


def test__decide__rule_hits__should_count_per_day_with_first_and_last_seen(ledger, calls, pack):
    day1, day2 = AS_OF - timedelta(days=3), AS_OF - timedelta(days=1)
    calls.clean("app", EARLY)
    calls.legacy("app", day1, day1 + SECOND, day2)
    (hits,) = decide(ledger, "app", pack, AS_OF).hits
    assert hits.rule_id == "endpoint.orders.pack"
    assert hits.count == 3
    assert hits.per_day == {day1.date(): 2, day2.date(): 1}
    assert (hits.first_at, hits.last_at) == (day1, day2)


def test__decide__calls_after_as_of__should_not_move_the_last_finding_past_as_of(
    ledger, calls, pack
):
    calls.clean("app", EARLY)
    calls.legacy("app", AS_OF - timedelta(hours=2), AS_OF + timedelta(hours=2))
    decision = decide(ledger, "app", pack, AS_OF)
    assert decision.last_finding_at is not None and decision.last_finding_at <= AS_OF


def test__window__dates__should_span_every_utc_day_of_the_window():
    window = Window.ending(AS_OF, 14)
    assert window.start == AS_OF - WINDOW
    dates = window.dates()
    assert dates[0] == date(2024, 5, 6) and dates[-1] == date(2024, 5, 20) and len(dates) == 15


def test__decide__reads_rollups_only__should_not_need_the_calls_table(ledger, calls, pack):
    calls.clean("app", EARLY)
    calls.legacy("app", AS_OF)
    # Drop the calls: the decision must come out the same from rollups alone.
    ledger._conn.execute("DELETE FROM calls")  # test reaches into SQLite on purpose
    assert ledger.count_calls() == 0
    assert decide(ledger, "app", pack, AS_OF).verdict is Verdict.NOT_READY
