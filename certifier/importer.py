"""Import captured traffic into the ledger, each exchange observed exactly as the proxy observes it.

The capture is read whole (``certifier.captures``) and checked before anything is written: by
default one bad entry refuses the file and leaves the ledger as it was; ``skip_bad`` imports the
good entries and counts the others. Call ids derive from each exchange's content, so importing a
capture twice, or a HAR and the flow file of one session, never counts a call twice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from miready.certifier.captures import BadEntry, MalformedCaptureError, read_capture
from miready.certifier.ledger.base import Ledger
from miready.contracts.observe import AppIdentity, Platform, observe
from miready.contracts.pack import pack_of
from miready.contracts.rules import RulePack
from miready.contracts.spec import OperationIndex

__all__ = ["ImportResult", "MalformedCaptureError", "import_file"]
MAX_LISTED_ERRORS = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    path: str
    calls: int
    apps: tuple[str, ...]
    findings: dict[str, int] = field(default_factory=dict)  # rule id -> calls
    unmatched: int = 0  # API calls that matched no operation of the spec
    skipped: int = 0  # entries outside the platform API (other hosts' paths, non-HTTP flows)
    bad: int = 0  # malformed entries left out (only with skip_bad)
    first_at: datetime | None = None
    last_at: datetime | None = None

    def __str__(self) -> str:
        text = f"imported {self.calls} call(s) of {len(self.apps)} app(s) from {self.path}"
        if self.first_at and self.last_at:
            text += f" ({self.first_at:%Y-%m-%d %H:%M} to {self.last_at:%Y-%m-%d %H:%M} UTC)"
        if self.findings:
            hits = sorted(self.findings.items())
            text += "; findings: " + ", ".join(f"{r} x{n}" for r, n in hits)
        else:
            text += "; no findings"
        if self.unmatched:
            text += f"; {self.unmatched} call(s) matched no operation"
        if self.skipped:
            text += f"; {self.skipped} entr(ies) outside the API skipped"
        if self.bad:
            text += f"; {self.bad} malformed entr(ies) skipped (--skip-bad)"
        return text


def import_file(
    ledger: Ledger,
    path: str | Path,
    pack: RulePack,
    app_id: str | None = None,
    scopes: Iterable[str] | None = None,
    operations: OperationIndex | None = None,
    app_kind: str | None = None,
    skip_bad: bool = False,
) -> ImportResult:
    path = Path(path)
    capture = read_capture(path)
    scope_tuple = tuple(sorted({s for i in scopes or () for s in i.replace(",", " ").split()}))
    whole = pack_of(pack)  # the rules' own pack: its spec and its auth header
    platform = Platform(
        rules=pack,
        operations=operations or whole.operations,
        auth_header=whole.manifest.auth_header.lower(),
        scopes=frozenset(scope_tuple) or None,
        app_kind=app_kind,
    )
    ops = platform.operations
    api_prefix = _prefix_regex(ops.prefix)
    app = AppIdentity(app_id=app_id, scopes=scope_tuple, source="import") if app_id else None
    records, bad, skipped = [], list(capture.bad), capture.not_http
    for where, exchange in capture.exchanges:
        if not api_prefix.match(urlsplit(exchange.url).path):
            skipped += 1
            continue
        try:
            records.append(observe(exchange, platform, app))
        except Exception as e:  # one odd entry names itself, never a traceback
            bad.append(BadEntry(where, f"{where}: cannot be observed: {type(e).__name__}: {e}"))
    if bad and not skip_bad:
        raise MalformedCaptureError(_refusal(path, bad))
    if not records:
        raise MalformedCaptureError(
            f"{path}: no call to the platform API (paths under {ops.prefix}/...) among"
            f" {len(capture.exchanges) + len(bad)} entr(ies); nothing imported"
        )
    ledger.write_calls(records)
    findings = Counter(rule for r in records for rule in dict.fromkeys(r.findings))
    return ImportResult(
        path=str(path),
        calls=len(records),
        apps=tuple(sorted({r.app_id for r in records if r.identified})),
        findings=dict(findings),
        unmatched=sum(1 for r in records if r.operation_id is None),
        skipped=skipped,
        bad=len(bad),
        first_at=min(r.at for r in records),
        last_at=max(r.at for r in records),
    )


def _refusal(path: Path, bad: list[BadEntry]) -> str:
    listed = "\n".join(f"  {b.reason}" for b in bad[:MAX_LISTED_ERRORS])
    more = (
        f"\n  ... and {len(bad) - MAX_LISTED_ERRORS} more" if len(bad) > MAX_LISTED_ERRORS else ""
    )
    return (
        f"{path}: {len(bad)} malformed entr(ies); nothing imported "
        f"(--skip-bad imports the others):\n{listed}{more}"
    )


def _prefix_regex(prefix: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[A-Za-z_][A-Za-z0-9_]*\\\}", "[^/]+", re.escape(prefix))
    return re.compile(f"^{pattern}/")
