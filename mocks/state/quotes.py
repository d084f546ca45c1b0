"""Shipping quotes per location (seed 004): one rate request per (location, carrier) of a cart."""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import invalid
from miready.mocks.state import records, stock
from miready.mocks.state.allocation import InsufficientStock, Line, allocate
from miready.mocks.state.platform import Store


def _origin(location: dict[str, Any]) -> dict[str, Any]:
    """The location's address in the rate request's flat `origin` shape."""
    address = location.get("address") or {}
    name = location.get("name") or {}
    return {
        "location_id": location["id"],
        "name": next(iter(name.values()), "") if isinstance(name, dict) else name,
        "address": address.get("street"),
        "number": address.get("number"),
        "floor": address.get("floor"),
        "locality": address.get("locality"),
        "city": address.get("city"),
        "province": (address.get("province") or {}).get("name"),
        "zipcode": address.get("zipcode"),
        "country": (address.get("country") or {}).get("code"),
    }


def _item(store: Store, variant_id: int, quantity: int) -> dict[str, Any]:
    variant = store.variants[variant_id]
    product = store.products[variant["product_id"]]
    return {
        "name": next(iter(product["name"].values()), ""),
        "sku": variant.get("sku"),
        "variant_id": variant_id,
        "quantity": quantity,
        "price": float(variant["price"]),
        "grams": int(float(variant.get("weight") or 0) * 1000),
        "free_shipping": False,
    }


def rate_requests(store: Store, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every (location, active carrier) pair the cart ships from, with the request body.

    The cart's items are allocated as an order would be (without taking stock), so each carrier
    gets one request per location holding only that location's items and its origin address.
    """
    rows = body.get("items")
    if not isinstance(rows, list) or not rows:
        raise invalid("items", "send a non-empty list of {variant_id, quantity}")
    lines = []
    for i, row in enumerate(rows):
        variant_id = row.get("variant_id") if isinstance(row, dict) else None
        quantity = row.get("quantity", 1) if isinstance(row, dict) else None
        if not isinstance(variant_id, int) or variant_id not in store.variants:
            raise invalid(f"items[{i}].variant_id", "unknown variant")
        if not isinstance(quantity, int) or quantity < 1:
            raise invalid(f"items[{i}].quantity", "must be a positive integer")
        lines.append(Line(i, variant_id, quantity))
    locations = [loc["id"] for loc in store.locations_by_priority()]
    try:
        split = allocate(lines, locations, lambda v, loc: stock.available(store, v, loc))
    except InsufficientStock as e:
        raise invalid(f"items[{e.line_index}].quantity", "not enough stock to ship") from e
    carriers = [c for c in records.all_of(store, records.CARRIERS) if c.get("active", True)]
    requests = []
    for location_id, assigned in split.items():
        payload = {
            "store_id": int(store.id) if store.id.isdigit() else store.id,
            "currency": "ARS",
            "language": store.main_language,
            "origin": _origin(store.locations[location_id]),
            "destination": body.get("destination") or {},
            "items": [_item(store, line.variant_id, qty) for line, qty in assigned],
        }
        for carrier in carriers:
            requests.append(
                {
                    "location_id": location_id,
                    "carrier_id": carrier["id"],
                    "url": carrier["callback_url"],
                    "request": payload,
                }
            )
    return requests
