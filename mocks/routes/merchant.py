"""Route table: the merchant's and the partner's side in the admin API (/_mock): app
registration and uninstall, locations and store settings, rate limits, webhook delivery,
readiness verdicts and the log of the merchant's warnings."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from miready.mocks import oauth
from miready.mocks.admin_schema import validate
from miready.mocks.delivery import dispatch
from miready.mocks.errors import BadRequest, invalid
from miready.mocks.keys import (
    merchant_log_key,
    oauth_key,
    platform_key,
    rate_limiter_key,
    readiness_key,
    webhook_delivery_key,
)
from miready.mocks.plans import check_location_cap
from miready.mocks.readiness import NotReadyWarning, check_add_location, log_warning
from miready.mocks.state import locations, scripts

routes = web.RouteTableDef()


async def _object(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    try:
        body = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadRequest(f"Problems parsing the body: {e}") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object")
    return body


def reset(app: web.Application) -> None:
    """`POST /_mock/reset`: the platform's other side starts afresh too (settings stay)."""
    app[webhook_delivery_key].reset()
    app[oauth_key].reset()
    app[rate_limiter_key].buckets.clear()
    app[readiness_key].overrides.clear()
    app[merchant_log_key].clear()


@routes.post("/_mock/apps", name="admin_register_app")
async def register_app(request: web.Request) -> web.Response:
    app, registration = request.app[oauth_key].register(
        request.app[platform_key], validate("register_app", await _object(request))
    )
    return web.json_response(
        {
            "app_id": app.app_id,
            "name": app.name,
            "client_secret": app.client_secret,
            "redirect_url": registration.redirect_url,
            "scopes": list(registration.scopes),
            "authorize_url": f"/apps/{app.app_id}/authorize?store_id={{store_id}}&state={{state}}",
        },
        status=201,
    )


@routes.delete("/_mock/stores/{store_id}/apps/{app_id}", name="admin_uninstall_app")
async def uninstall_app(request: web.Request) -> web.Response:
    platform = request.app[platform_key]
    store_id, app_id = request.match_info["store_id"], request.match_info["app_id"]
    oauth.uninstall(platform, store_id, app_id)
    dispatch(request.app)  # queue app/uninstalled while the subscription still exists
    oauth.forget_webhooks(platform, store_id, app_id)
    scripts.forget(platform.store(store_id), app_id)  # the platform removes them too
    return web.json_response({"store_id": store_id, "app_id": app_id, "uninstalled": True})


@routes.post("/_mock/stores/{store_id}/locations", name="admin_add_location")
async def add_location(request: web.Request) -> web.Response:
    """The merchant adds a location: plan cap, then the readiness warning before the second."""
    platform = request.app[platform_key]
    store = platform.store(request.match_info["store_id"])
    body = validate("add_location", await _object(request))
    confirm = body.pop("confirm", False) is True
    if not body.get("is_fulfillment_service"):
        check_location_cap(store)  # a location the plan refuses needs no warning
    log = request.app[merchant_log_key]
    try:
        apps = check_add_location(request.app[readiness_key], platform, store, confirm)
    except NotReadyWarning as e:
        log_warning(log, platform, store, "add_location", e.extra["apps"], confirmed=False)
        raise
    location = locations.create_location(store, body, platform.clock)
    log_warning(log, platform, store, "add_location", apps, confirmed=True)
    platform.emit(store.id, "location/created", {"id": location["id"]})
    return web.json_response(location, status=201)


@routes.get("/_mock/rate-limit", name="admin_get_rate_limit")
async def get_rate_limit(request: web.Request) -> web.Response:
    return web.json_response(request.app[rate_limiter_key].describe())


@routes.put("/_mock/rate-limit", name="admin_set_rate_limit")
async def set_rate_limit(request: web.Request) -> web.Response:
    """`{"enabled": true}` everywhere, or with `store_id` / `app_id` for one store or app."""
    limiter = request.app[rate_limiter_key]
    limiter.configure(validate("set_rate_limit", await _object(request)))
    return web.json_response(limiter.describe())


@routes.get("/_mock/webhooks/delivery", name="admin_get_webhook_delivery")
async def get_webhook_delivery(request: web.Request) -> web.Response:
    delivery = request.app[webhook_delivery_key]
    return web.json_response(
        delivery.describe() | {"queue": [d.view() for d in delivery.deliveries.values()]}
    )


@routes.put("/_mock/webhooks/delivery", name="admin_set_webhook_delivery")
async def set_webhook_delivery(request: web.Request) -> web.Response:
    """`{"duplicates": 0..1 or a flag, "out_of_order": bool, "seed": int}`."""
    body = validate("set_webhook_delivery", await _object(request))
    delivery = request.app[webhook_delivery_key]
    duplicates = body.get("duplicates", delivery.duplicates)
    if isinstance(duplicates, bool):
        duplicates = 1.0 if duplicates else 0.0
    out_of_order = body.get("out_of_order", delivery.out_of_order)
    delivery.configure(duplicates, out_of_order, body.get("seed", delivery.seed))
    return web.json_response(delivery.describe())


@routes.get("/_mock/readiness", name="admin_get_readiness")
async def get_readiness(request: web.Request) -> web.Response:
    verdicts = request.app[readiness_key].verdicts()
    return web.json_response(
        {app_id: {"verdict": v, "eligible_on": e} for app_id, (v, e) in sorted(verdicts.items())}
    )


@routes.put("/_mock/readiness", name="admin_set_readiness")
async def set_readiness(request: web.Request) -> web.Response:
    request.app[readiness_key].set(validate("set_readiness", await _object(request)))
    return await get_readiness(request)


@routes.get("/_mock/merchant-log", name="admin_merchant_log")
async def merchant_log(request: web.Request) -> web.Response:
    return web.json_response(request.app[merchant_log_key])


@routes.post("/_mock/stores/{store_id}/orders/{order_id}/paid", name="admin_mark_order_paid")
async def mark_paid(request: web.Request) -> web.Response:
    """The payment gateway confirms: `payment_status: paid`, `order/paid` and `order/updated`."""
    platform = request.app[platform_key]
    store = platform.store(request.match_info["store_id"])
    try:
        order = store.order(int(request.match_info["order_id"]))
    except ValueError:
        raise invalid("order_id", "must be an integer") from None
    if order["payment_status"] != "paid":
        order["payment_status"] = "paid"
        order["paid_at"] = order["updated_at"] = platform.clock.iso()
        platform.emit(store.id, "order/paid", {"id": order["id"]})
        platform.emit(store.id, "order/updated", {"id": order["id"]})
    return web.json_response({"id": order["id"], "payment_status": order["payment_status"]})
