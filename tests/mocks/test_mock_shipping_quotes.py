"""Shipping quotes per location (seed 004): a cart shipping from several locations asks each
carrier once per location, with that location's items and origin address."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aiohttp import web
from mockapi import D1, D2  # type: ignore[import-not-found]

CART = {
    "items": [{"variant_id": 101, "quantity": 3}, {"variant_id": 201, "quantity": 1}],
    "destination": {"zipcode": "5000", "city": "Córdoba"},
}


@pytest.fixture
async def carrier(aiohttp_server: Any) -> Any:
    """A carrier app on 127.0.0.1:0 recording every rate request it gets, per path."""
    seen: list[tuple[str, dict]] = []

    async def rates(request: web.Request) -> web.Response:
        seen.append((request.path, await request.json()))
        return web.json_response({"rates": [{"name": "Std", "code": "std", "price": 10}]})

    app = web.Application()
    app.router.add_post("/{name}/rates", rates)
    server = await aiohttp_server(app, host="127.0.0.1", port=0)
    server.seen = seen
    return server


async def test__cart_from_two_locations__should_ask_each_carrier_once_per_location(
    api, carrier
) -> None:
    for name in ("a", "b"):
        status, _ = await api.post(
            "/shipping_carriers",
            {"name": name, "callback_url": str(carrier.make_url(f"/{name}/rates"))},
        )
        assert status == 201
    status, answer = await api.post("/_mock/stores/1/shipping-quotes", CART)
    assert status == 200
    per_carrier_and_origin = Counter(
        (path, body["origin"]["location_id"]) for path, body in carrier.seen
    )
    assert per_carrier_and_origin == {
        ("/a/rates", D1): 1,
        ("/a/rates", D2): 1,
        ("/b/rates", D1): 1,
        ("/b/rates", D2): 1,
    }
    by_origin = {body["origin"]["location_id"]: body for path, body in carrier.seen}
    assert sorted((i["variant_id"], i["quantity"]) for i in by_origin[D1]["items"]) == [
        (101, 2),
        (201, 1),
    ]
    assert [(i["variant_id"], i["quantity"]) for i in by_origin[D2]["items"]] == [(101, 1)]
    assert by_origin[D2]["origin"]["address"] == "Av. Cabildo"
    assert by_origin[D1]["destination"]["zipcode"] == "5000"
    # the admin log holds the same calls, with what came back (counted on both sides)
    status, log = await api.get("/_mock/stores/1/shipping-quotes")
    assert status == 200 and len(log) == len(carrier.seen) == len(answer["quotes"]) == 4
    assert all(e["status"] == 200 and e["response"]["rates"] for e in log)


async def test__cart_from_one_location__should_ask_once(api, carrier) -> None:
    await api.post(
        "/shipping_carriers", {"name": "a", "callback_url": str(carrier.make_url("/a/rates"))}
    )
    status, _ = await api.post(
        "/_mock/stores/1/shipping-quotes", {"items": [{"variant_id": 201, "quantity": 2}]}
    )
    assert status == 200 and len(carrier.seen) == 1


async def test__unreachable_carrier__should_be_logged_not_raised(api) -> None:
    await api.post("/shipping_carriers", {"name": "down", "callback_url": "http://127.0.0.1:9/r"})
    status, answer = await api.post(
        "/_mock/stores/1/shipping-quotes", {"items": [{"variant_id": 201, "quantity": 1}]}
    )
    assert status == 200 and answer["quotes"][0]["error"]


@pytest.mark.parametrize(
    ("cart", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"variant_id": 999}]}, "items[0].variant_id"),
        ({"items": [{"variant_id": 101, "quantity": 50}]}, "items[0].quantity"),
    ],
)
async def test__bad_cart__should_be_422_naming_the_field(api, cart, field) -> None:
    status, error = await api.post("/_mock/stores/1/shipping-quotes", cart)
    assert status == 422 and field in error
