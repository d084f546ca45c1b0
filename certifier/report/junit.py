"""The JUnit XML report: one testcase per (app, rule), failing where the app hit the rule."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from miready.certifier.report.formats import FORMATS
from miready.certifier.report.model import AppReport, Report, stamp


@FORMATS.register("junit")
def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name=f"miready {report.pack.id}")
    total_tests = total_failures = 0
    for a in report.apps:
        suite = _suite(report, a)
        total_tests += int(suite.get("tests", "0"))
        total_failures += int(suite.get("failures", "0"))
        suites.append(suite)
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _suite(report: Report, a: AppReport) -> ET.Element:
    d = a.decision
    suite = ET.Element(
        "testsuite", name=a.app_id, timestamp=stamp(report.as_of) or "", errors="0", skipped="0"
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("verdict", d.verdict.value),
        ("automatic_verdict", d.automatic.value),
        ("ready", str(d.ready).lower()),
        ("eligible_on", d.eligible_on.isoformat() if d.eligible_on else ""),
        ("reason", d.reason),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    # Advisory findings never block: they are not failures.
    hits = {f.rule.id: f for f in a.blocking_findings}
    failures = 0
    # Every rule of the pack is a test, passing where the app did not hit it; rules found but not
    # in the pack (an older pack) still fail.
    rule_ids = [r.id for r in report.pack.rules] + [r for r in hits if r not in _ids(report)]
    for rule_id in rule_ids:
        case = ET.SubElement(suite, "testcase", classname=a.app_id, name=rule_id)
        finding = hits.get(rule_id)
        if finding is None:
            continue
        failures += 1
        failure = ET.SubElement(
            case,
            "failure",
            type=finding.rule.kind,
            message=f"{finding.hits.count} call(s) in the window, last at"
            f" {stamp(finding.hits.last_at)}: {finding.rule.title}",
        )
        example = json.dumps(finding.example) if finding.example is not None else "-"
        failure.text = (
            f"{finding.rule.description}\nendpoint: {finding.endpoint}\nexample: {example}\n"
            f"replacement: {'; '.join(finding.replacements)}\nsee: {finding.documentation_url}"
        )
    suite.set("tests", str(len(rule_ids)))
    suite.set("failures", str(failures))
    return suite


def _ids(report: Report) -> set[str]:
    return {r.id for r in report.pack.rules}
