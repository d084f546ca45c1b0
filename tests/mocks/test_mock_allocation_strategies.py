"""Allocation strategies as a store setting: seed 004's whole-order-first (the default) and seed
000's drop-ship order (own locations first, then the supplier's)."""

from __future__ import annotations

from pathlib import Path

import miready.mocks as mocks_package
import pytest
from miready.mocks.app import create_app
from miready.mocks.config import MockConfig
from miready.mocks.state.allocation import Line, allocate_with
from mockapi import Api  # type: ignore[import-not-found]

DROPSHIP = Path(mocks_package.__file__).resolve().parent / "fixtures" / "dropship.yaml"
SHOP, BACK, SUPPLIER = (
    "01HTMFDH09VC6E2Q8KGTGP55S1",
    "01HTMFDH09VC6E2Q8KGTGP55S2",
    ("01HTMFDH09VC6E2Q8KGTGP55D1"),
)
RETAILER = "dropship-retailer-token-0001"
STOCK = {("v", "own1"): 1, ("v", "own2"): 1, ("v", "sup"): 50}


def available(variant: str, location: str) -> int | None:
    return STOCK.get((variant, location), 0)


@pytest.mark.parametrize(
    ("strategy", "quantity", "expected"),
    [
        ("whole_order_first", 1, {"own1": 1}),
        ("whole_order_first", 2, {"sup": 2}),  # the supplier alone can serve it whole
        ("whole_order_first", 3, {"sup": 3}),
        ("dropship", 1, {"own1": 1}),
        ("dropship", 2, {"own1": 1, "own2": 1}),
        ("dropship", 3, {"own1": 1, "own2": 1, "sup": 1}),
        ("dropship", 52, {"own1": 1, "own2": 1, "sup": 50}),
    ],
)
def test__allocate_with__strategy__should_draw_from_these_locations(
    strategy, quantity, expected
) -> None:
    lines = [Line(1, "v", quantity)]  # type: ignore[arg-type]
    # the supplier's location listed first by priority: drop-ship still draws it last
    result = allocate_with(
        strategy,
        lines,
        ["sup", "own1", "own2"] if strategy == "dropship" else ["own1", "own2", "sup"],
        available,
        frozenset({"sup"}),
    )
    assert {loc: sum(q for _, q in taken) for loc, taken in result.items()} == expected


@pytest.fixture
async def store5(aiohttp_client) -> Api:
    return Api(await aiohttp_client(create_app(MockConfig(fixture=DROPSHIP))), token=RETAILER)


async def order(api: Api, quantity: int) -> dict[str, int]:
    status, placed = await api.post(
        "/v1/5/orders?aggregates=fulfillment_orders",
        {"products": [{"variant_id": 501, "quantity": quantity}]},
    )
    assert status == 201, placed
    _, fos = await api.get(f"/v1/5/orders/{placed['id']}/fulfillment-orders")
    return {fo["assigned_location"]["location_id"]: fo["total_quantity"] for fo in fos}


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [
        ("dropship", {SHOP: 1, BACK: 1, SUPPLIER: 1}),
        ("whole_order_first", {SUPPLIER: 3}),
        (None, {SUPPLIER: 3}),  # unset: seed 004's default
    ],
)
async def test__dropship_fixture__order_of_3__should_allocate_by_the_store_setting(
    store5, strategy, expected
) -> None:
    status, settings = await store5.put(
        "/_mock/stores/5/settings", {"allocation_strategy": strategy}
    )
    assert status == 200 and settings["allocation_strategy"] == (strategy or "whole_order_first")
    assert await order(store5, 3) == expected
    _, product = await store5.get("/v1/5/products/50")
    levels = {lv["location_id"]: lv["stock"] for lv in product["variants"][0]["inventory_levels"]}
    before = {SHOP: 1, BACK: 1, SUPPLIER: 50}
    assert levels == {loc: before[loc] - expected.get(loc, 0) for loc in before}


async def test__dropship_fixture__should_load_its_setting(store5) -> None:
    _, settings = await store5.get("/_mock/stores/5/settings")
    assert settings | {"fulfillment_orders_delay_seconds": None} == {
        "fulfillment_orders_delay_seconds": None,
        "plan": "plan_c",
        "multi_location_enabled": True,
        "allocation_strategy": "dropship",
    }
