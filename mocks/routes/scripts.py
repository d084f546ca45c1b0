"""Route table: scripts of the calling app."""

from aiohttp import web
from miready.mocks.routes.common import (
    body,
    installation,
    listing,
    ok,
    path,
    platform,
    query,
    respond,
    store,
)
from miready.mocks.state import scripts as state

routes = web.RouteTableDef()


@routes.get("/scripts", name="listScripts")
async def list_scripts(request: web.Request) -> web.Response:
    items = state.list_for(store(request), installation(request), query(request).get("src"))
    return listing(request, items, view=state.view, id_ordered=True)


@routes.post("/scripts", name="createScript")
async def create_script(request: web.Request) -> web.Response:
    script = state.create(platform(request), store(request), installation(request), body(request))
    return ok(state.view(script), status=201)


@routes.get("/scripts/{script_id}", name="getScript")
async def get_script(request: web.Request) -> web.Response:
    script = state.owned(store(request), installation(request), path(request, "script_id"))
    return respond(request, state.view(script))


@routes.put("/scripts/{script_id}", name="updateScript")
async def update_script(request: web.Request) -> web.Response:
    script = state.update(
        platform(request),
        store(request),
        installation(request),
        path(request, "script_id"),
        body(request),
    )
    return ok(state.view(script))


@routes.delete("/scripts/{script_id}", name="deleteScript")
async def delete_script(request: web.Request) -> web.Response:
    state.delete(store(request), installation(request), path(request, "script_id"))
    return ok({})
