"""Count the API calls that reached the mock without the proxy's ``Via: 1.1 miready``."""

from __future__ import annotations

from aiohttp import web
from miready.mocks.keys import traffic_key
from miready.mocks.middlewares import API_PREFIX, Handler
from miready.mocks.traffic import via_proxy


@web.middleware
async def traffic_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(API_PREFIX):
        traffic = request.app[traffic_key]
        traffic.api_calls += 1
        if not via_proxy(request.headers.getall("Via", [])):
            traffic.unproxied += 1
    return await handler(request)
