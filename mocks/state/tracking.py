"""Tracking events of a fulfillment order and their rules (DISPATCHED first, duplicates, limit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from miready.mocks.clock import parse_time
from miready.mocks.errors import BadRequest, NotFound
from miready.mocks.ids import new_ulid
from miready.mocks.state.fo_status import SENT
from miready.mocks.state.fulfillment import set_status
from miready.mocks.state.platform import Platform, Store

LIMIT = 100
DUPLICATE_WINDOW = timedelta(seconds=60)
_IDENTITY = ("status", "description", "address", "geolocation")


def get_event(fo: dict[str, Any], event_id: str) -> dict[str, Any]:
    for event in fo["tracking_events"]:
        if event["id"] == event_id:
            return event
    raise NotFound("Tracking event with such id does not exist")


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    geo = body.get("geolocation")
    return {
        "status": body["status"],
        "description": body["description"],
        "address": body.get("address"),
        "geolocation": {"latitude": geo["latitude"], "longitude": geo["longitude"]}
        if geo
        else None,
        "estimated_delivery_at": body.get("estimated_delivery_at"),
    }


def _is_duplicate(
    platform: Platform, existing: dict[str, Any], fields: dict[str, Any], happened_at: Any
) -> bool:
    """Identical status, description, address, geolocation (and the dates when given). With a
    `happened_at`, identical events are refused only within 60 s of each other."""
    if any(existing[k] != fields[k] for k in _IDENTITY):
        return False
    if (
        fields["estimated_delivery_at"] is not None
        and existing["estimated_delivery_at"] != fields["estimated_delivery_at"]
    ):
        return False
    if happened_at is None:
        return True
    if existing["happened_at"] != happened_at:
        return False
    return platform.clock.now() - parse_time(existing["created_at"]) <= DUPLICATE_WINDOW


def create_event(
    platform: Platform, store: Store, fo: dict[str, Any], body: dict[str, Any]
) -> dict[str, Any]:
    if fo["status"] not in SENT | {"DELIVERED"}:
        raise BadRequest(
            f"Tracking events need a DISPATCHED fulfillment order; this one is {fo['status']}"
        )
    if len(fo["tracking_events"]) >= LIMIT:
        raise BadRequest("Tracking events has reached the limit")
    fields = _fields(body)
    happened_at = body.get("happened_at")
    if any(_is_duplicate(platform, e, fields, happened_at) for e in fo["tracking_events"]):
        raise BadRequest("The tracking event must not be identical to an existing tracking event")
    now = platform.clock.iso()
    event = {
        "id": new_ulid(platform.clock.now()),
        **fields,
        "happened_at": happened_at or now,
        "created_at": now,
        "updated_at": now,
    }
    fo["tracking_events"].append(event)
    fo["updated_at"] = now
    platform.emit(
        store.id,
        "fulfillment_order/tracking_event_created",
        {
            "order_id": fo["order_id"],
            "fulfillment_id": fo["id"],
            "tracking_event_id": event["id"],
            "status": event["status"],
        },
    )
    if event["status"] == "delivered" and fo["status"] != "DELIVERED":
        set_status(platform, store, fo, "DELIVERED", happened_at=event["happened_at"])
    return event


def _check_editable(fo: dict[str, Any]) -> None:
    if fo["status"] not in SENT:
        raise BadRequest(
            "Tracking events change only while the fulfillment order is DISPATCHED; "
            f"this one is {fo['status']}"
        )


def update_event(
    platform: Platform, store: Store, fo: dict[str, Any], event_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    event = get_event(fo, event_id)
    _check_editable(fo)
    event.update(_fields(body))
    if body.get("happened_at"):
        event["happened_at"] = body["happened_at"]
    event["updated_at"] = platform.clock.iso()
    platform.emit(store.id, "fulfillment_order/tracking_event_updated", _payload(fo, event))
    if event["status"] == "delivered":
        set_status(platform, store, fo, "DELIVERED", happened_at=event["happened_at"])
    return event


def delete_event(
    fo: dict[str, Any],
    event_id: str,
    platform: Platform | None = None,
    store: Store | None = None,
) -> None:
    event = get_event(fo, event_id)
    _check_editable(fo)
    fo["tracking_events"].remove(event)
    if platform is not None and store is not None:
        platform.emit(store.id, "fulfillment_order/tracking_event_deleted", _payload(fo, event))


def _payload(fo: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    return {
        "order_id": fo["order_id"],
        "fulfillment_id": fo["id"],
        "tracking_event_id": event["id"],
        "status": event["status"],
    }
