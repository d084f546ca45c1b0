"""The resources apps of the affected scopes use: categories, images, SKU lookup, customers,
metafields, PUT /orders/{id}, shipping carriers and options, scripts, abandoned checkouts
(mocks/routes, mocks/state)."""

from __future__ import annotations

import json

import pytest
from mockapi import LEGACY  # type: ignore[import-not-found]

# (collection path, a valid create body, a valid update body, the key the update changes)
CRUD = [
    ("/categories", {"name": "Remeras"}, {"name": {"es": "Camisetas"}}, "name"),
    ("/products/10/images", {"src": "https://img.example/a.jpg"}, {"alt": ["front"]}, "alt"),
    ("/customers", {"name": "Ana", "email": "ana@example.com"}, {"phone": "123"}, "phone"),
    (
        "/shipping_carriers",
        {"name": "Rapido", "callback_url": "http://127.0.0.1:9/rates", "types": "ship"},
        {"active": False},
        "active",
    ),
    (
        "/scripts",
        {"src": "https://app.example/a.js", "event": "onload"},
        {"where": "store,checkout"},
        "where",
    ),
]


@pytest.mark.parametrize(("collection", "create", "update", "key"), CRUD)
async def test__resource_crud__should_create_read_update_list_and_delete(
    api, collection, create, update, key
) -> None:
    status, created = await api.post(collection, create)
    assert status == 201, created
    item = f"{collection}/{created['id']}"
    assert (await api.get(item)) == (200, created)
    status, changed = await api.put(item, update)
    assert status == 200 and changed[key] == ({"es": "Camisetas"} if key == "name" else update[key])
    status, listed = await api.get(collection)
    assert status == 200 and [x["id"] for x in listed] == [created["id"]]
    assert (await api.delete(item)) == (200, {})
    assert (await api.get(item))[0] == 404
    assert (await api.get(collection)) == (200, [])


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/categories", "read_products"),
        ("GET", "/customers", "read_customers"),
        ("POST", "/customers", "write_customers"),
        ("GET", "/shipping_carriers", "read_shipping"),
        ("POST", "/shipping_carriers", "write_shipping"),
        ("GET", "/metafields/orders", "read_orders"),
        ("GET", "/scripts", "read_scripts"),
        ("POST", "/scripts", "write_scripts"),
        ("GET", "/checkouts", "read_orders"),
    ],
)
async def test__new_resources__without_their_scope__should_be_403_naming_it(
    api, client, method, path, scope
) -> None:
    from miready.mocks.keys import platform_key

    platform = client.app[platform_key]
    token = platform.install_app("1", "77", ["read_locations"]).access_token
    status, body = await api.call(method, path, {"name": "x"}, token=token)
    assert status == 403 and body["scope"] == scope


async def test__product_by_sku__should_find_the_product_of_the_variant_or_404(api) -> None:
    status, product = await api.get("/products/sku/TAZA")
    assert status == 200 and product["id"] == 20
    status, body = await api.get("/products/sku/NOPE")
    assert status == 404 and body["code"] == 404


async def test__product_images__should_keep_positions_and_appear_in_the_product(api) -> None:
    _, first = await api.post("/products/10/images", {"src": "https://img.example/1.jpg"})
    _, second = await api.post(
        "/products/10/images", {"src": "https://img.example/0.jpg", "position": 1}
    )
    _, product = await api.get("/products/10")
    assert [(i["id"], i["position"]) for i in product["images"]] == [
        (second["id"], 1),
        (first["id"], 2),
    ]
    status, body = await api.post("/products/10/images", {"position": 1})
    assert status == 422 and "src" in body


async def test__category_delete__should_move_children_to_the_parent(api) -> None:
    _, root = await api.post("/categories", {"name": "Ropa"})
    _, mid = await api.post("/categories", {"name": "Remeras", "parent": root["id"]})
    _, leaf = await api.post("/categories", {"name": "Lisas", "parent": mid["id"]})
    assert (await api.get(f"/categories/{root['id']}"))[1]["subcategories"] == [mid["id"]]
    await api.delete(f"/categories/{mid['id']}")
    _, moved = await api.get(f"/categories/{leaf['id']}")
    assert moved["parent"] == root["id"]
    status, body = await api.put(f"/categories/{root['id']}", {"parent": leaf["id"]})
    assert status == 422 and "parent" in body


