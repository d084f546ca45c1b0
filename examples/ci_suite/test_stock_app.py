"""The app's contract tests, run against miready's mock store through its recording proxy.

``pytest --miready-gate`` fails the run if any test made a deprecated call, naming the test.
"""

from __future__ import annotations

import urllib.error

import pytest
from stock_app import StoreClient, locations_by_priority, set_stock, stock_at


@pytest.fixture
def client(miready_proxy) -> StoreClient:
    """The app, pointed at the proxy: every call it makes is recorded and classified."""
    return StoreClient(miready_proxy.api_url, miready_proxy.token)


def test_locations__sample_store__should_come_default_first(client, miready_store):
    assert locations_by_priority(client) == miready_store.location_ids


def test_set_stock__at_the_default_location__should_change_only_that_location(
    client, miready_store
):
    product = miready_store.product_ids[0]
    variant = miready_store.variant_ids[product][0]
    before = stock_at(client, product, variant)

    set_stock(client, product, miready_store.default_location_id, 7)

    after = stock_at(client, product, variant)
    assert after[miready_store.default_location_id] == 7
    others = [loc for loc in miready_store.location_ids[1:] if loc in before]
    assert {loc: after[loc] for loc in others} == {loc: before[loc] for loc in others}


def test_set_stock__store_failing__should_raise_the_store_error(client, miready_store):
    miready_store.faults({"path": "*/variants/stock", "error_rate": 1.0, "status": 503})
    try:
        with pytest.raises(urllib.error.HTTPError) as error:
            set_stock(client, miready_store.product_ids[0], miready_store.default_location_id, 1)
    finally:
        miready_store.faults()  # clear: the store is shared by this worker's tests
    assert error.value.code == 503


def test_locations__legacy_endpoints_switched_off__should_still_work(client, miready_store):
    miready_store.legacy(False)
    try:
        assert locations_by_priority(client) == miready_store.location_ids
    finally:
        miready_store.legacy(True)


def test_app__whole_module__should_make_no_deprecated_call(client, miready_proxy, miready_store):
    locations_by_priority(client)
    set_stock(client, miready_store.product_ids[-1], miready_store.default_location_id, 3)

    assert miready_proxy.findings() == []
