"""Admin route table for the operator's store settings under /_mock (registered by the app)."""

from __future__ import annotations

import json

from aiohttp import web
from miready.mocks.errors import BadRequest
from miready.mocks.keys import platform_key
from miready.mocks.state import settings

routes = web.RouteTableDef()


@routes.get("/_mock/stores/{store_id}/settings", name="admin_get_store_settings")
async def get_store_settings(request: web.Request) -> web.Response:
    store = request.app[platform_key].store(request.match_info["store_id"])
    return web.json_response(settings.view(store))


@routes.put("/_mock/stores/{store_id}/settings", name="admin_set_store_settings")
async def set_store_settings(request: web.Request) -> web.Response:
    store = request.app[platform_key].store(request.match_info["store_id"])
    try:
        body = json.loads((await request.read()) or b"{}")
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"Problems parsing JSON: {e}") from None
    return web.json_response(settings.update(store, body))
