"""Every piece of app state, as typed `web.AppKey`s (one module, names match the strings)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web
from miready.mocks.config import MockConfig
from miready.mocks.faults import FaultInjector
from miready.mocks.methods import PathMethods
from miready.mocks.operations import OperationSpec
from miready.mocks.state.platform import Installation, Platform, Store
from miready.mocks.traffic import Traffic

if TYPE_CHECKING:
    from miready.mocks.delivery import WebhookDelivery
    from miready.mocks.oauth import OAuth
    from miready.mocks.ratelimit import RateLimiter
    from miready.mocks.readiness import Readiness

config_key = web.AppKey("config_key", MockConfig)
platform_key = web.AppKey("platform_key", Platform)
operations_key = web.AppKey("operations_key", dict[str, OperationSpec])
faults_key = web.AppKey("faults_key", FaultInjector)
path_methods_key = web.AppKey("path_methods_key", PathMethods)
initial_fixture_key = web.AppKey("initial_fixture_key", dict[str, Any])
webhook_session_key = web.AppKey("webhook_session_key", aiohttp.ClientSession)
delivery_tasks_key = web.AppKey("delivery_tasks_key", set[asyncio.Task[None]])
deliveries_key = web.AppKey("deliveries_key", list[dict[str, Any]])
# the ports the mock serves on (filled as it starts and as requests arrive): webhooks skip them
own_ports_key = web.AppKey("own_ports_key", set[int])
traffic_key = web.AppKey("traffic_key", Traffic)

# The platform's other side (issue 13): delivery queue, rate limits, OAuth, readiness warnings.
# Typed by annotation only: those modules import this one.
webhook_delivery_key: web.AppKey[WebhookDelivery] = web.AppKey("webhook_delivery_key")
rate_limiter_key: web.AppKey[RateLimiter] = web.AppKey("rate_limiter_key")
oauth_key: web.AppKey[OAuth] = web.AppKey("oauth_key")
readiness_key: web.AppKey[Readiness] = web.AppKey("readiness_key")
merchant_log_key = web.AppKey("merchant_log_key", list[dict[str, Any]])

# Per-request values set by the middlewares (auth, then validation) for the handlers.
installation_key = web.RequestKey("installation_key", Installation)
store_key = web.RequestKey("store_key", Store)
operation_key = web.RequestKey("operation_key", OperationSpec)
path_params_key = web.RequestKey("path_params_key", dict[str, Any])
query_params_key = web.RequestKey("query_params_key", dict[str, Any])
body_key = web.RequestKey("body_key", object)
