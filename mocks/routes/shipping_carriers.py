"""Route table: shipping carriers and their options."""

from aiohttp import web
from miready.mocks.keys import own_ports_key
from miready.mocks.routes.common import (
    body,
    installation,
    listing,
    ok,
    path,
    platform,
    respond,
    store,
)
from miready.mocks.state import carriers as state
from miready.mocks.state import records

routes = web.RouteTableDef()


def _carrier(request: web.Request) -> dict:
    return records.get(store(request), state.KIND, path(request, "carrier_id"))


@routes.get("/shipping_carriers", name="listShippingCarriers")
async def list_shipping_carriers(request: web.Request) -> web.Response:
    return listing(request, [state.view(c) for c in records.all_of(store(request), state.KIND)])


@routes.post("/shipping_carriers", name="createShippingCarrier")
async def create_shipping_carrier(request: web.Request) -> web.Response:
    app_id = installation(request).app_id
    own_ports = request.app[own_ports_key]
    carrier = state.create(platform(request), store(request), app_id, body(request), own_ports)
    return ok(state.view(carrier), status=201)


@routes.get("/shipping_carriers/{carrier_id}", name="getShippingCarrier")
async def get_shipping_carrier(request: web.Request) -> web.Response:
    return respond(request, state.view(_carrier(request)))


@routes.put("/shipping_carriers/{carrier_id}", name="updateShippingCarrier")
async def update_shipping_carrier(request: web.Request) -> web.Response:
    carrier = state.update(
        platform(request),
        store(request),
        path(request, "carrier_id"),
        body(request),
        request.app[own_ports_key],
    )
    return ok(state.view(carrier))


@routes.delete("/shipping_carriers/{carrier_id}", name="deleteShippingCarrier")
async def delete_shipping_carrier(request: web.Request) -> web.Response:
    state.delete(store(request), path(request, "carrier_id"))
    return ok({})


@routes.get("/shipping_carriers/{carrier_id}/options", name="listShippingCarrierOptions")
async def list_shipping_carrier_options(request: web.Request) -> web.Response:
    carrier = _carrier(request)
    return listing(request, state.options_of(store(request), carrier["id"]))


@routes.post("/shipping_carriers/{carrier_id}/options", name="createShippingCarrierOption")
async def create_shipping_carrier_option(request: web.Request) -> web.Response:
    option = state.create_option(
        platform(request), store(request), path(request, "carrier_id"), body(request)
    )
    return ok(option, status=201)


@routes.get("/shipping_carriers/{carrier_id}/options/{option_id}", name="getShippingCarrierOption")
async def get_shipping_carrier_option(request: web.Request) -> web.Response:
    option = state.option(store(request), path(request, "carrier_id"), path(request, "option_id"))
    return respond(request, option)


@routes.put(
    "/shipping_carriers/{carrier_id}/options/{option_id}", name="updateShippingCarrierOption"
)
async def update_shipping_carrier_option(request: web.Request) -> web.Response:
    option = state.update_option(
        platform(request),
        store(request),
        path(request, "carrier_id"),
        path(request, "option_id"),
        body(request),
    )
    return ok(option)


@routes.delete(
    "/shipping_carriers/{carrier_id}/options/{option_id}", name="deleteShippingCarrierOption"
)
async def delete_shipping_carrier_option(request: web.Request) -> web.Response:
    option = state.option(store(request), path(request, "carrier_id"), path(request, "option_id"))
    records.delete(store(request), state.OPTIONS, option["id"])
    return ok({})
