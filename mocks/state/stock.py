"""Inventory levels per (variant, location), the stock write rules, and the movement log."""

from __future__ import annotations

from typing import Any

from miready.mocks.clock import Clock
from miready.mocks.errors import invalid
from miready.mocks.ids import new_ulid
from miready.mocks.state.platform import Store


def levels_of(store: Store, variant_id: int) -> list[dict[str, Any]]:
    """The variant's levels in location priority order."""
    order = {loc["id"]: i for i, loc in enumerate(store.locations_by_priority())}
    levels = [lv for (vid, lid), lv in store.levels.items() if vid == variant_id and lid in order]
    return sorted(levels, key=lambda lv: order[lv["location_id"]])


def available(store: Store, variant_id: int, location_id: str) -> int | None:
    """Units on hand at a location; None means untracked (infinite)."""
    variant = store.variants[variant_id]
    if not variant["stock_management"]:
        return None
    level = store.levels.get((variant_id, location_id))
    return int(level["stock"] or 0) if level else 0


def variant_view(store: Store, variant: dict[str, Any]) -> dict[str, Any]:
    levels = levels_of(store, variant["id"])
    view = dict(variant)
    view["inventory_levels"] = [
        {"location_id": lv["location_id"], "stock": lv["stock"]} for lv in levels
    ]
    view["stock"] = (
        sum(int(lv["stock"] or 0) for lv in levels) if variant["stock_management"] else None
    )
    return view


def _level(store: Store, variant_id: int, location_id: str, clock: Clock) -> dict[str, Any]:
    level = store.levels.get((variant_id, location_id))
    if level is None:
        now = clock.iso()
        level = store.levels[(variant_id, location_id)] = {
            "id": new_ulid(clock.now()),
            "variant_id": str(variant_id),
            "location_id": location_id,
            "stock": 0 if store.variants[variant_id]["stock_management"] else None,
            "created_at": now,
            "updated_at": now,
        }
    return level


def record_movement(
    store: Store,
    clock: Clock,
    variant_id: int,
    location_id: str,
    quantity: int,
    resulting_level: int,
    reason: str,
    order_id: int | None = None,
) -> dict[str, Any]:
    movement = {
        "id": new_ulid(clock.now()),
        "at": clock.iso(),
        "store_id": store.id,
        "variant_id": variant_id,
        "location_id": location_id,
        "reason": reason,
        "quantity": quantity,
        "resulting_level": resulting_level,
    }
    if order_id is not None:
        movement["order_id"] = order_id
    store.movements.append(movement)
    return movement


def set_level(
    store: Store,
    clock: Clock,
    variant_id: int,
    location_id: str,
    stock: int,
    reason: str = "manual",
    order_id: int | None = None,
) -> None:
    level = _level(store, variant_id, location_id, clock)
    before = int(level["stock"] or 0)
    level["stock"] = stock
    level["updated_at"] = clock.iso()
    if stock != before:
        record_movement(
            store, clock, variant_id, location_id, stock - before, stock, reason, order_id
        )


def change_level(
    store: Store,
    clock: Clock,
    variant_id: int,
    location_id: str,
    delta: int,
    reason: str,
    order_id: int | None = None,
) -> None:
    """Add `delta` units (negative takes), clamping at 0; untracked variants do not move."""
    if not store.variants[variant_id]["stock_management"]:
        return
    level = _level(store, variant_id, location_id, clock)
    set_level(
        store,
        clock,
        variant_id,
        location_id,
        max(0, int(level["stock"] or 0) + delta),
        reason,
        order_id,
    )


def set_untracked(store: Store, clock: Clock, variant: dict[str, Any]) -> None:
    variant["stock_management"] = False
    for level in levels_of(store, variant["id"]):
        level["stock"] = None
        level["updated_at"] = clock.iso()


def _set_tracked(store: Store, clock: Clock, variant: dict[str, Any]) -> None:
    if not variant["stock_management"]:
        variant["stock_management"] = True
        for level in levels_of(store, variant["id"]):
            level["stock"] = 0


def first_location_for(store: Store, variant_id: int | None) -> str:
    """Where a write without `location_id` lands: the variant's first level, else the first
    location."""
    if variant_id is not None:
        levels = levels_of(store, variant_id)
        if levels:
            return levels[0]["location_id"]
    ordered = store.locations_by_priority()
    if not ordered:
        raise invalid("location_id", "the store has no location to hold stock")
    return ordered[0]["id"]


def check_location(store: Store, location_id: str, field: str) -> str:
    if location_id not in store.locations:
        raise invalid(field, f"unknown location {location_id}")
    return location_id


def apply_stock_write(
    store: Store,
    clock: Clock,
    variant: dict[str, Any],
    body: dict[str, Any],
    field: str = "",
) -> None:
    """The variant write rules: `inventory_levels` wins over `stock`; `stock` alone goes to the
    first location; null or "" means untracked."""
    prefix = f"{field}." if field else ""
    if body.get("inventory_levels") is not None:
        entries = body["inventory_levels"]
        targets = []
        for i, entry in enumerate(entries):
            loc = entry.get("location_id")
            if loc is None:
                loc = first_location_for(store, variant["id"])
            else:
                check_location(store, loc, f"{prefix}inventory_levels[{i}].location_id")
            targets.append((loc, entry.get("stock")))
        if any(stock is None for _, stock in targets):
            for loc, _ in targets:
                _level(store, variant["id"], loc, clock)
            set_untracked(store, clock, variant)
            return
        _set_tracked(store, clock, variant)
        for loc, stock in targets:
            set_level(store, clock, variant["id"], loc, int(stock))
    elif "stock" in body:
        stock = body["stock"]
        loc = first_location_for(store, variant["id"])
        if stock is None or stock == "":
            _level(store, variant["id"], loc, clock)
            set_untracked(store, clock, variant)
            return
        _set_tracked(store, clock, variant)
        set_level(store, clock, variant["id"], loc, int(stock))


def apply_stock_action(
    store: Store,
    clock: Clock,
    variant: dict[str, Any],
    action: str,
    value: int | None,
    location_id: str | None,
) -> None:
    """`POST /variants/stock`: `replace` sets, `variation` adds (clamped at 0)."""
    loc = location_id or first_location_for(store, variant["id"])
    if action == "replace":
        apply_stock_write(
            store, clock, variant, {"inventory_levels": [{"location_id": loc, "stock": value}]}
        )
    elif value is None:
        raise invalid("value", "a variation needs an integer value")
    elif variant["stock_management"]:
        change_level(store, clock, variant["id"], loc, int(value), "manual")
