"""Route table: abandoned checkouts (read-only; shoppers abandon them through the admin API)."""

from aiohttp import web
from miready.mocks.routes.common import listing, path, respond, store
from miready.mocks.state import checkouts as state

routes = web.RouteTableDef()


@routes.get("/checkouts", name="listCheckouts")
async def list_checkouts(request: web.Request) -> web.Response:
    return listing(request, state.listed(store(request)), id_ordered=True)


@routes.get("/checkouts/{checkout_id}", name="getCheckout")
async def get_checkout(request: web.Request) -> web.Response:
    return respond(request, state.get(store(request), path(request, "checkout_id")))
