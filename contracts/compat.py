"""Legacy order-level views and actions expressed on fulfillment orders (FOs).

Pure functions over plain dicts, shared by the mock (which serves the legacy API natively, as the
platform does) and the proxy (which translates legacy calls for a store without it). The legacy
value of every field comes from the FIRST FO, as seed 004 says the platform does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from miready.contracts.mapping import Mapping, default_mapping

_MISSING = object()


def get_path(obj: Any, dotted: str, default: Any = None) -> Any:
    node = obj
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


def set_path(obj: dict[str, Any], dotted: str, value: Any) -> None:
    """Set ``obj[a][b][c]``, creating dicts on the way; a ``None`` parent stays ``None``."""
    *parents, last = dotted.split(".")
    node = obj
    for part in parents:
        child = node.get(part, _MISSING)
        if child is None:
            return
        if child is _MISSING or not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last] = value


# -- transforms named by mapping rows -------------------------------------------------------------

Transform = Callable[[Any, dict[str, Any]], Any]
TRANSFORMS: dict[str, Transform] = {}


def transform(func: Transform) -> Transform:
    """Register a value transform under its function name."""
    TRANSFORMS[func.__name__] = func
    return func


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@transform
def days_from_order(value: Any, order: dict[str, Any]) -> int | None:
    due, created = _parse_time(value), _parse_time(order.get("created_at"))
    if due is None or created is None:
        return None
    if (due.tzinfo is None) != (created.tzinfo is None):
        due, created = due.replace(tzinfo=None), created.replace(tzinfo=None)
    return max(0, math.ceil((due - created).total_seconds() / 86400))


@transform
def money_string(value: Any, order: dict[str, Any]) -> str | None:
    if value is None:
        return None
    try:
        return f"{float(value):.2f}"
    except (TypeError, ValueError):
        return None


@transform
def legacy_pickup_details(value: Any, order: dict[str, Any]) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        return None
    address = value.get("address") or {}
    return {
        "name": value.get("name"),
        "address": get_path(address, "street"),
        "city": get_path(address, "city"),
        "province": get_path(address, "province.name"),
        "pickup_hours": value.get("pickup_hours"),
    }


@transform
def suboption_list(value: Any, order: dict[str, Any]) -> list[dict[str, Any]]:
    if not isinstance(value, dict):
        return []
    return [{"id": value.get("location_id"), "name": value.get("name")}]


@transform
def fo_pickup_details(value: Any, order: dict[str, Any]) -> dict[str, Any] | None:
    """Legacy pickup details (flat strings) as an FO ``pickup_details`` input."""
    if not isinstance(value, dict):
        return None
    return {
        "name": value.get("name"),
        "address": {
            "street": value.get("address"),
            "city": value.get("city"),
            "province": {"name": value.get("province")},
        },
        "pickup_hours": value.get("pickup_hours") or [],
    }


@transform
def date_after_days(value: Any, order: dict[str, Any]) -> str | None:
    """Whole days after the order's creation as a date (the inverse of ``days_from_order``)."""
    created = _parse_time(order.get("created_at"))
    if value is None or created is None:
        return None
    try:
        return (created + timedelta(days=int(value))).isoformat()
    except (TypeError, ValueError):
        return None


@transform
def first_suboption_id(value: Any, order: dict[str, Any]) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0].get("id")
    return None


# -- views --------------------------------------------------------------------------------------


