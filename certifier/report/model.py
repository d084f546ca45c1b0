"""What a report says about each app: decision, each rule hit with its fix, coverage, timeline."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from miready.certifier.coverage import FamilyCoverage, coverage
from miready.certifier.decision import Decision, RuleHits, Verdict, decide_all
from miready.certifier.ledger.base import Ledger
from miready.certifier.ledger.records import AppInfo
from miready.contracts.mapping import Mapping
from miready.contracts.pack import pack_of
from miready.contracts.rules import Rule, RulePack, rule_of_key


@dataclass(frozen=True, slots=True, kw_only=True)
class FindingReport:
    rule: Rule
    hits: RuleHits
    example: Any  # the redacted example (parsed JSON), None when none was recorded
    replacements: tuple[str, ...]  # the rule's replacement, then the mapping's rows
    documentation_url: str
    blocking: bool = True  # counts for the verdict; advisory and graced findings do not
    graced: bool = False

    @property
    def endpoint(self) -> str:
        return ", ".join(sorted(self.rule.endpoints))


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: date
    calls: int
    deprecated: int  # calls with at least one finding, each counted once


@dataclass(frozen=True, slots=True, kw_only=True)
class AppReport:
    decision: Decision
    findings: tuple[FindingReport, ...]
    coverage: tuple[FamilyCoverage, ...]
    timeline: tuple[DayPoint, ...]

    @property
    def app_id(self) -> str:
        return self.decision.app_id

    @property
    def name(self) -> str | None:
        return self.decision.app.name if self.decision.app else None

    @property
    def verdict(self) -> Verdict:
        return self.decision.verdict

    @property
    def blocking_findings(self) -> tuple[FindingReport, ...]:
        return tuple(f for f in self.findings if f.blocking)

    @property
    def advisory_findings(self) -> tuple[FindingReport, ...]:
        """Advisory and graced findings: reported apart, never blocking."""
        return tuple(f for f in self.findings if not f.blocking)


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    as_of: datetime
    generated_at: datetime
    pack: RulePack
    ledger_url: str
    apps: tuple[AppReport, ...]

    @property
    def ready(self) -> bool:
        return all(a.decision.ready for a in self.apps)

    def counts(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for a in self.apps:
            counts[a.verdict.value] += 1
        return counts


def build_report(
    ledger: Ledger,
    pack: RulePack,
    as_of: datetime,
    apps: list[AppInfo],
    *,
    mapping: Mapping | None = None,
    generated_at: datetime | None = None,
) -> Report:
    mapping = mapping or pack_of(pack).mapping
    decisions = decide_all(ledger, apps, pack, as_of)
    # Examples only for the apps with findings, in one read.
    examples = ledger.examples_by_app([d.app_id for d in decisions if d.hits])
    reports = tuple(
        build_app_report(d, pack, mapping, examples.get(d.app_id, {})) for d in decisions
    )
    return Report(
        as_of=as_of,
        generated_at=generated_at or datetime.now(UTC),
        pack=pack,
        ledger_url=safe_url(ledger.url),
        apps=reports,
    )


def build_app_report(
    decision: Decision, pack: RulePack, mapping: Mapping, examples: dict[str, str]
) -> AppReport:
    """One app's part of the report: its decision with each finding's rule, fix and example."""
    findings = tuple(_finding(pack, mapping, h, examples.get(h.rule_id)) for h in decision.hits)
    timeline = []
    for day in decision.window.dates():
        calls = decision.calls_per_day.get(day, 0)
        timeline.append(DayPoint(day, calls, decision.deprecated_per_day.get(day, 0)))
    return AppReport(
        decision=decision,
        findings=findings,
        coverage=tuple(coverage(decision, pack)),
        timeline=tuple(timeline),
    )


def _finding(
    pack: RulePack, mapping: Mapping, hits: RuleHits, example: str | None
) -> FindingReport:
    try:
        rule = pack.rule(rule_of_key(hits.rule_id)[0])
    except KeyError:
        # Recorded under another pack (or an older version of it): report what we know.
        rule = Rule(
            id=hits.rule_id,
            kind="unknown",
            title=hits.rule_id,
            description=f"rule {hits.rule_id!r} is not in pack {pack.id!r}",
            endpoints=frozenset(),
            params=(),
            replacement="",
            seed_section="",
        )
    return FindingReport(
        rule=rule,
        hits=hits,
        blocking=pack.blocks(hits.rule_id),
        graced=rule_of_key(hits.rule_id)[1],
        example=_parse(example),
        replacements=replacements(rule, mapping),
        documentation_url=doc_link(pack, rule),
    )


def replacements(rule: Rule, mapping: Mapping) -> tuple[str, ...]:
    found = [rule.replacement] if rule.replacement else []
    for endpoint in sorted(rule.endpoints):
        row = mapping.endpoint(endpoint)
        # The mapping's row, unless the rule's replacement already spells it out.
        if row is not None and not any(f.startswith(row.replacement) for f in found):
            found.append(row.replacement)
    for param in rule.params:
        fo = mapping.replacement_for(param)
        if fo is not None:
            found.append(f"{param} -> {fo}")
    return tuple(dict.fromkeys(found))


def doc_link(pack: RulePack, rule: Rule) -> str:
    if not pack.documentation_url:
        return ""
    if not rule.seed_section:
        return pack.documentation_url
    slug = re.sub(r"[^a-z0-9]+", "-", rule.seed_section.lower()).strip("-")
    return f"{pack.documentation_url}#{slug}"


def _parse(example: str | None) -> Any:
    if example is None:
        return None
    try:
        return json.loads(example)
    except ValueError:
        return example


def safe_url(url: str) -> str:
    """The ledger URL without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def month_day(day: date) -> str:
    """``MM-DD``, as ``f"{day:%m-%d}"`` writes it, without strftime's cost (reports write tens of
    thousands of them)."""
    return day.isoformat()[5:]


def stamp(at: datetime | None, timespec: str = "seconds") -> str | None:
    """UTC ISO 8601 with a ``Z``; None stays None."""
    if at is None:
        return None
    return at.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")
