"""The decision about one app as of an instant: the window's evidence, read from rollups only.

The verdict itself is ``certifier.verdict``; the sentence explaining it ``certifier.explanation``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from miready.certifier.errors import UsageError
from miready.certifier.explanation import explain, stamp
from miready.certifier.instants import as_utc
from miready.certifier.ledger.base import Ledger
from miready.certifier.ledger.records import (
    KIND_ALL,
    KIND_DEPRECATED,
    KIND_OPERATION,
    KIND_RULE,
    AppInfo,
    DailyCount,
    Review,
)
from miready.certifier.verdict import (
    READY_VERDICTS,
    Evidence,
    ReviewState,
    Verdict,
    make_decision,
)
from miready.contracts.rules import RulePack

# The smallest step of a stored timestamp: a finding exactly `window` before as_of still counts,
# so an app becomes eligible one microsecond after that.
TICK = timedelta(microseconds=1)


class ApprovalRefusedError(UsageError):
    """A manual approval was asked for an app that is not automatically approved right now."""


class UnknownAppError(UsageError):
    """The ledger has never seen this app."""


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end], both included; ``end`` is as_of."""

    start: datetime
    end: datetime
    days: int

    @classmethod
    def ending(cls, as_of: datetime, days: int) -> Window:
        return cls(as_of - timedelta(days=days), as_of, days)

    def holds(self, at: datetime) -> bool:
        return self.start <= at <= self.end

    def touches(self, row: DailyCount) -> bool:
        """Whether a rollup row counts a call inside the window.

        Exact for a window of a day or more: only the first and last days of the window are cut,
        and there the row's last_at (first day) or first_at (last day) decides.
        """
        return row.last_at >= self.start and row.first_at <= self.end

    def dates(self) -> list[date]:
        first, last = self.start.date(), self.end.date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleHits:
    """One rule's findings in the window, from its rollup rows."""

    rule_id: str
    count: int
    per_day: dict[date, int]
    first_at: datetime  # first finding on the window's days (may precede start on its first day)
    last_at: datetime  # last finding on the window's days, at most as_of


@dataclass(frozen=True, slots=True, kw_only=True)
class Voiding:
    """The finding that voided a manual approval."""

    rule_id: str
    day: date
    at: datetime  # the finding's time, or the end of its day's findings when not known exactly


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    app_id: str
    app: AppInfo | None
    as_of: datetime
    window: Window
    verdict: Verdict
    automatic: Verdict  # the verdict without manual reviews
    evidence: Evidence
    scopes_known: bool
    calls_in_window: int
    calls_per_day: dict[date, int]
    deprecated_per_day: dict[date, int]  # calls with at least one finding, each counted once
    hits: tuple[RuleHits, ...]
    operations: dict[str, int]  # operation id -> calls in the window
    last_finding_at: datetime | None
    eligible_at: datetime | None
    review: Review | None  # the latest review at or before as_of
    voided_by: Voiding | None
    reason: str = ""
    rows: tuple[DailyCount, ...] = field(default=(), repr=False)

    @property
    def ready(self) -> bool:
        return self.verdict.ready

    @property
    def eligible_on(self) -> date | None:
        """The first day whose end (the meaning of a plain ``--as-of`` date) is eligible."""
        return self.eligible_at.date() if self.eligible_at else None

    @property
    def first_seen(self) -> datetime | None:
        return self.app.first_seen if self.app else None

    @property
    def last_seen(self) -> datetime | None:
        if self.app is None or self.app.last_seen is None:
            return None
        return min(self.app.last_seen, self.as_of)


def decide(
    ledger: Ledger, app: AppInfo | str, pack: RulePack, as_of: datetime | str | None = None
) -> Decision:
    """The verdict of ``app`` as of ``as_of`` (default now), reading rollups and reviews only."""
    info = ledger.app(app) if isinstance(app, str) else app
    app_id = app if isinstance(app, str) else app.app_id
    return _decide_all(ledger, [(app_id, info)], pack, as_utc(as_of))[0]


def decide_all(
    ledger: Ledger, apps: Sequence[AppInfo], pack: RulePack, as_of: datetime | str | None = None
) -> list[Decision]:
    """``decide`` of each app, in order, from a few queries whatever the number of apps."""
    return _decide_all(ledger, [(a.app_id, a) for a in apps], pack, as_utc(as_of))


def _decide_all(
    ledger: Ledger, apps: list[tuple[str, AppInfo | None]], pack: RulePack, as_of: datetime
) -> list[Decision]:
    window = Window.ending(as_of, pack.window_days)
    ids = [app_id for app_id, _ in apps]
    rollups = ledger.rollups_by_app(ids, window.start, window.end)
    latest: dict[str, Review] = {}  # each app's latest review at or before as_of
    for app_id, reviews in ledger.reviews_by_app(ids).items():
        for r in reviews:  # oldest first
            if r.at <= as_of:
                latest[app_id] = r
    approved = {app_id: r.at for app_id, r in latest.items() if r.decision == "approved"}
    # Findings after an approval void it: the rule rows since the earliest approval, once.
    later = (
        ledger.rollups_by_app(list(approved), min(approved.values()), as_of, kind=KIND_RULE)
        if approved
        else {}
    )
    return [
        _decide(app_id, info, pack, window, rollups[app_id], latest.get(app_id), later.get(app_id))
        for app_id, info in apps
    ]


