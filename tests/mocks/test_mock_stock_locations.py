"""Stock write rules, movements, and location priorities/deletion, through the HTTP API."""

from __future__ import annotations

import pytest
from mockapi import ADDRESS  # type: ignore[import-not-found]

D1, D2, D3 = (f"01HTMFDH09VC6E2Q8KGTGP44D{i}" for i in (1, 2, 3))


def levels(variant: dict) -> dict[str, int | None]:
    return {lv["location_id"]: lv["stock"] for lv in variant["inventory_levels"]}


@pytest.mark.parametrize(
    ("body", "expected_levels", "expected_total"),
    [
        ({"stock": 7}, {D1: 7, D2: 1, D3: 0}, 8),  # stock alone -> first location
        ({"inventory_levels": [{"location_id": D3, "stock": 4}]}, {D1: 2, D2: 1, D3: 4}, 7),
        (
            {"stock": 99, "inventory_levels": [{"location_id": D2, "stock": 5}]},
            {D1: 2, D2: 5, D3: 0},
            7,
        ),  # levels win
        (
            {"inventory_levels": [{"stock": 9}]},
            {D1: 9, D2: 1, D3: 0},
            10,
        ),  # no location_id -> first
        ({"stock": None}, {D1: None, D2: None, D3: None}, None),  # untracked
        ({"stock": ""}, {D1: None, D2: None, D3: None}, None),
    ],
)
async def test__variant_stock_write__rules__should_apply(
    api, body, expected_levels, expected_total
) -> None:
    status, variant = await api.put("/products/10/variants/101", body)
    assert status == 200, variant
    assert levels(variant) == expected_levels and variant["stock"] == expected_total


async def test__variant_stock_write__unknown_location__should_be_422_naming_the_field(api) -> None:
    status, body = await api.put(
        "/products/10/variants/101", {"inventory_levels": [{"location_id": "NOPE", "stock": 1}]}
    )
    assert status == 422 and "inventory_levels[0].location_id" in body


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"action": "replace", "value": 5}, {D1: 5, D2: 1, D3: 0}),
        ({"action": "replace", "value": 5, "location_id": D3}, {D1: 2, D2: 1, D3: 5}),
        ({"action": "variation", "value": 3, "location_id": D2}, {D1: 2, D2: 4, D3: 0}),
        ({"action": "variation", "value": -10}, {D1: 0, D2: 1, D3: 0}),  # clamps at 0
    ],
)
async def test__variants_stock_action__should_update_and_return_variants(
    api, body, expected
) -> None:
    status, variants = await api.post("/products/10/variants/stock", {**body, "id": 101})
    assert status == 200 and isinstance(variants, list)
    assert levels(variants[0]) == expected


async def test__stock_changes__should_be_movements(api) -> None:
    await api.post("/products/10/variants/stock", {"action": "variation", "value": -1, "id": 101})
    status, movements = await api.get("/_mock/stores/1/movements?variant_id=101")
    assert status == 200
    assert movements[-1] | {"id": None, "at": None} == {
        "id": None,
        "at": None,
        "store_id": "1",
        "variant_id": 101,
        "location_id": D1,
        "reason": "manual",
        "quantity": -1,
        "resulting_level": 1,
    }


async def test__stock_price_bulk__should_update_prices_and_levels(api) -> None:
    status, products = await api.patch(
        "/products/stock-price",
        [
            {
                "id": 10,
                "variants": [
                    {
                        "id": 101,
                        "price": 12.5,
                        "inventory_levels": [{"location_id": D3, "stock": 6}],
                    }
                ],
            }
        ],
    )
    assert status == 200
    variant = products[0]["variants"][0]
    assert variant["price"] == "12.50" and levels(variant)[D3] == 6


async def test__locations__should_list_by_priority_with_the_default_at_0(api) -> None:
    _, locs = await api.get("/locations")
    assert [(x["id"], x["priority"], x["is_default"]) for x in locs] == [
        (D1, 0, True),
        (D2, 1, False),
        (D3, 2, False),
    ]


async def test__priorities__should_reorder_and_make_priority_0_the_default(api) -> None:
    status, rows = await api.patch(
        "/locations/priorities",
        [{"id": D1, "priority": 5}, {"id": D2, "priority": 0}, {"id": D3, "priority": 2}],
    )
    assert status == 200 and rows == [
        {"id": D2, "priority": 0},
        {"id": D3, "priority": 1},
        {"id": D1, "priority": 2},
    ]
    _, loc = await api.get(f"/locations/{D2}")
    assert loc["is_default"] is True


async def test__priorities__missing_a_location__should_be_422(api) -> None:
    status, body = await api.patch("/locations/priorities", [{"id": D1, "priority": 0}])
    assert status == 422 and "id" in body


async def test__chosen_as_default__should_renumber_densely(api) -> None:
    status, loc = await api.patch(f"/locations/{D3}/chosen-as-default")
    assert status == 200 and loc["priority"] == 0 and loc["is_default"]
    _, locs = await api.get("/locations")
    assert [(x["id"], x["priority"]) for x in locs] == [(D3, 0), (D1, 1), (D2, 2)]


@pytest.mark.parametrize(("location", "reason"), [(D1, "default"), (D2, "stock")])
async def test__delete_location__default_or_holding_stock__should_be_refused(
    api, location, reason
) -> None:
    status, body = await api.delete(f"/locations/{location}")
    assert status == 400 and reason in body["description"]


async def test__delete_location__empty__should_renumber_the_rest(api) -> None:
    await api.post(
        "/products/20/variants/stock", {"action": "replace", "value": 0, "location_id": D3}
    )
    status, _ = await api.delete(f"/locations/{D3}")
    assert status == 204
    _, locs = await api.get("/locations")
    assert [x["priority"] for x in locs] == [0, 1]
    status, _ = await api.get(f"/locations/{D3}")
    assert status == 404


async def test__create_location__should_get_a_ulid_and_the_next_priority(api) -> None:
    address = ADDRESS
    status, loc = await api.post("/locations", {"name": "Nuevo", "address": address})
    assert status == 201 and len(loc["id"]) == 26 and loc["priority"] == 3
    status, page = await api.get(f"/locations/{D1}/inventory-levels?per_page=2")
    assert status == 200 and page["total"] == 3 and len(page["results"]) == 2
