"""Webhook delivery: drain the platform's outbox after each request into background POSTs signed
with `X-Linkedstore-HMAC-SHA256` (hex HMAC-SHA256 of the raw body, keyed by the app's secret)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web
from miready.mocks.keys import (
    config_key,
    deliveries_key,
    delivery_tasks_key,
    platform_key,
    webhook_session_key,
)
from miready.mocks.middlewares import Handler
from miready.mocks.state import webhooks

log = logging.getLogger("miready.mocks.webhooks")
SIGNATURE_HEADER = "X-Linkedstore-HMAC-SHA256"
MAX_LOG = 1000


def sign(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def webhook_session(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: one client session for deliveries; pending ones are cancelled at exit."""
    timeout = aiohttp.ClientTimeout(total=app[config_key].webhook_timeout_s)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        app[webhook_session_key] = session
        yield
        tasks = list(app[delivery_tasks_key])
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _post(app: web.Application, url: str, raw: bytes, secret: str, event: str) -> None:
    record: dict[str, Any] = {
        "url": url,
        "event": event,
        "body": json.loads(raw),
        "status": None,
        "error": None,
    }
    try:
        async with app[webhook_session_key].post(
            url,
            data=raw,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign(raw, secret)},
        ) as response:
            record["status"] = response.status
            if response.status >= 300:
                log.warning("webhook %s to %s answered %s", event, url, response.status)
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as e:
        record["error"] = f"{type(e).__name__}: {e}"
        log.warning("webhook %s to %s failed: %s", event, url, record["error"])
    deliveries = app[deliveries_key]
    deliveries.append(record)
    del deliveries[:-MAX_LOG]


def dispatch(app: web.Application) -> None:
    platform = app[platform_key]
    pending, platform.outbox = platform.outbox, []
    if not app[config_key].deliver_webhooks or webhook_session_key not in app:
        return
    for store_id, event, payload in pending:
        store = platform.stores.get(store_id)
        if store is None:
            continue
        for hook, secret in webhooks.subscribers(platform, store, event):
            store_ref: int | str = int(store_id) if store_id.isdigit() else store_id
            raw = json.dumps({"store_id": store_ref, "event": event, **payload}).encode()
            task = asyncio.get_running_loop().create_task(
                _post(app, hook["url"], raw, secret, event)
            )
            app[delivery_tasks_key].add(task)
            task.add_done_callback(app[delivery_tasks_key].discard)


@web.middleware
async def webhook_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    finally:
        dispatch(request.app)
