"""A webhook receiver for the mock's tests (aiohttp on 127.0.0.1:0) and a deadline poller."""

from __future__ import annotations

import asyncio
import inspect
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from miready.mocks.delivery import SIGNATURE_HEADER

DEADLINE_S = 15.0


async def until(condition: Callable[[], Any], what: str, deadline_s: float = DEADLINE_S) -> Any:
    """Poll `condition` (sync or async) until it is truthy; fail loudly, naming `what`, after
    the deadline."""
    end = time.monotonic() + deadline_s
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"gave up after {deadline_s}s waiting for {what}")
        await asyncio.sleep(0.01)


@dataclass
class Receiver:
    """Records every POST (raw body, signature, parsed body); answers `status`."""

    status: int = 200
    calls: list[tuple[bytes, str, dict[str, Any]]] = field(default_factory=list)
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.calls.append((raw, request.headers.get(SIGNATURE_HEADER, ""), json.loads(raw)))
        return web.Response(status=self.status)

    def events(self) -> list[str]:
        return [body["event"] for _, _, body in self.calls]


async def start_receiver(aiohttp_server: Any, status: int = 200) -> Receiver:
    receiver = Receiver(status=status)
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    server = await aiohttp_server(app, host="127.0.0.1", port=0)
    receiver.url = f"http://127.0.0.1:{server.port}/hook"
    return receiver
