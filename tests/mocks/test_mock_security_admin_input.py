"""Every admin input is validated: bounded numbers, strings where strings belong, no regexes."""

from __future__ import annotations

import time

import pytest
import yaml
from miready.mocks.faults import FaultRule
from miready.mocks.ids import token_id
from mockapi import READY  # type: ignore[import-not-found]

BILLION_LAUGHS = "\n".join(
    ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    + [
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    + ["stores: [{id: '7', products: [{variants: *i}]}]"]
)


def bad_fields(error: dict) -> set[str]:
    """The fields a 422 names: top-level keys (the platform's shape), or under `fields`."""
    named = {k for k in error if k not in ("code", "message", "description", "fields")}
    return named | set(error.get("fields", {}))


async def _snapshot(api) -> tuple:
    _, state = await api.get("/_mock/state")
    _, clock = await api.get("/_mock/clock")
    return (
        [s["id"] for s in state["stores"]],
        [a["app_id"] for a in state["apps"]],
        [(i["app_id"], i["access_token"]) for s in state["stores"] for i in s["installations"]],
        clock["frozen"],
    )


BAD_LOCATION = {"name": {"es": 5}}
UNKNOWN_LEVEL = {"location_id": "NOWHERE"}
# (method, path, body, status, the field the 422 names)
REFUSED = [
    ("PUT", "/_mock/clock", {"advance_seconds": 1e20}, 422, "advance_seconds"),
    ("PUT", "/_mock/clock", {"advance_seconds": -1e20}, 422, "advance_seconds"),
    ("PUT", "/_mock/clock", {"advance_seconds": "5"}, 422, "advance_seconds"),
    ("PUT", "/_mock/clock", {"advance_seconds": True}, 422, "advance_seconds"),
    ("PUT", "/_mock/clock", {"now": 5}, 422, "now"),
    ("PUT", "/_mock/clock", {"now": "yesterday"}, 422, "now"),
    ("PUT", "/_mock/clock", {"now": "0001-01-01T00:00:00+14:00"}, 422, "now"),
    ("PUT", "/_mock/clock", {"now": "9999-12-31T23:59:59Z"}, 422, "now"),
    ("PUT", "/_mock/clock", {"now": "1969-12-31T23:59:59Z"}, 422, "now"),
    ("PUT", "/_mock/clock", {}, 422, "body"),
    ("PUT", "/_mock/clock", {"tomorrow": True}, 422, "tomorrow"),
    ("PUT", "/_mock/clock", [1], 422, "body"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "access_token": 5}, 422, "access_token"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "access_token": "a b"}, 422, "access_token"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "client_secret": 7}, 422, "client_secret"),
    ("POST", "/_mock/stores/1/apps", {"app_id": ["9"]}, 422, "app_id"),
    ("POST", "/_mock/stores/1/apps", {"app_id": 1e20}, 422, "app_id"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "x" * 65}, 422, "app_id"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "scopes": [1]}, 422, "scopes"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "name": {"es": "X"}}, 422, "name"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "admin": True}, 422, "admin"),
    ("POST", "/_mock/stores/1/apps", {}, 422, "app_id"),
    ("POST", "/_mock/stores/1/apps", {"app_id": "9", "access_token": READY}, 409, None),
    ("POST", "/_mock/stores", {"name": 5}, 422, "name"),
    ("POST", "/_mock/stores", {"name": {"es": 5}}, 422, "name"),
    ("POST", "/_mock/stores", {"name": {"español": "X"}}, 422, "name"),
    ("POST", "/_mock/stores", {"id": "../2"}, 422, "id"),
    ("POST", "/_mock/stores", {"id": 1e20}, 422, "id"),
    ("POST", "/_mock/stores", {"id": "1"}, 409, None),
    ("PUT", "/_mock/legacy", {"enabled": "no"}, 422, "enabled"),
    ("PUT", "/_mock/faults", {"rules": [{"path": "/x", "regex": "^/v1"}]}, 422, "rules[0]"),
    ("PUT", "/_mock/faults", {"rules": [{"path": "/x", "latency_ms": 1e9}]}, 422, None),
    ("PUT", "/_mock/faults", {"rules": [{"path": "/x", "error_rate": 2}]}, 422, None),
    ("PUT", "/_mock/faults", {"rules": [{"path": "/x", "status": 200}]}, 422, None),
    ("PUT", "/_mock/faults", {"rules": [{"path": 1}]}, 422, "rules[0].path"),
    ("PUT", "/_mock/faults", {"rules": [{"path": "/x"}] * 101}, 422, "rules"),
    ("PUT", "/_mock/faults", {"rules": [], "seed": "x"}, 422, "seed"),
    ("POST", "/_mock/apps", {"app_id": "9", "redirect_url": 5}, 422, "redirect_url"),
    ("POST", "/_mock/apps", {"app_id": "9"}, 422, "redirect_url"),
    ("POST", "/_mock/apps", {"app_id": "9", "redirect_url": "https://a.example", "x": 1}, 422, "x"),
    ("POST", "/_mock/stores/1/locations", {"name": "B", "address": "street"}, 422, "address"),
    (
        "POST",
        "/_mock/stores/1/locations",
        {"name": "B", "address": {}, "confirm": 1},
        422,
        "confirm",
    ),
    ("PUT", "/_mock/rate-limit", {"enabled": "yes"}, 422, "enabled"),
    ("PUT", "/_mock/rate-limit", {"enabled": True, "store_id": ["1"]}, 422, "store_id"),
    ("PUT", "/_mock/webhooks/delivery", {"duplicates": 2}, 422, "duplicates"),
    ("PUT", "/_mock/webhooks/delivery", {"seed": 1e300}, 422, "seed"),
    ("PUT", "/_mock/webhooks/delivery", {"replay": True}, 422, "replay"),
    ("PUT", "/_mock/readiness", {"1001": {"verdict": 5}}, 422, "1001"),
    ("PUT", "/_mock/readiness", {"1001": {"verdict": "ready", "extra": 1}}, 422, "1001"),
    ("PUT", "/_mock/stores/1/settings", {"fulfillment_orders_delay_seconds": "5"}, 422, None),
    ("PUT", "/_mock/stores/1/settings", {"multi_location_enabled": "yes"}, 422, None),
    ("POST", "/_mock/stores/1/shipping-quotes", {"items": []}, 422, "items"),
    ("POST", "/_mock/stores/1/shipping-quotes", {"items": [{"variant_id": "x"}]}, 422, "items"),
    ("POST", "/_mock/stores/1/shipping-quotes", {"items": [{"variant_id": 1}] * 251}, 422, None),
    ("POST", "/_mock/fixtures", {"stores": [{"id": "7", "name": 5}]}, 422, None),
    (
        "POST",
        "/_mock/fixtures",
        {"stores": [{"id": "7", "locations": [{"name": {"es": 5}}]}]},
        422,
        None,
    ),
    ("POST", "/_mock/fixtures", {"apps": [{"app_id": "7", "client_secret": 5}]}, 422, None),
    ("POST", "/_mock/fixtures", {"counters": {"order": 1e300}}, 422, None),
    (
        "POST",
        "/_mock/fixtures",
        {"stores": [{"id": "7", "installations": [{"app_id": "7", "access_token": READY}]}]},
        409,
        None,
    ),
    (
        "POST",
        "/_mock/fixtures",
        {
            "stores": [
                {"id": "7"},
                {
                    "id": "8",
                    "products": [{"variants": [{"inventory_levels": [{"location_id": "X"}]}]}],
                },
            ]
        },
        422,
        None,
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), REFUSED)
async def test__bad_admin_input__should_be_refused_in_the_error_shape_and_change_nothing(
    api, method, path, body, status, field
) -> None:
    before = await _snapshot(api)
    got, error = await api.call(method, path, body)
    assert got == status, error
    assert error["code"] == status and error["message"] and error["description"]
    if field is not None:
        assert any(name.startswith(field) for name in bad_fields(error)), error
    assert await _snapshot(api) == before
    status, info = await api.get(f"/_mock/tokens/{token_id(READY)}")
    assert status == 200 and info["app_id"] == "1002"


