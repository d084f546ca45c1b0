"""Matching: every request gets an operation of openapi.yaml, or a bounded ``unknown:`` template."""

import pytest


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
        ("POST", "/v1/1/scripts", "createScript", "/scripts", "1"),
        ("PUT", "/v1/1/scripts/7", "updateScript", "/scripts/{script_id}", "1"),
        ("GET", "/v1/1/checkouts?since_id=5", "listCheckouts", "/checkouts", "1"),
        ("GET", "/v1/1/checkouts/500", "getCheckout", "/checkouts/{checkout_id}", "1"),
    ],
)
async def test__matcher__known_path__should_name_operation_template_and_store(
    method, path, operation_id, template, store_id, make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow(method, path))
    state = state_of(flow)
    assert state.operation_id == operation_id
    assert state.path_template == template
    assert state.match.store_id == store_id


@pytest.mark.parametrize(
    ("method", "path", "template"),
    [
        ("GET", "/v1/1/no-such-thing", "unknown:/v1/{n}/no-such-thing"),
        ("GET", "/health?verbose=1", "unknown:/health"),
        ("PURGE", "/v1/1/orders", "unknown:/v1/{n}/orders"),
        (
            "GET",
            "/v1/1/customers/zacarias.pq@example.org/notes/5b7e6f8a-1111-2222-3333-444455556666",
            "unknown:/v1/{n}/customers/{email}/notes/{id}",
        ),
        ("GET", "/v1/1/x/Zacarias%20P%C3%A9rez/+54-11-5555-1234", "unknown:/v1/{n}/x/{value}/{n}"),
        ("GET", "/v1/1/t/tok_live_8f3kS9dLq2Wm4", "unknown:/v1/{n}/t/{id}"),
    ],
)
async def test__matcher__unknown_path__should_be_a_template_without_values(
    method, path, template, make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow(method, path))
    state = state_of(flow)
    assert state.operation_id is None
    assert state.path_template == template


async def test__matcher__100kb_unknown_path__should_be_stored_as_at_most_200_chars(
    make_pipeline, new_flow
):
    with make_pipeline() as p:
        await p.run(new_flow("GET", "/v1/1/" + "/".join(["seg"] * 30_000)))
    (record,) = p.records
    template = record.path_template.removeprefix("unknown:")
    assert len(template) <= 200 and template.startswith("/v1/{n}/seg/seg")