def first_fulfillment_order(fos: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The FO legacy calls act on: the first of the order's list (creation = priority order)."""
    return fos[0] if fos else None


def shipping_status(fo_statuses: list[str], mapping: Mapping | None = None) -> str:
    """``order.shipping_status`` from every FO's status, by seed 004's rules."""
    groups = (mapping or default_mapping()).status_groups
    packed_or_later = groups.get("packed", frozenset())
    dispatched_or_later = groups.get("dispatched", frozenset())
    statuses = [s.upper() for s in fo_statuses]
    if not statuses:
        return "unpacked"
    dispatched = sum(s in dispatched_or_later for s in statuses)
    if dispatched:
        return "fulfilled" if dispatched == len(statuses) else "partially_fulfilled"
    packed = sum(s in packed_or_later for s in statuses)
    if packed == 0:
        return "unpacked"
    return "packed" if packed == len(statuses) else "partially_packed"


def first_dispatched_at(fo: dict[str, Any] | None, mapping: Mapping | None = None) -> str | None:
    dispatched_or_later = (mapping or default_mapping()).status_groups.get("dispatched", ())
    for change in (fo or {}).get("status_history") or []:
        if str(change.get("to_status", "")).upper() in dispatched_or_later:
            return change.get("happened_at") or change.get("created_at")
    return None


# -- derived fields named by mapping rows (`derived[].derive`): computed from all the FOs -------

Deriver = Callable[[list[dict[str, Any]], Mapping], Any]
DERIVERS: dict[str, Deriver] = {
    "first_dispatched_at": lambda fos, m: first_dispatched_at(first_fulfillment_order(fos), m),
    "shipping_status": lambda fos, m: shipping_status(
        [f.get("status", "UNPACKED") for f in fos], m
    ),
}


def legacy_field_value(row_fo: str, row_transform: str | None, fo: dict | None, order: dict) -> Any:
    value = get_path(fo, row_fo) if fo is not None else None
    if row_transform:
        value = TRANSFORMS[row_transform](value, order)
    return value


def legacy_order_view(
    order: dict[str, Any], fos: list[dict[str, Any]], mapping: Mapping | None = None
) -> dict[str, Any]:
    """The order as the legacy API showed it: every ``shipping_*`` field from the first FO."""
    mapping = mapping or default_mapping()
    view = dict(order)
    fo = first_fulfillment_order(fos)
    for row in mapping.view_fields():
        set_path(view, row.legacy, legacy_field_value(row.fo, row.transform, fo, order))
    for derived in mapping.derived.values():
        view[derived.legacy] = DERIVERS[derived.derive](fos, mapping)
    return view


def strip_legacy_fields(order: dict[str, Any], mapping: Mapping | None = None) -> dict[str, Any]:
    """The order without its legacy fields: what a store without the legacy API returns."""
    mapping = mapping or default_mapping()
    legacy_tops = {row.legacy.split(".")[0] for row in mapping.fields} | {
        d.legacy for d in mapping.derived.values() if not d.current
    }
    return {k: v for k, v in order.items() if k not in legacy_tops}


# -- actions ------------------------------------------------------------------------------------


def _example_status(action: str, mapping: Mapping) -> dict[str, Any]:
    row = mapping.action_row(action)
    return {"status": (row.example or {})["status"]} if row is not None else {}


def pack_as_fo_patch(
    legacy_body: dict[str, Any] | None = None, mapping: Mapping | None = None
) -> dict[str, Any]:
    """The FO patch of a legacy pack: the status of the mapping's ``pack`` row example."""
    return _example_status("pack", mapping or default_mapping())


def fulfill_as_fo_patch(
    legacy_body: dict[str, Any] | None = None, mapping: Mapping | None = None
) -> dict[str, Any]:
    """The FO patch of a legacy fulfill: the row's status, and the tracking the body names."""
    mapping = mapping or default_mapping()
    body = legacy_body or {}
    patch = _example_status("fulfill", mapping)
    tracking = order_input_from_legacy(body, mapping).get("tracking_info")
    if tracking:
        patch["tracking_info"] = {
            "code": tracking.get("code"),
            "url": tracking.get("url"),
            "notify_customer": bool(body.get("notify_customer", True)),
        }
    return patch


_EVENT_PASSTHROUGH = ("status", "description", "happened_at", "estimated_delivery_at")


def legacy_event_as_tracking_event(
    legacy_body: dict[str, Any], mapping: Mapping | None = None
) -> dict[str, Any]:
    """A legacy fulfillment event as a tracking-event input; the mapping's incompatible rows
    (city, province, country) are joined, in order, into their one FO field."""
    mapping = mapping or default_mapping()
    event = {k: legacy_body[k] for k in _EVENT_PASSTHROUGH if k in legacy_body}
    joined: dict[str, list[str]] = {}
    for row in mapping.joined_event_fields():
        parts = joined.setdefault(row.fo, [])
        if legacy_body.get(row.legacy):
            parts.append(str(legacy_body[row.legacy]))
    for target, parts in joined.items():
        event[target] = ", ".join(parts) if parts else legacy_body.get(target)
    event.setdefault("happened_at", None)
    event.setdefault("estimated_delivery_at", None)
    return event


def tracking_event_as_legacy_event(
    te: dict[str, Any], mapping: Mapping | None = None
) -> dict[str, Any]:
    """A tracking event in the legacy fulfillment-event shape.

    A joined field cannot be split back: the first legacy field joined into it (``city``)
    carries it, the others (``province``, ``country``) are null.
    """
    mapping = mapping or default_mapping()
    carriers = {}
    for row in mapping.joined_event_fields():
        carriers.setdefault(row.fo, row.legacy)
    event: dict[str, Any] = {}
    for row in mapping.tracking_event_fields:
        carries = row.compatible or carriers.get(row.fo) == row.legacy
        event[row.legacy] = te.get(row.fo) if carries else None
    return event


def order_input_from_legacy(
    body: dict[str, Any], mapping: Mapping | None = None, order: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Legacy ``shipping_*`` params of an order or draft order as FO-shaped input.

    Returns only the FO parts present: ``recipient``, ``destination``, ``shipping``,
    ``tracking_info``. A param with nested field rows (``shipping_address``) may be the flat
    value or the legacy object.
    ``order`` (default: the body) is what transforms read, e.g. its ``created_at``.
    """
    mapping = mapping or default_mapping()
    out: dict[str, Any] = {}
    for row in mapping.order_input_params:
        if row.legacy not in body:
            continue
        value = body[row.legacy]
        prefix = f"{row.legacy}."
        nested = [f for f in mapping.fields if f.legacy.startswith(prefix)]
        if nested and isinstance(value, dict):  # the legacy object form (shipping_address)
            for f in nested:
                if (key := f.legacy.removeprefix(prefix)) in value:
                    set_path(out, f.fo, value[key])
            continue
        if value is None:
            continue
        if row.transform:
            value = TRANSFORMS[row.transform](value, body if order is None else order)
        set_path(out, row.fo, value)
    return out
