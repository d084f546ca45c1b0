"""Products and variants (CRUD, bulk patches), delegating stock writes to `stock`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from miready.mocks.clock import Clock
from miready.mocks.errors import ApiError, Unprocessable, invalid
from miready.mocks.ids import Counter
from miready.mocks.state import stock
from miready.mocks.state.platform import Store


def money(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return f"{Decimal(str(value)):.2f}"


def _localized(value: Any) -> dict[str, str]:
    return {"es": value} if isinstance(value, str) else dict(value)


def product_view(
    store: Store, product: dict[str, Any], variants: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The product with its variants; a list passes `variants` from `variants_by_product`."""
    if variants is None:
        variants = variants_of(store, product["id"])
    view = dict(product)
    ordered = sorted(variants, key=lambda v: (v["position"], v["id"]))
    view["variants"] = [stock.variant_view(store, v) for v in ordered]
    return view


def variants_by_product(store: Store) -> dict[int, list[dict[str, Any]]]:
    """Every product's variants in one pass over the store (not one pass per product listed)."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for v in store.variants.values():
        grouped.setdefault(v["product_id"], []).append(v)
    return grouped


def variants_of(store: Store, product_id: int) -> list[dict[str, Any]]:
    return [v for v in store.variants.values() if v["product_id"] == product_id]


def create_product(
    store: Store, clock: Clock, ids: Counter, body: dict[str, Any]
) -> dict[str, Any]:
    now = clock.iso()
    product = {
        "id": ids.next("product"),
        "name": _localized(body.get("name") or "Product"),
        "description": _localized(body.get("description") or ""),
        "handle": {},
        "created_at": now,
        "updated_at": now,
    }
    product["handle"] = {
        k: f"{v}-{product['id']}".lower().replace(" ", "-") for k, v in product["name"].items()
    }
    store.products[product["id"]] = product
    rows = body.get("variants") or [{}]
    try:
        for i, row in enumerate(rows):
            create_variant(store, clock, ids, product["id"], row, field=f"variants[{i}]")
    except ApiError:
        delete_product(store, product["id"])
        raise
    return product


def update_product(
    store: Store, clock: Clock, ids: Counter, product_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    product = store.product(product_id)
    for key in ("name", "description"):
        if body.get(key) is not None:
            product[key] = _localized(body[key])
    for i, row in enumerate(body.get("variants") or []):
        if "id" in row:
            update_variant(store, clock, product_id, int(row["id"]), row, field=f"variants[{i}]")
        else:
            create_variant(store, clock, ids, product_id, row, field=f"variants[{i}]")
    product["updated_at"] = clock.iso()
    return product


def delete_product(store: Store, product_id: int) -> None:
    store.product(product_id)
    for variant in variants_of(store, product_id):
        _drop_variant(store, variant["id"])
    del store.products[product_id]


def _drop_variant(store: Store, variant_id: int) -> None:
    for key in [k for k in store.levels if k[0] == variant_id]:
        del store.levels[key]
    del store.variants[variant_id]


def _apply_fields(variant: dict[str, Any], body: dict[str, Any]) -> None:
    if "price" in body:
        variant["price"] = money(body["price"]) or "0.00"
    if "promotional_price" in body:
        variant["promotional_price"] = money(body["promotional_price"])
    if "weight" in body:
        variant["weight"] = money(body["weight"])
    if "sku" in body:
        variant["sku"] = body["sku"]
    if "values" in body:
        variant["values"] = [_localized(v) for v in body["values"]]


def create_variant(
    store: Store, clock: Clock, ids: Counter, product_id: int, body: dict[str, Any], field: str = ""
) -> dict[str, Any]:
    store.product(product_id)
    siblings = variants_of(store, product_id)
    if len(siblings) >= 1000:
        raise invalid(field or "variants", "a product has at most 1000 variants")
    now = clock.iso()
    variant = {
        "id": ids.next("variant"),
        "product_id": product_id,
        "position": len(siblings) + 1,
        "price": "0.00",
        "promotional_price": None,
        "stock_management": False,
        "sku": None,
        "values": [],
        "weight": None,
        "created_at": now,
        "updated_at": now,
    }
    _apply_fields(variant, body)
    store.variants[variant["id"]] = variant
    try:
        stock.apply_stock_write(store, clock, variant, body, field)
    except ApiError:
        _drop_variant(store, variant["id"])
        raise
    return variant


def update_variant(
    store: Store,
    clock: Clock,
    product_id: int,
    variant_id: int,
    body: dict[str, Any],
    field: str = "",
) -> dict[str, Any]:
    variant = store.variant(product_id, variant_id)
    _apply_fields(variant, body)
    stock.apply_stock_write(store, clock, variant, body, field)
    variant["updated_at"] = clock.iso()
    return variant


def delete_variant(store: Store, product_id: int, variant_id: int) -> None:
    store.variant(product_id, variant_id)
    if len(variants_of(store, product_id)) == 1:
        raise invalid("variant_id", "a product keeps at least one variant")
    _drop_variant(store, variant_id)


def patch_variants(store: Store, clock: Clock, product_id: int, rows: list[dict[str, Any]]) -> None:
    store.product(product_id)
    ids = [int(row["id"]) for row in rows]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ApiError(422, "Variants cannot be repeated", duplicate_variant_ids=duplicates)
    problems = {
        f"[{i}].id": [f"variant {vid} is not a variant of product {product_id}"]
        for i, vid in enumerate(ids)
        if store.variants.get(vid, {}).get("product_id") != product_id
    }
    if problems:
        raise Unprocessable(problems)
    for i, row in enumerate(rows):
        update_variant(store, clock, product_id, int(row["id"]), row, field=f"[{i}]")


def update_variants_stock(
    store: Store, clock: Clock, product_id: int, body: dict[str, Any]
) -> list[dict[str, Any]]:
    store.product(product_id)
    if body.get("id") is not None:
        targets = [store.variant(product_id, int(body["id"]))]
    else:
        targets = sorted(variants_of(store, product_id), key=lambda v: v["position"])
    location_id = body.get("location_id")
    if location_id is not None:
        stock.check_location(store, location_id, "location_id")
    value = body.get("value")
    for variant in targets:
        stock.apply_stock_action(
            store,
            clock,
            variant,
            body["action"],
            value if value is None else int(value),
            location_id,
        )
        variant["updated_at"] = clock.iso()
    return targets


def update_stock_price(
    store: Store, clock: Clock, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    problems: dict[str, list[str]] = {}
    for i, row in enumerate(rows):
        pid = int(row["id"])
        if pid not in store.products:
            problems[f"[{i}].id"] = [f"unknown product {pid}"]
            continue
        for j, vrow in enumerate(row["variants"]):
            if store.variants.get(int(vrow["id"]), {}).get("product_id") != pid:
                problems[f"[{i}].variants[{j}].id"] = [f"not a variant of product {pid}"]
    if problems:
        raise Unprocessable(problems)
    touched = []
    for i, row in enumerate(rows):
        for j, vrow in enumerate(row["variants"]):
            update_variant(
                store, clock, int(row["id"]), int(vrow["id"]), vrow, field=f"[{i}].variants[{j}]"
            )
        touched.append(store.products[int(row["id"])])
    return touched
