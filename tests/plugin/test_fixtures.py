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


HELPER_TESTS = textwrap.dedent(
    """
    import urllib.error
    import urllib.request


    def status(url, token):
        request = urllib.request.Request(
            url, headers={"Authentication": f"bearer {token}", "User-Agent": "HelperTestApp"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code


    def test_ids(miready_store):
        prefix = "01HTMFDH09VC6E2Q8KGTGP44D"
        assert miready_store.location_ids == [prefix + "1", prefix + "2", prefix + "3"]
        assert miready_store.default_location_id == prefix + "1"
        assert miready_store.product_ids == [10, 20, 30]
        assert miready_store.variant_ids == {10: [101], 20: [201], 30: [301]}


    def test_admin_helpers(miready_store, miready_proxy):
        locations = miready_proxy.api_url + "/locations"
        before = miready_store.admin.call("GET", "/_mock/clock")["now"]
        assert miready_store.advance_clock(days=2) > before
        assert miready_store.legacy(False) is False
        assert miready_store.legacy(True) is True
        miready_store.faults({"path": "*/locations", "error_rate": 1.0, "status": 503})
        assert status(locations, miready_store.token) == 503
        miready_store.reset()
        assert status(locations, miready_store.token) == 200  # faults gone, token kept
        other = miready_store.install_app("other-app", ["read_orders"])
        assert status(miready_proxy.api_url + "/orders", other) == 200
    """
)


def test_fixtures__ids_and_admin_helpers__should_serve_the_sample_store_and_keep_the_ledger(
    pytester: pytest.Pytester,
):
    pytester.makepyfile(test_helpers=HELPER_TESTS)

    result = pytester.runpytest_subprocess("--miready-keep-ledger=kept")

    result.assert_outcomes(passed=2)
    kept = list((pytester.path / "kept").glob("*.db"))
    assert len(kept) == 1
    result.stdout.fnmatch_lines([f"miready ledger: sqlite:///{kept[0]}"])


BAD_FIXTURE_TESTS = textwrap.dedent(
    """
    import pytest


    @pytest.mark.miready_fixture("missing.yaml")
    def test_missing(miready_store):
        pass


    @pytest.mark.miready_fixture("broken.yaml")
    def test_broken(miready_store):
        pass
    """
)


def test_fixtures__bad_fixture_files__should_name_the_file_and_the_cause(
    pytester: pytest.Pytester,
):
    pytester.path.joinpath("broken.yaml").write_text("stores: [unclosed\n")
    pytester.makepyfile(test_bad=BAD_FIXTURE_TESTS)

    result = pytester.runpytest_subprocess()

    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*FixtureError: miready fixture */missing.yaml: no such file"
            " (set by @pytest.mark.miready_fixture on test_bad.py::test_missing)",
            "*FixtureError: miready fixture */broken.yaml (set by *test_broken): "
            "the mock store cannot load it: *",
        ],
        consecutive=False,
    )
