"""Load the platform from a fixture (YAML/JSON, friendly or a full dump) and dump it back."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from miready.contracts.yamlio import safe_load
from miready.mocks.admin_schema import validate
from miready.mocks.errors import Unprocessable
from miready.mocks.ids import new_ulid
from miready.mocks.state import checkouts, records, settings
from miready.mocks.state.locations import localized
from miready.mocks.state.platform import App, Platform, Store


class FixtureError(Unprocessable):
    def __init__(self, where: str, problem: str) -> None:
        super().__init__({where: [problem]}, f"fixture {where}: {problem}")


def read_fixture(path: Path | str) -> dict[str, Any]:
    data = safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise FixtureError("(root)", "must be a mapping with `stores` and `apps`")
    return data


def load(platform: Platform, data: dict[str, Any]) -> list[Store]:
    """Add the fixture's apps and stores to `platform` (stores with a taken id are refused)."""
    if not isinstance(data, dict):
        raise FixtureError("(root)", "must be a mapping with `stores` and `apps`")
    validate("fixture", data)
    try:
        return _load(platform, data)
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise FixtureError("(root)", f"malformed fixture: {type(e).__name__}: {e}") from e


def _load(platform: Platform, data: dict[str, Any]) -> list[Store]:
    if "legacy_enabled" in data:
        platform.legacy_enabled = bool(data["legacy_enabled"])
    for kind, last in (data.get("counters") or {}).items():
        platform.ids.bump(kind, int(last))
    for app in data.get("apps") or []:
        platform.apps[str(app["app_id"])] = App(
            str(app["app_id"]),
            app.get("name") or f"App {app['app_id']}",
            app.get("client_secret") or "secret",
        )
    stores = []
    for i, raw in enumerate(data.get("stores") or []):
        stores.append(_load_store(platform, raw, f"stores[{i}]"))
    return stores


def _load_store(platform: Platform, raw: dict[str, Any], where: str) -> Store:
    store_id = str(raw["id"]) if raw.get("id") is not None else None
    if store_id in platform.stores:
        raise FixtureError(f"{where}.id", f"store {store_id} already exists")
    store = platform.create_store(raw.get("name"), store_id)
    store.created_at = raw.get("created_at", store.created_at)
    store.main_language = raw.get("main_language", store.main_language)
    now = platform.clock.iso()
    ordered = []
    for j, loc in enumerate(raw.get("locations") or []):
        loc = copy.deepcopy(loc)
        loc["id"] = loc.get("id") or new_ulid(platform.clock.now())
        loc["name"] = localized(loc.get("name") or loc["id"])
        loc.setdefault("address", {})
        loc["store_id"] = store.id
        loc.setdefault("allows_pickup", False)
        flag = bool(loc.get("is_fulfillment_service", loc.get("legacy", False)))
        loc["is_fulfillment_service"] = loc["legacy"] = flag
        loc.setdefault("created_at", now)
        loc.setdefault("updated_at", now)
        loc["_order"] = (loc.get("priority", j), j)
        ordered.append(loc)
    ordered.sort(key=lambda loc: loc.pop("_order"))
    # Priorities 0..n-1 in fixture order, keeping the fixture's timestamps (a dump reloads equal).
    for n, loc in enumerate(ordered):
        loc["priority"], loc["is_default"] = n, n == 0
        store.locations[loc["id"]] = loc
    for p in raw.get("products") or []:
        _load_product(platform, store, p, now)
    for key, target, kind in (
        ("orders", store.orders, "order"),
        ("draft_orders", store.draft_orders, "draft_order"),
        ("webhooks", store.webhooks, "webhook"),
    ):
        for item in raw.get(key) or []:
            target[int(item["id"])] = copy.deepcopy(item)
            platform.ids.bump(kind, int(item["id"]))
            for li in item.get("products") or []:
                platform.ids.bump("line_item", int(li["id"]))
    for fo in raw.get("fulfillment_orders") or []:
        store.fulfillment_orders[fo["id"]] = copy.deepcopy(fo)
    store.movements = copy.deepcopy(raw.get("movements") or [])
    records.load(platform, store, raw)
    checkouts.complete_all(platform, store)
    settings.update(store, copy.deepcopy(raw.get("settings") or {}))
    store.next_order_number = int(
        raw.get("next_order_number", max([o["number"] + 1 for o in store.orders.values()] or [100]))
    )
    store.next_fo_number = int(raw.get("next_fo_number", len(store.fulfillment_orders) + 1))
    for fs in raw.get("fulfillment_services") or []:
        store.fulfillment_services[int(fs["id"])] = copy.deepcopy(fs)
        platform.ids.bump("fulfillment_service", int(fs["id"]))
    for inst in raw.get("installations") or []:
        platform.install_app(
            store.id,
            str(inst["app_id"]),
            list(inst.get("scopes") or []),
            inst.get("name"),
            inst.get("client_secret"),
            inst.get("access_token"),
        )
    return store


