"""The HTML report: one self-contained, printable file with an inline SVG timeline per app.

No scripts, no fonts, no images to fetch: everything is in the file, so it opens offline and
prints as shown. Links point to the rule pack's documentation but nothing is loaded from them.
"""

from __future__ import annotations

import json
from html import escape

from miready.certifier.decision import Verdict
from miready.certifier.report.formats import FORMATS
from miready.certifier.report.model import (
    AppReport,
    DayPoint,
    FindingReport,
    Report,
    month_day,
    stamp,
)

COLOURS = {
    Verdict.NOT_AFFECTED: "#6b7280",
    Verdict.INSUFFICIENT_EVIDENCE: "#b45309",
    Verdict.NOT_READY: "#b91c1c",
    Verdict.AUTO_APPROVED: "#15803d",
    Verdict.MANUAL_REVIEW_PENDING: "#b45309",
    Verdict.MANUALLY_APPROVED: "#166534",
    Verdict.MANUALLY_REJECTED: "#991b1b",
}
CALLS_COLOUR = "#93c5fd"
DEPRECATED_COLOUR = "#dc2626"

CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:#111827;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0}h3{font-size:15px;margin:16px 0 6px}
.meta{color:#4b5563;margin-bottom:16px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
table.findings{table-layout:fixed}td code{word-break:break-word}
th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;border-radius:4px;padding:1px 8px;color:#fff;font-weight:600;
 font-size:12px;white-space:nowrap}
.overall{font-size:16px;padding:4px 12px}
section.app{border:1px solid #d1d5db;border-radius:6px;padding:12px 16px;margin:16px 0;
 break-inside:avoid;page-break-inside:avoid}