async def test__customer_email__should_be_unique_per_store(api) -> None:
    await api.post("/customers", {"name": "Ana", "email": "ana@example.com"})
    status, body = await api.post("/customers", {"name": "Otra", "email": "ANA@example.com"})
    assert status == 422 and body["email"] == ["has already been taken"]


@pytest.mark.parametrize(("token", "included"), [("default", True), (LEGACY, False)])
async def test__order_customer__should_be_included_only_with_read_customers(
    api, token, included
) -> None:
    _, order = await api.post(
        "/orders",
        {
            "products": [{"variant_id": 301, "quantity": 1}],
            "customer": {"name": "Ana", "email": "ana@example.com"},
        },
    )
    _, read = await api.get(f"/orders/{order['id']}", token=token)
    assert ("customer" in read) is included
    if included:
        assert read["customer"]["email"] == "ana@example.com"


async def test__put_order__should_change_only_the_fields_apps_may_update(api) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    status, updated = await api.put(f"/orders/{order['id']}", {"owner_note": "fragile"})
    assert status == 200 and updated["owner_note"] == "fragile"
    status, body = await api.put(f"/orders/{order['id']}", {"status": "closed"})
    assert status == 422 and "status" in body


async def test__metafields__should_belong_to_an_existing_owner_and_list_by_owner(api) -> None:
    body = {"namespace": "app", "key": "color", "value": "red", "owner_resource": "Product"}
    status, created = await api.post("/metafields", {**body, "owner_id": 10})
    assert status == 201
    await api.post("/metafields", {**body, "owner_id": 101, "owner_resource": "Product_Variant"})
    _, listed = await api.get("/metafields/products?owner_id=10")
    assert [m["id"] for m in listed] == [created["id"]]
    _, variants = await api.get("/metafields/variants")
    assert [m["owner_id"] for m in variants] == [101]
    status, error = await api.post("/metafields", {**body, "owner_id": 999})
    assert status == 422 and "owner_id" in error
    status, error = await api.post("/metafields", {**body, "owner_id": 10})
    assert status == 422 and "key" in error
    status, changed = await api.put(f"/metafields/{created['id']}", {"value": "blue"})
    assert status == 200 and changed["value"] == "blue"


async def test__invoices_metafield__should_hold_a_list_naming_the_orders_fos(api) -> None:
    _, order = await api.post("/orders", {"products": [{"variant_id": 101, "quantity": 3}]})
    fo_ids = order["fulfillments"]
    assert len(fo_ids) == 2
    invoices = [
        {"key": f"NF-{i}", "link": f"https://nf.example/{i}", "fulfillment_order_id": fo}
        for i, fo in enumerate(fo_ids)
    ]
    base = {"namespace": "nfe", "key": "list", "owner_resource": "Order", "owner_id": order["id"]}
    status, created = await api.post("/metafields", {**base, "value": json.dumps(invoices)})
    assert status == 201 and json.loads(created["value"]) == invoices
    _, listed = await api.get(f"/metafields/orders?owner_id={order['id']}&namespace=nfe")
    assert [m["id"] for m in listed] == [created["id"]]
    bad = [{"key": "X", "link": "https://x", "fulfillment_order_id": "01NOTANFO"}]
    status, body = await api.put(f"/metafields/{created['id']}", {"value": json.dumps(bad)})
    assert status == 422 and "value[0].fulfillment_order_id" in body


async def test__carrier_options__should_have_unique_codes_and_go_with_their_carrier(api) -> None:
    _, carrier = await api.post(
        "/shipping_carriers", {"name": "C", "callback_url": "http://127.0.0.1:9/r"}
    )
    options = f"/shipping_carriers/{carrier['id']}/options"
    status, option = await api.post(options, {"code": "express", "name": "Express"})
    assert status == 201 and option["carrier_id"] == carrier["id"]
    status, body = await api.post(options, {"code": "express", "name": "Again"})
    assert status == 422 and "code" in body
    assert (await api.get(options))[1] == [option]
    await api.delete(f"/shipping_carriers/{carrier['id']}")
    assert (await api.get(f"{options}/{option['id']}"))[0] == 404