def _decide(
    app_id: str,
    info: AppInfo | None,
    pack: RulePack,
    window: Window,
    rollups: list[DailyCount],
    review: Review | None,
    later_rules: list[DailyCount] | None,
) -> Decision:
    """One app's decision from its window's rollups, its latest review and (when that review is
    an approval) its rule rows since that review's day."""
    as_of = window.end
    rows = tuple(r for r in rollups if window.touches(r))

    calls_per_day: dict[date, int] = {}
    deprecated_per_day: dict[date, int] = {}  # calls with at least one finding
    operations: dict[str, int] = {}
    by_rule: dict[str, list[DailyCount]] = {}
    for row in rows:
        if row.kind == KIND_DEPRECATED:
            deprecated_per_day[row.day] = deprecated_per_day.get(row.day, 0) + row.count
        elif row.kind == KIND_ALL:
            calls_per_day[row.day] = calls_per_day.get(row.day, 0) + row.count
        elif row.kind == KIND_OPERATION:
            operations[row.key] = operations.get(row.key, 0) + row.count
        elif row.kind == KIND_RULE:
            by_rule.setdefault(row.key, []).append(row)
    hits = tuple(_hits(rule_id, by_rule[rule_id], as_of) for rule_id in sorted(by_rule))
    # Advisory findings are reported apart and never block: only blocking ones decide.
    blocking = [h for h in hits if pack.blocks(h.rule_id)]
    last_finding = max((h.last_at for h in blocking), default=None)

    scopes = info.scopes if info else ()
    first_seen = info.first_seen if info else None
    review_state, voided_by = _review_state(app_id, review, later_rules or [], as_of, pack)
    evidence = Evidence(
        # Unknown scopes (an import without --scopes) cannot show the app is unaffected.
        affected=pack.is_affected(scopes) if scopes else True,
        has_calls=bool(calls_per_day),
        observed_whole_window=first_seen is not None and first_seen <= window.start,
        has_finding=bool(blocking),
        review=review_state,
    )
    verdict = make_decision(evidence)
    automatic = make_decision(replace(evidence, review=ReviewState.NONE))
    decision = Decision(
        app_id=app_id,
        app=info,
        as_of=as_of,
        window=window,
        verdict=verdict,
        automatic=automatic,
        evidence=evidence,
        scopes_known=bool(scopes),
        calls_in_window=sum(calls_per_day.values()),
        calls_per_day=calls_per_day,
        deprecated_per_day=deprecated_per_day,
        hits=hits,
        operations=operations,
        last_finding_at=last_finding,
        eligible_at=last_finding + window_delta(pack) + TICK
        if last_finding and automatic is Verdict.NOT_READY
        else None,
        review=review,
        voided_by=voided_by,
        rows=rows,
    )
    return replace(decision, reason=explain(decision, pack))


def window_delta(pack: RulePack) -> timedelta:
    return timedelta(days=pack.window_days)


def _hits(rule_id: str, rows: list[DailyCount], as_of: datetime) -> RuleHits:
    per_day: dict[date, int] = {}
    for row in rows:
        per_day[row.day] = per_day.get(row.day, 0) + row.count
    return RuleHits(
        rule_id=rule_id,
        count=sum(per_day.values()),
        per_day=per_day,
        first_at=min(r.first_at for r in rows),
        # On as_of's own day the row may hold later findings; as_of bounds the last one before it.
        last_at=max(min(r.last_at, as_of) for r in rows),
    )


def _review_state(
    app_id: str,
    latest: Review | None,
    later_rules: list[DailyCount],
    as_of: datetime,
    pack: RulePack,
) -> tuple[ReviewState, Voiding | None]:
    if latest is None:
        return ReviewState.NONE, None
    match latest.decision:
        case "rejected":
            return ReviewState.REJECTED, None
        case "pending":
            return ReviewState.PENDING, None
        case "approved":
            voiding = _first_finding_after(later_rules, latest.at, as_of, pack)
            return (ReviewState.VOIDED if voiding else ReviewState.APPROVED), voiding
    raise AssertionError(f"unknown review decision {latest.decision!r} of app {app_id!r}")


def _first_finding_after(
    rule_rows: list[DailyCount], after: datetime, as_of: datetime, pack: RulePack
) -> Voiding | None:
    """The first blocking finding after ``after``, from rule rows of the days up to as_of.

    The rows may start before ``after``'s day (read once for every approved app): those days are
    skipped, as the app's own read from ``after`` would not have them.
    """
    since = after.date()
    rows = [
        r
        for r in rule_rows
        if r.day >= since and r.last_at > after and r.first_at <= as_of and pack.blocks(r.key)
    ]
    if not rows:
        return None
    row = min(rows, key=lambda r: (r.day, r.first_at, r.key))
    at = row.first_at if row.first_at > after else row.last_at
    return Voiding(rule_id=row.key, day=row.day, at=at)


__all__ = [
    "READY_VERDICTS",
    "Evidence",
    "ReviewState",
    "Verdict",
    "explain",
    "make_decision",
    "stamp",
]
