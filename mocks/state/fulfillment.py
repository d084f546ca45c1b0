"""Fulfillment orders: creation from an allocation, status changes, and PATCH rules."""

from __future__ import annotations

import copy
from typing import Any

from miready.contracts.compat import shipping_status
from miready.contracts.mapping import default_mapping
from miready.mocks.errors import BadRequest, invalid
from miready.mocks.ids import new_ulid
from miready.mocks.state import stock
from miready.mocks.state.fo_status import check_transition
from miready.mocks.state.platform import Platform, Store

# The FO statuses of the default pack's mapping (fo_status_groups), by how far a shipment went.
PACKED_OR_LATER = default_mapping().status_groups.get("packed", frozenset())
DISPATCHED_OR_LATER = default_mapping().status_groups.get("dispatched", frozenset())

# The fulfillment-order service's 422s put their field errors under `messages` (platform notes).
MESSAGES = "messages"
ORDER_EVENTS = {
    "packed": "order/packed",
    "fulfilled": "order/fulfilled",
    "unpacked": "order/unpacked",
}


def money(value: Any, currency: str) -> dict[str, Any]:
    try:
        amount = float(value) if value not in (None, "") else 0.0
    except (TypeError, ValueError):
        amount = 0.0
    return {"value": round(amount, 2), "currency": currency}


def build_shipping(raw: dict[str, Any] | None, currency: str, with_costs: bool) -> dict[str, Any]:
    raw = raw or {}
    carrier = raw.get("carrier") or {}
    option = raw.get("option") or {}
    return {
        "type": raw.get("type") or "ship",
        "carrier": {
            "carrier_id": carrier.get("carrier_id") or carrier.get("id"),
            "code": carrier.get("code") or "default",
            "name": carrier.get("name"),
            "app_id": carrier.get("app_id"),
        },
        "option": {
            "name": option.get("name"),
            "code": option.get("code"),
            "reference": option.get("reference"),
            "allow_free_shipping": option.get("allow_free_shipping"),
        },
        "merchant_cost": money(raw.get("merchant_cost") if with_costs else 0, currency),
        "consumer_cost": money(raw.get("consumer_cost") if with_costs else 0, currency),
        "min_delivery_date": raw.get("min_delivery_date"),
        "max_delivery_date": raw.get("max_delivery_date"),
        "pickup_details": copy.deepcopy(raw.get("pickup_details")),
    }


def build_fo(
    platform: Platform,
    store: Store,
    order: dict[str, Any],
    location: dict[str, Any],
    items: list[tuple[dict[str, Any], int]],
    fo_input: dict[str, Any],
    first: bool,
) -> dict[str, Any]:
    """A new UNPACKED FO for the units of `items` ((order line item, quantity)) at `location`."""
    clock = platform.clock
    now = clock.iso()
    currency = order.get("currency", "ARS")
    number = store.next_fo_number
    store.next_fo_number += 1
    tracking = (fo_input.get("tracking_info") if first else None) or {}
    line_items = [
        {
            "id": new_ulid(clock.now()),
            "external_id": str(item["id"]),
            "quantity": quantity,
            "variant": {"variant_id": str(item["variant_id"])},
            "product": {"product_id": str(item["product_id"])},
            "unit_price": money(item["price"], currency),
            "created_at": now,
            "updated_at": now,
        }
        for item, quantity in items
    ]
    return {
        "id": new_ulid(clock.now()),
        "number": str(number),
        "order_id": str(order["id"]),
        "total_quantity": sum(li["quantity"] for li in line_items),
        "total_price": money(sum(float(i["price"]) * q for i, q in items), currency),
        "assigned_location": _assigned(location),
        "line_items": line_items,
        "recipient": {
            "name": None,
            "phone": None,
            "identifier": None,
            **(fo_input.get("recipient") or {}),
        },
        "shipping": build_shipping(fo_input.get("shipping"), currency, with_costs=first),
        "destination": copy.deepcopy(fo_input.get("destination") or {}),
        "status": "UNPACKED",
        "status_history": [
            {"from_status": None, "to_status": "UNPACKED", "happened_at": now, "created_at": now}
        ],
        "tracking_info": {"code": tracking.get("code"), "url": tracking.get("url")},
        "tracking_info_history": [],
        "tracking_events": [],
        "fulfilled_at": None,
        "created_at": now,
        "updated_at": now,
    }


def _assigned(location: dict[str, Any]) -> dict[str, Any]:
    return {"location_id": location["id"], "name": location["name"], "address": location["address"]}


def fo_view(fo: dict[str, Any]) -> dict[str, Any]:
    return fo


