"""Orders: placement (allocation + FOs + movements), views, filters, close/open/cancel, drafts."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from itertools import islice
from typing import Any, overload

from miready.contracts.compat import legacy_order_view, order_input_from_legacy, shipping_status
from miready.mocks.errors import Unprocessable, invalid
from miready.mocks.state import customers, fulfillment_services, records, settings, stock
from miready.mocks.state.allocation import InsufficientStock, Line, allocate_with, strategy_of
from miready.mocks.state.catalog import money
from miready.mocks.state.fulfillment import build_fo
from miready.mocks.state.platform import Platform, Store


def fo_input(body: dict[str, Any], created_at: str) -> dict[str, Any]:
    """FO-shaped recipient/destination/shipping from the new keys, or from legacy `shipping_*`."""
    out = order_input_from_legacy(body, order={"created_at": created_at})
    shipping = out.setdefault("shipping", {})
    for key in ("recipient", "destination"):
        if body.get(key):
            out[key] = {**(out.get(key) or {}), **body[key]}
    new_shipping = (body.get("fulfillment") or {}).get("shipping")
    if new_shipping:
        out["shipping"] = {**shipping, **new_shipping}
    return out


def _line_items(
    platform: Platform, store: Store, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    problems: dict[str, list[str]] = {}
    items = []
    for i, row in enumerate(rows):
        variant = store.variants.get(int(row["variant_id"]))
        if variant is None:
            problems[f"products[{i}].variant_id"] = [f"unknown variant {row['variant_id']}"]
            continue
        product = store.products[variant["product_id"]]
        name = next(iter(product["name"].values()), "")
        items.append(
            {
                "id": platform.ids.next("line_item"),
                "product_id": product["id"],
                "variant_id": variant["id"],
                "name": name,
                "price": money(row["price"]) if row.get("price") is not None else variant["price"],
                "quantity": int(row["quantity"]),
            }
        )
    if problems:
        raise Unprocessable(problems)
    return items


def pickup_location(store: Store, shipping_in: dict[str, Any]) -> str | None:
    """The location a pickup order is collected at (`shipping.pickup_details.location_id`)."""
    shipping = shipping_in.get("shipping") or {}
    if shipping.get("type") != "pickup":
        return None
    location_id = (shipping.get("pickup_details") or {}).get("location_id")
    if location_id is None:
        return None
    if location_id not in store.locations:
        raise invalid("fulfillment.shipping.pickup_details.location_id", "unknown location")
    return str(location_id)


def create_order(platform: Platform, store: Store, body: dict[str, Any]) -> dict[str, Any]:
    clock = platform.clock
    items = _line_items(platform, store, body["products"])
    shipping_in = fo_input(body, clock.iso())
    locations = [loc["id"] for loc in store.locations_by_priority()]
    pickup_at = pickup_location(store, shipping_in)
    if pickup_at is not None:
        locations = [pickup_at]  # a pickup order takes its stock from the branch it is picked at
    lines = [Line(item["id"], item["variant_id"], item["quantity"]) for item in items]
    try:
        allocation = allocate_with(
            strategy_of(store),
            lines,
            locations,
            lambda v, loc: fulfillment_services.available(store, v, loc),
            frozenset(i for i, loc in store.locations.items() if loc.get("is_fulfillment_service")),
        )
    except InsufficientStock as e:
        total = [stock.available(store, e.line.variant_id, loc) or 0 for loc in locations]
        raise invalid(
            f"products[{e.line_index}].quantity",
            f"not enough stock of variant {e.line.variant_id}: "
            f"{sum(total)} available in all locations",
        ) from e
    now = clock.iso()
    subtotal = sum(Decimal(i["price"]) * i["quantity"] for i in items)
    consumer_cost = Decimal(str((shipping_in.get("shipping") or {}).get("consumer_cost") or 0))
    order = {
        "id": platform.ids.next("order"),
        "number": store.next_order_number,
        "store_id": store.id,
        "token": secrets.token_hex(20),
        "contact_email": body.get("contact_email"),
        "contact_name": body.get("contact_name"),
        "customer_id": customers.for_order(platform, store, body.get("customer")),
        "owner_note": None,
        "extra": {},
        "currency": "ARS",
        "storefront": "api",
        "subtotal": f"{subtotal:.2f}",
        "total": f"{subtotal + consumer_cost:.2f}",
        "status": "open",
        "payment_status": "pending",
        "cancel_reason": None,
        "cancelled_at": None,
        "closed_at": None,
        "products": items,
        "fulfillments": [],
        "created_at": now,
        "updated_at": now,
    }
    store.next_order_number += 1
    by_key = {item["id"]: item for item in items}
    for index, (location_id, assigned) in enumerate(allocation.items()):
        for line, quantity in assigned:
            stock.change_level(
                store, clock, line.variant_id, location_id, -quantity, "order", order["id"]
            )
        fo = build_fo(
            platform,
            store,
            order,
            store.locations[location_id],
            [(by_key[line.key], quantity) for line, quantity in assigned],
            shipping_in,
            first=index == 0,
        )
        store.fulfillment_orders[fo["id"]] = fo
        order["fulfillments"].append(fo["id"])
    delay = settings.fulfillment_orders_delay(store)
    if delay:
        until = clock.now() + timedelta(seconds=delay)
        order["fulfillments_pending_until"] = until.isoformat(timespec="seconds")
    store.orders[order["id"]] = order
    platform.emit(store.id, "order/created", {"id": order["id"]})
    return order


def order_view(
    platform: Platform,
    store: Store,
    order: dict[str, Any],
    aggregate: bool = False,
    with_customer: bool = False,
) -> dict[str, Any]:
    """The order as read: legacy `shipping_*` fields computed from the first FO (never stored).

    `customer` is there only when the caller may read customers (`with_customer`).
    """
    fos = store.fulfillment_orders_of(order)
    if platform.legacy_enabled:
        view = legacy_order_view(order, fos)
    else:
        view = dict(order)
        view["shipping_status"] = shipping_status([fo["status"] for fo in fos])
    view["fulfillments"] = list(fos) if aggregate else [fo["id"] for fo in fos]
    view.pop("fulfillments_pending_until", None)
    customer_id = view.pop("customer_id", None)
    if with_customer:
        found = records.table(store, records.CUSTOMERS).get(customer_id) if customer_id else None
        view["customer"] = dict(found) if found else None
    return view


def update_order(
    platform: Platform, store: Store, order: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    """PUT /orders/{id}: the fields apps may change (the spec's `order_update.json`)."""
    for key in ("owner_note", "extra"):
        if key in body:
            order[key] = body[key]
    order["updated_at"] = platform.clock.iso()
    platform.emit(store.id, "order/updated", {"id": order["id"]})
    return order


class OrdersById(Sequence[dict[str, Any]]):
    """The store's orders in id order, read through the sorted id index: a page is a slice."""

    __slots__ = ("_ids", "_orders")

    def __init__(self, ids: list[int], orders: dict[int, dict[str, Any]]) -> None:
        self._ids, self._orders = ids, orders

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, i: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, i: slice) -> list[dict[str, Any]]: ...
    def __getitem__(self, i: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(i, slice):
            return [self._orders[k] for k in self._ids[i]]
        return self._orders[self._ids[i]]


def orders_by_id(store: Store) -> OrdersById:
    """Every order in id order, without sorting the store on each call.

    Orders are never deleted and new ones take ids above every loaded one, so the index only
    grows at its end; anything else (a fixture loaded out of order) rebuilds it once.
    """
    ids, orders = store.order_ids, store.orders
    missing = len(orders) - len(ids)
    if missing or (ids and ids[-1] not in orders):
        # dicts keep insertion order: the orders not indexed yet are the last inserted
        new = list(islice(reversed(orders), missing))[::-1] if missing > 0 else []
        if missing > 0 and (not ids or new[0] > ids[-1]) and new == sorted(new):
            ids.extend(new)
        else:
            ids[:] = sorted(orders)
    return OrdersById(ids, orders)


def list_orders(store: Store, query: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """Orders by `status` and aggregated `shipping_status` (the common filters come after).

    In id order; without those two filters, the index itself (no copy, no sort).
    """
    orders: Sequence[dict[str, Any]] = orders_by_id(store)
    status = query.get("status", "any")
    if status != "any":
        orders = [o for o in orders if o["status"] == status]
    wanted = query.get("shipping_status", "any")
    if wanted != "any":

        def matches(o: dict[str, Any]) -> bool:
            actual = shipping_status([fo["status"] for fo in store.fulfillment_orders_of(o)])
            return actual != "fulfilled" if wanted == "unfulfilled" else actual == wanted

        orders = [o for o in orders if matches(o)]
    return orders


def close_order(platform: Platform, store: Store, order: dict[str, Any]) -> dict[str, Any]:
    if order["status"] == "cancelled":
        raise Unprocessable({"status": ["cancelled"]}, "A cancelled order cannot be closed")
    order["status"] = "closed"
    order["closed_at"] = order["updated_at"] = platform.clock.iso()
    platform.emit(store.id, "order/updated", {"id": order["id"]})
    return order


def open_order(platform: Platform, store: Store, order: dict[str, Any]) -> dict[str, Any]:
    if order["status"] == "cancelled":
        raise Unprocessable({"status": ["cancelled"]}, "A cancelled order cannot be re-opened")
    order["status"] = "open"
    order["closed_at"] = None
    order["updated_at"] = platform.clock.iso()
    platform.emit(store.id, "order/updated", {"id": order["id"]})
    return order


def cancel_order(
    platform: Platform, store: Store, order: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    if order["status"] == "cancelled":
        raise Unprocessable({"status": ["cancelled"]}, "The order is already cancelled")
    now = platform.clock.iso()
    if body.get("restock", True):
        # Each unit goes back to the location its FO took it from.
        for fo in store.all_fulfillment_orders_of(order):
            location_id = fo["assigned_location"]["location_id"]
            if location_id not in store.locations:
                location_id = stock.first_location_for(store, None)
            for li in fo["line_items"]:
                vid = int(li["variant"]["variant_id"])
                if vid in store.variants:
                    stock.change_level(
                        store,
                        platform.clock,
                        vid,
                        location_id,
                        li["quantity"],
                        "cancel_restock",
                        order["id"],
                    )
    order["status"] = "cancelled"
    order["cancel_reason"] = body.get("reason", "other")
    order["cancelled_at"] = order["updated_at"] = now
    platform.emit(store.id, "order/cancelled", {"id": order["id"]})
    platform.emit(store.id, "order/updated", {"id": order["id"]})
    return order


def create_draft_order(platform: Platform, store: Store, body: dict[str, Any]) -> dict[str, Any]:
    now = platform.clock.iso()
    items = _line_items(platform, store, body["products"])
    shipping_in = fo_input(body, now)
    draft = {
        "id": platform.ids.next("draft_order"),
        "store_id": store.id,
        "contact_email": body.get("contact_email"),
        "contact_name": body.get("contact_name"),
        "products": items,
        "recipient": shipping_in.get("recipient") or {},
        "destination": shipping_in.get("destination") or {},
        "shipping": shipping_in.get("shipping") or {},
        "created_at": now,
        "updated_at": now,
    }
    draft["checkout_url"] = f"https://store-{store.id}.example/checkout/draft/{draft['id']}"
    store.draft_orders[draft["id"]] = draft
    return draft


def draft_order(store: Store, draft_order_id: int) -> dict[str, Any]:
    from miready.mocks.errors import NotFound

    try:
        return store.draft_orders[draft_order_id]
    except KeyError:
        raise NotFound("Draft order with such id does not exist") from None
