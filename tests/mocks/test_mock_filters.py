"""Query parameters as the platform treats them: common filters, `q`, `fields`, unknown ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from miready.mocks.keys import platform_key
from miready.mocks.state import filters

T0 = datetime(2023, 3, 1, 12, 0, tzinfo=UTC)


async def _three_customers(api, client) -> list[dict]:
    """Customers created at T0, T0+1h, T0+2h (the mock's clock, advanced between them)."""
    clock = client.app[platform_key].clock
    clock.set(T0)
    made = []
    for name in ("Ana Pérez", "Bruno Díaz", "Carla Ana"):
        _, c = await api.post("/customers", {"name": name, "email": f"{name[:3]}@x.example"})
        made.append(c)
        clock.advance(3600)
    return made


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", [0, 1, 2]),
        ("since_id={0}", [1, 2]),
        ("created_at_min=2023-03-01T13:00:00%2B00:00", [1, 2]),
        ("created_at_max=2023-03-01T13:00:00Z", [0, 1]),
        ("updated_at_min=2023-03-01T14:00:00Z", [2]),
        ("updated_at_max=2023-03-01T12:30:00Z", [0]),
        ("q=ana", [0, 2]),
        ("q=D%C3%8DAZ", [1]),
        ("q=zzz", []),
        ("per_page=2&page=2", [2]),
        ("page=9", []),
        ("not_a_parameter=1&q=bruno", [1]),
    ],
)
async def test__list_filters__should_select_by_id_dates_text_and_page(
    api, client, query, expected
) -> None:
    made = await _three_customers(api, client)
    status, listed = await api.get("/customers?" + query.format(made[0]["id"]))
    assert status == 200
    assert [c["id"] for c in listed] == [made[i]["id"] for i in expected]


@pytest.mark.parametrize(
    ("path", "query", "expected_keys"),
    [
        ("/products/10", "fields=id", {"id"}),
        ("/products/10", "fields=id,variants.sku", {"id", "variants"}),
        ("/products/10", "fields=nope", set()),
        ("/products", "fields=id,name", {"id", "name"}),
        (
            "/orders/{order}",
            "fields=id,shipping_tracking_number",
            {"id", "shipping_tracking_number"},
        ),
        ("/orders/{order}", "fields=shipping_address.city", {"shipping_address"}),
        ("/orders", "fields=fulfillments", {"fulfillments"}),
    ],
)
async def test__fields__should_return_only_the_named_fields(
    api, path, query, expected_keys
) -> None:
    _, order = await api.post(
        "/orders",
        {
            "products": [{"variant_id": 201, "quantity": 1}],
            "shipping_address": {"city": "Rosario", "address": "Calle 1"},
        },
    )
    status, body = await api.get(path.format(order=order["id"]) + "?" + query)
    assert status == 200
    items = body if isinstance(body, list) else [body]
    assert items and all(set(item) == expected_keys for item in items)


async def test__fields_nested__should_keep_only_the_nested_key(api) -> None:
    _, product = await api.get("/products/10?fields=variants.sku")
    assert product == {"variants": [{"sku": "REM-M"}]}


async def test__fields_legacy_name__should_come_from_the_first_fo(api) -> None:
    _, order = await api.post(
        "/orders",
        {"products": [{"variant_id": 201, "quantity": 1}], "shipping_address": {"city": "Rosario"}},
    )
    _, shown = await api.get(f"/orders/{order['id']}?fields=shipping_address.city")
    assert shown == {"shipping_address": {"city": "Rosario"}}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since_id=abc", "since_id"),
        ("created_at_min=yesterday", "created_at_min"),
        ("per_page=0", "per_page"),
    ],
)
async def test__malformed_filter__should_be_422_naming_it(api, query, field) -> None:
    status, body = await api.get("/customers?" + query)
    assert status == 422 and field in body


@pytest.mark.parametrize(
    ("raw", "view", "expected"),
    [
        ("a", {"a": 1, "b": 2}, {"a": 1}),
        ("a.b", {"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}),
        ("a.b", {"a": [{"b": 1, "c": 2}, {"c": 3}]}, {"a": [{"b": 1}, {}]}),
        ("a.b,a.c", {"a": {"b": 1, "c": 2, "d": 3}}, {"a": {"b": 1, "c": 2}}),
        ("x", {"a": 1}, {}),
        ("", {"a": 1}, {"a": 1}),
    ],
)
def test__project__table__should_cut_to_the_named_paths(raw, view, expected) -> None:
    assert filters.project(view, filters.parse_fields(raw)) == expected