def set_status(
    platform: Platform, store: Store, fo: dict[str, Any], new: str, happened_at: str | None = None
) -> None:
    """Move `fo` to `new` (already validated), stamping history and emitting webhooks."""
    order = store.orders[int(fo["order_id"])]
    before = shipping_status([f["status"] for f in store.fulfillment_orders_of(order)])
    now = platform.clock.iso()
    fo["status_history"].append(
        {
            "from_status": fo["status"],
            "to_status": new,
            "happened_at": happened_at or now,
            "created_at": now,
        }
    )
    fo["status"] = new
    if new == "DELIVERED":
        fo["fulfilled_at"] = happened_at or now
    fo["updated_at"] = now
    order["updated_at"] = now
    platform.emit(
        store.id,
        "fulfillment_order/status_updated",
        {"order_id": str(order["id"]), "fulfillment_id": fo["id"], "status": new},
    )
    after = shipping_status([f["status"] for f in store.fulfillment_orders_of(order)])
    if after != before and after in ORDER_EVENTS:
        platform.emit(store.id, ORDER_EVENTS[after], {"id": order["id"]})
    platform.emit(store.id, "order/updated", {"id": order["id"]})


def update_fulfillment_order(
    platform: Platform,
    store: Store,
    fo: dict[str, Any],
    body: dict[str, Any],
    app_id: str | None = None,
) -> dict[str, Any]:
    """PATCH: validate everything first, then apply, so a refused patch changes nothing."""
    clock = platform.clock
    status = fo["status"]
    new_status = body["status"].upper() if body.get("status") else None
    if new_status is not None:
        check_transition(fo, new_status)
    frozen = [k for k in ("destination", "shipping", "recipient") if k in body]
    if frozen and status in DISPATCHED_OR_LATER:
        raise BadRequest(
            f"{', '.join(frozen)} cannot change once the fulfillment order is {status}"
        )
    new_location = None
    if body.get("assigned_location"):
        loc_id = body["assigned_location"].get("location_id") or body["assigned_location"].get("id")
        if loc_id is None:
            raise invalid("assigned_location.location_id", "required", MESSAGES)
        if loc_id != fo["assigned_location"]["location_id"]:
            if status in PACKED_OR_LATER or status in DISPATCHED_OR_LATER:
                raise BadRequest(
                    f"assigned_location cannot change once the fulfillment order is {status}"
                )
            new_location = store.locations.get(loc_id)
            if new_location is None:
                raise invalid(
                    "assigned_location.location_id", f"unknown location {loc_id}", MESSAGES
                )
            _check_can_move(store, fo, loc_id)
    now = clock.iso()
    if new_location is not None:
        _move_stock(platform, store, fo, new_location)
    if "recipient" in body:
        fo["recipient"] = {**fo["recipient"], **body["recipient"]}
    if "destination" in body:
        fo["destination"] = {**fo["destination"], **body["destination"]}
    if "shipping" in body:
        merged = build_shipping(
            {**_shipping_input(fo["shipping"]), **body["shipping"]},
            fo["shipping"]["merchant_cost"]["currency"],
            with_costs=True,
        )
        fo["shipping"] = merged
    if "tracking_info" in body:
        before = dict(fo["tracking_info"])
        info = body["tracking_info"]
        fo["tracking_info"] = {
            "code": info.get("code", before["code"]),
            "url": info.get("url", before["url"]),
        }
        if fo["tracking_info"] != before:
            fo["tracking_info_history"].append(
                {
                    "from_tracking_info": before,
                    "to_tracking_info": dict(fo["tracking_info"]),
                    "happened_at": now,
                    "created_at": now,
                    "app_id": app_id,
                    "user_id": None,
                }
            )
    fo["updated_at"] = now
    if new_status is not None and new_status != status:
        set_status(platform, store, fo, new_status)
    return fo


def _shipping_input(shipping: dict[str, Any]) -> dict[str, Any]:
    raw = copy.deepcopy(shipping)
    raw["merchant_cost"] = shipping["merchant_cost"]["value"]
    raw["consumer_cost"] = shipping["consumer_cost"]["value"]
    return raw


def _tracked_lines(store: Store, fo: dict[str, Any]) -> list[tuple[int, int]]:
    out = []
    for li in fo["line_items"]:
        vid = int(li["variant"]["variant_id"])
        if vid in store.variants and store.variants[vid]["stock_management"]:
            out.append((vid, li["quantity"]))
    return out


def _check_can_move(store: Store, fo: dict[str, Any], location_id: str) -> None:
    for vid, qty in _tracked_lines(store, fo):
        have = stock.available(store, vid, location_id) or 0
        if have < qty:
            raise BadRequest(f"location {location_id} holds {have} of variant {vid}; {qty} needed")


def _move_stock(
    platform: Platform, store: Store, fo: dict[str, Any], location: dict[str, Any]
) -> None:
    old = fo["assigned_location"]["location_id"]
    order_id = int(fo["order_id"])
    for vid, qty in _tracked_lines(store, fo):
        if old in store.locations:
            stock.change_level(store, platform.clock, vid, old, qty, "reassign", order_id)
        stock.change_level(store, platform.clock, vid, location["id"], -qty, "reassign", order_id)
    fo["assigned_location"] = _assigned(location)


def delete_fulfillment_order(store: Store, fo: dict[str, Any]) -> None:
    order = store.orders[int(fo["order_id"])]
    if order["status"] != "cancelled":
        raise BadRequest("Only fulfillment orders of a cancelled order can be deleted")
    order["fulfillments"].remove(fo["id"])
    del store.fulfillment_orders[fo["id"]]
