"""Route table: fulfillment services of the store (seed 002)."""

from aiohttp import web
from miready.mocks.routes.common import body, installation, ok, path, platform, store
from miready.mocks.state import fulfillment_services as state

routes = web.RouteTableDef()


@routes.get("/fulfillment_services", name="listFulfillmentServices")
async def list_fulfillment_services(request: web.Request) -> web.Response:
    return ok(sorted(store(request).fulfillment_services.values(), key=lambda s: s["id"]))


@routes.post("/fulfillment_services", name="createFulfillmentService")
async def create_fulfillment_service(request: web.Request) -> web.Response:
    service = state.register(
        platform(request), store(request), installation(request).app_id, body(request)
    )
    return ok(service, status=201)


@routes.put(
    "/fulfillment_services/{fulfillment_service_id}/variants",
    name="assignFulfillmentServiceVariants",
)
async def assign_variants(request: web.Request) -> web.Response:
    s = store(request)
    service = state.get(s, path(request, "fulfillment_service_id"), installation(request).app_id)
    return ok(state.assign(platform(request), s, service, body(request)["variant_ids"]))
