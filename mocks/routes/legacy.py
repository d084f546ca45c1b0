"""Route table: the deprecated order-level endpoints, served on the FIRST fulfillment order via
`contracts.compat`, as the platform does. Switched off (404 naming the replacement) with
`--no-legacy` or `PUT /_mock/legacy {"enabled": false}`."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web
from miready.contracts import compat
from miready.contracts.mapping import default_mapping
from miready.mocks.errors import ApiError, Unprocessable
from miready.mocks.keys import operation_key
from miready.mocks.routes.common import body, installation, ok, path, platform, store
from miready.mocks.routes.orders import view
from miready.mocks.state import fo_status, fulfillment, tracking

routes = web.RouteTableDef()
# The pack's legacy endpoint rows by "METHOD /path": the statuses pack/fulfill walk through.
LEGACY_ROWS = {row.legacy: row for row in default_mapping().endpoints}
Handler = Callable[[web.Request], Awaitable[web.Response]]


def legacy_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def wrapper(request: web.Request) -> web.Response:
        if not platform(request).legacy_enabled:
            op = request[operation_key]
            raise ApiError(
                404,
                f"{op.endpoint} is no longer available on this store; use {op.replacement}",
                replacement=op.replacement,
            )
        return await handler(request)

    return wrapper


def _first_fo(request: web.Request) -> dict:
    s = store(request)
    order = s.order(path(request, "order_id"))
    fo = compat.first_fulfillment_order(s.fulfillment_orders_of(order))
    if fo is None:
        raise Unprocessable(
            {"order_id": ["no fulfillment order"]}, "The order has no fulfillment order yet"
        )
    return fo


def _walk_first(request: web.Request, patch: dict) -> web.Response:
    """Apply a legacy pack/fulfill to the first FO along the statuses the pack's mapping names
    for its shipping type; every step is checked before any is applied."""
    fo = _first_fo(request)
    kind = fo["shipping"]["type"]
    row = LEGACY_ROWS[request[operation_key].endpoint]
    ahead = fo_status.path_to(kind, fo["status"], (row.statuses or {}).get(kind, ()))
    current = fo["status"]
    for status in ahead:
        fo_status.check_transition({**fo, "status": current}, status)
        current = status
    rest = {k: v for k, v in patch.items() if k != "status"}
    steps = [{"status": s} for s in ahead] or [{}]
    steps[-1].update(rest)
    for step in steps:
        fulfillment.update_fulfillment_order(
            platform(request), store(request), fo, step, installation(request).app_id
        )
    return ok(view(request, store(request).order(path(request, "order_id"))))


@routes.post("/orders/{order_id}/pack", name="packOrder")
@legacy_only
async def pack_order(request: web.Request) -> web.Response:
    return _walk_first(request, compat.pack_as_fo_patch({}))


@routes.post("/orders/{order_id}/fulfill", name="fulfillOrder")
@legacy_only
async def fulfill_order(request: web.Request) -> web.Response:
    return _walk_first(request, compat.fulfill_as_fo_patch(body(request)))


@routes.get("/orders/{order_id}/fulfillments", name="listOrderFulfillments")
@legacy_only
async def list_order_fulfillments(request: web.Request) -> web.Response:
    return ok(
        [compat.tracking_event_as_legacy_event(te) for te in _first_fo(request)["tracking_events"]]
    )


@routes.post("/orders/{order_id}/fulfillments", name="createOrderFulfillment")
@legacy_only
async def create_order_fulfillment(request: web.Request) -> web.Response:
    te_body = compat.legacy_event_as_tracking_event(body(request))
    event = tracking.create_event(platform(request), store(request), _first_fo(request), te_body)
    return ok(compat.tracking_event_as_legacy_event(event), status=201)


@routes.get("/orders/{order_id}/fulfillments/{fulfillment_id}", name="getOrderFulfillment")
@legacy_only
async def get_order_fulfillment(request: web.Request) -> web.Response:
    event = tracking.get_event(_first_fo(request), path(request, "fulfillment_id"))
    return ok(compat.tracking_event_as_legacy_event(event))


@routes.delete("/orders/{order_id}/fulfillments/{fulfillment_id}", name="deleteOrderFulfillment")
@legacy_only
async def delete_order_fulfillment(request: web.Request) -> web.Response:
    tracking.delete_event(
        _first_fo(request), path(request, "fulfillment_id"), platform(request), store(request)
    )
    return ok({})
