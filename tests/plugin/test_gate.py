"""The gate: a suite of the app's own tests fails the run on a deprecated call, with a summary."""

from __future__ import annotations

import textwrap

import pytest
from junitparser import JUnitXml

pytestmark = pytest.mark.slow

APP_TESTS = textwrap.dedent(
    """
    import json
    import urllib.request


    def call(miready_proxy, method, path, body=None):
        request = urllib.request.Request(
            miready_proxy.api_url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authentication": f"bearer {miready_proxy.token}",
                "User-Agent": "GateTestApp",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")


    def test_locations(miready_proxy):
        assert len(call(miready_proxy, "GET", "/locations")) >= 2
        assert miready_proxy.findings() == []


    def test_stock_per_location(miready_proxy):
        location = call(miready_proxy, "GET", "/locations")[0]["id"]
        body = {"action": "replace", "value": 7, "location_id": location}
        call(miready_proxy, "POST", "/products/20/variants/stock", body)
        assert miready_proxy.findings() == []


    def test_store_fixture(miready_store):
        assert miready_store.api_url == f"{miready_store.url}/v1/{miready_store.store_id}"
        assert miready_store.install_app("other-app", ["read_orders"])
    """
)

DEPRECATED_TEST = textwrap.dedent(
    """

    def test_total_stock_the_old_way(miready_proxy):
        call(miready_proxy, "PUT", "/products/20/variants/201", {"stock": 12})
        [finding] = miready_proxy.findings()
        assert (finding.rule_id, finding.count) == ("param.variant.stock", 1)
    """
)


@pytest.fixture
def migrated_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_app=APP_TESTS)
    return pytester


@pytest.fixture
def legacy_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_app=APP_TESTS + DEPRECATED_TEST)
    return pytester


def test_gate__migrated_calls_only__should_pass_and_write_a_clean_junit(migrated_suite):
    result = migrated_suite.runpytest_subprocess("--miready-gate", "--miready-junit=gate.xml")

    result.assert_outcomes(passed=3)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        ["*miready gate: passed*", "miready: * call(s) recorded, 0 deprecated, 0 unrecorded"]
    )
    xml = JUnitXml.fromfile(str(migrated_suite.path / "gate.xml"))
    assert xml.tests > 0
    assert xml.failures == 0


def test_gate__deprecated_call__should_fail_the_run_naming_the_rule(legacy_suite):
    result = legacy_suite.runpytest_subprocess("--miready-gate", "--miready-junit=gate.xml")

    result.assert_outcomes(passed=4)  # every test passes; the gate fails the run
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*miready gate: FAILED*",
            "param.variant.stock: 1 call(s) by app app-under-test*",
            "*first example:*",
            "*replacement:*inventory_levels*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["by test:", "    test_app.py::test_total_stock_the_old_way: param.variant.stock x1*"]
    )
    xml = JUnitXml.fromfile(str(legacy_suite.path / "gate.xml"))
    failed = {(c.classname, c.name) for suite in xml for c in suite if not c.is_passed}
    assert failed == {
        ("app-under-test", "param.variant.stock"),
        ("tests", "test_app.py::test_total_stock_the_old_way"),
    }


def test_gate__deprecated_call_without_the_gate__should_pass_and_still_report(legacy_suite):
    result = legacy_suite.runpytest_subprocess()

    assert result.ret == 0
    result.stdout.fnmatch_lines(["*miready: deprecated calls (gate off)*", "param.variant.stock*"])


def test_gate__ini_option__should_turn_the_gate_on(legacy_suite):
    legacy_suite.makeini("[pytest]\nmiready_gate = true\n")

    result = legacy_suite.runpytest_subprocess()

    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*miready gate: FAILED*"])


def test_gate__under_xdist__should_aggregate_the_workers_findings(legacy_suite):
    result = legacy_suite.runpytest_subprocess(
        "-n", "2", "--miready-gate", "--miready-junit=gate.xml"
    )

    result.assert_outcomes(passed=4)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*miready gate: FAILED*", "param.variant.stock: 1 call(s)*"])
    result.stdout.fnmatch_lines(["*test_app.py::test_total_stock_the_old_way: param.variant*"])
    assert JUnitXml.fromfile(str(legacy_suite.path / "gate.xml")).failures == 2  # rule and test


def test_gate__strict__should_fail_the_offending_test_with_the_finding(legacy_suite):
    result = legacy_suite.runpytest_subprocess("--miready-strict")

    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*miready: deprecated call(s) made by this test: param.variant.stock x1*",
            "FAILED test_app.py::test_total_stock_the_old_way*",
        ]
    )


def test_gate__no_miready_gate_flag__should_turn_an_ini_enabled_gate_off(legacy_suite):
    legacy_suite.makeini("[pytest]\nmiready_gate = true\n")

    result = legacy_suite.runpytest_subprocess("--no-miready-gate")

    assert result.ret == 0
    result.stdout.fnmatch_lines(["*miready: deprecated calls (gate off)*"])


NO_PROXY_SUITE = textwrap.dedent(
    """
    import urllib.request


    def test_straight_to_the_store(miready_store):
        request = urllib.request.Request(
            miready_store.api_url + "/locations",
            headers={"Authentication": f"bearer {miready_store.token}", "User-Agent": "Direct"},
        )
        urllib.request.urlopen(request, timeout=30).read()


    def test_nothing_at_all():
        assert True
    """
)


def test_gate__calls_that_skip_the_proxy__should_warn_and_fail_under_require_calls(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(test_direct=NO_PROXY_SUITE)

    result = pytester.runpytest_subprocess(
        "--miready-gate", "--miready-require-calls", "--miready-junit=gate.xml"
    )

    result.assert_outcomes(passed=2)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "miready: 0 call(s) recorded, 0 deprecated, 1 unrecorded",
            "*WARNING: the proxy recorded no call*--miready-require-calls: the run fails*",
            "*1 call(s) reached the mock store without the proxy*",
            "    test_direct.py::test_straight_to_the_store: 1 call(s)",
        ]
    )
    xml = JUnitXml.fromfile(str(pytester.path / "gate.xml"))
    assert xml.tests == 3  # calls_recorded + the two tests
    assert xml.failures == 1


ENFORCED_SUITE = textwrap.dedent(
    """
    import urllib.error
    import urllib.request


    def test_enforced(miready_proxy):
        request = urllib.request.Request(
            miready_proxy.api_url + "/products/20/variants/201",
            data=b'{"stock": 12}',
            method="PUT",
            headers={
                "Authentication": f"bearer {miready_proxy.token}",
                "User-Agent": "PolicyTestApp",
                "Content-Type": "application/json",
            },
        )
        try:
            urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as e:
            assert e.code == 410
        else:
            raise AssertionError("the deprecated call went through")
    """
)


def test_gate__policy_option__should_reach_the_proxy(pytester: pytest.Pytester):
    pytester.makepyfile(test_policy=ENFORCED_SUITE)

    result = pytester.runpytest_subprocess("--miready-policy=enforce")

    result.assert_outcomes(passed=1)
