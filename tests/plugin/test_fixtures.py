"""The fixtures: the store's fixture file (ini or marker) and the token's scopes (ini)."""

from __future__ import annotations

import textwrap

import pytest
from miready.mocks.app import SAMPLE_FIXTURE

pytestmark = pytest.mark.slow

APP_TESTS = textwrap.dedent(
    """
    import urllib.error
    import urllib.request

    import pytest


    def status(url, token):
        request = urllib.request.Request(
            url, headers={"Authentication": f"bearer {token}", "User-Agent": "FixtureTestApp"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code


    def test_ini_fixture_and_scopes(miready_store):
        assert miready_store.store_id == "5"
        assert miready_store.scopes == ["read_orders"]
        assert status(miready_store.api_url + "/orders", miready_store.token) == 200
        assert status(miready_store.api_url + "/products", miready_store.token) == 403


    @pytest.mark.miready_fixture("fixtures/store7.yaml")
    def test_marker_fixture(miready_proxy):
        assert miready_proxy.api_url.endswith("/v1/7")
        assert status(miready_proxy.api_url + "/orders", miready_proxy.token) == 200
        assert miready_proxy.findings() == []
    """
)


def test_fixtures__ini_and_marker__should_serve_those_stores_with_those_scopes(
    pytester: pytest.Pytester,
):
    sample = SAMPLE_FIXTURE.read_text(encoding="utf-8")
    pytester.path.joinpath("store5.yaml").write_text(sample.replace('id: "1"', 'id: "5"'))
    (pytester.path / "fixtures").mkdir()
    pytester.path.joinpath("fixtures/store7.yaml").write_text(sample.replace('id: "1"', 'id: "7"'))
    pytester.makeini("[pytest]\nmiready_fixture = store5.yaml\nmiready_scopes = read_orders\n")
    pytester.makepyfile(test_app=APP_TESTS)

    result = pytester.runpytest_subprocess("--miready-gate")

    result.assert_outcomes(passed=2)
    assert result.ret == 0
