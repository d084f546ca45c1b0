"""Route table: customers."""

from aiohttp import web
from miready.mocks.routes.common import body, listing, ok, path, platform, query, respond, store
from miready.mocks.state import customers as state
from miready.mocks.state import records

routes = web.RouteTableDef()


@routes.get("/customers", name="listCustomers")
async def list_customers(request: web.Request) -> web.Response:
    items = records.all_of(store(request), state.KIND)
    email = query(request).get("email")
    if email is not None:
        items = [c for c in items if (c.get("email") or "").casefold() == email.casefold()]
    return listing(request, items, state.Q_KEYS)


@routes.post("/customers", name="createCustomer")
async def create_customer(request: web.Request) -> web.Response:
    p = platform(request)
    customer = state.create(p, store(request), body(request))
    p.emit(store(request).id, "customer/created", {"id": customer["id"]})
    return ok(customer, status=201)


@routes.get("/customers/{customer_id}", name="getCustomer")
async def get_customer(request: web.Request) -> web.Response:
    return respond(request, records.get(store(request), state.KIND, path(request, "customer_id")))


@routes.put("/customers/{customer_id}", name="updateCustomer")
async def update_customer(request: web.Request) -> web.Response:
    p = platform(request)
    customer = state.update(p, store(request), path(request, "customer_id"), body(request))
    p.emit(store(request).id, "customer/updated", {"id": customer["id"]})
    return ok(customer)


@routes.delete("/customers/{customer_id}", name="deleteCustomer")
async def delete_customer(request: web.Request) -> web.Response:
    customer_id = path(request, "customer_id")
    records.delete(store(request), state.KIND, customer_id)
    platform(request).emit(store(request).id, "customer/deleted", {"id": customer_id})
    return ok({})
