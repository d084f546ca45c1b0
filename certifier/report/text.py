"""The terminal report: a rich table of verdicts, then each rule hit of each app."""

from __future__ import annotations

import io
import json

from miready.certifier.decision import Verdict
from miready.certifier.report.formats import FORMATS
from miready.certifier.report.model import AppReport, FindingReport, Report, stamp
from rich.console import Console
from rich.table import Table

STYLES = {
    Verdict.NOT_AFFECTED: "dim",
    Verdict.INSUFFICIENT_EVIDENCE: "yellow",
    Verdict.NOT_READY: "bold red",
    Verdict.AUTO_APPROVED: "green",
    Verdict.MANUAL_REVIEW_PENDING: "yellow",
    Verdict.MANUALLY_APPROVED: "bold green",
    Verdict.MANUALLY_REJECTED: "bold red",
}
WIDTH = 120
NARROW = 110  # console columns under which the summary drops to its essentials


@FORMATS.register("text")
def render_text(report: Report) -> str:
    out = io.StringIO()
    # No terminal codes when written to a file; rich adds them itself on a terminal (commands.py).
    console = Console(file=out, width=WIDTH, color_system=None, highlight=False, soft_wrap=False)
    write(console, report)
    return out.getvalue()


def write(console: Console, report: Report) -> None:
    pack = report.pack
    console.print(
        f"[bold]{pack.title}[/bold]  as of {stamp(report.as_of)}"
        f"  window {pack.window_days} days  ledger {report.ledger_url}"
    )
    console.print(pack.manifest.wording.policy)
    # Below NARROW columns the table keeps what decides (app, verdict, dates, calls) and each
    # app's coverage and deprecated count move to its details, so nothing is squeezed empty.
    narrow = console.width < NARROW
    table = Table(show_lines=False)
    table.add_column("App", min_width=14, ratio=1, overflow="fold")
    table.add_column("Verdict", no_wrap=True)
    table.add_column("Observed since", no_wrap=True)
    table.add_column("Calls", no_wrap=True, justify="right")
    if not narrow:
        table.add_column("Deprecated", no_wrap=True, justify="right")
    table.add_column("Eligible on", no_wrap=True)
    if not narrow:
        table.add_column("Coverage (new/legacy)", min_width=20, ratio=2)
    for a in report.apps:
        d = a.decision
        cells = [
            a.app_id + (f"\n{a.name}" if a.name else ""),
            f"[{STYLES[d.verdict]}]{d.verdict.value}[/]",
            stamp(d.first_seen) or "never",
            str(d.calls_in_window),
        ]
        if not narrow:
            cells.append(str(sum(p.deprecated for p in a.timeline)))
        cells.append(d.eligible_on.isoformat() if d.eligible_on else "")
        if not narrow:
            cells.append(_coverage(a))
        table.add_row(*cells)
    console.print(table)
    for a in report.apps:
        _details(console, a, with_summary=narrow)
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    verdict = "[green]ready[/]" if report.ready else "[red]not ready[/]"
    console.print(f"{len(report.apps)} app(s): {counts or 'none'}: {verdict}")


def _coverage(a: AppReport) -> str:
    return "\n".join(
        f"{c.family.title}: {c.status} ({c.new_calls}/{c.legacy_calls})"
        for c in a.coverage
        if c.exercised
    )


def _details(console: Console, a: AppReport, with_summary: bool = False) -> None:
    d = a.decision
    style = STYLES[d.verdict]
    console.print(f"\n[bold]{a.app_id}[/bold]: [{style}]{d.verdict.value}[/]. {d.reason}")
    if with_summary:
        deprecated = sum(p.deprecated for p in a.timeline)
        coverage = _coverage(a).replace("\n", "; ") or "none"
        console.print(f"deprecated calls: {deprecated}; coverage (new/legacy): {coverage}")
    if a.blocking_findings:
        _findings(console, a.blocking_findings)
    if a.advisory_findings:
        console.print("Advisory (never blocks):")
        _findings(console, a.advisory_findings)


def _findings(console: Console, findings: tuple[FindingReport, ...]) -> None:
    table = Table(show_lines=True)
    table.add_column("Rule")
    table.add_column("Calls", justify="right")
    table.add_column("First / last seen", no_wrap=True)
    table.add_column("Per day")
    table.add_column("Example / replacement")
    for f in findings:
        per_day = ", ".join(f"{day:%m-%d}: {n}" for day, n in sorted(f.hits.per_day.items()))
        example = json.dumps(f.example, separators=(",", ":")) if f.example is not None else "-"
        table.add_row(
            f"{f.rule.id}\n{f.rule.title}\n{f.endpoint}\n{f.documentation_url}",
            str(f.hits.count),
            f"{stamp(f.hits.first_at)}\n{stamp(f.hits.last_at)}",
            per_day,
            f"{example}\n-> " + "\n-> ".join(f.replacements),
        )
    console.print(table)
