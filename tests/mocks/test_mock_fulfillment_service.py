"""Fulfillment-service locations (seed 002): registering a service creates a location flagged as
such; the variants it fulfils are stocked and allocated only there."""

from __future__ import annotations

import pytest
from mockapi import D1, LEGACY, Api  # type: ignore[import-not-found]


async def register(api: Api, name: str = "Oberlo") -> dict:
    status, service = await api.post(
        "/fulfillment_services", {"name": name, "callback_url": "https://oberlo.example"}
    )
    assert status == 201, service
    return service


async def levels(api: Api, product_id: int) -> dict[str, int]:
    _, product = await api.get(f"/products/{product_id}")
    return {lv["location_id"]: lv["stock"] for lv in product["variants"][0]["inventory_levels"]}


async def test__register__should_create_a_flagged_location(api) -> None:
    service = await register(api)
    assert service | {"id": None, "location_id": None, "created_at": None} == {
        "id": None,
        "name": "Oberlo",
        "handle": "oberlo",
        "callback_url": "https://oberlo.example",
        "inventory_management": True,
        "location_id": None,
        "app_id": "1002",
        "variant_ids": [],
        "created_at": None,
    }
    _, location = await api.get(f"/locations/{service['location_id']}")
    assert location["is_fulfillment_service"] is True and location["legacy"] is True
    assert location["is_default"] is False
    assert (await api.get("/fulfillment_services"))[1] == [service]


async def test__assigned_variant__should_be_stocked_only_at_the_service(api) -> None:
    service = await register(api)
    home = service["location_id"]
    assert await levels(api, 20) == {D1: 10, "01HTMFDH09VC6E2Q8KGTGP44D3": 4}
    status, service = await api.put(
        f"/fulfillment_services/{service['id']}/variants", {"variant_ids": [201]}
    )
    assert status == 200 and service["variant_ids"] == [201]
    after = await levels(api, 20)
    assert after[home] == 14 and sum(after.values()) == 14  # every unit moved, none made
    _, moves = await api.get("/_mock/stores/1/movements?variant_id=201")
    assert {m["reason"] for m in moves[-4:]} == {"fulfillment_service"}
    # stock written at the default location later is never allocated: the service fulfils it
    await api.post("/products/20/variants/stock", {"action": "replace", "value": 5, "id": 201})
    status, order = await api.post("/orders", {"products": [{"variant_id": 201, "quantity": 3}]})
    assert status == 201
    _, fos = await api.get(f"/orders/{order['id']}/fulfillment-orders")
    assert [fo["assigned_location"]["location_id"] for fo in fos] == [home]
    assert (await levels(api, 20))[home] == 11


async def test__assigned_variant__beyond_the_services_stock__should_be_refused(api) -> None:
    service = await register(api)
    await api.put(f"/fulfillment_services/{service['id']}/variants", {"variant_ids": [201]})
    await api.post("/products/20/variants/stock", {"action": "replace", "value": 50, "id": 201})
    status, error = await api.post("/orders", {"products": [{"variant_id": 201, "quantity": 15}]})
    assert status == 422 and "products[0].quantity" in error


@pytest.mark.parametrize(
    ("service_id", "body", "token", "status"),
    [
        (None, {"variant_ids": [999]}, "default", 422),
        (77, {"variant_ids": [201]}, "default", 404),
        (None, {"variant_ids": "201"}, "default", 422),
        (None, {"variant_ids": [201]}, LEGACY, 403),  # no write_shipping
    ],
    ids=["unknown-variant", "unknown-service", "bad-body", "scope"],
)
async def test__assign__bad_input__should_be_4xx_in_the_error_shape(
    api, service_id, body, token, status
) -> None:
    service = await register(api)
    sid = service_id or service["id"]
    answer_status, error = await api.put(f"/fulfillment_services/{sid}/variants", body, token=token)
    assert answer_status == status and error["code"] == status


async def test__assign__by_another_app__should_be_403(api) -> None:
    service = await register(api)
    _, minted = await api.post(
        "/_mock/stores/1/apps", {"app_id": "61", "scopes": ["write_shipping"]}
    )
    status, error = await api.put(
        f"/fulfillment_services/{service['id']}/variants",
        {"variant_ids": [201]},
        token=minted["access_token"],
    )
    assert status == 403 and "registered" in error["description"]


async def test__variant_of_another_service__should_be_422(api) -> None:
    first, second = await register(api, "One"), await register(api, "Two")
    await api.put(f"/fulfillment_services/{first['id']}/variants", {"variant_ids": [201]})
    status, error = await api.put(
        f"/fulfillment_services/{second['id']}/variants", {"variant_ids": [201]}
    )
    assert status == 422 and "one" in error["description"]


async def test__register__twice_with_one_name__should_be_422(api) -> None:
    await register(api)
    status, error = await api.post("/fulfillment_services", {"name": "Oberlo"})
    assert status == 422 and error["code"] == 422
