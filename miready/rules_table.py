"""``miready rules list|show``: what the platform packs check, as tables readable at 80 columns."""

from __future__ import annotations

import io
import textwrap

from rich import box
from rich.console import Console
from rich.table import Table

from miready.contracts.pack import PlatformPack, known_packs, load_pack
from miready.contracts.rules import Rule

WIDTH = 80


def _console(out: io.StringIO) -> Console:
    return Console(file=out, width=WIDTH, color_system=None, highlight=False, soft_wrap=False)


def list_packs() -> str:
    out = io.StringIO()
    table = Table(
        title="Platform packs (contracts/packs/)", title_justify="left", box=box.SIMPLE_HEAD
    )
    for column in ("Pack", "Platform", "Policy", "Rules", "Title"):
        table.add_column(column, overflow="fold")
    for name in known_packs():
        pack = load_pack(name)
        m = pack.manifest
        table.add_row(name, m.platform, m.policy.value, str(len(pack.rules.rules)), m.title)
    _console(out).print(table)
    return out.getvalue()


def in_force(rule: Rule, pack: PlatformPack) -> str:
    """When and for whom a rule applies, in words."""
    parts = []
    if rule.since or rule.until:
        parts.append(f"{rule.since or '…'} to {rule.until or '…'}")
    if rule.app_kinds:
        parts.append("apps: " + ", ".join(sorted(rule.app_kinds)))
    if rule.api_versions:
        last = pack.manifest.last_legacy_version
        parts.append(
            f"versions <= {last}" if rule.api_versions == "legacy" else f"versions > {last}"
        )
    if rule.graced and pack.manifest.grace_header:
        grace = pack.manifest.grace_header
        parts.append(f"graced by {grace.name} until {grace.until or 'always'}")
    if rule.scopes:
        parts.append("needs: " + " or ".join(sorted(rule.scopes)))
    return "; ".join(parts) or "always"


def show_pack(name_or_path: str) -> str:
    pack = load_pack(name_or_path)
    m = pack.manifest
    out = io.StringIO()
    console = _console(out)
    console.print(f"{m.title} ({m.name}, platform {m.platform})")
    console.print(f"decision: {m.policy.value}, window {m.window_days} days. {m.wording.policy}")
    for title, url in m.documentation:
        console.print(f"docs: {title}: {url}")
    # Two stacked columns fit 80: rule id, kind (with its params), severity and when it is in
    # force; then its endpoints and, after an arrow, the replacement. Rule ids are never cut.
    rows = []
    for rule in pack.rules.rules:
        params = ", ".join(rule.params[:3]) + (", …" if len(rule.params) > 3 else "")
        rows.append(
            (
                [
                    rule.id,
                    rule.kind,
                    *([f"({params})"] if params else []),
                    rule.severity.value,
                    in_force(rule, pack),
                ],
                [*sorted(rule.endpoints), f"-> {rule.replacement}"],
            )
        )
    header = ("Rule, kind, severity, in force", "Endpoints -> replacement")
    console.print(text_table(header, rows))
    return out.getvalue()


def text_table(header: tuple[str, ...], rows: list[tuple[list[str], ...]]) -> str:
    """A plain table of wrapped cells, ``WIDTH`` columns wide, the first column never wrapped."""
    first = max(len(header[0]), *(len(line) for row in rows for line in row[0][:1]))
    widths = [first, WIDTH - first - 2]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("-" * WIDTH)
    for row in rows:
        cells = [
            [part for line in cell for part in textwrap.wrap(line, w, break_on_hyphens=False)]
            for cell, w in zip(row, widths, strict=True)
        ]
        for i in range(max(len(c) for c in cells)):
            parts = [
                (c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths, strict=True)
            ]
            lines.append("  ".join(parts).rstrip())
        lines.append("")
    return "\n".join(lines)
