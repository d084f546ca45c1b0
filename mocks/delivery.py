"""Webhook delivery as the platform does it: signed with `X-Linkedstore-HMAC-SHA256`, sent in the
background, retried on the mock's clock (immediately, then about 5, 10, 15 minutes, then x1.4 up to
48 h), optionally duplicated and out of order, every attempt in the delivery log."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import socket
from collections.abc import AsyncIterator, Set
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from miready.mocks.clock import Clock, iso
from miready.mocks.keys import (
    config_key,
    deliveries_key,
    delivery_tasks_key,
    own_ports_key,
    platform_key,
    webhook_delivery_key,
    webhook_session_key,
)
from miready.mocks.middlewares import Handler
from miready.mocks.plans import platform_limits
from miready.mocks.state import webhooks
from miready.mocks.state.platform import Platform
from miready.mocks.webhook_targets import is_local_host, self_target

log = logging.getLogger("miready.mocks.webhooks")
SIGNATURE_HEADER = "X-Linkedstore-HMAC-SHA256"
MAX_LOG = 1000
# Real seconds between looks at the mock's clock: a test that advances the clock sees the due
# retry within this delay, whichever thread advanced it.
POLL_S = 0.02


class SelfGuardResolver(AbstractResolver):
    """Name resolution for deliveries that drops the mock's own loopback port from the answers
    (a name that resolves to 127.0.0.1 must not reach the mock either)."""

    def __init__(self, own_ports: Set[int], inner: AbstractResolver | None = None) -> None:
        self.own_ports = own_ports
        self.inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self.inner.resolve(host, port, family)
        kept = [r for r in found if not (r["port"] in self.own_ports and is_local_host(r["host"]))]
        if not kept:
            raise OSError(f"{host}:{port} resolves to the mock platform itself")
        return kept

    async def close(self) -> None:
        await self.inner.close()


def sign(body: bytes, secret: str) -> str:
    """The platform's signature: lowercase hex HMAC-SHA256 of the raw body, keyed by the secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    """What a receiver does: recompute the signature over the raw body, compare in constant time."""
    return hmac.compare_digest(sign(body, secret), signature.strip().lower())


def retry_delays() -> list[float]:
    """Seconds to wait before each retry (the first attempt is not in the list)."""
    policy = platform_limits()["webhooks"]["retry"]
    delays = [float(d) for d in policy["first_delays_s"]]
    while len(delays) < policy["max_attempts"] - 1:
        delays.append(delays[-1] * policy["factor"])
    out, elapsed = [], 0.0
    for delay in delays[: policy["max_attempts"] - 1]:
        elapsed += delay
        if elapsed > policy["window_h"] * 3600:
            break
        out.append(delay)
    return out


@dataclass(slots=True)
class Delivery:
    """One event for one subscription; retried until a 2xx or the schedule runs out."""

    id: int
    store_id: str
    app_id: str
    webhook_id: int
    url: str
    event: str
    raw: bytes
    secret: str
    next_at: datetime
    attempts: int = 0
    state: str = "pending"  # pending | sending | delivered | failed
    created_at: str = ""
    history: list[int | None] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "store_id": self.store_id,
            "app_id": self.app_id,
            "webhook_id": self.webhook_id,
            "url": self.url,
            "event": self.event,
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": iso(self.next_at) if self.state == "pending" else None,
            "created_at": self.created_at,
        }


