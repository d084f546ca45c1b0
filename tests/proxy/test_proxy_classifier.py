"""Classifier: parameter names from JSON bodies and query keys, then the rule pack's findings."""

import gzip
import json

import pytest
from miready.contracts.rules import load_rule_pack

PACK = load_rule_pack()


@pytest.mark.parametrize(
    ("method", "path", "body", "rule_ids"),
    [
        ("POST", "/v1/1/orders/5/pack", None, ["endpoint.orders.pack"]),
        (
            "POST",
            "/v1/1/orders/5/fulfill",
            {"shipping_tracking_number": "X"},
            ["endpoint.orders.fulfill"],
        ),
        (
            "POST",
            "/v1/1/orders/5/fulfillments",
            {"status": "dispatched", "description": "d"},
            ["endpoint.orders.fulfillments.create"],
        ),
        ("GET", "/v1/1/orders/5/fulfillments/e1", None, ["endpoint.orders.fulfillments.get"]),
        ("DELETE", "/v1/1/orders/5/fulfillments/e1", None, ["endpoint.orders.fulfillments.delete"]),
        ("POST", "/v1/1/products", {"variants": [{"stock": 3}]}, ["param.variant.stock"]),
        ("PATCH", "/v1/1/products/10/variants", [{"id": 1, "stock": 3}], ["param.variant.stock"]),
        (
            "POST",
            "/v1/1/products/10/variants/stock",
            {"action": "replace", "value": 1},
            ["param.variant.stock.no-location"],
        ),
        (
            "POST",
            "/v1/1/orders",
            {"products": [], "shipping_option": "x", "shipping": "c"},
            ["param.order.shipping", "param.order.shipping_option"],
        ),
        (
            "POST",
            "/v1/1/products/10/variants/stock",
            {"action": "replace", "value": 1, "location_id": "L1"},
            [],
        ),
        ("POST", "/v1/1/products", {"variants": [{"inventory_levels": [{"stock": 1}]}]}, []),
        ("GET", "/v1/1/orders/5/fulfillment-orders", None, []),
    ],
)
async def test__classifier__seed_table_rows(
    method, path, body, rule_ids, make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow(method, path, body))
    assert sorted(f.rule_id for f in state_of(flow).findings) == sorted(rule_ids)


async def test__classifier__query_keys__should_be_params_with_prefix(
    make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders?page=2&per_page=5&page=3"))
    assert state_of(flow).params == {"query:page", "query:per_page"}


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"shipping=1&stock=2", "application/x-www-form-urlencoded"),
        (b'{"variants": [{"stock": 1}]}', "text/plain"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
        (b"", "application/json"),
    ],
)
async def test__classifier__garbage_or_non_json_body__should_give_no_params_and_not_raise(
    raw, content_type, make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(
            new_flow("POST", "/v1/1/products", raw=raw, headers={"Content-Type": content_type})
        )
    assert state_of(flow).params == frozenset()
    assert flow.request.raw_content == raw  # forwarded untouched
    assert len(p.records) == 1


async def test__classifier__body_over_cap__should_be_forwarded_untouched_and_not_parsed(
    make_pipeline, new_flow, state_of
):
    body = json.dumps({"variants": [{"stock": 1}], "pad": "x" * 2_000_000}).encode()
    with make_pipeline() as p:
        flow = await p.run(
            new_flow(
                "POST", "/v1/1/products", raw=body, headers={"Content-Type": "application/json"}
            )
        )
    assert state_of(flow).findings == []
    assert flow.request.raw_content == body


async def test__classifier__gzip_json_body__should_be_decoded(make_pipeline, new_flow, state_of):
    raw = gzip.compress(json.dumps({"variants": [{"stock": 1}]}).encode())
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    with make_pipeline() as p:
        flow = await p.run(new_flow("POST", "/v1/1/products", raw=raw, headers=headers))
    assert [f.rule_id for f in state_of(flow).findings] == ["param.variant.stock"]


async def test__classifier__unknown_rule_pack__should_be_an_options_error(make_pipeline):
    from mitmproxy.exceptions import OptionsError

    with (
        pytest.raises(OptionsError, match="no-such-pack"),
        make_pipeline(miready_rules="no-such-pack"),
    ):
        pass


def test__pack__every_deprecated_operation_of_the_spec__should_have_a_rule():
    """The consistency check of the pack, not a hand-written list (tests/contracts/test_pack.py)."""
    from miready.contracts.pack import pack_of

    ops = pack_of(PACK).operations.operations
    covered = {e for r in PACK.rules for e in r.endpoints}
    deprecated = {op.endpoint for op in ops if op.deprecated}
    assert deprecated and deprecated <= covered


async def test__proxy__a_pack_folder_in_rules__should_match_and_classify_on_its_own_spec(
    make_pipeline, new_flow, state_of
):
    from pathlib import Path

    acme = Path(__file__).resolve().parents[1] / "contracts" / "packs" / "acme"
    with make_pipeline(miready_rules=str(acme)) as p:
        ship = await p.run(new_flow("POST", "/api/7/widgets/3/ship"))
        seed004 = await p.run(new_flow("POST", "/v1/1/orders/5/pack"))
    assert state_of(ship).operation_id == "shipWidget"
    assert [f.rule_id for f in state_of(ship).findings] == ["endpoint.widgets.ship"]
    assert state_of(seed004).match is None and state_of(seed004).findings == []
