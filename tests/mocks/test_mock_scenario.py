"""The seed-004 story in plain HTTP: split order, shipping_status, legacy calls, restock."""

from __future__ import annotations

from collections import Counter

from miready.contracts.compat import get_path, legacy_field_value
from miready.contracts.mapping import default_mapping
from mockapi import D1, D2, D3  # type: ignore[import-not-found]


async def fo_patch(api, order_id: int, fo_id: str, body: dict) -> dict:
    status, fo = await api.patch(f"/orders/{order_id}/fulfillment-orders/{fo_id}", body)
    assert status == 200, fo
    return fo


async def shipping_status(api, order_id: int) -> str:
    return (await api.get(f"/orders/{order_id}"))[1]["shipping_status"]


async def test__split_order__should_walk_shipping_status_through_every_value(api) -> None:
    status, order = await api.post("/orders", {"products": [{"variant_id": 101, "quantity": 3}]})
    assert status == 201
    fo1, fo2 = order["fulfillments"]
    _, fos = await api.get(f"/orders/{order['id']}/fulfillment-orders")
    assert [(f["assigned_location"]["location_id"], f["total_quantity"]) for f in fos] == [
        (D1, 2),
        (D2, 1),
    ]
    assert order["shipping_status"] == "unpacked"
    steps = [
        (fo1, "PACKED", "partially_packed"),
        (fo2, "PACKED", "packed"),
        (fo1, "DISPATCHED", "partially_fulfilled"),
        (fo2, "DISPATCHED", "fulfilled"),
    ]
    for fo_id, fo_status, expected in steps:
        await fo_patch(api, order["id"], fo_id, {"status": fo_status})
        assert await shipping_status(api, order["id"]) == expected
    _, full = await api.get(f"/orders/{order['id']}?aggregates=fulfillment_orders")
    assert [f["id"] for f in full["fulfillments"]] == [fo1, fo2]


async def test__legacy_calls__should_act_on_the_first_fo_only(api) -> None:
    _, order = await api.post(
        "/orders",
        {
            "products": [{"variant_id": 101, "quantity": 3}],
            "shipping_name": "Ana",
            "shipping_city": "Rosario",
            "shipping": "correios",
            "shipping_option": "Express",
        },
    )
    oid, (fo1, fo2) = order["id"], order["fulfillments"]
    await fo_patch(
        api, oid, fo2, {"recipient": {"name": "Bruno"}, "destination": {"city": "Córdoba"}}
    )
    status, legacy = await api.post(
        f"/orders/{oid}/fulfill",
        {"shipping_tracking_number": "TRK1", "shipping_tracking_url": "https://t.example/TRK1"},
    )
    assert status == 200 and legacy["shipping_tracking_number"] == "TRK1"
    _, first = await api.get(f"/orders/{oid}/fulfillment-orders/{fo1}")
    _, second = await api.get(f"/orders/{oid}/fulfillment-orders/{fo2}")
    assert (
        first["tracking_info"] == {"code": "TRK1", "url": "https://t.example/TRK1"}
        and first["status"] == "DISPATCHED"
    )
    assert second["tracking_info"] == {"code": None, "url": None} and second["status"] == "UNPACKED"

    _, view = await api.get(f"/orders/{oid}")
    raw = {k: v for k, v in view.items() if not k.startswith("shipping") and k != "shipped_at"}
    rows = default_mapping().view_fields()
    assert rows
    for row in rows:
        assert get_path(view, row.legacy) == legacy_field_value(
            row.fo, row.transform, first, raw
        ), row.legacy
    assert view["shipping_name"] == "Ana" and view["shipping_address"]["city"] == "Rosario"
    assert view["shipping"] == "correios" and view["shipped_at"] is not None

    # legacy fulfillment events land on the first FO as tracking events
    status, event = await api.post(
        f"/orders/{oid}/fulfillments",
        {"status": "in_transit", "description": "Moving", "city": "Rosario", "country": "AR"},
    )
    assert status == 201
    _, events = await api.get(f"/orders/{oid}/fulfillment-orders/{fo1}/tracking-events")
    assert [e["id"] for e in events] == [event["id"]] and events[0]["address"] == "Rosario, AR"
    assert (await api.get(f"/orders/{oid}/fulfillments/{event['id']}"))[1]["status"] == "in_transit"
    assert (await api.delete(f"/orders/{oid}/fulfillments/{event['id']}"))[0] == 200
    assert (await api.get(f"/orders/{oid}/fulfillments"))[1] == []


async def test__legacy_pack__should_pack_the_first_fo_and_return_the_legacy_order(api) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 101, "quantity": 3}]})
    status, legacy = await api.post(f"/orders/{order['id']}/pack")
    assert (
        status == 200
        and legacy["shipping_status"] == "partially_packed"
        and "shipping_address" in legacy
    )


async def test__cancel_with_restock__should_return_every_unit_where_it_came_from(api) -> None:
    _, before = await api.get("/products/10/variants/101")
    _, order = await api.post(
        "/orders",
        {"products": [{"variant_id": 101, "quantity": 3}, {"variant_id": 201, "quantity": 12}]},
    )
    status, cancelled = await api.post(f"/orders/{order['id']}/cancel", {"reason": "customer"})
    assert status == 200 and cancelled["status"] == "cancelled"
    _, after = await api.get("/products/10/variants/101")
    assert after["inventory_levels"] == before["inventory_levels"]
    _, movements = await api.get(f"/_mock/stores/1/movements?order_id={order['id']}")
    taken = Counter(
        {
            (m["variant_id"], m["location_id"]): -m["quantity"]
            for m in movements
            if m["reason"] == "order"
        }
    )
    returned = Counter(
        {
            (m["variant_id"], m["location_id"]): m["quantity"]
            for m in movements
            if m["reason"] == "cancel_restock"
        }
    )
    assert taken == returned == Counter({(101, D1): 2, (101, D2): 1, (201, D1): 10, (201, D3): 2})


async def test__cancel_without_restock__should_keep_stock_taken(api) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 201, "quantity": 1}]})
    await api.post(f"/orders/{order['id']}/cancel", {"restock": False})
    _, variant = await api.get("/products/20/variants/201")
    assert variant["stock"] == 13


async def test__close_and_open__should_toggle_status(api) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    assert (await api.post(f"/orders/{order['id']}/close"))[1]["status"] == "closed"
    assert (await api.post(f"/orders/{order['id']}/open"))[1]["status"] == "open"


async def test__draft_order__should_accept_legacy_shipping_params(api) -> None:
    status, draft = await api.post(
        "/draft_orders",
        {
            "products": [{"variant_id": 101, "quantity": 1}],
            "shipping_name": "Ana",
            "shipping_option": "Std",
        },
    )
    assert (
        status == 201
        and draft["recipient"]["name"] == "Ana"
        and draft["shipping"]["option"]["name"] == "Std"
    )
    assert (await api.get(f"/draft_orders/{draft['id']}"))[1] == draft
