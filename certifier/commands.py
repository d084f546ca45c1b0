"""The certifier's commands as the CLI calls them: certify, review and import."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from miready.certifier.errors import UsageError
from miready.certifier.instants import as_utc
from miready.certifier.ledger.base import DEFAULT_LEDGER_URL, Ledger, LedgerError, open_ledger
from miready.contracts.errors import ContractError
from miready.contracts.pack import PlatformPack, load_pack

if TYPE_CHECKING:
    from miready.certifier.importer import ImportResult
    from miready.certifier.ledger.records import AppInfo

# Each command imports what only it uses (the importer reads mitmproxy flows, reports render
# with rich): `miready certify` starts without them.

EXIT_READY = 0
EXIT_NOT_READY = 1


@contextmanager
def _cycle_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a report is built and rendered.

    A report over 1,000 apps makes about a million small objects, none in a cycle; each burst of
    allocations makes the collector walk every live object again (0.07 s of CPU out of 0.65).
    Reference counting still frees everything; the collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_cycle_gc_paused()
def certify(
    ledger_url: str | None,
    apps: list[str] | None,
    as_of: str | None,
    fmt: str,
    out: str | None,
    rules: str | None = None,
    reclassify: bool = False,
) -> int:
    """Decide and report; 0 when every selected app is ready, 1 otherwise (UsageError: exit 2).

    With ``reclassify``, the stored calls are judged again by ``rules`` (a what-if) instead of
    reading the findings recorded with them.
    """
    from miready.certifier.report import build_report, render  # noqa: PLC0415
    from miready.certifier.report.formats import load_builtins  # noqa: PLC0415
    from miready.certifier.report.model import safe_url  # noqa: PLC0415

    formats = load_builtins()
    if fmt not in formats:
        raise UsageError(f"unknown format {fmt!r} (known: {', '.join(formats.names())})")
    at = as_utc(as_of, "--as-of")
    pack = _pack(rules)
    with _ledger(ledger_url, must_exist=True) as ledger:
        selected = _select(ledger, apps)
        if reclassify:
            from miready.certifier.reclassify import reclassify as reclassify_calls  # noqa: PLC0415

            judged = reclassify_calls(ledger, pack, selected)
            try:
                report = build_report(judged, pack.rules, at, selected, mapping=pack.mapping)
            finally:
                judged.close()
            where = f"{safe_url(ledger.url)} (reclassified by {pack.name})"
            report = replace(report, ledger_url=where)
        else:
            report = build_report(ledger, pack.rules, at, selected, mapping=pack.mapping)
    if out is None and fmt == "text":
        from miready.certifier.report.text import pipe_width, render_text, write

        if sys.stdout.isatty():
            from rich.console import Console

            write(Console(), report)
        else:
            sys.stdout.write(render_text(report, pipe_width()))
    else:
        document = render(report, fmt)
        if out is None:
            sys.stdout.write(document)
        else:
            try:
                Path(out).write_text(document, encoding="utf-8")
            except OSError as e:
                raise UsageError(f"cannot write the report to {out}: {e.strerror or e}") from e
    return EXIT_READY if report.apps and report.ready else EXIT_NOT_READY


def review(
    ledger_url: str | None,
    app_id: str,
    approve: bool,
    reviewer: str,
    reason: str,
    now: datetime | str | None = None,
    rules: str | None = None,
) -> int:
    """Record a manual review; refusing an approval raises ``ApprovalRefusedError`` (exit 2)."""
    from miready.certifier.review import review as manual_review  # noqa: PLC0415

    pack = _pack(rules)
    with _ledger(ledger_url, must_exist=True) as ledger:
        record = manual_review(ledger, app_id, approve, reviewer, reason, now, pack.rules)
    print(
        f"recorded: {app_id} {record.decision} by {record.reviewer} at"
        f" {record.at.isoformat(timespec='seconds')}: {record.reason}"
    )
    return 0


def import_traffic(
    ledger_url: str | None,
    path: str,
    app_id: str | None = None,
    scopes: list[str] | None = None,
    rules: str | None = None,
    app_kind: str | None = None,
    skip_bad: bool = False,
) -> ImportResult:
    """Classify a HAR or flow file and write it in one transaction."""
    from miready.certifier.importer import import_file  # noqa: PLC0415

    pack = _pack(rules)
    kinds = pack.manifest.app_kinds
    if app_kind is not None and app_kind not in kinds:
        known = ", ".join(kinds) or "none"
        raise UsageError(f"pack {pack.name} has no app kind {app_kind!r} (known: {known})")
    if not Path(path).is_file():
        raise UsageError(
            f"no such file: {path}; pass a HAR file (browser dev tools: Save all as HAR) "
            f"or a mitmproxy .flow file, e.g. `miready import capture.har --app ID`"
        )
    with _ledger(ledger_url, must_exist=False) as ledger:
        return import_file(
            ledger,
            path,
            pack.rules,
            app_id=app_id,
            scopes=scopes,
            operations=pack.operations,
            app_kind=app_kind,
            skip_bad=skip_bad,
        )


def _pack(rules: str | None) -> PlatformPack:
    try:
        return load_pack(rules)
    except ContractError as e:
        raise UsageError(f"platform pack: {e}") from e


@contextmanager
def _ledger(url: str | None, *, must_exist: bool) -> Iterator[Ledger]:
    url = url or DEFAULT_LEDGER_URL
    if must_exist and url.startswith("sqlite:///") and not url.endswith(":memory:"):
        # Opening a missing SQLite file would create an empty ledger and hide a typo.
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            raise UsageError(f"no ledger at {url} ({path} does not exist)")
    try:
        ledger = open_ledger(url)
    except LedgerError as e:
        raise UsageError(str(e)) from e
    try:
        yield ledger
    except LedgerError as e:
        raise UsageError(str(e)) from e
    finally:
        ledger.close()


def _select(ledger: Ledger, apps: list[str] | None) -> list[AppInfo]:
    if not apps:
        return ledger.apps()
    selected, missing = [], []
    for app_id in dict.fromkeys(apps):
        info = ledger.app(app_id)
        if info is None:
            missing.append(app_id)
        else:
            selected.append(info)
    if missing:
        known = ", ".join(a.app_id for a in ledger.apps()[:20]) or "none"
        raise UsageError(f"no app {', '.join(map(repr, missing))} in the ledger (known: {known})")
    return selected
