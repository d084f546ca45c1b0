"""The gate's JUnit XML: a testcase per (app, rule of the pack) and one per test that ran.

Not ``certifier/report/junit.py``: that one renders a readiness *decision* over a 14-day window
(verdicts, eligibility dates), which a single test run never has; the gate's question is only
"did any test make a deprecated call", so it renders the run's tally instead.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from miready.pytest_plugin.tally import Tally

TESTS_SUITE = "tests"


def rule_of(pack: Any, rule_id: str) -> Any:
    try:
        return pack.rule(rule_id)
    except KeyError:
        return None


def render_junit(tally: Tally, pack: Any, *, require_calls: bool = False) -> str:
    """Blocking rules fail where an app hit them; tests fail where they made such a call."""
    suites = ET.Element("testsuites", name=f"miready {pack.id}")
    for app_id in sorted(tally.apps | {app for app, _ in tally.hits}):
        suites.append(_app_suite(tally, pack, app_id))
    suites.append(_tests_suite(tally, pack, require_calls))
    total = sum(int(s.get("tests", "0")) for s in suites)
    failures = sum(int(s.get("failures", "0")) for s in suites)
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _app_suite(tally: Tally, pack: Any, app_id: str) -> ET.Element:
    suite = ET.Element("testsuite", name=app_id, errors="0", skipped="0")
    hit_ids = [rule for app, rule in sorted(tally.hits) if app == app_id]
    rule_ids = [r.id for r in pack.rules] + [r for r in hit_ids if rule_of(pack, r) is None]
    failures = 0
    for rule_id in rule_ids:
        case = ET.SubElement(suite, "testcase", classname=app_id, name=rule_id)
        finding = tally.hits.get((app_id, rule_id))
        if finding is None or not pack.blocks(rule_id):  # advisory findings never fail
            continue
        failures += 1
        rule = rule_of(pack, rule_id)
        tests = sorted({t for t, a, r in tally.by_test if (a, r) == (app_id, rule_id)})
        failure = ET.SubElement(
            case,
            "failure",
            type="deprecated",
            message=f"{finding.count} call(s): {rule.title if rule else rule_id}",
        )
        failure.text = (
            f"example: {json.dumps(finding.example)}\n"
            f"replacement: {rule.replacement if rule else '-'}\n"
            f"tests: {', '.join(t or '(outside any test)' for t in tests) or '-'}"
        )
    suite.set("tests", str(len(rule_ids)))
    suite.set("failures", str(failures))
    return suite


def _tests_suite(tally: Tally, pack: Any, require_calls: bool) -> ET.Element:
    suite = ET.Element("testsuite", name=TESTS_SUITE, errors="0", skipped="0")
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("calls_recorded", tally.calls),
        ("deprecated_calls", tally.deprecated),
        ("unrecorded_calls", tally.unrecorded_calls),
    ):
        ET.SubElement(props, "property", name=name, value=str(value))
    hits: dict[str, list[str]] = {}
    for test_id, app_id, rule_id, count in tally.test_hits():
        if not pack.blocks(rule_id):
            continue
        hits.setdefault(test_id, []).append(f"{rule_id} ({app_id}) x{count}")
    names = list(dict.fromkeys(tally.tests + [t for t in hits if t]))
    failures = 0
    if require_calls:
        case = ET.SubElement(suite, "testcase", classname="miready", name="calls_recorded")
        if tally.calls == 0:
            failures += 1
            ET.SubElement(case, "failure", type="no_calls", message="the proxy recorded no call")
    for name in names:
        case = ET.SubElement(suite, "testcase", classname=TESTS_SUITE, name=name)
        if name in hits:
            failures += 1
            message = "deprecated call(s): " + "; ".join(hits[name])
            ET.SubElement(case, "failure", type="deprecated", message=message)
    suite.set("tests", str(len(names) + int(require_calls)))
    suite.set("failures", str(failures))
    return suite
