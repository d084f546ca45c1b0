"""OperationMatcher: every request gets an operation of openapi.yaml, or ``unknown:<path>``."""

import pytest
from miready.proxy.matcher import OperationMatcher


@pytest.mark.parametrize(
    ("method", "path", "operation_id", "template", "store_id"),
    [
        ("POST", "/v1/1/orders/123/pack", "packOrder", "/orders/{order_id}/pack", "1"),
        ("POST", "/v1/77/orders/5/fulfill?x=1", "fulfillOrder", "/orders/{order_id}/fulfill", "77"),
        (
            "GET",
            "/v1/1/orders/5/fulfillments/ev1",
            "getOrderFulfillment",
            "/orders/{order_id}/fulfillments/{fulfillment_id}",
            "1",
        ),
        (
            "PATCH",
            "/v1/1/products/10/variants",
            "patchVariants",
            "/products/{product_id}/variants",
            "1",
        ),
        ("GET", "/v1/1/orders", "listOrders", "/orders", "1"),
    ],
)
def test__matcher__known_path__should_name_operation_template_and_store(
    method, path, operation_id, template, store_id, new_flow, state_of
):
    flow = new_flow(method, path)
    OperationMatcher().request(flow)
    state = state_of(flow)
    assert state.operation_id == operation_id
    assert state.path_template == template
    assert state.match.store_id == store_id


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/v1/1/no-such-thing", "unknown:/v1/1/no-such-thing"),
        ("GET", "/health?verbose=1", "unknown:/health"),
        ("PURGE", "/v1/1/orders", "unknown:/v1/1/orders"),
    ],
)
def test__matcher__unknown_path__should_be_kept_as_unknown_without_operation(
    method, path, template, new_flow, state_of
):
    flow = new_flow(method, path)
    OperationMatcher().request(flow)
    state = state_of(flow)
    assert state.operation_id is None
    assert state.path_template == template
