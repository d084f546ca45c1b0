"""Locations: creation, dense priorities with the default at 0, deletion rules."""

from __future__ import annotations

from typing import Any

from miready.mocks.clock import Clock
from miready.mocks.errors import BadRequest, Unprocessable, invalid
from miready.mocks.ids import new_ulid
from miready.mocks.plans import check_location_cap
from miready.mocks.state.platform import Store


def localized(name: Any) -> dict[str, str]:
    if isinstance(name, str):
        return {"es_AR": name, "pt_BR": name, "en_US": name}
    return dict(name)


def renumber(store: Store, ordered: list[dict[str, Any]], clock: Clock) -> None:
    """Give `ordered` the priorities 0..n-1; the one at 0 is the default."""
    now = clock.iso()
    for priority, loc in enumerate(ordered):
        if loc["priority"] != priority or loc["is_default"] != (priority == 0):
            loc["updated_at"] = now
        loc["priority"] = priority
        loc["is_default"] = priority == 0


def create_location(store: Store, body: dict[str, Any], clock: Clock) -> dict[str, Any]:
    if not body.get("is_fulfillment_service", body.get("legacy", False)):
        check_location_cap(store)
    now = clock.iso()
    loc = {
        "id": body.get("id") or new_ulid(clock.now()),
        "store_id": store.id,
        "name": localized(body["name"]),
        "address": dict(body["address"]),
        "is_default": False,
        "priority": 0,
        "allows_pickup": bool(body.get("allows_pickup", False)),
        "is_fulfillment_service": bool(
            body.get("is_fulfillment_service", body.get("legacy", False))
        ),
        "legacy": bool(body.get("legacy", body.get("is_fulfillment_service", False))),
        "created_at": body.get("created_at") or now,
        "updated_at": body.get("updated_at") or now,
    }
    if loc["id"] in store.locations:
        raise invalid("id", f"location {loc['id']} already exists")
    ordered = store.locations_by_priority()
    if body.get("is_default") or not ordered:
        position = 0
    elif "priority" in body:
        position = max(1, min(int(body["priority"]), len(ordered)))
    else:
        position = len(ordered)
    ordered.insert(position, loc)
    store.locations[loc["id"]] = loc
    renumber(store, ordered, clock)
    loc["updated_at"] = loc["created_at"]
    return loc


def update_location(
    store: Store, location_id: str, body: dict[str, Any], clock: Clock
) -> dict[str, Any]:
    loc = store.location(location_id)
    loc["name"] = localized(body["name"])
    loc["address"] = dict(body["address"])
    if "allows_pickup" in body:
        loc["allows_pickup"] = bool(body["allows_pickup"])
    loc["updated_at"] = clock.iso()
    if body.get("is_default") and not loc["is_default"]:
        choose_default(store, location_id, clock)
    elif "priority" in body and not loc["is_default"]:
        ordered = [x for x in store.locations_by_priority() if x is not loc]
        ordered.insert(max(1, min(int(body["priority"]), len(ordered))), loc)
        renumber(store, ordered, clock)
    return loc


def delete_location(store: Store, location_id: str, clock: Clock) -> None:
    loc = store.location(location_id)
    if loc["is_default"]:
        raise BadRequest("The default location cannot be deleted; choose another default first")
    held = [lv for (_, lid), lv in store.levels.items() if lid == location_id and lv["stock"]]
    if held:
        raise BadRequest(
            f"The location still holds stock of {len(held)} variant(s); move or zero it first",
            variant_ids=sorted(int(lv["variant_id"]) for lv in held),
        )
    for key in [k for k in store.levels if k[1] == location_id]:
        del store.levels[key]
    del store.locations[location_id]
    renumber(store, store.locations_by_priority(), clock)


def update_priorities(
    store: Store, rows: list[dict[str, Any]], clock: Clock
) -> list[dict[str, Any]]:
    ids = [row["id"] for row in rows]
    problems: dict[str, list[str]] = {}
    unknown = [i for i in ids if i not in store.locations]
    if unknown:
        problems["id"] = [f"unknown location {i}" for i in unknown]
    if len(set(ids)) != len(ids):
        problems.setdefault("id", []).append("a location is listed twice")
    missing = set(store.locations) - set(ids)
    if missing:
        problems.setdefault("id", []).append(
            "every location must be listed; missing " + ", ".join(sorted(missing))
        )
    priorities = [int(row["priority"]) for row in rows]
    if len(set(priorities)) != len(priorities):
        problems["priority"] = ["priorities must be distinct"]
    if problems:
        raise Unprocessable(problems)
    ordered = [store.locations[row["id"]] for row in sorted(rows, key=lambda r: int(r["priority"]))]
    renumber(store, ordered, clock)
    return [{"id": loc["id"], "priority": loc["priority"]} for loc in ordered]


def choose_default(store: Store, location_id: str, clock: Clock) -> dict[str, Any]:
    loc = store.location(location_id)
    if loc["priority"] == 0:
        raise Unprocessable(
            {"location_id": ["already the default"]}, "The location is already the default"
        )
    ordered = [x for x in store.locations_by_priority() if x is not loc]
    renumber(store, [loc, *ordered], clock)
    return loc
