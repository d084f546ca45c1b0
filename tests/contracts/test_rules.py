"""The default rule pack and the rule engine, one row per seed-004 deprecation."""

from dataclasses import replace
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from miready.contracts.mapping import default_mapping
from miready.contracts.params import body_key_paths, query_params
from miready.contracts.rule_index import EndpointRules
from miready.contracts.rules import (
    CallFacts,
    RulePack,
    _finding_of,
    default_rule_pack,
    load_rule_pack,
)


def facts(endpoint: str, body=None, query=(), headers=None, at=None) -> CallFacts:
    method, path = endpoint.split(" ", 1)
    return CallFacts(
        method=method,
        path_template=path,
        params=body_key_paths(body) | query_params(query),
        headers=headers or {},
        at=at,
    )


def rule_ids(call: CallFacts) -> list[str]:
    return [f.rule_id for f in default_rule_pack().classify(call)]


def test__default_pack__should_carry_the_seed_window_and_the_eight_affected_scopes():
    pack = default_rule_pack()
    assert pack.window_days == 14
    assert pack.affected_scopes == {
        "read_products",
        "write_products",
        "read_orders",
        "write_orders",
        "read_draft_orders",
        "write_draft_orders",
        "read_shipping",
        "write_shipping",
    }


@pytest.mark.parametrize(
    ("endpoint", "rule_id"),
    [
        ("POST /orders/{order_id}/pack", "endpoint.orders.pack"),
        ("POST /orders/{order_id}/fulfill", "endpoint.orders.fulfill"),
        ("POST /orders/{order_id}/fulfillments", "endpoint.orders.fulfillments.create"),
        (
            "GET /orders/{order_id}/fulfillments/{fulfillment_id}",
            "endpoint.orders.fulfillments.get",
        ),
        (
            "DELETE /orders/{order_id}/fulfillments/{fulfillment_id}",
            "endpoint.orders.fulfillments.delete",
        ),
    ],
)
def test__classify__a_deprecated_endpoint__should_give_its_rule(endpoint, rule_id):
    assert rule_ids(facts(endpoint, {})) == [rule_id]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("POST /products", {"name": "x", "variants": [{"price": "1", "stock": 3}]}),
        ("POST /products", {"name": "x", "stock": 3}),
        ("PUT /products/{product_id}", {"variants": [{"stock": 3}]}),
        ("POST /products/{product_id}/variants", {"price": "1", "stock": 3}),
        ("PUT /products/{product_id}/variants/{variant_id}", {"stock": 3}),
        ("PATCH /products/{product_id}/variants", [{"id": 1, "stock": 3}]),
    ],
)
def test__classify__variant_stock_on_a_product_write__should_give_param_variant_stock(
    endpoint, body
):
    assert rule_ids(facts(endpoint, body)) == ["param.variant.stock"]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        (
            "POST /products",
            {"variants": [{"inventory_levels": [{"location_id": "L", "stock": 3}]}]},
        ),
        (
            "PATCH /products/{product_id}/variants",
            [{"id": 1, "inventory_levels": [{"location_id": "L", "stock": 1}]}],
        ),
        (
            "POST /products/{product_id}/variants/stock",
            {"action": "replace", "value": 3, "location_id": "L"},
        ),
        (
            "PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id}",
            {"status": "PACKED"},
        ),
        ("POST /orders", {"products": [{"variant_id": 1, "quantity": 1}], "shipping_status": "x"}),
    ],
)
def test__classify__the_new_way__should_give_no_finding(endpoint, body):
    assert rule_ids(facts(endpoint, body)) == []


def test__classify__stock_endpoint_without_location__should_give_the_missing_parameter_rule():
    call = facts("POST /products/{product_id}/variants/stock", {"action": "replace", "value": 3})
    assert rule_ids(call) == ["param.variant.stock.no-location"]


SHIPPING_PARAMS = [
    "shipping",
    "shipping_carrier_name",
    "shipping_tracking_number",
    "shipping_tracking_url",
    "shipping_option",
    "shipping_option_code",
    "shipping_option_reference",
    "shipping_pickup_details",
    "shipping_store_branch_name",
    "shipping_pickup_type",
    "shipping_suboption",
]


