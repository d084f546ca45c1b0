"""Customers: unique email per store; the order's `customer` object comes from here."""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import invalid
from miready.mocks.state import records
from miready.mocks.state.platform import Platform, Store

KIND = records.CUSTOMERS
Q_KEYS = ("name", "email", "phone", "identification")
DEFAULTS: dict[str, Any] = {
    "phone": None,
    "identification": None,
    "note": None,
    "default_address": None,
    "addresses": [],
    "billing_name": None,
    "billing_address": None,
    "billing_city": None,
    "billing_zipcode": None,
    "billing_country": None,
    "extra": {},
    "total_spent": "0.00",
    "total_spent_currency": "ARS",
    "last_order_id": None,
    "active": False,
}


def by_email(store: Store, email: str) -> dict[str, Any] | None:
    wanted = email.casefold()
    for c in records.all_of(store, KIND):
        if (c.get("email") or "").casefold() == wanted:
            return c
    return None


def _check_email(store: Store, email: str | None, own_id: int | None = None) -> None:
    if email is None:
        return
    taken = by_email(store, email)
    if taken is not None and taken["id"] != own_id:
        raise invalid("email", "has already been taken")


def create(platform: Platform, store: Store, body: dict[str, Any]) -> dict[str, Any]:
    problems = [k for k in ("name", "email") if not body.get(k)]
    if problems:
        raise invalid(problems[0], "can't be blank")
    _check_email(store, body["email"])
    record = {**DEFAULTS, **{k: v for k, v in body.items() if k != "send_email_invite"}}
    record["addresses"] = list(record["addresses"])
    if record["addresses"]:
        record["default_address"] = record["addresses"][0]
    return records.insert(platform, store, KIND, record)


def update(
    platform: Platform, store: Store, customer_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    records.get(store, KIND, customer_id)
    _check_email(store, body.get("email"), customer_id)
    changes = {k: v for k, v in body.items() if k != "send_email_invite"}
    return records.update(platform, store, KIND, customer_id, changes)


def for_order(platform: Platform, store: Store, raw: dict[str, Any] | None) -> int | None:
    """The customer an order names (`customer: {email, name, ...}`), created when new."""
    if not raw or not raw.get("email"):
        return None
    found = by_email(store, raw["email"])
    if found is None:
        fields = {k: raw[k] for k in ("name", "email", "phone", "identification") if raw.get(k)}
        fields.setdefault("name", raw["email"])
        found = records.insert(platform, store, KIND, {**DEFAULTS, **fields})
    return int(found["id"])
