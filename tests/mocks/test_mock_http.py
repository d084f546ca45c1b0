"""The HTTP surface: route names vs openapi.yaml, auth, scopes, errors, validation, paging."""

from __future__ import annotations

import io

import pytest
import yaml
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import create_app
from miready.mocks.config import MockConfig
from mockapi import LEGACY, headers  # type: ignore[import-not-found]


def test__route_table__should_match_openapi_operations() -> None:
    spec = yaml.safe_load(OPENAPI_PATH.read_text())
    in_spec = {
        (op["operationId"], method.upper(), "/v1/{store_id}" + path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }
    app = create_app(MockConfig())
    in_app = {
        (route.name, route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
        and route.resource.canonical.startswith("/v1/")
        and route.method != "HEAD"
    }
    assert in_app == in_spec


async def test__missing_user_agent__should_be_400(client) -> None:
    response = await client.get(
        "/v1/1/store",
        headers={"Authentication": "bearer demo-ready-token-0002"},
        skip_auto_headers=["User-Agent"],
    )
    body = await response.json()
    assert response.status == 400 and "User-Agent" in body["description"]
    assert set(body) >= {"code", "message", "description"}


@pytest.mark.parametrize(
    "auth",
    [{}, {"Authentication": "bearer nope"}, {"Authentication": "basic demo-ready-token-0002"}],
)
async def test__missing_or_unknown_token__should_be_401(client, auth) -> None:
    response = await client.get("/v1/1/store", headers={"User-Agent": "t", **auth})
    assert response.status == 401 and (await response.json())["code"] == 401


@pytest.mark.parametrize(
    "auth",
    [
        {"Authentication": "Bearer demo-ready-token-0002"},
        {"Authorization": "bearer demo-ready-token-0002"},
    ],
)
async def test__lenient_auth_spellings__should_be_accepted(client, auth) -> None:
    response = await client.get("/v1/1/store", headers={"User-Agent": "t", **auth})
    assert response.status == 200


async def test__token_of_another_store__should_be_401(api) -> None:
    await api.post("/_mock/stores", {"id": "2"})
    status, body = await api.get("/v1/2/store")
    assert status == 401 and "store 2" in body["description"]


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("POST", "/locations", "write_locations"),
        ("GET", "/orders/1/fulfillment-orders", None),  # auto-granted by read_orders
        ("GET", "/locations", None),  # auto-granted by read_products
        ("POST", "/draft_orders", "write_draft_orders"),
    ],
)
async def test__scopes__should_be_403_naming_the_missing_scope(api, method, path, scope) -> None:
    status, body = await api.call(
        method, path, {"products": [{"variant_id": 101, "quantity": 1}]}, token=LEGACY
    )
    if scope is None:
        assert status != 403
    else:
        assert status == 403 and scope in body["description"] and body["scope"] == scope


async def test__malformed_json__should_be_400(client) -> None:
    response = await client.post(
        "/v1/1/orders", data=b"{nope", headers=headers(**{"Content-Type": "application/json"})
    )
    assert response.status == 400 and "JSON" in (await response.json())["description"]


async def test__non_json_body__should_be_415(client) -> None:
    response = await client.post(
        "/v1/1/orders", data=b"a=b", headers=headers(**{"Content-Type": "text/plain"})
    )
    assert response.status == 415 and (await response.json())["code"] == 415


async def test__body_over_1mib__should_be_413_json(client) -> None:
    big = b'{"products": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = await client.post(
        "/v1/1/orders",
        data=io.BytesIO(big),
        headers=headers(**{"Content-Type": "application/json"}),
    )
    assert response.status == 413 and (await response.json())["code"] == 413


async def test__invalid_body__should_be_422_naming_each_field(api) -> None:
    status, body = await api.post(
        "/orders", {"products": [{"variant_id": "x"}], "contact_email": 5}
    )
    assert status == 422
    assert set(body) - {"code", "message", "description"} == {
        "products[0].variant_id",
        "products[0].quantity",
        "contact_email",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/orders/999",
        "/products/999",
        "/products/10/variants/999",
        "/locations/NOPE",
        "/webhooks/9",
        "/orders/abc",
        "/draft_orders/5",
        "/orders/1/fulfillment-orders/NOPE",
    ],
)
async def test__unknown_ids__should_be_404_json(api, path) -> None:
    status, body = await api.get(path)
    assert status == 404 and body["code"] == 404


async def test__not_enough_stock__should_be_422(api) -> None:
    status, body = await api.post("/orders", {"products": [{"variant_id": 101, "quantity": 4}]})
    assert status == 422 and "products[0].quantity" in body


async def test__pagination__should_page_with_total_and_links(api) -> None:
    for _ in range(5):
        status, _ = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
        assert status == 201
    status, page = await api.get("/orders?per_page=2&page=2")
    assert status == 200 and [o["number"] for o in page] == [102, 103]
    assert api.last_headers["X-Total-Count"] == "5"
    link = api.last_headers["Link"]
    for rel in ("first", "prev", "next", "last"):
        assert f'rel="{rel}"' in link
    assert "page=3" in link.split('rel="last"')[0].rsplit("<", 1)[1]


async def test__per_page_over_200__should_be_422(api) -> None:
    status, body = await api.get("/orders?per_page=201")
    assert status == 422 and "per_page" in body


async def test__order_filters__should_filter(api) -> None:
    await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    await api.post(f"/orders/{order['id']}/cancel")
    _, cancelled = await api.get("/orders?status=cancelled")
    _, since = await api.get(f"/orders?since_id={order['id'] - 1}")
    _, packed = await api.get("/orders?shipping_status=packed")
    assert [o["id"] for o in cancelled] == [order["id"]] and [o["id"] for o in since] == [
        order["id"]
    ]
    assert packed == []


async def test__legacy_switched_off__should_404_naming_the_replacement_and_hide_legacy_fields(
    api,
) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    assert "shipping_address" in order
    assert (await api.put("/_mock/legacy", {"enabled": False}))[0] == 200
    status, body = await api.post(f"/orders/{order['id']}/pack")
    assert (
        status == 404
        and "PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id}"
        in body["description"]
    )
    _, plain = await api.get(f"/orders/{order['id']}")
    assert (
        not [k for k in plain if k.startswith("shipping_") and k != "shipping_status"]
        and "shipped_at" not in plain
    )
    assert plain["shipping_status"] == "unpacked"


async def test__no_legacy_config__should_start_without_legacy(aiohttp_client) -> None:
    from miready.mocks.app import SAMPLE_FIXTURE
    from mockapi import Api  # type: ignore[import-not-found]

    api = Api(await aiohttp_client(create_app(MockConfig(fixture=SAMPLE_FIXTURE, legacy=False))))
    status, _ = await api.get("/orders/1/fulfillments")
    assert status == 404
