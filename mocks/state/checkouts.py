"""Abandoned checkouts: carts a shopper left at the checkout's second step, read-only for apps.

They come from a fixture's `checkouts` or from the admin API (a shopper abandons a cart); apps
read them for 30 days after they were created, as on the platform, and never once completed.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from miready.mocks.clock import parse_time
from miready.mocks.errors import NotFound, Unprocessable
from miready.mocks.state import records
from miready.mocks.state.platform import Platform, Store

KIND = records.CHECKOUTS
VISIBLE_FOR = timedelta(days=30)
CENTS = Decimal("0.01")
ADDRESS_KEYS = tuple(
    f"{who}_{key}"
    for who in ("shipping", "billing")
    for key in (
        "name",
        "phone",
        "address",
        "number",
        "floor",
        "locality",
        "zipcode",
        "city",
        "province",
        "country",
    )
)
DEFAULTS: dict[str, Any] = {
    **{f"contact_{k}": None for k in ("email", "name", "phone", "identification")},
    **dict.fromkeys(ADDRESS_KEYS),
    "shipping_min_days": None,
    "shipping_max_days": None,
    "shipping_cost_owner": "0.00",
    "shipping_cost_customer": "0.00",
    "coupon": [],
    "discount": "0.00",
    "discount_coupon": "0.00",
    "discount_gateway": "0.00",
    "total_usd": "0.00",
    "checkout_enabled": True,
    "currency": "ARS",
    "gateway": None,
    "gateway_id": None,
    **dict.fromkeys(
        (
            "shipping",
            "shipping_option",
            "shipping_option_code",
            "shipping_option_reference",
            "shipping_pickup_details",
            "shipping_tracking_number",
            "shipping_tracking_url",
            "shipping_store_branch_name",
        )
    ),
    "shipping_pickup_type": "ship",
    "shipping_suboption": [],
    "extra": {},
    "storefront": "store",
    "note": None,
    "completed_at": None,
    "next_action": "noop",
    "payment_details": {"method": None, "credit_card_company": None, "installments": 1},
    "attributes": [],
}


def _amount(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return next(iter(value.values()), "")
    return str(value)


def _line(platform: Platform, store: Store, raw: dict[str, Any], where: str) -> dict[str, Any]:
    """A cart line as the platform shows it: the variant's product, price and sizes, filled in
    where the input left them out (a dump's lines come back unchanged)."""
    variant = store.variants.get(int(raw["variant_id"]))
    if variant is None:
        raise Unprocessable({f"{where}.variant_id": [f"unknown variant {raw['variant_id']}"]})
    product = store.products[variant["product_id"]]
    values = [_text(v) for v in variant.get("values") or []]
    name = _text(product["name"]) + (f" ({', '.join(values)})" if values else "")
    line = {
        "id": raw.get("id") or platform.ids.next("line_item"),
        "product_id": product["id"],
        "variant_id": variant["id"],
        "name": name,
        "price": variant["price"],
        "quantity": int(raw["quantity"]),
        "sku": variant.get("sku"),
        "barcode": variant.get("barcode"),
        **{k: variant.get(k) or "0.00" for k in ("weight", "width", "height", "depth")},
        "free_shipping": False,
        "variant_values": values,
        "properties": [],
        "image": None,
    }
    return {**line, **raw, "id": line["id"]}


def complete(
    platform: Platform, store: Store, checkout: dict[str, Any], where: str | None = None
) -> dict[str, Any]:
    """Fill every field the platform shows and `checkout` lacks; filled fields stay as they are,
    so a dump loads back equal. `where` prefixes the fields a 422 names (a fixture's by id)."""
    where = f"checkouts[{checkout['id']}]." if where is None else where
    lines = [
        _line(platform, store, raw, f"{where}products[{i}]")
        for i, raw in enumerate(checkout.get("products") or [])
    ]
    subtotal = sum((_amount(li["price"]) * li["quantity"] for li in lines), Decimal(0))
    weight = sum((_amount(li["weight"]) * li["quantity"] for li in lines), Decimal(0))
    token = hashlib.sha1(f"{store.id}:{checkout['id']}".encode(), usedforsecurity=False)
    for key, value in DEFAULTS.items():
        checkout.setdefault(key, copy.deepcopy(value))
    checkout["products"] = lines
    checkout.setdefault("token", token.hexdigest())
    checkout.setdefault("store_id", int(store.id) if store.id.isdigit() else store.id)
    checkout.setdefault(
        "abandoned_checkout_url",
        f"https://store-{store.id}.example/checkout/v3/order/proxy/{checkout['id']}/"
        f"{checkout['token']}",
    )
    checkout.setdefault("language", store.main_language)
    checkout.setdefault("subtotal", f"{subtotal.quantize(CENTS)}")
    checkout.setdefault("weight", f"{weight:.3f}")
    total = (
        _amount(checkout["subtotal"])
        + _amount(checkout["shipping_cost_customer"])
        - _amount(checkout["discount"])
    )
    checkout.setdefault("total", f"{total.quantize(CENTS)}")
    checkout.setdefault(
        "promotional_discount",
        {
            "id": None,
            "store_id": checkout["store_id"],
            "order_id": checkout["id"],
            "created_at": checkout["created_at"],
            "total_discount_amount": "0.00",
            "contents": [],
            "promotions_applied": [],
        },
    )
    # The documentation's order: who and where first, the lines and the dates last.
    head = ("id", "token", "store_id", "abandoned_checkout_url", *DEFAULTS)
    tail = ("created_at", "updated_at", "completed_at", "products")
    ordered = {k: checkout[k] for k in head if k in checkout and k not in tail}
    ordered |= {k: v for k, v in checkout.items() if k not in ordered and k not in tail}
    ordered |= {k: checkout[k] for k in tail if k in checkout}
    checkout.clear()
    checkout.update(ordered)
    return checkout


def complete_all(platform: Platform, store: Store) -> None:
    """After a fixture's records are in: every checkout of `store` filled in."""
    for checkout in records.all_of(store, KIND):
        complete(platform, store, checkout)


def abandon(platform: Platform, store: Store, body: dict[str, Any]) -> dict[str, Any]:
    """A shopper leaves the checkout: the cart becomes an abandoned checkout (admin API)."""
    checkout = records.insert(platform, store, KIND, copy.deepcopy(body))
    try:
        return complete(platform, store, checkout, where="")
    except Unprocessable:
        records.delete(store, KIND, checkout["id"])
        raise


def _visible(store: Store, checkout: dict[str, Any]) -> bool:
    if checkout.get("completed_at"):
        return False
    return store.clock.now() - parse_time(checkout["created_at"]) <= VISIBLE_FOR


def listed(store: Store) -> list[dict[str, Any]]:
    """The checkouts apps see, in id order: not completed, created in the last 30 days."""
    return [c for c in records.all_of(store, KIND) if _visible(store, c)]


def get(store: Store, checkout_id: int) -> dict[str, Any]:
    checkout = records.table(store, KIND).get(checkout_id)
    if checkout is None or not _visible(store, checkout):
        raise NotFound("Checkout with such id does not exist")
    return checkout
