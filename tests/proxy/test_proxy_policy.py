"""DeprecationPolicy: observe leaves responses alone, warn adds RFC headers, enforce answers 410."""

import json

import pytest
from miready.proxy.policy import parse_policy

DOCS = "https://tiendanube.github.io/api-documentation/guides/multi-inventory"
PACK_LINK = (
    f'<{DOCS}>; rel="deprecation"; type="text/html", '
    "</v1/1/orders/5/fulfillment-orders/%7Bfulfillment_order_id%7D>; "
    'rel="successor-version"; '
    'title="PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id}"'
)


async def test__observe__deprecated_call__should_be_forwarded_untouched_and_recorded(
    make_pipeline, new_flow
):
    with make_pipeline(miready_policy="observe") as p:
        flow = await p.run(new_flow("POST", "/v1/1/orders/5/pack"))
    assert flow.response.status_code == 200
    assert "Deprecation" not in flow.response.headers
    assert p.records[0].findings == ("endpoint.orders.pack",)


async def test__warn__deprecated_endpoint__should_add_deprecation_sunset_and_link(
    make_pipeline, new_flow
):
    with make_pipeline(miready_policy="warn") as p:
        flow = await p.run(new_flow("POST", "/v1/1/orders/5/pack"))
    h = flow.response.headers
    assert flow.response.status_code == 200
    assert h["Deprecation"] == "@1677628800"  # 2023-03-01T00:00:00Z, RFC 9745
    assert h["Sunset"] == "Thu, 31 Dec 2026 00:00:00 GMT"  # RFC 8594 HTTP-date
    assert h["Link"] == PACK_LINK
    assert p.records[0].findings == ("endpoint.orders.pack",)


async def test__warn__deprecated_parameter__should_link_docs_as_successor(make_pipeline, new_flow):
    with make_pipeline(miready_policy="warn", miready_sunset="2027-01-15") as p:
        flow = await p.run(new_flow("POST", "/v1/1/products", {"variants": [{"stock": 1}]}))
    h = flow.response.headers
    assert h["Sunset"] == "Fri, 15 Jan 2027 00:00:00 GMT"
    assert h["Link"] == (
        f'<{DOCS}>; rel="deprecation"; type="text/html", '
        f'<{DOCS}>; rel="successor-version"; '
        'title="variant.inventory_levels[] {location_id, stock}"'
    )


async def test__warn__clean_call__should_add_no_header(make_pipeline, new_flow):
    with make_pipeline(miready_policy="warn") as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders/5/fulfillment-orders"))
    assert not {"Deprecation", "Sunset", "Link"} & set(flow.response.headers.keys())


async def test__enforce__deprecated_endpoint__should_answer_410_json_without_forwarding(
    make_pipeline, new_flow
):
    forwarded = []

    def respond(request):
        forwarded.append(request)
        raise AssertionError("must not be forwarded")

    with make_pipeline(miready_policy="enforce") as p:
        flow = await p.run(new_flow("POST", "/v1/1/orders/5/pack"), respond=respond)
    assert forwarded == []
    assert flow.response.status_code == 410
    assert flow.response.headers["Content-Type"] == "application/json"
    assert flow.response.headers["Deprecation"] == "@1677628800"
    assert json.loads(flow.response.content) == {
        "code": 410,
        "message": "Gone",
        "description": "POST /orders/{order_id}/pack is deprecated (endpoint.orders.pack): use "
        'PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id} {"status": "PACKED"}',
        "rule_ids": ["endpoint.orders.pack"],
    }
    [record] = p.records
    assert (record.status, record.findings) == (410, ("endpoint.orders.pack",))


async def test__enforce__deprecated_parameter__should_name_the_parameter(make_pipeline, new_flow):
    with make_pipeline(miready_policy="enforce") as p:
        flow = await p.run(new_flow("POST", "/v1/1/products", {"variants": [{"stock": 1}]}))
    body = json.loads(flow.response.content)
    assert flow.response.status_code == 410
    assert body["rule_ids"] == ["param.variant.stock"]
    assert body["description"] == (
        "POST /products with variants[].stock is deprecated (param.variant.stock): "
        "use variant.inventory_levels[] {location_id, stock}"
    )


async def test__enforce__clean_call__should_pass(make_pipeline, new_flow):
    with make_pipeline(miready_policy="enforce") as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
    assert flow.response.status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("block", "2023-03-01", "2026-12-31"), "unknown policy 'block'"),
        (("warn", "March 2023", "2026-12-31"), "deprecated-since must be an ISO date"),
        (("warn", "2023-03-01", "soon"), "sunset must be an ISO date"),
    ],
)
def test__parse_policy__bad_values__should_say_what_is_wrong(args, message):
    with pytest.raises(ValueError, match=message):
        parse_policy(*args)


async def test__enforce__an_advisory_finding_only__should_be_forwarded_and_recorded(
    make_pipeline, new_flow, state_of
):
    with make_pipeline(miready_policy="enforce") as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders?fields=id,shipping_tracking_number"))
    assert flow.response.status_code == 200
    assert [f.rule_id for f in state_of(flow).findings] == ["field.order.legacy-selected"]
    [record] = p.records
    assert record.findings == ("field.order.legacy-selected",)
