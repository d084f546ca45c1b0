"""aiohttp's own protocol errors (bad request line, unknown method, oversized or too many headers,
broken encodings) answered in the platform's JSON error shape instead of aiohttp's text/plain.

Such errors never reach the app's middlewares: aiohttp answers them from its `RequestHandler`.
`MockRunner` serves the app with a handler whose `handle_error` speaks JSON.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import BadHttpMessage, BadHttpMethod, LineTooLong
from aiohttp.web_protocol import RequestHandler
from miready.mocks.errors import error_body


def describe(status: int, exc: BaseException | None) -> tuple[int, str]:
    """The status and description of a protocol error (never the raw bytes the client sent)."""
    if isinstance(exc, BadHttpMethod):
        return 400, "Unknown or malformed HTTP method"
    if isinstance(exc, LineTooLong):
        if "b'/" in str(exc):
            return 414, "The request target is over 8 KB"
        return 431, "A request header is over 8 KB"
    if isinstance(exc, BadHttpMessage) and "Too many headers" in str(exc):
        return 431, "Too many request headers"
    if isinstance(exc, BadHttpMessage):
        return 400, f"Malformed HTTP request: {type(exc).__name__}"
    if status >= 500:
        return status, "Unexpected error in the mock platform (this is a bug in the mock)"
    return status, "Malformed HTTP request"


class JsonErrorRequestHandler(RequestHandler):
    def handle_error(
        self,
        request: Any,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        plain = super().handle_error(request, status, exc, message)  # logs; may raise
        status, description = describe(plain.status, exc)
        response = web.json_response(error_body(status, description), status=status)
        response.force_close()
        return response


class JsonErrorServer(web.Server):
    def __call__(self) -> RequestHandler:
        return JsonErrorRequestHandler(self, loop=self._loop, **self._kwargs)


class MockRunner(web.AppRunner):
    """`web.AppRunner` whose connections answer protocol errors in JSON."""

    async def _make_server(self) -> web.Server:
        plain = await super()._make_server()
        return JsonErrorServer(
            plain.request_handler,
            request_factory=plain.request_factory,
            loop=plain._loop,
            **plain._kwargs,
        )
