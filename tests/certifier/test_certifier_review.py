"""Manual review on top of the automatic verdict: approve, refuse, reject, voided by a finding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier import commands
from miready.certifier.decision import (
    ApprovalRefusedError,
    UnknownAppError,
    Verdict,
    decide,
)
from miready.certifier.errors import UsageError
from miready.certifier.ledger.records import Review
from miready.certifier.report.jsondoc import to_document
from miready.certifier.report.model import build_report
from miready.certifier.review import review

NOW = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)
EARLY = NOW - timedelta(days=30)
SECOND = timedelta(seconds=1)


@pytest.fixture
def approved_app(calls):
    calls.clean("app", EARLY, NOW - timedelta(days=1))
    return "app"


def test__approve__an_auto_approved_app__should_make_it_manually_approved(
    ledger, pack, approved_app
):
    record = review(ledger, approved_app, True, "ana", "re-approval passed", NOW, pack)
    assert (record.decision, record.reviewer, record.at) == ("approved", "ana", NOW)
    later = decide(ledger, approved_app, pack, NOW + timedelta(hours=1))
    assert later.verdict is Verdict.MANUALLY_APPROVED
    assert later.automatic is Verdict.AUTO_APPROVED
    assert "ana" in later.reason and "re-approval passed" in later.reason


@pytest.mark.parametrize(
    ("story", "scopes", "clean", "legacy", "automatic"),
    [
        ("not ready", ("write_orders",), [EARLY], [NOW - timedelta(days=1)], "not_ready"),
        ("too new", ("write_orders",), [NOW - timedelta(days=2)], [], "insufficient_evidence"),
        ("not affected", ("read_customers",), [EARLY, NOW], [], "not_affected"),
    ],
)
def test__approve__an_app_not_auto_approved_now__should_be_refused_and_record_nothing(
    ledger, calls, pack, story, scopes, clean, legacy, automatic
):
    calls.clean("app", *clean, scopes=scopes)
    calls.legacy("app", *legacy, scopes=scopes)
    with pytest.raises(ApprovalRefusedError, match="requires a current automatic approval") as e:
        review(ledger, "app", True, "ana", "looks fine", NOW, pack)
    assert f"the automatic verdict is {automatic}" in str(e.value), story
    assert isinstance(e.value, UsageError)  # the CLI maps it to exit 2
    assert ledger.reviews("app") == []


def test__reject__any_known_app__should_make_it_manually_rejected(ledger, pack, approved_app):
    review(ledger, approved_app, False, "bo", "writes stock to the wrong location", NOW, pack)
    decision = decide(ledger, approved_app, pack, NOW + timedelta(hours=1))
    assert decision.verdict is Verdict.MANUALLY_REJECTED
    assert not decision.ready


def test__approval__followed_by_a_finding__should_be_voided_and_fall_back_to_not_ready(
    ledger, calls, pack, approved_app
):
    review(ledger, approved_app, True, "ana", "ok", NOW, pack)
    calls.legacy(approved_app, NOW + timedelta(days=2))
    decision = decide(ledger, approved_app, pack, NOW + timedelta(days=3))
    assert decision.verdict is Verdict.NOT_READY
    assert decision.voided_by is not None
    assert decision.voided_by.rule_id == "endpoint.orders.pack"
    assert "voided by a later finding" in decision.reason
    report = build_report(ledger, pack, NOW + timedelta(days=3), ledger.apps())
    app = to_document(report)["apps"][0]
    assert app["review"]["voided"] is True
    assert app["review"]["voided_by"]["rule_id"] == "endpoint.orders.pack"


def test__voided_approval__once_the_window_is_clean_again__should_not_come_back(
    ledger, calls, pack, approved_app
):
    review(ledger, approved_app, True, "ana", "ok", NOW, pack)
    calls.legacy(approved_app, NOW + timedelta(days=1))
    calls.clean(approved_app, NOW + timedelta(days=20))
    decision = decide(ledger, approved_app, pack, NOW + timedelta(days=20))
    # The window no longer holds the finding, but the approval stays void: automatic only.
    assert decision.verdict is Verdict.AUTO_APPROVED
    assert decision.voided_by is not None


def test__a_finding_before_the_approval__should_not_void_it(ledger, calls, pack, approved_app):
    calls.legacy(approved_app, NOW - timedelta(days=20))
    review(ledger, approved_app, True, "ana", "ok", NOW, pack)
    assert decide(ledger, approved_app, pack, NOW + SECOND).verdict is Verdict.MANUALLY_APPROVED


def test__a_review_after_as_of__should_not_count_yet(ledger, pack, approved_app):
    review(ledger, approved_app, False, "bo", "no", NOW, pack)
    assert decide(ledger, approved_app, pack, NOW - SECOND).verdict is Verdict.AUTO_APPROVED
    assert decide(ledger, approved_app, pack, NOW).verdict is Verdict.MANUALLY_REJECTED


def test__the_latest_review__should_win(ledger, pack, approved_app):
    review(ledger, approved_app, False, "bo", "no", NOW, pack)
    review(ledger, approved_app, True, "ana", "fixed", NOW + SECOND, pack)
    assert decide(ledger, approved_app, pack, NOW + 2 * SECOND).verdict is Verdict.MANUALLY_APPROVED


def test__a_pending_review__should_show_as_manual_review_pending(ledger, pack, approved_app):
    ledger.add_review(
        Review(app_id=approved_app, decision="pending", reviewer="ana", reason="queued", at=NOW)
    )
    decision = decide(ledger, approved_app, pack, NOW + SECOND)
    assert decision.verdict is Verdict.MANUAL_REVIEW_PENDING
    assert not decision.ready


@pytest.mark.parametrize(
    ("app_id", "reviewer", "reason", "error", "message"),
    [
        ("nope", "ana", "ok", UnknownAppError, "no app 'nope' in the ledger"),
        ("app", " ", "ok", UsageError, "needs a reviewer and a reason"),
        ("app", "ana", "", UsageError, "needs a reviewer and a reason"),
    ],
)
def test__review__bad_input__should_raise_a_usage_error(
    ledger, pack, approved_app, app_id, reviewer, reason, error, message
):
    with pytest.raises(error, match=message):
        review(ledger, app_id, True, reviewer, reason, NOW, pack)


def test__commands_review__approve_then_refuse__should_exit_0_then_raise(
    ledger_url, calls, approved_app, capsys
):
    assert commands.review(ledger_url, approved_app, True, "ana", "ok", now=NOW) == 0
    assert "approved by ana" in capsys.readouterr().out
    calls.legacy(approved_app, NOW + SECOND)
    with pytest.raises(ApprovalRefusedError):
        commands.review(ledger_url, approved_app, True, "ana", "again", now=NOW + 2 * SECOND)
