"""Start-up: the servers start in the background once collection shows a test that uses them."""

from __future__ import annotations

import textwrap

import pytest

pytestmark = pytest.mark.slow

PRESTART_SUITE = textwrap.dedent(
    """
    import time

    from miready.pytest_plugin.hooks import session_key


    def test_a_without_servers(pytestconfig):
        servers = pytestconfig.stash[session_key]
        deadline = time.monotonic() + 60
        while not servers.proxies:
            assert time.monotonic() < deadline, "the proxy never started in the background"
            time.sleep(0.02)


    def test_b_with_the_proxy(pytestconfig, miready_proxy):
        servers = pytestconfig.stash[session_key]
        assert [p.url for p in servers.proxies.values()] == [miready_proxy.url]
        assert miready_proxy.findings() == []
    """
)

NOTHING_TO_START = textwrap.dedent(
    """
    import pytest

    from miready.pytest_plugin.hooks import session_key


    def test_plain(pytestconfig):
        assert session_key not in pytestconfig.stash


    def test_deselected(miready_proxy):
        pass
    """
)

SKIPPED_ONLY = textwrap.dedent(
    """
    import pytest


    @pytest.mark.skip(reason="not today")
    def test_skipped(miready_proxy):
        pass


    def test_plain():
        pass
    """
)


def test_startup__a_later_test_uses_the_proxy__should_start_it_while_earlier_tests_run(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(test_app=PRESTART_SUITE)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2)


def test_startup__tests_that_use_servers_deselected__should_start_nothing(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(test_app=NOTHING_TO_START)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-k", "plain")

    result.assert_outcomes(passed=1, deselected=1)


def test_startup__only_a_skipped_test_uses_the_proxy__should_stop_it_and_report_nothing(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(test_app=SKIPPED_ONLY)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, skipped=1)
    assert [line for line in result.outlines if "miready" in line.split("plugins:")[0]] == []
