"""``miready ledger verify``: do rollups equal a recount of the calls; what is quarantined.

Rollups of days before the prune boundary are skipped: their calls were deleted on purpose. The
day the boundary falls in is skipped too, since part of its calls may be gone.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from miready.certifier.ledger.base import Ledger
from miready.certifier.ledger.batch import rollup_keys, utc_day
from miready.certifier.ledger.records import Quarantined

Key = tuple[str, date, str, str]  # app, day, kind, key
WIDTH = 80  # the printed verification fits a standard terminal


@dataclass(frozen=True, slots=True)
class Mismatch:
    key: Key
    rollup: int  # what the rollup says
    recount: int  # what the calls say


@dataclass(frozen=True, slots=True)
class Verification:
    calls: int  # identified calls recounted
    rollup_rows: int
    since: date | None  # the first day checked (None: all)
    mismatches: list[Mismatch] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Rollups equal the recount; quarantined records are listed, not a failure."""
        return not self.mismatches

    def __str__(self) -> str:
        """The verdict, each mismatch and each quarantined record, within 80 columns."""
        span = f"days from {self.since}" if self.since else "all days"
        lines = _wrap(
            f"ledger verify: {self.calls} identified calls recounted against "
            f"{self.rollup_rows} rollup rows ({span})",
            "  ",
        )
        lines += _wrap(
            f"{len(self.mismatches)} mismatch(es); {len(self.quarantined)} quarantined record(s)"
        )
        for m in self.mismatches[:50]:
            app, day, kind, key = m.key
            lines += _wrap(
                f"  MISMATCH {app} {day} {kind} {key}: rollup {m.rollup}, calls {m.recount}"
            )
        for q in self.quarantined[:50]:
            lines += _wrap(f"  QUARANTINED {q.call_id} at {q.at:%Y-%m-%d %H:%M:%S}:")
            lines += _wrap(f"    {q.error}")
        hidden = max(0, len(self.mismatches) - 50) + max(0, len(self.quarantined) - 50)
        if hidden:
            lines.append(f"  ... and {hidden} more")
        lines.append("OK" if self.ok else "NOT OK")
        return "\n".join(lines)


def _wrap(text: str, indent: str = "    ") -> list[str]:
    """`text` in lines of at most WIDTH columns, the later ones indented; words never split,
    except one longer than a whole line (a path template, an id)."""
    return textwrap.wrap(
        text, WIDTH, subsequent_indent=indent, break_on_hyphens=False, drop_whitespace=True
    ) or [text]


def verify(ledger: Ledger) -> Verification:
    """Recount every identified call into rollup keys and compare with the stored rollups."""
    pruned = ledger.pruned_before()
    since = None if pruned is None else utc_day(pruned, "pruned_before") + timedelta(days=1)
    start = None
    if since is not None:
        start = pruned.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    recount: Counter[Key] = Counter()
    calls = 0
    for call in ledger.scan_calls(start):
        calls += 1
        day = utc_day(call.at, "call time")
        for kind, key in rollup_keys(call):
            recount[(call.app_id, day, kind, key)] += 1
    stored = {(r.app_id, r.day, r.kind, r.key): r.count for r in ledger.all_rollups(since)}
    mismatches = [
        Mismatch(key, stored.get(key, 0), recount.get(key, 0))
        for key in sorted(stored.keys() | recount.keys())
        if stored.get(key, 0) != recount.get(key, 0)
    ]
    return Verification(calls, len(stored), since, mismatches, ledger.quarantined())
