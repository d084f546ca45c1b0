"""The Markdown report, sized for a pull-request comment: a summary table, then details per app."""

from __future__ import annotations

import json

from miready.certifier.decision import Verdict
from miready.certifier.report.formats import FORMATS
from miready.certifier.report.model import AppReport, FindingReport, Report, month_day, stamp

ICONS = {
    Verdict.NOT_AFFECTED: "⚪",
    Verdict.INSUFFICIENT_EVIDENCE: "🟡",
    Verdict.NOT_READY: "🔴",
    Verdict.AUTO_APPROVED: "🟢",
    Verdict.MANUAL_REVIEW_PENDING: "🟡",
    Verdict.MANUALLY_APPROVED: "🟢",
    Verdict.MANUALLY_REJECTED: "🔴",
}
# GitHub refuses comments over 65,536 characters; leave room for the closing note.
MAX_CHARS = 60_000


@FORMATS.register("md")
def render_md(report: Report) -> str:
    pack = report.pack
    head = [
        f"## {'✅' if report.ready else '❌'} {pack.title}",
        "",
        f"As of **{stamp(report.as_of)}**, window **{pack.window_days} days**"
        f" ([rules]({pack.documentation_url})). {pack.manifest.wording.policy}",
        "",
        "| App | Verdict | Calls | Deprecated | Eligible on | Coverage |",
        "|---|---|---:|---:|---|---|",
    ]
    for a in report.apps:
        d = a.decision
        head.append(
            f"| `{_cell(a.app_id)}` | {ICONS[d.verdict]} {d.verdict.value} | {d.calls_in_window}"
            f" | {sum(p.deprecated for p in a.timeline)}"
            f" | {d.eligible_on.isoformat() if d.eligible_on else ''} | {_coverage(a)} |"
        )
    text = "\n".join(head) + "\n"
    for i, a in enumerate(report.apps):
        section = _details(a)
        if len(text) + len(section) > MAX_CHARS:
            rest = len(report.apps) - i
            text += f"\n_{rest} more app(s) left out to fit a comment: see the HTML or JSON._\n"
            break
        text += section
    return text


def _coverage(a: AppReport) -> str:
    used = [f"{c.family.title}: {c.status}" for c in a.coverage if c.exercised]
    return "; ".join(used) or "none"


def _details(a: AppReport) -> str:
    d = a.decision
    lines = ["", "<details>" if d.ready else "<details open>"]
    lines.append(f"<summary><b>{a.app_id}</b>: {d.verdict.value}</summary>")
    lines += ["", _cell(d.reason), ""]
    for title, findings in (("", a.blocking_findings), ("Advisory", a.advisory_findings)):
        if findings:
            lines += _findings(title, findings)
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _findings(title: str, findings: tuple[FindingReport, ...]) -> list[str]:
    lines = [f"**{title}** (never blocks)", ""] if title else []
    if findings:
        lines += ["| Rule | Calls | First seen | Last seen | Replacement |"]
        lines += ["|---|---:|---|---|---|"]
        for f in findings:
            lines.append(
                f"| [`{f.rule.id}`]({f.documentation_url}) {_cell(f.rule.title)} | {f.hits.count}"
                f" | {stamp(f.hits.first_at)} | {stamp(f.hits.last_at)}"
                f" | {_cell('; '.join(f'`{r}`' for r in f.replacements))} |"
            )
        lines.append("")
        for f in findings:
            hits = sorted(f.hits.per_day.items())
            per_day = ", ".join(f"{month_day(day)} {n}" for day, n in hits)
            lines.append(f"- `{f.rule.id}` on `{f.endpoint}`: {_cell(f.rule.description)}")
            lines.append(f"  per day: {per_day}")
            if f.example is not None:
                lines.append(f"  example: `{json.dumps(f.example, separators=(',', ':'))}`")
    return lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
