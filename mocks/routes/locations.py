"""Route table: locations, priorities, default location, inventory levels."""

from aiohttp import web
from miready.mocks.routes.common import (
    body,
    no_content,
    ok,
    paginate,
    path,
    platform,
    query,
    respond,
    store,
)
from miready.mocks.state import locations as state
from miready.mocks.state.stock import levels_of

routes = web.RouteTableDef()


@routes.get("/locations", name="listLocations")
async def list_locations(request: web.Request) -> web.Response:
    return ok(store(request).locations_by_priority())


@routes.post("/locations", name="createLocation")
async def create_location(request: web.Request) -> web.Response:
    p = platform(request)
    loc = state.create_location(store(request), body(request), p.clock)
    p.emit(store(request).id, "location/created", {"id": loc["id"]})
    return ok(loc, status=201)


@routes.patch("/locations/priorities", name="updateLocationPriorities")
async def update_priorities(request: web.Request) -> web.Response:
    rows = state.update_priorities(store(request), body(request), platform(request).clock)
    for row in rows:
        platform(request).emit(store(request).id, "location/updated", {"id": row["id"]})
    return ok(rows)


@routes.get("/locations/{location_id}", name="getLocation")
async def get_location(request: web.Request) -> web.Response:
    return respond(request, store(request).location(path(request, "location_id")))


@routes.put("/locations/{location_id}", name="updateLocation")
async def update_location(request: web.Request) -> web.Response:
    loc = state.update_location(
        store(request), path(request, "location_id"), body(request), platform(request).clock
    )
    platform(request).emit(store(request).id, "location/updated", {"id": loc["id"]})
    return ok(loc)


@routes.delete("/locations/{location_id}", name="deleteLocation")
async def delete_location(request: web.Request) -> web.Response:
    location_id = path(request, "location_id")
    state.delete_location(store(request), location_id, platform(request).clock)
    platform(request).emit(store(request).id, "location/deleted", {"id": location_id})
    return no_content()


@routes.patch("/locations/{location_id}/chosen-as-default", name="chooseDefaultLocation")
async def choose_default(request: web.Request) -> web.Response:
    loc = state.choose_default(
        store(request), path(request, "location_id"), platform(request).clock
    )
    platform(request).emit(store(request).id, "location/updated", {"id": loc["id"]})
    return ok(loc)


@routes.get("/locations/{location_id}/inventory-levels", name="listInventoryLevels")
async def list_inventory_levels(request: web.Request) -> web.Response:
    s = store(request)
    location_id = s.location(path(request, "location_id"))["id"]
    wanted = query(request).get("variant_id")
    levels = [
        lv
        for vid in sorted(s.variants)
        if wanted is None or vid == wanted
        for lv in levels_of(s, vid)
        if lv["location_id"] == location_id
    ]
    page, _ = paginate(request, levels)
    q = query(request)
    return ok(
        {
            "total": len(levels),
            "page": q.get("page", 1),
            "per_page": q.get("per_page", 30),
            "results": page,
        }
    )