@pytest.mark.parametrize("endpoint", ["POST /orders", "POST /draft_orders"])
@pytest.mark.parametrize("param", SHIPPING_PARAMS)
def test__classify__a_deprecated_order_param__should_give_its_own_rule(endpoint, param):
    call = facts(endpoint, {param: "x", "products": []})
    found = default_rule_pack().classify(call)
    assert [(f.rule_id, f.params) for f in found] == [(f"param.order.{param}", (param,))]


def test__every_seed_param__should_have_exactly_one_rule():
    pack = default_rule_pack()
    order_rules = [r for r in pack.rules if r.id.startswith("param.order.")]
    assert sorted(p for r in order_rules for p in r.params) == sorted(SHIPPING_PARAMS)


def test__classify__an_unknown_call__should_give_nothing():
    assert default_rule_pack().classify(CallFacts(method="GET", path_template=None)) == []


def test__classify__listing_fulfillment_events__should_give_the_blocking_list_rule():
    pack = default_rule_pack()
    assert rule_ids(facts("GET /orders/{order_id}/fulfillments")) == [
        "endpoint.orders.fulfillments.list"
    ]
    assert pack.rule("endpoint.orders.fulfillments.list").blocking


@pytest.mark.parametrize(
    ("endpoint", "selected", "expected"),
    [
        ("GET /orders", {"id", "shipping_tracking_number"}, ("shipping_tracking_number",)),
        (
            "GET /orders/{order_id}",
            {"shipping", "shipping_status"},
            ("shipping", "shipping_status"),
        ),
        ("GET /orders", {"id", "fulfillments"}, None),
        ("GET /orders", set(), None),
    ],
)
def test__classify__legacy_fields_named_in_fields__should_give_an_advisory_finding(
    endpoint, selected, expected
):
    method, path = endpoint.split(" ", 1)
    call = CallFacts(method=method, path_template=path, selected_fields=frozenset(selected))
    found = default_rule_pack().classify(call)
    if expected is None:
        assert found == []
        return
    assert [(f.rule_id, f.params) for f in found] == [("field.order.legacy-selected", expected)]
    assert not default_rule_pack().blocks("field.order.legacy-selected")


def test__legacy_field_rule__should_take_its_field_names_from_the_mapping():
    rule = default_rule_pack().rule("field.order.legacy-selected")
    assert set(rule.params) == set(default_mapping().field_names())
    assert "shipping_tracking_number" in rule.params


def _rule_by_rule(pack: RulePack) -> RulePack:
    """The reference: the same pack with no index, every rule judged by its kind in turn."""
    return replace(
        pack,
        _by_endpoint={
            endpoint: EndpointRules.of(compiled.rules, lambda rule: False, _finding_of)
            for endpoint, compiled in pack._by_endpoint.items()
        },
    )


_PACKS = ["tiendanube-multi-inventory", "shopify-multi-location", "acme"]
_ACME = Path(__file__).parent / "packs" / "acme"


@pytest.mark.parametrize("name", _PACKS)
def test__classify__with_the_index_by_name__should_find_what_each_rule_finds_alone(name):
    pack = load_rule_pack(_ACME if name == "acme" else name)
    reference = _rule_by_rule(pack)
    names = sorted({p for r in pack.rules for p in (*r.params, *r.when)} | {"note", "x[]"})
    names += [f"query:{n}" for n in names]
    endpoints = sorted(pack._by_endpoint)
    grace = pack.grace_header
    headers = st.just({}) if grace is None else st.sampled_from([{}, {grace.name.lower(): "1"}])
    kinds = st.sampled_from([None, *(pack.manifest.app_kinds or ())])

    @settings(max_examples=400, derandomize=True, deadline=None)
    @given(
        endpoint=st.sampled_from(endpoints),
        params=st.frozensets(st.sampled_from(names), max_size=6),
        headers=headers,
        app_kind=kinds,
        day=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    )
    def check(endpoint, params, headers, app_kind, day):
        method, path = endpoint.split(" ", 1)
        call = CallFacts(
            method=method,
            path_template=path,
            params=params,
            headers=headers,
            app_kind=app_kind,
            at=datetime.combine(day, time(12), UTC),
        )
        assert pack.classify(call) == reference.classify(call)

    check()
    indexed = sum(len(c.rules) - len(c.judged) for c in pack._by_endpoint.values())
    assert indexed or name != "tiendanube-multi-inventory"  # the default pack uses the index
