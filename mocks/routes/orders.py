"""Route table: orders (list, create, get, update, close, open, cancel)."""

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
from miready.mocks.state import orders as state

routes = web.RouteTableDef()
Q_KEYS = ("number", "contact_name", "contact_email", "customer.name", "customer.email")


def view(request: web.Request, order: dict) -> dict:
    aggregate = query(request).get("aggregates") == "fulfillment_orders"
    # The platform includes the order's customer only for tokens holding read_customers.
    with_customer = "read_customers" in installation(request).effective_scopes
    return state.order_view(platform(request), store(request), order, aggregate, with_customer)


@routes.get("/orders", name="listOrders")
async def list_orders(request: web.Request) -> web.Response:
    orders = state.list_orders(store(request), query(request))
    if query(request).get("q"):  # `q` searches the view's customer: every order's view
        return listing(request, [view(request, o) for o in orders], Q_KEYS)
    # id, created_at and updated_at read the same in the order and its view: views per page only
    return listing(request, orders, view=lambda o: view(request, o), id_ordered=True)


@routes.post("/orders", name="createOrder")
async def create_order(request: web.Request) -> web.Response:
    return ok(
        view(request, state.create_order(platform(request), store(request), body(request))),
        status=201,
    )


@routes.get("/orders/{order_id}", name="getOrder")
async def get_order(request: web.Request) -> web.Response:
    return respond(request, view(request, store(request).order(path(request, "order_id"))))


@routes.put("/orders/{order_id}", name="updateOrder")
async def update_order(request: web.Request) -> web.Response:
    order = store(request).order(path(request, "order_id"))
    return ok(
        view(request, state.update_order(platform(request), store(request), order, body(request)))
    )


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
