"""Admin route table under /_mock for store settings, shipping quotes and abandoned checkouts
(registered by the app)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from aiohttp import web
from miready.mocks.admin_schema import validate
from miready.mocks.errors import BadRequest
from miready.mocks.keys import platform_key, webhook_session_key
from miready.mocks.state import checkouts, quotes, settings

routes = web.RouteTableDef()


@routes.get("/_mock/stores/{store_id}/settings", name="admin_get_store_settings")
async def get_store_settings(request: web.Request) -> web.Response:
    store = request.app[platform_key].store(request.match_info["store_id"])
    return web.json_response(settings.view(store))


async def _body(request: web.Request) -> Any:
    try:
        return json.loads((await request.read()) or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadRequest(f"Problems parsing JSON: {e}") from None


@routes.put("/_mock/stores/{store_id}/settings", name="admin_set_store_settings")
async def set_store_settings(request: web.Request) -> web.Response:
    store = request.app[platform_key].store(request.match_info["store_id"])
    body = validate("store_settings", await _body(request))
    return web.json_response(settings.update(store, body))


async def _ask(session: aiohttp.ClientSession, call: dict[str, Any], at: str) -> dict[str, Any]:
    """POST one rate request; the log entry says what came back (never raises)."""
    entry = {**call, "at": at, "status": None, "response": None, "error": None}
    try:
        async with session.post(call["url"], json=call["request"]) as response:
            entry["status"] = response.status
            text = await response.text()
            try:
                entry["response"] = json.loads(text)
            except ValueError:
                entry["response"] = text[:1000]
    except (aiohttp.ClientError, TimeoutError, ValueError) as e:
        entry["error"] = f"{type(e).__name__}: {e}"
    return entry


@routes.post("/_mock/stores/{store_id}/shipping-quotes", name="admin_quote_shipping")
async def quote_shipping(request: web.Request) -> web.Response:
    """A storefront cart asks for shipping rates: each active carrier is called once per location
    the cart ships from, concurrently; every call goes to the store's quote log."""
    platform = request.app[platform_key]
    store = platform.store(request.match_info["store_id"])
    body = await _body(request)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object")
    calls = quotes.rate_requests(store, validate("shipping_quote", body))
    session = request.app[webhook_session_key]
    at = platform.clock.iso()
    entries = await asyncio.gather(*(_ask(session, call, at) for call in calls))
    store.quote_log.extend(entries)
    return web.json_response({"quotes": entries})


@routes.get("/_mock/stores/{store_id}/shipping-quotes", name="admin_list_shipping_quotes")
async def list_shipping_quotes(request: web.Request) -> web.Response:
    store = request.app[platform_key].store(request.match_info["store_id"])
    return web.json_response(store.quote_log)


@routes.post("/_mock/stores/{store_id}/checkouts", name="admin_abandon_checkout")
async def abandon_checkout(request: web.Request) -> web.Response:
    """A shopper reaches the checkout's second step and leaves: apps then read the cart with
    GET /checkouts for 30 days (on the mock's clock)."""
    platform = request.app[platform_key]
    store = platform.store(request.match_info["store_id"])
    body = validate("abandon_checkout", await _body(request))
    return web.json_response(checkouts.abandon(platform, store, body), status=201)
