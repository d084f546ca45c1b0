"""Route table: the store itself."""

from aiohttp import web
from miready.mocks.routes.common import ok, store

routes = web.RouteTableDef()


@routes.get("/store", name="getStore")
async def get_store(request: web.Request) -> web.Response:
    return ok(store(request).view())
