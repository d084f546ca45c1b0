"""``miready ledger verify`` and ``miready ledger prune``: the operator's checks on a ledger."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta

from miready.certifier.ledger.base import LedgerError, open_ledger
from miready.certifier.ledger.verify import verify

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE = 0, 1, 2
AGE = re.compile(r"(?P<n>\d+)(?P<unit>[dhw])")
UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_age(text: str) -> timedelta:
    """``90d``, ``12w`` or ``36h`` as a duration; ``ValueError`` naming the accepted forms."""
    match = AGE.fullmatch(text.strip())
    if match is None or int(match["n"]) == 0:
        raise ValueError(f"bad age {text!r}: use a positive number of days, weeks or hours (90d)")
    return int(match["n"]) * UNITS[match["unit"]]


def verify_command(url: str) -> int:
    """Print the verification; exit 1 when a rollup differs from the recount of its calls."""
    try:
        ledger = open_ledger(url)
    except LedgerError as e:
        print(f"miready ledger verify: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        result = verify(ledger)
    finally:
        ledger.close()
    print(result)
    return EXIT_OK if result.ok else EXIT_NOT_OK


def prune_command(url: str, older_than: str, window_days: int, now: datetime | None = None) -> int:
    """Delete calls older than ``older_than``, never inside the decision window; keep the rest."""
    try:
        age = parse_age(older_than)
    except ValueError as e:
        print(f"miready ledger prune: {e}", file=sys.stderr)
        return EXIT_USAGE
    now = now or datetime.now(UTC)
    keep = max(age, timedelta(days=window_days))
    before = now - keep
    try:
        ledger = open_ledger(url)
    except LedgerError as e:
        print(f"miready ledger prune: {e}", file=sys.stderr)
        return EXIT_USAGE
    try:
        deleted = ledger.prune(before)
        left = ledger.count_calls()
    finally:
        ledger.close()
    note = "" if keep == age else f" (the {window_days}-day decision window is always kept)"
    print(
        f"pruned {deleted} call(s) older than {before:%Y-%m-%d %H:%M} UTC{note}; {left} left; "
        "rollups, apps, examples, reviews and the quarantine are kept"
    )
    return EXIT_OK
