"""Abandoned checkouts (mocks/state/checkouts.py): from the fixture or a shopper, read-only for
apps, readable for 30 days, filtered and paged like every list."""

from __future__ import annotations

import pytest
from miready.mocks.keys import platform_key
from miready.mocks.state import snapshot
from miready.mocks.state.platform import Platform
from mockapi import LEGACY  # type: ignore[import-not-found]

CART = {"contact_email": "eva@example.com", "products": [{"variant_id": 201, "quantity": 3}]}


async def _abandon(api, **extra) -> dict:
    status, checkout = await api.post("/_mock/stores/1/checkouts", {**CART, **extra})
    assert status == 201, checkout
    return checkout


async def test__sample_checkouts__should_show_lines_from_the_catalog_and_their_totals(api) -> None:
    status, listed = await api.get("/checkouts")
    assert status == 200 and [c["id"] for c in listed] == [500, 501]
    _, first = await api.get("/checkouts/500")
    assert first == listed[0]
    assert first["store_id"] == 1 and len(first["token"]) == 40
    assert first["abandoned_checkout_url"].endswith(f"/500/{first['token']}")
    [line] = first["products"]
    assert (line["product_id"], line["name"], line["price"], line["sku"]) == (
        20,
        "Taza",
        "250.00",
        "TAZA",
    )
    assert (first["subtotal"], first["shipping_cost_customer"], first["total"]) == (
        "500.00",
        "350.00",
        "850.00",
    )
    assert list(first)[:4] == ["id", "token", "store_id", "abandoned_checkout_url"]


async def test__abandoned_cart__should_be_listed_until_30_days_after_it_was_created(api) -> None:
    await api.put("/_mock/clock", {"now": "2023-03-01T10:00:00Z"})
    checkout = await _abandon(api)
    assert checkout["created_at"].startswith("2023-03-01T10:00:00")
    assert checkout["subtotal"] == "750.00" and checkout["contact_email"] == "eva@example.com"
    await api.put("/_mock/clock", {"now": "2023-03-31T10:00:00Z"})
    assert (await api.get(f"/checkouts/{checkout['id']}"))[0] == 200
    await api.put("/_mock/clock", {"advance_seconds": 1})
    status, error = await api.get(f"/checkouts/{checkout['id']}")
    assert status == 404 and error == {
        "code": 404,
        "message": "Not Found",
        "description": "Checkout with such id does not exist",
    }
    assert checkout["id"] not in [c["id"] for c in (await api.get("/checkouts"))[1]]


async def test__list_checkouts__should_filter_by_since_id_dates_and_page(api) -> None:
    await api.put("/_mock/clock", {"now": "2023-03-01T10:00:00Z"})
    ids = []
    for _ in range(4):
        ids.append((await _abandon(api))["id"])
        await api.put("/_mock/clock", {"advance_seconds": 86400})
    _, found = await api.get("/checkouts")  # with the sample's two, created at start-up
    assert [c["id"] for c in found] == [500, 501, *ids]
    _, found = await api.get(f"/checkouts?since_id={ids[1]}")
    assert [c["id"] for c in found] == ids[2:]
    window = "created_at_min=2023-03-02T00:00:00Z&created_at_max=2023-03-03T12:00:00Z"
    _, found = await api.get(f"/checkouts?{window}")
    assert [c["id"] for c in found] == ids[1:3]
    status, page = await api.get("/checkouts?page=2&per_page=4&fields=id,total")
    assert status == 200 and page == [
        {"id": ids[2], "total": "750.00"},
        {"id": ids[3], "total": "750.00"},
    ]
    assert api.last_headers["X-Total-Count"] == "6" and 'rel="prev"' in api.last_headers["Link"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"products": [{"variant_id": 999, "quantity": 1}]}, "products[0].variant_id"),
        ({"products": []}, "products"),
        ({**CART, "contact_nickname": "x"}, "contact_nickname"),
    ],
)
async def test__abandon_a_bad_cart__should_be_422_and_leave_nothing(api, body, field) -> None:
    status, error = await api.post("/_mock/stores/1/checkouts", body)
    assert status == 422 and field in error, error
    assert [c["id"] for c in (await api.get("/checkouts"))[1]] == [500, 501]


@pytest.mark.parametrize(
    ("token", "status"),
    [(LEGACY, 200), ("read_products", 403)],  # the legacy app holds read_orders
)
async def test__checkouts__should_need_read_orders(api, client, token, status) -> None:
    if token == "read_products":
        token = client.app[platform_key].install_app("1", "77", ["read_products"]).access_token
    for path in ("/checkouts", "/checkouts/500"):
        got, body = await api.get(path, token=token)
        assert got == status, body
        if status == 403:
            assert body["scope"] == "read_orders"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test__checkouts__should_be_read_only_for_apps(api, method) -> None:
    path = "/checkouts" if method == "POST" else "/checkouts/500"
    status, error = await api.call(method, path, {})
    assert status == 405 and error["code"] == 405
    assert api.last_headers["Allow"].startswith("GET")


async def test__state_dump__should_load_back_scripts_and_checkouts_equal(api, client) -> None:
    await api.post("/scripts", {"src": "https://app.example/a.js", "event": "onload"})
    await _abandon(api)
    platform = client.app[platform_key]
    dumped = snapshot.dump(platform)
    again = Platform(clock=platform.clock)
    snapshot.load(again, dumped)
    assert snapshot.dump(again) == dumped
