"""Fulfillment services (seed 002): registering one creates its own location, flagged as a
fulfillment-service (legacy) location; the variants it fulfils are stocked and allocated only
there."""

from __future__ import annotations

import copy
import re
from typing import Any

from miready.mocks.errors import ApiError, NotFound, Unprocessable
from miready.mocks.state import stock
from miready.mocks.state.locations import create_location
from miready.mocks.state.platform import Platform, Store


def handle_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "service"


def register(platform: Platform, store: Store, app_id: str, body: dict[str, Any]) -> dict[str, Any]:
    handle = handle_of(body["name"])
    if any(s["handle"] == handle for s in store.fulfillment_services.values()):
        raise Unprocessable({"name": [f"a fulfillment service {handle!r} already exists"]})
    default = store.locations_by_priority()[0] if store.locations else None
    address = body.get("address") or (copy.deepcopy(default["address"]) if default else {})
    location = create_location(
        store,
        {"name": body["name"], "address": address, "is_fulfillment_service": True},
        platform.clock,
    )
    service = {
        "id": platform.ids.next("fulfillment_service"),
        "name": body["name"],
        "handle": handle,
        "callback_url": body.get("callback_url"),
        "inventory_management": bool(body.get("inventory_management", True)),
        "location_id": location["id"],
        "app_id": app_id,
        "variant_ids": [],
        "created_at": platform.clock.iso(),
    }
    store.fulfillment_services[service["id"]] = service
    platform.emit(store.id, "location/created", {"id": location["id"]})
    return service


def get(store: Store, service_id: int, app_id: str) -> dict[str, Any]:
    service = store.fulfillment_services.get(service_id)
    if service is None:
        raise NotFound("Fulfillment service with such id does not exist")
    if service["app_id"] != app_id:
        raise ApiError(403, "Only the app that registered a fulfillment service may change it")
    return service


def assign(
    platform: Platform, store: Store, service: dict[str, Any], variant_ids: list[int]
) -> dict[str, Any]:
    """The variants' stock moves to the service's location (a movement per location)."""
    unknown = [v for v in variant_ids if v not in store.variants]
    if unknown:
        raise Unprocessable({"variant_ids": [f"unknown variant {v}" for v in unknown]})
    taken = {
        v: other["handle"]
        for other in store.fulfillment_services.values()
        if other is not service
        for v in other["variant_ids"]
        if v in variant_ids
    }
    if taken:
        raise Unprocessable(
            {"variant_ids": [f"variant {v} is fulfilled by {h}" for v, h in taken.items()]}
        )
    home = service["location_id"]
    for variant_id in variant_ids:
        if not store.variants[variant_id]["stock_management"]:
            continue
        for location_id in list(store.locations):
            units = stock.available(store, variant_id, location_id) or 0
            if location_id == home or units == 0:
                continue
            stock.change_level(
                store, platform.clock, variant_id, location_id, -units, "fulfillment_service"
            )
            stock.change_level(
                store, platform.clock, variant_id, home, units, "fulfillment_service"
            )
    service["variant_ids"] = sorted(set(service["variant_ids"]) | set(variant_ids))
    for variant_id in variant_ids:
        platform.emit(store.id, "product/updated", {"id": store.variants[variant_id]["product_id"]})
    return service


def home_of(store: Store, variant_id: int) -> str | None:
    """The one location a variant may be allocated from, if a fulfillment service has it."""
    for service in store.fulfillment_services.values():
        if variant_id in service["variant_ids"]:
            return service["location_id"]
    return None


def available(store: Store, variant_id: int, location_id: str) -> int | None:
    """`stock.available`, except that a fulfillment service's variant exists only at its home."""
    home = home_of(store, variant_id)
    if home is not None and location_id != home:
        return 0
    return stock.available(store, variant_id, location_id)
