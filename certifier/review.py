"""Manual review on top of the automatic decision: approval needs a current automatic approval."""

from __future__ import annotations

from datetime import datetime

from miready.certifier.decision import (
    ApprovalRefusedError,
    UnknownAppError,
    Verdict,
    decide,
    stamp,
)
from miready.certifier.errors import UsageError
from miready.certifier.instants import as_utc
from miready.certifier.ledger.base import Ledger
from miready.certifier.ledger.records import Review
from miready.contracts.rules import RulePack


def review(
    ledger: Ledger,
    app_id: str,
    approve: bool,
    reviewer: str,
    reason: str,
    now: datetime | str | None,
    pack: RulePack,
) -> Review:
    """Record a manual approval or rejection; approval needs a current automatic approval."""
    now = as_utc(now, "now")
    if not reviewer.strip() or not reason.strip():
        raise UsageError("a review needs a reviewer and a reason")
    info = ledger.app(app_id)
    if info is None:
        known = ", ".join(a.app_id for a in ledger.apps()[:20]) or "none"
        raise UnknownAppError(f"no app {app_id!r} in the ledger (known: {known})")
    decision = decide(ledger, info, pack, now)
    if approve and decision.automatic is not Verdict.AUTO_APPROVED:
        raise ApprovalRefusedError(
            f"cannot approve {app_id!r}: manual approval requires a current automatic approval,"
            f" and as of {stamp(now)} the automatic verdict is {decision.automatic.value}."
            f" {decision.reason}"
        )
    record = Review(
        app_id=app_id,
        decision="approved" if approve else "rejected",
        reviewer=reviewer.strip(),
        reason=reason.strip(),
        at=now,
    )
    ledger.add_review(record)
    return record
