"""Route table: the OAuth install flow on the platform's own paths (not under /v1 or /_mock)."""

from __future__ import annotations

import json

from aiohttp import web
from miready.mocks.errors import BadRequest, invalid
from miready.mocks.keys import merchant_log_key, oauth_key, platform_key, readiness_key
from miready.mocks.readiness import NotReadyWarning, check_install, log_warning

routes = web.RouteTableDef()


def guard_install(request: web.Request, store_id: str, app_id: str, confirm: bool) -> None:
    """The merchant's second moment (seed 004): a not-ready app into a multi-location store."""
    platform = request.app[platform_key]
    store = platform.store(store_id)
    log = request.app[merchant_log_key]
    try:
        apps = check_install(request.app[readiness_key], platform, store, app_id, confirm)
    except NotReadyWarning as e:
        log_warning(log, platform, store, "install_app", e.extra["apps"], confirmed=False)
        raise
    log_warning(log, platform, store, "install_app", apps, confirmed=True)


@routes.get("/apps/{app_id}/authorize", name="oauth_authorize")
async def authorize(request: web.Request) -> web.Response:
    """The merchant accepts the app for `store_id`: 302 to the app's redirect URL with `code`."""
    store_id = request.query.get("store_id")
    if not store_id:
        raise invalid("store_id", "is required (the store of the merchant installing the app)")
    app_id = request.match_info["app_id"]
    request.app[oauth_key].registration(app_id)
    guard_install(request, store_id, app_id, request.query.get("confirm") == "true")
    location = request.app[oauth_key].authorize(
        request.app[platform_key], app_id, store_id, request.query.get("state")
    )
    raise web.HTTPFound(location)


@routes.post("/apps/authorize/token", name="oauth_token")
async def token(request: web.Request) -> web.Response:
    raw = await request.read()
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadRequest(f"Problems parsing JSON: {e}") from None
    return web.json_response(request.app[oauth_key].exchange(request.app[platform_key], body))
