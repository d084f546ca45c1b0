"""mocks/state/fo_status.py and the legacy actions on a pickup first FO (the pack's mapping)."""

from __future__ import annotations

import pytest
from miready.contracts.mapping import default_mapping
from miready.mocks.state.fo_status import TRANSITIONS, path_to
from mockapi import D1, D2  # type: ignore[import-not-found]

PICKUP_AT_D2 = {
    "products": [{"variant_id": 101, "quantity": 1}],
    "fulfillment": {"shipping": {"type": "pickup", "pickup_details": {"location_id": D2}}},
}


@pytest.mark.parametrize(
    ("kind", "walk"),
    [
        ("ship", ["MARKED_AS_FULFILLED", "DELIVERED"]),
        ("ship", ["PACKED", "MARKED_AS_FULFILLED", "DELIVERED"]),
        ("pickup", ["MARKED_AS_FULFILLED", "DELIVERED"]),
        ("pickup", ["PACKED", "READY_FOR_PICKUP", "DELIVERED"]),
    ],
)
async def test__marked_as_fulfilled__should_be_reachable_and_then_delivered(
    api, kind, walk
) -> None:
    body = {"products": [{"variant_id": 201, "quantity": 1}]}
    body["fulfillment"] = {"shipping": {"type": kind}}
    _, order = await api.post("/orders", body)
    fo_path = f"/orders/{order['id']}/fulfillment-orders/{order['fulfillments'][0]}"
    for status in walk:
        code, fo = await api.patch(fo_path, {"status": status})
        assert code == 200 and fo["status"] == status


async def test__marked_as_fulfilled__should_accept_tracking_events_like_dispatched(api) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 201, "quantity": 1}]})
    fo_path = f"/orders/{order['id']}/fulfillment-orders/{order['fulfillments'][0]}"
    await api.patch(fo_path, {"status": "MARKED_AS_FULFILLED"})
    status, _ = await api.post(
        fo_path + "/tracking-events", {"status": "in_transit", "description": "On its way"}
    )
    assert status == 201
    _, read = await api.get(f"/orders/{order['id']}")
    assert read["shipping_status"] == "fulfilled"


def test__transitions__should_never_leave_a_final_state() -> None:
    for kind, table in TRANSITIONS.items():
        assert "DELIVERED" not in table, kind


async def test__pickup_order__should_draw_stock_from_its_pickup_location(api) -> None:
    status, order = await api.post("/orders", PICKUP_AT_D2)
    assert status == 201
    _, fos = await api.get(f"/orders/{order['id']}/fulfillment-orders")
    assert [fo["assigned_location"]["location_id"] for fo in fos] == [D2]
    _, product = await api.get("/products/10")
    levels = {lv["location_id"]: lv["stock"] for lv in product["variants"][0]["inventory_levels"]}
    assert levels[D1] == 2 and levels[D2] == 0  # Central (priority 0) kept its stock


async def test__pickup_order__without_stock_at_the_branch__should_be_422(api) -> None:
    body = {**PICKUP_AT_D2, "products": [{"variant_id": 101, "quantity": 2}]}
    status, error = await api.post("/orders", body)
    assert status == 422 and "products[0].quantity" in error


@pytest.mark.parametrize(
    ("action", "body", "expected"),
    [
        ("pack", None, "PACKED"),
        ("fulfill", {"shipping_tracking_number": "T-1"}, "READY_FOR_PICKUP"),
    ],
)
async def test__legacy_action_on_a_pickup_first_fo__should_follow_the_mapping(
    api, action, body, expected
) -> None:
    _, order = await api.post("/orders", PICKUP_AT_D2)
    status, _ = await api.post(f"/orders/{order['id']}/{action}", body)
    assert status == 200
    _, fos = await api.get(f"/orders/{order['id']}/fulfillment-orders")
    assert fos[0]["status"] == expected
    if body:
        assert fos[0]["tracking_info"]["code"] == "T-1"


def test__legacy_statuses__should_be_data_in_the_pack_for_every_shipping_type() -> None:
    rows = {row.action: row for row in default_mapping().endpoints}
    for action in ("pack", "fulfill"):
        assert set(rows[action].statuses or {}) == set(TRANSITIONS)


@pytest.mark.parametrize(
    ("status", "steps", "ahead"),
    [
        ("UNPACKED", ("PACKED", "READY_FOR_PICKUP"), ["PACKED", "READY_FOR_PICKUP"]),
        ("PACKED", ("PACKED", "READY_FOR_PICKUP"), ["READY_FOR_PICKUP"]),
        ("READY_FOR_PICKUP", ("PACKED", "READY_FOR_PICKUP"), []),
        ("DELIVERED", ("DISPATCHED",), ["DISPATCHED"]),
    ],
)
def test__path_to__table__should_skip_the_statuses_already_reached(status, steps, ahead) -> None:
    assert path_to("pickup", status, steps) == ahead
