"""One sentence saying why a decision came out as it did, for every report format."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from miready.certifier.ledger.records import Review
from miready.certifier.verdict import Verdict
from miready.contracts.rules import RulePack

if TYPE_CHECKING:
    from miready.certifier.decision import Decision


def explain(d: Decision, pack: RulePack) -> str:
    """One sentence saying why, for every format."""
    window = f"{pack.window_days}-day window"
    text = _explain_verdict(d, pack, window)
    if d.verdict is not Verdict.NOT_AFFECTED and not d.scopes_known:
        text += " Scopes unknown (no call carried them), so the app is treated as affected."
    if d.voided_by is not None and d.review is not None:
        text += (
            f" The manual approval by {d.review.reviewer} on {_day(d.review.at)} was voided by a"
            f" later finding ({d.voided_by.rule_id} on {d.voided_by.day.isoformat()})."
        )
    return text


def _explain_verdict(d: Decision, pack: RulePack, window: str) -> str:
    match d.verdict:
        case Verdict.NOT_AFFECTED:
            scopes = ", ".join(sorted(pack.affected_scopes))
            return f"Holds none of the affected scopes ({scopes})."
        case Verdict.NOT_READY:
            blocking = [h for h in d.hits if pack.blocks(h.rule_id)]
            n = sum(h.count for h in blocking)
            return (
                f"{n} deprecated use(s) of {len(blocking)} rule(s) in the {window}; last at"
                f" {stamp(d.last_finding_at)}. Eligible on {d.eligible_on} if it stops now."
            )
        case Verdict.INSUFFICIENT_EVIDENCE if not d.evidence.has_calls:
            return f"No calls in the {window} ({stamp(d.window.start)} to {stamp(d.window.end)})."
        case Verdict.INSUFFICIENT_EVIDENCE:
            return (
                f"Observed since {stamp(d.first_seen)}, less than the {window}: needs calls"
                f" recorded since {stamp(d.window.start)}."
            )
        case Verdict.AUTO_APPROVED:
            return f"Observed for the whole {window} with no deprecated endpoint or parameter."
        case Verdict.MANUAL_REVIEW_PENDING:
            return f"Automatically approved; manual review pending ({_who(d.review)})."
        case Verdict.MANUALLY_APPROVED:
            return f"Manually approved ({_who(d.review)})."
        case Verdict.MANUALLY_REJECTED:
            return f"Manually rejected ({_who(d.review)})."
    raise AssertionError(f"unexplained verdict {d.verdict!r}")


def _who(review: Review | None) -> str:
    if review is None:
        return "no review"
    return f"by {review.reviewer} on {_day(review.at)}: {review.reason}"


def _day(at: datetime) -> str:
    return at.astimezone(UTC).date().isoformat()


def stamp(at: datetime | None) -> str:
    if at is None:
        return "never"
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
