"""Error bodies in the platform's own shapes: 422 fields at the top level for the core API,
under `messages` for the fulfillment-order service (platform notes, section 1)."""

from __future__ import annotations

import pytest

FO = "/orders/{order}/fulfillment-orders/{fo}"

# (method, path, body, the field named) for core resources: the field sits at the top level
CORE = [
    ("POST", "/products/10/variants", {"price": "cheap"}, "price"),
    ("POST", "/categories", {"name": 5}, "name"),
    ("POST", "/customers", {"name": "A"}, "email"),
    ("POST", "/metafields", {"namespace": "a", "key": "b", "value": "c"}, "owner_id"),
    ("PUT", "/orders/{order}", {"shipping": "x"}, "shipping"),
    ("POST", "/shipping_carriers", {"name": "C", "callback_url": "ftp://x"}, "callback_url"),
    (
        "POST",
        "/orders",
        {"products": [{"variant_id": 101, "quantity": 99}]},
        "products[0].quantity",
    ),
]
# the fulfillment-order service: fields under `messages`
SERVICE = [
    ("PATCH", FO, {"status": "TELEPORTED"}, "status"),
    (
        "PATCH",
        FO,
        {"assigned_location": {"location_id": "01NOPE"}},
        "assigned_location.location_id",
    ),
    ("POST", FO + "/tracking-events", {"status": "in_transit"}, "description"),
]


async def _order(api) -> tuple[int, str]:
    _, order = await api.post("/orders", {"products": [{"variant_id": 201, "quantity": 1}]})
    return order["id"], order["fulfillments"][0]


@pytest.mark.parametrize(("method", "path", "body", "field"), CORE)
async def test__core_422__should_put_each_bad_field_at_the_top_level(
    api, method, path, body, field
) -> None:
    order, fo = await _order(api)
    status, error = await api.call(method, path.format(order=order, fo=fo), body)
    assert status == 422
    assert error["code"] == 422 and isinstance(error["description"], str)
    assert isinstance(error[field], list) and all(isinstance(m, str) for m in error[field])
    assert "messages" not in error


@pytest.mark.parametrize(("method", "path", "body", "field"), SERVICE)
async def test__fo_service_422__should_put_the_fields_under_messages(
    api, method, path, body, field
) -> None:
    order, fo = await _order(api)
    status, error = await api.call(method, path.format(order=order, fo=fo), body)
    assert status == 422
    assert isinstance(error["description"], str)
    assert field in error["messages"] and not isinstance(error.get(field), list)


async def test__field_named_like_an_error_key__should_go_under_fields(api) -> None:
    status, error = await api.post("/categories", {"name": "x", "description": 5})
    assert status == 422
    assert isinstance(error["description"], str) and "description" in error["fields"]


@pytest.mark.parametrize(
    ("path", "description"),
    [
        ("/categories/999", "Category with such id does not exist"),
        ("/customers/999", "Customer with such id does not exist"),
        ("/metafields/999", "Metafield with such id does not exist"),
        ("/products/10/images/999", "Image with such id does not exist"),
        ("/shipping_carriers/999", "Shipping carrier with such id does not exist"),
    ],
)
async def test__unknown_id__should_be_404_in_the_core_shape(api, path, description) -> None:
    status, error = await api.get(path)
    assert status == 404
    assert error == {"code": 404, "message": "Not Found", "description": description}
