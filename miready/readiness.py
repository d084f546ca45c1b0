"""The mock's readiness source: verdicts from a ledger (live) or a `certify --format json` report,
as `{app_id: (verdict, eligible_on)}`, so that `mocks` never imports `certifier`."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path

from miready.certifier.errors import UsageError

Verdicts = Mapping[str, tuple[str, str | None]]


def from_ledger(
    url: str, rules: str | None = None, as_of: datetime | str | None = None
) -> Callable[[], Verdicts]:
    """Decide every app of the ledger at each call (as of now unless `as_of`): a merchant warned
    today sees today's verdicts, as the proxy keeps recording."""
    from miready.certifier.decision import decide_all  # noqa: PLC0415 - certifier loads only here
    from miready.certifier.ledger.base import open_ledger  # noqa: PLC0415
    from miready.contracts.rules import load_rule_pack  # noqa: PLC0415

    pack = load_rule_pack(rules)

    def verdicts() -> Verdicts:
        ledger = open_ledger(url)
        try:
            return {
                d.app_id: (d.verdict.value, d.eligible_on.isoformat() if d.eligible_on else None)
                for d in decide_all(ledger, ledger.apps(), pack, as_of)
            }
        finally:
            ledger.close()

    return verdicts


def from_report(path: str | Path) -> Callable[[], Verdicts]:
    """The verdicts of a `miready certify --format json` report, read once."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        table = {
            str(app["app_id"]): (str(app["verdict"]), app.get("eligible_on"))
            for app in document["apps"]
        }
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"--readiness {path}: not a certify JSON report ({e})") from e
    return lambda: table
