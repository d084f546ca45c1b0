"""Installing miready costs an app's CI nothing it did not ask for."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import distribution, requires

TEST_ONLY = ("schemathesis", "hypothesis")


def test_plugin_module__imported__should_load_neither_mocks_proxy_nor_test_tools():
    code = (
        "import sys, miready.pytest_plugin; "
        "print(' '.join(m for m in sys.modules if m.split('.')[0] in "
        "('schemathesis', 'hypothesis', 'mitmproxy') or m.startswith(('miready.mocks', "
        "'miready.proxy', 'miready.certifier'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()

    assert loaded == []


def test_distribution__core_requirements__should_not_include_the_test_extras_plugins():
    core = [r for r in requires("miready") or [] if "extra ==" not in r]

    assert [r for r in core if r.split(">")[0].split("[")[0].strip() in TEST_ONLY] == []
    assert len(core) > 0


def test_distribution__pytest_entry_points__should_register_only_miready_s_own_plugin():
    entry_points = distribution("miready").entry_points

    assert [(e.name, e.value) for e in entry_points.select(group="pytest11")] == [
        ("miready", "miready.pytest_plugin")
    ]
    assert {e.group for e in entry_points} == {"pytest11", "console_scripts"}