def _load_product(platform: Platform, store: Store, raw: dict[str, Any], now: str) -> None:
    product = {k: copy.deepcopy(v) for k, v in raw.items() if k != "variants"}
    product["id"] = (
        int(product["id"]) if product.get("id") is not None else platform.ids.next("product")
    )
    platform.ids.bump("product", product["id"])
    name = product.get("name") or f"Product {product['id']}"
    product["name"] = {"es": name} if isinstance(name, str) else name
    product.setdefault("description", {})
    product.setdefault("handle", {})
    product.setdefault("created_at", now)
    product.setdefault("updated_at", now)
    store.products[product["id"]] = product
    first_location = store.locations_by_priority()[0]["id"] if store.locations else None
    for k, raw_variant in enumerate(raw.get("variants") or [{}]):
        variant = {
            kk: copy.deepcopy(v)
            for kk, v in raw_variant.items()
            if kk not in ("inventory_levels", "stock")
        }
        variant["id"] = (
            int(variant["id"]) if variant.get("id") is not None else platform.ids.next("variant")
        )
        platform.ids.bump("variant", variant["id"])
        variant["product_id"] = product["id"]
        variant.setdefault("position", k + 1)
        variant["price"] = f"{float(variant.get('price') or 0):.2f}"
        for key in ("promotional_price", "sku", "weight"):
            variant.setdefault(key, None)
        variant.setdefault("values", [])
        variant.setdefault("created_at", now)
        variant.setdefault("updated_at", now)
        levels = raw_variant.get("inventory_levels")
        if levels is None and "stock" in raw_variant and first_location:
            levels = [{"location_id": first_location, "stock": raw_variant["stock"]}]
        levels = levels or []
        variant.setdefault(
            "stock_management", bool(levels) and all(lv.get("stock") is not None for lv in levels)
        )
        store.variants[variant["id"]] = variant
        for n, lv in enumerate(levels):
            loc = lv["location_id"]
            if loc not in store.locations:
                raise FixtureError(
                    f"products[{product['id']}].variants[{k}].inventory_levels[{n}]",
                    f"unknown location {loc}",
                )
            store.levels[(variant["id"], loc)] = {
                "id": lv.get("id") or f"{variant['id']}-{loc}",
                "variant_id": str(variant["id"]),
                "location_id": loc,
                "stock": None if not variant["stock_management"] else int(lv.get("stock") or 0),
                "created_at": lv.get("created_at", now),
                "updated_at": lv.get("updated_at", now),
            }


def dump(platform: Platform) -> dict[str, Any]:
    """The whole state; `load(Platform(), dump(p))` rebuilds an equal platform."""
    stores = []
    for store in platform.stores.values():
        products = []
        for product in store.products.values():
            variants = []
            for v in sorted(store.variants.values(), key=lambda v: v["id"]):
                if v["product_id"] != product["id"]:
                    continue
                levels = [
                    copy.deepcopy(lv) for (vid, _), lv in store.levels.items() if vid == v["id"]
                ]
                for lv in levels:
                    lv.pop("variant_id", None)
                variants.append({**copy.deepcopy(v), "inventory_levels": levels})
            products.append({**copy.deepcopy(product), "variants": variants})
        stores.append(
            {
                "id": store.id,
                "name": store.name,
                "main_language": store.main_language,
                "created_at": store.created_at,
                "next_order_number": store.next_order_number,
                "next_fo_number": store.next_fo_number,
                "installations": [
                    {"app_id": i.app_id, "access_token": i.access_token, "scopes": list(i.scopes)}
                    for i in platform.installations.values()
                    if i.store_id == store.id
                ],
                "locations": copy.deepcopy(store.locations_by_priority()),
                "products": products,
                "orders": copy.deepcopy(list(store.orders.values())),
                "fulfillment_orders": copy.deepcopy(list(store.fulfillment_orders.values())),
                "draft_orders": copy.deepcopy(list(store.draft_orders.values())),
                "webhooks": copy.deepcopy(list(store.webhooks.values())),
                "movements": copy.deepcopy(store.movements),
                "settings": copy.deepcopy(store.settings),
                **records.dump(store),
                "fulfillment_services": copy.deepcopy(list(store.fulfillment_services.values())),
            }
        )
    return {
        "legacy_enabled": platform.legacy_enabled,
        "counters": dict(platform.ids.last),
        "apps": [
            {"app_id": a.app_id, "name": a.name, "client_secret": a.client_secret}
            for a in platform.apps.values()
        ],
        "stores": stores,
    }


def dump_yaml(platform: Platform) -> str:
    return yaml.safe_dump(dump(platform), sort_keys=False, allow_unicode=True)