async def test__yaml_alias_bomb__should_be_413_not_a_hang(api, client, admin_headers) -> None:
    before = await _snapshot(api)
    started = time.monotonic()
    response = await client.post(
        "/_mock/fixtures",
        data=BILLION_LAUGHS,
        headers={"Content-Type": "application/yaml", **admin_headers},
    )
    assert response.status == 413 and (await response.json())["code"] == 413
    assert time.monotonic() - started < 10
    assert await _snapshot(api) == before
    assert yaml.safe_load(BILLION_LAUGHS)["i"][0][0][0][0][0][0][0][0][0] == "x"


async def test__clock__should_advance_until_its_bound_and_then_refuse(api) -> None:
    assert (await api.put("/_mock/clock", {"now": "8990-01-01T00:00:00Z"}))[0] == 200
    statuses = [(await api.put("/_mock/clock", {"advance_seconds": 86400 * 1000}))[0]]
    statuses += [(await api.put("/_mock/clock", {"advance_seconds": 3155760000}))[0]]
    assert statuses == [200, 422]
    _, clock = await api.get("/_mock/clock")
    assert clock["now"] == "8992-09-27T00:00:00+00:00"
    assert (await api.get("/store"))[0] == 200


@pytest.mark.parametrize(
    ("rule", "path", "matches"),
    [
        ("/v1/*/store", "/v1/1/store", True),
        ("/v1/{store_id}/orders/{order_id}", "/v1/1/orders/5", True),
        ("/v1/{store_id}/orders/{order_id}", "/v1/1/products/5", False),
        ("/v1/1/orders/[0-9]", "/v1/1/orders/7", True),
        ("^/v1/1/(a+)+$", "/v1/1/aaaa", False),  # a regex is no longer one
        ("/v1/1/orders", "/v1/1/orders/1", False),  # globs match the whole path
    ],
)
def test__fault_rule__should_match_globs_and_templates_only(rule, path, matches) -> None:
    assert FaultRule(rule).matches(path) is matches


async def test__fault_rule_with_a_catastrophic_regex__should_not_block_the_mock(api) -> None:
    rule = {"path": "^/v1/1/(a+)+$", "error_rate": 1.0, "status": 503}
    assert (await api.put("/_mock/faults", {"rules": [rule]}))[0] == 200
    started = time.monotonic()
    status, body = await api.get("/v1/1/" + "a" * 4000 + "!")
    assert (status, body["code"]) == (404, 404)
    assert time.monotonic() - started < 5
