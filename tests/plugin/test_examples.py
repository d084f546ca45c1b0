"""The example contract test in ``examples/`` passes as an app developer would run it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "test_app_contract.py"


def test_example_contract_test__copied_into_a_project__should_pass_under_the_gate(
    pytester: pytest.Pytester,
):
    shutil.copy(EXAMPLE, pytester.path / EXAMPLE.name)

    result = pytester.runpytest_subprocess("--miready-gate")

    result.assert_outcomes(passed=1)
    assert result.ret == 0
