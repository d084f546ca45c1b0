"""Shipping carriers (a rates callback per app) and their options."""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from miready.mocks.errors import NotFound, invalid
from miready.mocks.state import records
from miready.mocks.state.platform import Platform, Store
from miready.mocks.state.webhooks import url_problem

KIND = records.CARRIERS
OPTIONS = records.CARRIER_OPTIONS


def check_callback(url: Any, own_ports: Set[int]) -> None:
    """The rates callback follows the webhook URL rules: never the mock itself (SSRF)."""
    refused = url_problem(url, own_ports) if isinstance(url, str) else "must be a URL"
    if refused is not None:
        raise invalid("callback_url", refused)


def create(
    platform: Platform,
    store: Store,
    app_id: str,
    body: dict[str, Any],
    own_ports: Set[int] = frozenset(),
) -> dict[str, Any]:
    for key in ("name", "callback_url"):
        if not body.get(key):
            raise invalid(key, "can't be blank")
    check_callback(body["callback_url"], own_ports)
    record = {"types": "ship", "active": True, **body, "app_id": app_id}
    return records.insert(platform, store, KIND, record)


def update(
    platform: Platform,
    store: Store,
    carrier_id: int,
    body: dict[str, Any],
    own_ports: Set[int] = frozenset(),
) -> dict[str, Any]:
    if "callback_url" in body:
        check_callback(body["callback_url"], own_ports)
    return records.update(platform, store, KIND, carrier_id, body)


def view(carrier: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in carrier.items() if k != "app_id"}


def delete(store: Store, carrier_id: int) -> None:
    records.delete(store, KIND, carrier_id)
    for option in options_of(store, carrier_id):
        records.delete(store, OPTIONS, option["id"])


def options_of(store: Store, carrier_id: int) -> list[dict[str, Any]]:
    return [o for o in records.all_of(store, OPTIONS) if o["carrier_id"] == carrier_id]


def option(store: Store, carrier_id: int, option_id: int) -> dict[str, Any]:
    records.get(store, KIND, carrier_id)
    found = records.table(store, OPTIONS).get(option_id)
    if found is None or found["carrier_id"] != carrier_id:
        raise NotFound("Shipping carrier option with such id does not exist")
    return found


def _check_code(store: Store, carrier_id: int, code: str | None, own: int | None = None) -> None:
    if code is None:
        return
    if any(o["code"] == code and o["id"] != own for o in options_of(store, carrier_id)):
        raise invalid("code", "has already been taken for this carrier")


def create_option(
    platform: Platform, store: Store, carrier_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    records.get(store, KIND, carrier_id)
    for key in ("code", "name"):
        if not body.get(key):
            raise invalid(key, "can't be blank")
    _check_code(store, carrier_id, body["code"])
    record = {
        "carrier_id": carrier_id,
        "additional_days": 0,
        "additional_cost": 0,
        "allow_free_shipping": False,
        "active": True,
        **body,
    }
    return records.insert(platform, store, OPTIONS, record)


def update_option(
    platform: Platform, store: Store, carrier_id: int, option_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    option(store, carrier_id, option_id)
    _check_code(store, carrier_id, body.get("code"), option_id)
    return records.update(platform, store, OPTIONS, option_id, body)