.head{display:flex;gap:12px;align-items:center;flex-wrap:wrap}
.reason{margin:8px 0}.small{color:#4b5563;font-size:12px}
pre{background:#f9fafb;border:1px solid #e5e7eb;padding:6px;margin:0;white-space:pre-wrap;
 word-break:break-word;font-size:12px}
code{font-size:12px}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
.cov-new{color:#15803d;font-weight:600}.cov-legacy{color:#b91c1c;font-weight:600}
.cov-mixed{color:#b45309;font-weight:600}.cov-unused{color:#6b7280}
svg{display:block;max-width:100%;height:auto}
@media print{body{margin:0;max-width:none}a{color:inherit;text-decoration:none}
 section.app{border-color:#9ca3af}}
"""


@FORMATS.register("html")
def render_html(report: Report) -> str:
    pack = report.pack
    overall = (
        '<span class="badge overall" style="background:#15803d">READY</span>'
        if report.ready and report.apps
        else '<span class="badge overall" style="background:#b91c1c">NOT READY</span>'
    )
    counts = ", ".join(f"{n} {v}" for v, n in report.counts().items() if n) or "no apps"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(pack.title)}: readiness as of {stamp(report.as_of)}</title>",
        f"<style>{CSS}</style></head><body>",
        f'<div class="head"><h1>{escape(pack.title)}</h1>{overall}</div>',
        f'<div class="meta">As of <b>{stamp(report.as_of)}</b> · window <b>{pack.window_days}'
        f" days</b> (both ends included) · {len(report.apps)} app(s): {escape(counts)} · ledger"
        f" <code>{escape(report.ledger_url)}</code> · generated {stamp(report.generated_at)}</div>",
        _summary(report),
    ]
    parts += [_app(a) for a in report.apps]
    parts.append(
        f'<p class="small">Rules: <a href="{escape(pack.documentation_url)}">'
        f"{escape(pack.documentation_url)}</a> ({escape(pack.id)}). Day counts come from daily"
        " rollups in UTC; the window's first and last days count the whole day.</p>"
    )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _badge(verdict: Verdict) -> str:
    return f'<span class="badge" style="background:{COLOURS[verdict]}">{verdict.value}</span>'


def _summary(report: Report) -> str:
    rows = []
    for a in report.apps:
        d = a.decision
        rows.append(
            f'<tr><td><a href="#app-{escape(a.app_id)}">{escape(a.app_id)}</a>'
            f"{'<br><span class=small>' + escape(a.name) + '</span>' if a.name else ''}</td>"
            f"<td>{_badge(d.verdict)}</td><td class=n>{d.calls_in_window}</td>"
            f"<td class=n>{sum(p.deprecated for p in a.timeline)}</td>"
            f"<td>{d.eligible_on.isoformat() if d.eligible_on else ''}</td>"
            f"<td>{escape(_coverage_line(a))}</td></tr>"
        )
    return (
        "<table><thead><tr><th>App</th><th>Verdict</th><th>Calls in window</th>"
        "<th>Deprecated</th><th>Eligible on</th><th>Coverage</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>"
    )


def _coverage_line(a: AppReport) -> str:
    return "; ".join(f"{c.family.title}: {c.status}" for c in a.coverage if c.exercised) or "none"


def _app(a: AppReport) -> str:
    d = a.decision
    observed = (
        f"observed {stamp(d.first_seen)} to {stamp(d.last_seen)}" if d.first_seen else "never seen"
    )
    eligible = f" · eligible on <b>{d.eligible_on.isoformat()}</b>" if d.eligible_on else ""
    review = ""
    if d.review is not None:
        voided = " (voided by a later finding)" if d.voided_by else ""
        review = (
            f'<div class="small">Latest review: {escape(d.review.decision)}{voided} by'
            f" {escape(d.review.reviewer)} at {stamp(d.review.at)}: {escape(d.review.reason)}</div>"
        )
    return (
        f'<section class="app" id="app-{escape(a.app_id)}">'
        f'<div class="head"><h2>{escape(a.app_id)}</h2>{_badge(d.verdict)}'
        f"{'<span class=small>' + escape(a.name) + '</span>' if a.name else ''}</div>"
        f'<div class="reason">{escape(d.reason)}</div>'
        f'<div class="small">Window {stamp(d.window.start)} to {stamp(d.window.end)} · {observed}'
        f" · {d.calls_in_window} call(s) in window · automatic verdict {d.automatic.value}"
        f"{eligible}</div>{review}"
        f"<h3>Calls per day</h3>{timeline_svg(a.app_id, a.timeline)}"
        f'<div class="legend small"><span style="background:{CALLS_COLOUR}"></span>calls'
        f'<span style="background:{DEPRECATED_COLOUR}"></span>deprecated calls</div>'
        f"<h3>Coverage</h3>{_coverage(a)}"
        + (f"<h3>Findings</h3>{_findings(a.blocking_findings)}" if a.blocking_findings else "")
        + (
            f"<h3>Advisory (never blocks)</h3>{_findings(a.advisory_findings)}"
            if a.advisory_findings
            else ""
        )
        + "</section>"
    )


def timeline_svg(app_id: str, points: tuple[DayPoint, ...] | list[DayPoint]) -> str:
    """Bars of calls per day, with the deprecated calls of each day drawn over them in red."""
    width, height, left, bottom, top = 720, 150, 44, 28, 10
    plot_h = height - bottom - top
    n = max(len(points), 1)
    slot = (width - left - 8) / n
    bar = max(slot * 0.7, 2)
    peak = max((p.calls for p in points), default=0) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" aria-label="calls per day of {escape(app_id)}">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 4}" y2="{top + plot_h}"'
        ' stroke="#9ca3af"/>',
        f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end"'
        f' fill="#4b5563">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end"'
        ' fill="#4b5563">0</text>',
    ]
    for i, p in enumerate(points):
        x = left + i * slot + (slot - bar) / 2
        h_calls = plot_h * p.calls / peak
        h_dep = plot_h * p.deprecated / peak
        label = f"{p.day.isoformat()}: {p.calls} call(s), {p.deprecated} deprecated"
        out.append(f"<g><title>{escape(label)}</title>")
        if p.calls:
            out.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h_calls:.1f}" width="{bar:.1f}"'
                f' height="{h_calls:.1f}" fill="{CALLS_COLOUR}"/>'
            )
        if p.deprecated:
            out.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h_dep:.1f}" width="{bar:.1f}"'
                f' height="{max(h_dep, 1.5):.1f}" fill="{DEPRECATED_COLOUR}"/>'
            )
        out.append("</g>")
        out.append(
            f'<text x="{x + bar / 2:.1f}" y="{height - 10}" font-size="10" text-anchor="middle"'
            f' fill="#4b5563">{month_day(p.day)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def _coverage(a: AppReport) -> str:
    rows = "".join(
        f"<tr><td>{escape(c.family.title)}</td><td class=cov-{c.status}>{c.status}</td>"
        f"<td class=n>{c.new_calls}</td><td class=n>{c.legacy_calls}</td>"
        f"<td>{escape(', '.join(c.new_operations))}</td>"
        f"<td>{escape(', '.join(c.legacy_operations))}</td></tr>"
        for c in a.coverage
    )
    return (
        "<table><thead><tr><th>API family</th><th>Status</th><th>New</th><th>Legacy</th>"
        "<th>New operations used</th><th>Legacy operations / rules</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _findings(findings: tuple[FindingReport, ...]) -> str:
    rows = []
    for f in findings:
        per_day = ", ".join(f"{month_day(day)}: {n}" for day, n in sorted(f.hits.per_day.items()))
        example = (
            json.dumps(f.example, separators=(", ", ": ")) if f.example is not None else "none"
        )
        deadline = f"<br>deadline {f.rule.deadline.isoformat()}" if f.rule.deadline else ""
        rows.append(
            f'<tr><td><a href="{escape(f.documentation_url)}"><code>{escape(f.rule.id)}</code></a>'
            f"<br><b>{escape(f.rule.title)}</b><br>{escape(f.rule.description)}"
            f"<br><code>{escape(f.endpoint)}</code>{deadline}</td>"
            f"<td class=n>{f.hits.count}</td>"
            f"<td>{stamp(f.hits.first_at)}<br>{stamp(f.hits.last_at)}<br>"
            f'<span class="small">{escape(per_day)}</span></td>'
            f"<td><pre>{escape(example)}</pre></td>"
            f"<td>{'<br>'.join('<code>' + escape(r) + '</code>' for r in f.replacements)}</td></tr>"
        )
    return (
        '<table class="findings"><colgroup><col style="width:30%"><col style="width:6%">'
        '<col style="width:18%"><col style="width:24%"><col style="width:22%"></colgroup>'
        "<thead><tr><th>Rule</th><th>Calls</th><th>First / last seen, per day</th>"
        "<th>Redacted example</th><th>Replacement</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
