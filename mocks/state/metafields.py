"""Metafields of products, variants and orders, with seed 004's invoices list on orders."""

from __future__ import annotations

import json
from typing import Any

from miready.mocks.errors import ApiError, invalid
from miready.mocks.state import records
from miready.mocks.state.platform import Platform, Store

KIND = records.METAFIELDS
# owner_resource -> (list path segment, the read scope, the write scope)
OWNERS = {
    "Product": ("products", "read_products", "write_products"),
    "Product_Variant": ("variants", "read_products", "write_products"),
    "Order": ("orders", "read_orders", "write_orders"),
}
RESOURCE_OF = {segment: owner for owner, (segment, _, _) in OWNERS.items()}
# seed 004: "an Order may have more than one invoice, so we will have a Metafield that holds a
# list of invoices"; the platform names it namespace `nfe`, key `list`.
INVOICES = ("nfe", "list")
INVOICE_KEYS = ("key", "link", "fulfillment_order_id")


def check_scope(scopes: frozenset[str], owner_resource: str, write: bool) -> None:
    needed = OWNERS[owner_resource][2 if write else 1]
    if needed not in scopes:
        raise ApiError(403, f"This operation needs the scope {needed}", scope=needed)


def _check_owner(store: Store, owner_resource: str, owner_id: int) -> None:
    exists = {
        "Product": store.products,
        "Product_Variant": store.variants,
        "Order": store.orders,
    }[owner_resource]
    if owner_id not in exists:
        raise invalid("owner_id", f"no {owner_resource} with id {owner_id}")


def _check_invoices(store: Store, order_id: int, value: str) -> None:
    try:
        invoices = json.loads(value)
    except ValueError:
        raise invalid("value", "the invoices list must be a JSON list") from None
    if not isinstance(invoices, list):
        raise invalid("value", "the invoices list must be a JSON list")
    order = store.orders[order_id]
    for i, invoice in enumerate(invoices):
        if not isinstance(invoice, dict) or not all(k in invoice for k in INVOICE_KEYS):
            raise invalid(f"value[{i}]", "an invoice is {key, link, fulfillment_order_id}")
        if invoice["fulfillment_order_id"] not in order["fulfillments"]:
            raise invalid(
                f"value[{i}].fulfillment_order_id", "not a fulfillment order of this order"
            )


def _check_value(store: Store, metafield: dict[str, Any]) -> None:
    if (
        metafield["owner_resource"] == "Order"
        and (
            metafield["namespace"],
            metafield["key"],
        )
        == INVOICES
    ):
        _check_invoices(store, metafield["owner_id"], metafield["value"])


def create(platform: Platform, store: Store, body: dict[str, Any]) -> dict[str, Any]:
    _check_owner(store, body["owner_resource"], body["owner_id"])
    for m in records.all_of(store, KIND):
        same = ("owner_resource", "owner_id", "namespace", "key")
        if all(m[k] == body[k] for k in same):
            raise invalid("key", "has already been taken for this owner and namespace")
    record = {"description": None, **body}
    _check_value(store, record)
    return records.insert(platform, store, KIND, record)


def update(
    platform: Platform, store: Store, metafield_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    current = records.get(store, KIND, metafield_id)
    _check_value(store, {**current, **body})
    return records.update(platform, store, KIND, metafield_id, body)


def listed(store: Store, segment: str, query: dict[str, Any]) -> list[dict[str, Any]]:
    owner = RESOURCE_OF[segment]
    out = [m for m in records.all_of(store, KIND) if m["owner_resource"] == owner]
    for key in ("owner_id", "namespace", "key"):
        if query.get(key) is not None:
            out = [m for m in out if m[key] == query[key]]
    return out
