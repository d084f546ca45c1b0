"""Route table: draft orders."""

from aiohttp import web
from miready.mocks.routes.common import body, ok, path, platform, store
from miready.mocks.state import orders as state

routes = web.RouteTableDef()


@routes.post("/draft_orders", name="createDraftOrder")
async def create_draft_order(request: web.Request) -> web.Response:
    return ok(
        state.create_draft_order(platform(request), store(request), body(request)), status=201
    )


@routes.get("/draft_orders/{draft_order_id}", name="getDraftOrder")
async def get_draft_order(request: web.Request) -> web.Response:
    return ok(state.draft_order(store(request), path(request, "draft_order_id")))
