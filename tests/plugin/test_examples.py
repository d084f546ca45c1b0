"""The examples pass as an app developer would run them: the single file and the CI suite."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from junitparser import JUnitXml

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE = EXAMPLES / "test_app_contract.py"
CI_SUITE = EXAMPLES / "ci_suite"
CI_TESTS = 5
LEGACY_TEST = textwrap.dedent(
    """
    from stock_app import StoreClient


    def test_total_stock__the_old_way(miready_proxy, miready_store):
        client = StoreClient(miready_proxy.api_url, miready_proxy.token)
        product = miready_store.product_ids[0]
        variant = miready_store.variant_ids[product][0]
        client.call("PUT", f"/products/{product}/variants/{variant}", {"stock": 12})
    """
)


@pytest.fixture
def ci_suite(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(CI_SUITE, pytester.path, dirs_exist_ok=True)
    return pytester


@pytest.fixture
def ci_suite_with_a_legacy_call(ci_suite: pytest.Pytester) -> pytest.Pytester:
    ci_suite.path.joinpath("test_legacy.py").write_text(LEGACY_TEST)
    return ci_suite


def test_example_contract_test__copied_into_a_project__should_pass_under_the_gate(
    pytester: pytest.Pytester,
):
    shutil.copy(EXAMPLE, pytester.path / EXAMPLE.name)

    result = pytester.runpytest_subprocess("--miready-gate")

    result.assert_outcomes(passed=1)
    assert result.ret == 0


def test_ci_suite__plain__should_pass(ci_suite):
    result = ci_suite.runpytest_subprocess()

    result.assert_outcomes(passed=CI_TESTS)
    assert result.ret == 0


def test_ci_suite__gate__should_pass_printing_its_figures(ci_suite):
    result = ci_suite.runpytest_subprocess("--miready-gate")

    result.assert_outcomes(passed=CI_TESTS)
    assert result.ret == 0
    result.stdout.fnmatch_lines(
        [
            "*miready gate: passed*",
            "miready: * call(s) recorded, 0 deprecated, 0 unrecorded",
            "miready ledger: sqlite:///*",
        ]
    )


def test_ci_suite__legacy_call_under_xdist_gate_and_junit__should_fail_naming_the_test(
    ci_suite_with_a_legacy_call,
):
    suite = ci_suite_with_a_legacy_call

    result = suite.runpytest_subprocess(
        "-n", "2", "--miready-gate", "--miready-junit=miready.xml", "-p", "xdist"
    )

    result.assert_outcomes(passed=CI_TESTS + 1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            "*miready gate: FAILED*",
            "param.variant.stock: 1 call(s) by app stock-sync*",
            "by test:",
            "    test_legacy.py::test_total_stock__the_old_way: param.variant.stock x1*",
        ]
    )
    xml = JUnitXml.fromfile(str(suite.path / "miready.xml"))
    failed = {(c.classname, c.name) for s in xml for c in s if not c.is_passed}
    assert failed == {
        ("stock-sync", "param.variant.stock"),
        ("tests", "test_legacy.py::test_total_stock__the_old_way"),
    }


def test_ci_suite__strict__should_fail_only_the_test_that_made_the_legacy_call(
    ci_suite_with_a_legacy_call,
):
    result = ci_suite_with_a_legacy_call.runpytest_subprocess("--miready-strict")

    result.assert_outcomes(passed=CI_TESTS, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*miready: deprecated call(s) made by this test: param.variant.stock x1*",
            "FAILED test_legacy.py::test_total_stock__the_old_way - miready*",
        ]
    )
