"""Rate limits as the platform applies them: a leaky bucket per (store, app) on the mock's clock,
`X-Rate-Limit-*` headers and 429; off by default, on globally, per store or per app."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web
from miready.mocks.clock import Clock
from miready.mocks.errors import ApiError, error_body
from miready.mocks.keys import installation_key, rate_limiter_key, store_key
from miready.mocks.middlewares import Handler
from miready.mocks.plans import platform_limits, rate_limit_multiplier


@dataclass(slots=True)
class Bucket:
    size: int
    leak_per_s: float
    level: float = 0.0
    at: datetime | None = None

    def drain(self, now: datetime) -> None:
        if self.at is not None:
            elapsed = max(0.0, (now - self.at).total_seconds())
            self.level = max(0.0, self.level - elapsed * self.leak_per_s)
        self.at = now

    def take(self, now: datetime) -> bool:
        """Pour one request in; False (nothing poured) when it would overflow."""
        self.drain(now)
        if self.level + 1 > self.size + 1e-9:
            return False
        self.level += 1
        return True

    def headers(self) -> dict[str, str]:
        return {
            "X-Rate-Limit-Limit": str(self.size),
            "X-Rate-Limit-Remaining": str(max(0, math.floor(self.size - self.level + 1e-9))),
            "X-Rate-Limit-Reset": str(math.ceil(self.level / self.leak_per_s * 1000 - 1e-6)),
        }


@dataclass(slots=True)
class RateLimiter:
    """Which (store, app) pairs are limited, and their buckets."""

    clock: Clock
    everywhere: bool = False
    stores: set[str] = field(default_factory=set)
    apps: set[str] = field(default_factory=set)
    buckets: dict[tuple[str, str], Bucket] = field(default_factory=dict)

    def applies(self, store_id: str, app_id: str) -> bool:
        return self.everywhere or store_id in self.stores or app_id in self.apps

    def bucket(self, store_id: str, app_id: str, multiplier: int = 1) -> Bucket:
        key = (store_id, app_id)
        if key not in self.buckets:
            limits = platform_limits()["rate_limit"]
            self.buckets[key] = Bucket(
                limits["bucket_size"] * multiplier, limits["leak_per_second"] * multiplier
            )
        return self.buckets[key]

    def configure(self, body: Any) -> None:
        """`{"enabled": bool}` alone: everywhere; with `store_id` or `app_id`: for that one
        (shaped as `mock_admin.json`'s `set_rate_limit` says; the route checks)."""
        enabled = body["enabled"]
        targets = [(k, body[k]) for k in ("store_id", "app_id") if body.get(k) is not None]
        if not targets:
            self.everywhere = enabled
            if not enabled:
                self.stores.clear()
                self.apps.clear()
        for key, value in targets:
            chosen = self.stores if key == "store_id" else self.apps
            (chosen.add if enabled else chosen.discard)(str(value))
        if not enabled:
            self.buckets.clear()

    def describe(self) -> dict[str, Any]:
        return {
            "everywhere": self.everywhere,
            "stores": sorted(self.stores),
            "apps": sorted(self.apps),
            **platform_limits()["rate_limit"],
        }


@web.middleware
async def rate_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """After auth: count the call against its (store, app) bucket, add the headers, or 429."""
    installation = request.get(installation_key)
    limiter = request.app[rate_limiter_key]
    if installation is None or not limiter.applies(installation.store_id, installation.app_id):
        return await handler(request)
    bucket = limiter.bucket(
        installation.store_id,
        installation.app_id,
        rate_limit_multiplier(request[store_key]),
    )
    if not bucket.take(limiter.clock.now()):
        return web.json_response(
            error_body(
                429,
                f"Rate limit exceeded: {bucket.size} requests, leaking "
                f"{bucket.leak_per_s:g} per second; retry after X-Rate-Limit-Reset ms",
            ),
            status=429,
            headers=bucket.headers(),
        )
    try:
        response = await handler(request)
    except ApiError as e:  # the refusal still counted: say so in its headers too
        response = web.json_response(e.body(), status=e.status)
    response.headers.update(bucket.headers())
    return response
