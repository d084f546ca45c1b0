"""Matching raw requests onto the operations of openapi.yaml."""

import pytest
from miready.contracts.rules import default_rule_pack
from miready.contracts.spec import default_operations


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "params"),
    [
        ("POST", "/v1/42/orders/7/pack", "packOrder", {"order_id": "7"}),
        ("post", "/v1/42/orders/7/fulfill?x=1", "fulfillOrder", {"order_id": "7"}),
        (
            "GET",
            "/v1/42/orders/7/fulfillments/9",
            "getOrderFulfillment",
            {"order_id": "7", "fulfillment_id": "9"},
        ),
        ("PATCH", "/v1/42/locations/priorities", "updateLocationPriorities", {}),
        (
            "GET",
            "/v1/42/locations/01HTMFDH09VC6E2Q8KGTGP44D3",
            "getLocation",
            {"location_id": "01HTMFDH09VC6E2Q8KGTGP44D3"},
        ),
        ("PATCH", "/v1/42/products/stock-price", "updateStockPrice", {}),
        ("POST", "/v1/42/products/5/variants/stock", "updateVariantsStock", {"product_id": "5"}),
        (
            "PATCH",
            "/v1/42/orders/7/fulfillment-orders/01F/",
            "updateFulfillmentOrder",
            {"order_id": "7", "fulfillment_order_id": "01F"},
        ),
    ],
)
def test__match__a_known_request__should_give_its_operation_and_store(
    method, path, operation_id, params
):
    match = default_operations().match(method, path)
    assert match is not None
    assert match.operation.operation_id == operation_id
    assert match.store_id == "42"
    assert match.path_params == params


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v2/42/orders"),
        ("GET", "/v1/42/nothing-here"),
        ("TRACE", "/v1/42/orders"),
        ("GET", "/"),
    ],
)
def test__match__an_unknown_request__should_give_none(method, path):
    assert default_operations().match(method, path) is None


def test__deprecated_operations__should_each_be_covered_by_a_rule_of_the_pack():
    ops = default_operations().operations
    covered = {e for r in default_rule_pack().rules for e in r.endpoints}
    deprecated = {op.endpoint for op in ops if op.deprecated}
    assert len(deprecated) == 6
    assert deprecated <= covered
    assert not default_operations().by_id("updateFulfillmentOrder").deprecated
