"""The terminal report: a table of verdicts, then each rule hit of each app.

The text is built as plain lines (``report/table.py``); rich only colours it on a terminal.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING

from miready.certifier.decision import Verdict
from miready.certifier.report.formats import FORMATS
from miready.certifier.report.model import AppReport, FindingReport, Report, month_day, stamp
from miready.certifier.report.table import Column, render_table

if TYPE_CHECKING:
    from rich.console import Console

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
MIN_WIDTH = 80  # narrower, the tables' columns cannot shrink any further
NARROW = 110  # console columns under which the summary drops to its essentials


@FORMATS.register("text")
def render_text(report: Report, width: int = WIDTH) -> str:
    # No terminal codes when written to a file; on a terminal `write` colours the same lines.
    return "\n".join(lines(report, width)) + "\n"


def pipe_width(environ: Mapping[str, str] = os.environ) -> int:
    """The width of the report sent down a pipe: `$COLUMNS` when set (the terminal at the end of
    the pipe, or a fixed-width console), else WIDTH; never under MIN_WIDTH."""
    raw = environ.get("COLUMNS", "").strip()
    return max(MIN_WIDTH, int(raw)) if raw.isdigit() and int(raw) > 0 else WIDTH


def write(console: Console, report: Report) -> None:
    """The report on a rich console, at its width, each verdict in its colour."""
    from rich.text import Text  # noqa: PLC0415 - rich loads only for a terminal

    text = Text("\n".join(lines(report, console.width)))
    for verdict, style in STYLES.items():
        text.highlight_words([verdict.value], style)
    text.highlight_words([report.pack.title], "bold")
    console.print(text, soft_wrap=True)


def _para(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def lines(report: Report, width: int) -> list[str]:
    pack = report.pack
    out = _para(
        f"{pack.title}  as of {stamp(report.as_of)}"
        f"  window {pack.window_days} days  ledger {report.ledger_url}",
        width,
    )
    out += _para(pack.manifest.wording.policy, width)
    # Below NARROW columns the table keeps what decides (app, verdict, dates, calls) and each
    # app's coverage and deprecated count move to its details, so nothing is squeezed empty;
    # the first day seen is enough there, so the app's id keeps the room to stay whole.
    narrow = width < NARROW
    columns = [
        Column("App", min_width=14),
        Column("Verdict", no_wrap=True),
        Column("Observed since", no_wrap=True),
        Column("Calls", no_wrap=True, right=True),
    ]
    if not narrow:
        columns.append(Column("Deprecated", no_wrap=True, right=True))
    columns.append(Column("Eligible on", no_wrap=True))
    if not narrow:
        columns.append(Column("Coverage (new/legacy)", min_width=20))
    rows = []
    for a in report.apps:
        d = a.decision
        cells = [
            a.app_id + (f"\n{a.name}" if a.name else ""),
            d.verdict.value,
            (stamp(d.first_seen)[:10] if narrow else stamp(d.first_seen)) or "never",
            str(d.calls_in_window),
        ]
        if not narrow:
            cells.append(str(sum(p.deprecated for p in a.timeline)))
        cells.append(d.eligible_on.isoformat() if d.eligible_on else "")
        if not narrow:
            cells.append(_coverage(a))
        rows.append(cells)
    out += render_table(columns, rows, width)
    for a in report.apps:
        out += _details(a, width, with_summary=narrow)
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n)
    verdict = "ready" if report.ready else "not ready"
    out += _para(f"{len(report.apps)} app(s): {counts or 'none'}: {verdict}", width)
    return out


def _coverage(a: AppReport) -> str:
    return "\n".join(
        f"{c.family.title}: {c.status} ({c.new_calls}/{c.legacy_calls})"
        for c in a.coverage
        if c.exercised
    )


def _details(a: AppReport, width: int, with_summary: bool = False) -> list[str]:
    d = a.decision
    out = ["", *_para(f"{a.app_id}: {d.verdict.value}. {d.reason}", width)]
    if with_summary:
        deprecated = sum(p.deprecated for p in a.timeline)
        coverage = _coverage(a).replace("\n", "; ") or "none"
        out += _para(f"deprecated calls: {deprecated}; coverage (new/legacy): {coverage}", width)
    render = _finding_blocks if width < NARROW else _findings
    if a.blocking_findings:
        out += render(a.blocking_findings, width)
    if a.advisory_findings:
        out.append("Advisory (never blocks):")
        out += render(a.advisory_findings, width)
    return out


FINDING_COLUMNS = [
    Column("Rule"),
    Column("Calls", right=True),
    Column("First / last seen", no_wrap=True),
    Column("Per day"),
    Column("Example / replacement"),
]


def _findings(findings: tuple[FindingReport, ...], width: int) -> list[str]:
    rows = []
    for f in findings:
        per_day = ", ".join(f"{month_day(day)}: {n}" for day, n in sorted(f.hits.per_day.items()))
        example = json.dumps(f.example, separators=(",", ":")) if f.example is not None else "-"
        rows.append(
            [
                f"{f.rule.id}\n{f.rule.title}\n{f.endpoint}\n{f.documentation_url}",
                str(f.hits.count),
                f"{stamp(f.hits.first_at)}\n{stamp(f.hits.last_at)}",
                per_day,
                f"{example}\n-> " + "\n-> ".join(f.replacements),
            ]
        )
    return render_table(FINDING_COLUMNS, rows, width, show_lines=True)


def _finding_blocks(findings: tuple[FindingReport, ...], width: int) -> list[str]:
    """Findings on a narrow console: one indented block each instead of five squeezed columns,
    the rule and its counts first; only what cannot fit a line (a URL, a JSON example) folds."""
    out: list[str] = []
    for f in findings:
        first, last = stamp(f.hits.first_at)[:10], stamp(f.hits.last_at)[:10]
        per_day = ", ".join(f"{month_day(day)}: {n}" for day, n in sorted(f.hits.per_day.items()))
        example = json.dumps(f.example, separators=(",", ":")) if f.example is not None else "-"
        out.append("")
        out += _para(f"{f.rule.id} ({f.hits.count} calls, {first} .. {last})", width)
        fields = [
            ("", f"{f.rule.title}: {f.endpoint}"),
            ("per day: ", per_day),
            ("example: ", example),
            *(("use: ", r) for r in f.replacements),
            ("docs: ", f.documentation_url),
        ]
        for label, text in fields:
            out += textwrap.wrap(
                label + text,
                width,
                initial_indent="  ",
                subsequent_indent="    ",
                break_on_hyphens=False,
            ) or ["  -"]
    return out
