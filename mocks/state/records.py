"""Simple per-store resources (categories, images, customers, metafields, carriers, scripts,
abandoned checkouts) as records."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from miready.mocks.errors import NotFound
from miready.mocks.state.platform import Platform, Store


@dataclass(frozen=True, slots=True)
class Kind:
    """One record kind: its fixture/store key, its id counter and the name its 404 uses."""

    key: str
    counter: str
    label: str


CATEGORIES = Kind("categories", "category", "Category")
IMAGES = Kind("images", "image", "Image")
CUSTOMERS = Kind("customers", "customer", "Customer")
METAFIELDS = Kind("metafields", "metafield", "Metafield")
CARRIERS = Kind("shipping_carriers", "shipping_carrier", "Shipping carrier")
CARRIER_OPTIONS = Kind("carrier_options", "carrier_option", "Shipping carrier option")
SCRIPTS = Kind("scripts", "script", "Script")
CHECKOUTS = Kind("checkouts", "checkout", "Checkout")
KINDS = (CATEGORIES, IMAGES, CUSTOMERS, METAFIELDS, CARRIERS, CARRIER_OPTIONS, SCRIPTS, CHECKOUTS)


def table(store: Store, kind: Kind) -> dict[int, dict[str, Any]]:
    return store.records.setdefault(kind.key, {})


def all_of(store: Store, kind: Kind) -> list[dict[str, Any]]:
    return [r for _, r in sorted(table(store, kind).items())]


def get(store: Store, kind: Kind, record_id: int) -> dict[str, Any]:
    try:
        return table(store, kind)[record_id]
    except KeyError:
        raise NotFound(f"{kind.label} with such id does not exist") from None


def insert(platform: Platform, store: Store, kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """Store `record` under a new id, stamping `created_at`/`updated_at` from the mock's clock."""
    now = platform.clock.iso()
    record = {"id": platform.ids.next(kind.counter), **record}
    record.setdefault("created_at", now)
    record.setdefault("updated_at", now)
    table(store, kind)[record["id"]] = record
    return record


def update(
    platform: Platform, store: Store, kind: Kind, record_id: int, changes: dict[str, Any]
) -> dict[str, Any]:
    record = get(store, kind, record_id)
    record.update(changes)
    record["updated_at"] = platform.clock.iso()
    return record


def delete(store: Store, kind: Kind, record_id: int) -> dict[str, Any]:
    get(store, kind, record_id)
    return table(store, kind).pop(record_id)


def load(platform: Platform, store: Store, raw: dict[str, Any]) -> None:
    """A fixture's records (`categories: [...]`, `customers: [...]`, ...), ids kept."""
    now = platform.clock.iso()
    for kind in KINDS:
        for item in raw.get(kind.key) or []:
            record = copy.deepcopy(item)
            record["id"] = int(record["id"]) if "id" in record else platform.ids.next(kind.counter)
            platform.ids.bump(kind.counter, record["id"])
            record.setdefault("created_at", now)
            record.setdefault("updated_at", now)
            table(store, kind)[record["id"]] = record


def dump(store: Store) -> dict[str, list[dict[str, Any]]]:
    return {kind.key: copy.deepcopy(all_of(store, kind)) for kind in KINDS}
