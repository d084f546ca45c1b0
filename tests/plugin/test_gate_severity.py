"""The plugin's JUnit and gate count blocking findings only; advisory ones never fail."""

import pytest
from miready.contracts.rules import default_rule_pack

from miready.pytest_plugin import Finding, FindingTally, render_junit


@pytest.mark.parametrize(
    ("rule_id", "failures"),
    [("endpoint.orders.pack", 1), ("field.order.legacy-selected", 0)],
)
def test__render_junit__a_finding__should_fail_only_when_blocking(rule_id, failures):
    tally = FindingTally(apps={"app"})
    tally.add(Finding("app", rule_id, 3, None))
    xml = render_junit(tally, default_rule_pack())
    assert (
        f'<testsuites name="miready tiendanube-multi-inventory" tests="20" failures="{failures}"'
        in xml
    )