class WebhookDelivery:
    """The outbox's consumer: who gets an event, when each attempt is due, and the attempt log."""

    def __init__(self, clock: Clock, attempt_log: list[dict[str, Any]]) -> None:
        self.clock = clock
        self.attempt_log = attempt_log
        self.deliveries: dict[int, Delivery] = {}
        self.own_ports: Set[int] = frozenset()  # the mock's own ports: never a delivery target
        self.configure()
        self._next_id = 0
        self._kick = asyncio.Event()

    def configure(
        self, duplicates: float = 0.0, out_of_order: bool = False, seed: int | None = None
    ) -> None:
        """`duplicates`: the share of successful deliveries sent a second time;
        `out_of_order`: each batch of due deliveries goes out one by one in a shuffled order."""
        self.duplicates = float(duplicates)
        self.out_of_order = out_of_order
        self.seed = seed
        self._random = random.Random(seed)

    def describe(self) -> dict[str, Any]:
        return {
            "duplicates": self.duplicates,
            "out_of_order": self.out_of_order,
            "seed": self.seed,
            "retry_delays_s": retry_delays(),
        }

    def reset(self) -> None:
        self.deliveries.clear()
        self.attempt_log.clear()

    def enqueue(
        self, platform: Platform, store_id: str, event: str, payload: dict[str, Any]
    ) -> list[Delivery]:
        """A delivery per subscription to `event` of an app installed in the store (an app that
        is being uninstalled still gets its `app/uninstalled`)."""
        store = platform.stores.get(store_id)
        if store is None:
            return []
        installed = {i.app_id for i in platform.installations.values() if i.store_id == store_id}
        store_ref: int | str = int(store_id) if store_id.isdigit() else store_id
        raw = json.dumps({"store_id": store_ref, "event": event, **payload}).encode()
        out = []
        for hook, secret in webhooks.subscribers(platform, store, event):
            if event.startswith("app/"):  # only the app concerned hears of its own (un)install
                if hook["app_id"] != str(payload.get("id")):
                    continue
            elif hook["app_id"] not in installed:
                continue
            self._next_id += 1
            delivery = Delivery(
                id=self._next_id,
                store_id=store_id,
                app_id=hook["app_id"],
                webhook_id=hook["id"],
                url=hook["url"],
                event=event,
                raw=raw,
                secret=secret,
                next_at=self.clock.now(),
                created_at=self.clock.iso(),
            )
            self.deliveries[delivery.id] = delivery
            out.append(delivery)
        if out:
            self._kick.set()
        return out

    def drain(self, platform: Platform) -> None:
        pending, platform.outbox = platform.outbox, []
        for store_id, event, payload in pending:
            self.enqueue(platform, store_id, event, payload)

    def due(self) -> list[Delivery]:
        now = self.clock.now()
        ready = [d for d in self.deliveries.values() if d.state == "pending" and d.next_at <= now]
        for d in ready:
            d.state = "sending"
        return ready

    async def run(self, session: aiohttp.ClientSession, tasks: set[asyncio.Task[None]]) -> None:
        """The scheduler: wake on a new delivery or every POLL_S, send whatever is due."""
        while True:
            self._kick.clear()
            batch = self.due()
            if batch:
                task = asyncio.get_running_loop().create_task(self._send_batch(session, batch))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            try:
                await asyncio.wait_for(self._kick.wait(), POLL_S)
            except TimeoutError:
                pass

    async def _send_batch(self, session: aiohttp.ClientSession, batch: list[Delivery]) -> None:
        if self.out_of_order and len(batch) > 1:
            self._random.shuffle(batch)
            for delivery in batch:
                await self._attempt(session, delivery)
        else:
            await asyncio.gather(*(self._attempt(session, d) for d in batch))

    async def _attempt(self, session: aiohttp.ClientSession, delivery: Delivery) -> None:
        delivery.attempts += 1
        record = await self._post(session, delivery, duplicate=False)
        status = record["status"]
        delivery.history.append(status)
        if status is not None and 200 <= status < 300:
            delivery.state = "delivered"
            if self.duplicates and self._random.random() < self.duplicates:
                await self._post(session, delivery, duplicate=True)
            return
        delays = retry_delays()
        if delivery.attempts > len(delays):
            delivery.state = "failed"
            record["outcome"] = "failed"
            return
        delivery.next_at = self.clock.now() + timedelta(seconds=delays[delivery.attempts - 1])
        delivery.state = "pending"
        record["next_attempt_at"] = iso(delivery.next_at)
        self._kick.set()

    async def _post(
        self, session: aiohttp.ClientSession, delivery: Delivery, *, duplicate: bool
    ) -> dict[str, Any]:
        """One POST, logged; the log record is returned for the caller to complete."""
        record: dict[str, Any] = {
            "delivery_id": delivery.id,
            "attempt": delivery.attempts,
            "duplicate": duplicate,
            "at": self.clock.iso(),
            "store_id": delivery.store_id,
            "app_id": delivery.app_id,
            "webhook_id": delivery.webhook_id,
            "url": delivery.url,
            "event": delivery.event,
            "body": json.loads(delivery.raw),
            "status": None,
            "error": None,
            "outcome": "retrying",
            "next_attempt_at": None,
        }
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "miready-mock-webhooks",
            SIGNATURE_HEADER: sign(delivery.raw, delivery.secret),
        }
        refused = self_target(delivery.url, self.own_ports)
        try:
            if refused is not None:  # e.g. loaded from a fixture, which registration never checked
                raise ValueError(f"refused: the URL {refused}")
            async with session.post(
                delivery.url,
                data=delivery.raw,
                headers=headers,
                allow_redirects=False,  # a receiver may not bounce the POST onto the mock itself
            ) as response:
                record["status"] = response.status
        except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as e:
            record["error"] = f"{type(e).__name__}: {e}"
        status = record["status"]
        if status is not None and 200 <= status < 300:
            record["outcome"] = "delivered"
        else:
            log.warning(
                "webhook %s to %s: %s", delivery.event, delivery.url, record["error"] or status
            )
        self.attempt_log.append(record)
        del self.attempt_log[:-MAX_LOG]
        return record


async def webhook_session(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the client session (with the platform's timeout) and the retry scheduler."""
    config = app[config_key]
    timeout = aiohttp.ClientTimeout(total=config.webhook_timeout_s)
    delivery = app[webhook_delivery_key]
    connector = aiohttp.TCPConnector(resolver=SelfGuardResolver(app[own_ports_key]))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        app[webhook_session_key] = session
        tasks = app[delivery_tasks_key]
        scheduler = asyncio.get_running_loop().create_task(delivery.run(session, tasks))
        yield
        scheduler.cancel()
        pending = [scheduler, *tasks]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def create_delivery(app: web.Application) -> WebhookDelivery:
    config = app[config_key]
    delivery = WebhookDelivery(app[platform_key].clock, app[deliveries_key])
    delivery.configure(config.webhook_duplicates, config.webhook_out_of_order, config.webhook_seed)
    delivery.own_ports = app[own_ports_key]
    return delivery


def dispatch(app: web.Application) -> None:
    """Hand the platform's outbox to the delivery queue (dropped when delivery is off)."""
    platform = app[platform_key]
    if not app[config_key].deliver_webhooks or webhook_delivery_key not in app:
        platform.outbox = []
        return
    app[webhook_delivery_key].drain(platform)


@web.middleware
async def webhook_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Note the port the request came in on (a webhook must not target it), deliver after."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        request.app[own_ports_key].add(sockname[1])
    try:
        return await handler(request)
    finally:
        dispatch(request.app)
