"""Route table: fulfillment orders and their tracking events."""

from aiohttp import web
from miready.mocks.routes.common import body, installation, no_content, ok, path, platform, store
from miready.mocks.state import fulfillment, tracking

routes = web.RouteTableDef()
FO = "/orders/{order_id}/fulfillment-orders/{fulfillment_order_id}"


def _fo(request: web.Request) -> dict:
    return store(request).fulfillment_order(
        path(request, "order_id"), path(request, "fulfillment_order_id")
    )


@routes.get("/orders/{order_id}/fulfillment-orders", name="listFulfillmentOrders")
async def list_fulfillment_orders(request: web.Request) -> web.Response:
    s = store(request)
    return ok(s.fulfillment_orders_of(s.order(path(request, "order_id"))))


@routes.get(FO, name="getFulfillmentOrder")
async def get_fulfillment_order(request: web.Request) -> web.Response:
    return ok(_fo(request))


@routes.patch(FO, name="updateFulfillmentOrder")
async def update_fulfillment_order(request: web.Request) -> web.Response:
    fo = fulfillment.update_fulfillment_order(
        platform(request), store(request), _fo(request), body(request), installation(request).app_id
    )
    return ok(fo)


@routes.delete(FO, name="deleteFulfillmentOrder")
async def delete_fulfillment_order(request: web.Request) -> web.Response:
    fulfillment.delete_fulfillment_order(store(request), _fo(request))
    return no_content()


@routes.get(FO + "/tracking-events", name="listTrackingEvents")
async def list_tracking_events(request: web.Request) -> web.Response:
    return ok(_fo(request)["tracking_events"])


@routes.post(FO + "/tracking-events", name="createTrackingEvent")
async def create_tracking_event(request: web.Request) -> web.Response:
    return ok(
        tracking.create_event(platform(request), store(request), _fo(request), body(request)),
        status=201,
    )


@routes.get(FO + "/tracking-events/{tracking_event_id}", name="getTrackingEvent")
async def get_tracking_event(request: web.Request) -> web.Response:
    return ok(tracking.get_event(_fo(request), path(request, "tracking_event_id")))


@routes.put(FO + "/tracking-events/{tracking_event_id}", name="updateTrackingEvent")
async def update_tracking_event(request: web.Request) -> web.Response:
    event = tracking.update_event(
        platform(request),
        store(request),
        _fo(request),
        path(request, "tracking_event_id"),
        body(request),
    )
    return ok(event)


@routes.delete(FO + "/tracking-events/{tracking_event_id}", name="deleteTrackingEvent")
async def delete_tracking_event(request: web.Request) -> web.Response:
    tracking.delete_event(
        _fo(request), path(request, "tracking_event_id"), platform(request), store(request)
    )
    return no_content()
