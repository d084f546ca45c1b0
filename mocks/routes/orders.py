"""Route table: orders (list, create, get, close, open, cancel)."""

from aiohttp import web
from miready.mocks.routes.common import body, ok, paginate, path, platform, query, store
from miready.mocks.state import orders as state

routes = web.RouteTableDef()


def view(request: web.Request, order: dict) -> dict:
    aggregate = query(request).get("aggregates") == "fulfillment_orders"
    return state.order_view(platform(request), store(request), order, aggregate)


@routes.get("/orders", name="listOrders")
async def list_orders(request: web.Request) -> web.Response:
    page, headers = paginate(request, state.list_orders(store(request), query(request)))
    return ok([view(request, o) for o in page], headers=headers)


@routes.post("/orders", name="createOrder")
async def create_order(request: web.Request) -> web.Response:
    return ok(
        view(request, state.create_order(platform(request), store(request), body(request))),
        status=201,
    )


@routes.get("/orders/{order_id}", name="getOrder")
async def get_order(request: web.Request) -> web.Response:
    return ok(view(request, store(request).order(path(request, "order_id"))))


@routes.post("/orders/{order_id}/close", name="closeOrder")
async def close_order(request: web.Request) -> web.Response:
    order = store(request).order(path(request, "order_id"))
    return ok(view(request, state.close_order(platform(request), store(request), order)))


@routes.post("/orders/{order_id}/open", name="openOrder")
async def open_order(request: web.Request) -> web.Response:
    order = store(request).order(path(request, "order_id"))
    return ok(view(request, state.open_order(platform(request), store(request), order)))


@routes.post("/orders/{order_id}/cancel", name="cancelOrder")
async def cancel_order(request: web.Request) -> web.Response:
    order = store(request).order(path(request, "order_id"))
    return ok(
        view(request, state.cancel_order(platform(request), store(request), order, body(request)))
    )
