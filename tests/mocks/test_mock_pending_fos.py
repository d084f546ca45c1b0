"""The pending-FO window: a store setting keeps a new order's FOs hidden for N clock seconds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from miready.mocks.keys import platform_key

ORDER = {"products": [{"variant_id": 101, "quantity": 3}]}  # splits into two FOs


async def _pending_order(api, client, delay: float) -> dict:
    clock = client.app[platform_key].clock
    clock.set(datetime(2023, 3, 1, 12, 0, tzinfo=UTC))
    status, _ = await api.put(
        "/_mock/stores/1/settings", {"fulfillment_orders_delay_seconds": delay}
    )
    assert status == 200
    _, order = await api.post("/orders", ORDER)
    return order


@pytest.mark.parametrize(("advance", "visible"), [(0, 0), (29, 0), (30, 2), (3600, 2)])
async def test__pending_window__should_hide_fos_until_the_clock_passes_it(
    api, client, advance, visible
) -> None:
    order = await _pending_order(api, client, 30)
    client.app[platform_key].clock.advance(advance)
    _, read = await api.get(f"/orders/{order['id']}")
    _, fos = await api.get(f"/orders/{order['id']}/fulfillment-orders")
    assert len(read["fulfillments"]) == visible and len(fos) == visible


async def test__pending_fos__should_404_and_leave_legacy_fields_empty(api, client) -> None:
    order = await _pending_order(api, client, 30)
    assert order["fulfillments"] == []
    fo_id = client.app[platform_key].stores["1"].orders[order["id"]]["fulfillments"][0]
    status, _ = await api.get(f"/orders/{order['id']}/fulfillment-orders/{fo_id}")
    assert status == 404
    _, read = await api.get(f"/orders/{order['id']}")
    assert read.get("shipping_address") in (None, {}) or not any(read["shipping_address"].values())
    status, _ = await api.post(f"/orders/{order['id']}/pack")
    assert status == 422


async def test__pending_order_cancelled__should_still_restock_every_unit(api, client) -> None:
    order = await _pending_order(api, client, 30)
    await api.post(f"/orders/{order['id']}/cancel")
    _, product = await api.get("/products/10")
    assert product["variants"][0]["stock"] == 3


async def test__no_delay__should_show_fos_at_once(api) -> None:
    _, order = await api.post("/orders", ORDER)
    assert len(order["fulfillments"]) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"fulfillment_orders_delay_seconds": -1},
        {"fulfillment_orders_delay_seconds": "x"},
        {"nope": 1},
    ],
)
async def test__bad_setting__should_be_422_naming_it(api, body) -> None:
    status, error = await api.put("/_mock/stores/1/settings", body)
    assert status == 422 and next(iter(body)) in error
