"""The verdict: an explicit sequence of cases over the evidence (after flake8's DecisionEngine)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Verdict(enum.StrEnum):
    NOT_AFFECTED = "not_affected"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"
    NOT_READY = "not_ready"
    AUTO_APPROVED = "auto_approved"
    MANUAL_REVIEW_PENDING = "manual_review_pending"
    MANUALLY_APPROVED = "manually_approved"
    MANUALLY_REJECTED = "manually_rejected"

    @property
    def ready(self) -> bool:
        return self in READY_VERDICTS


READY_VERDICTS = frozenset({Verdict.NOT_AFFECTED, Verdict.AUTO_APPROVED, Verdict.MANUALLY_APPROVED})


class ReviewState(enum.StrEnum):
    """The latest manual review at as_of, as far as the verdict is concerned."""

    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    VOIDED = "voided"  # an approval followed by a finding: it no longer counts


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Everything the verdict depends on, and nothing else."""

    affected: bool
    has_calls: bool  # at least one call in the window
    observed_whole_window: bool  # first call at or before the window's start
    has_finding: bool  # at least one finding in the window
    review: ReviewState = ReviewState.NONE


def make_decision(evidence: Evidence) -> Verdict:
    """The verdict, as an explicit sequence of cases (after flake8's ``DecisionEngine``)."""
    if not evidence.affected:
        return Verdict.NOT_AFFECTED
    if evidence.review is ReviewState.REJECTED:
        return Verdict.MANUALLY_REJECTED
    if evidence.review is ReviewState.APPROVED:
        # Not voided: no finding since the approval, which itself required a clean window.
        return Verdict.MANUALLY_APPROVED
    if evidence.has_finding:
        return Verdict.NOT_READY
    if not evidence.has_calls or not evidence.observed_whole_window:
        return Verdict.INSUFFICIENT_EVIDENCE
    if evidence.review is ReviewState.PENDING:
        return Verdict.MANUAL_REVIEW_PENDING
    if evidence.review in (ReviewState.NONE, ReviewState.VOIDED):
        return Verdict.AUTO_APPROVED
    raise AssertionError(f"no verdict for {evidence!r}")
