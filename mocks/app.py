"""The app factory: build state, add the route tables and middlewares, register lifetimes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from miready.mocks import admin, delivery
from miready.mocks.config import MockConfig
from miready.mocks.faults import FaultInjector
from miready.mocks.keys import (
    config_key,
    deliveries_key,
    delivery_tasks_key,
    faults_key,
    initial_fixture_key,
    merchant_log_key,
    oauth_key,
    operations_key,
    own_ports_key,
    path_methods_key,
    platform_key,
    rate_limiter_key,
    readiness_key,
    traffic_key,
    webhook_delivery_key,
)
from miready.mocks.methods import PathMethods
from miready.mocks.middlewares import (
    admin_guard_middleware,
    auth_middleware,
    error_middleware,
    fault_middleware,
    method_middleware,
    validation_middleware,
)
from miready.mocks.oauth import OAuth
from miready.mocks.operations import default_operations
from miready.mocks.ratelimit import RateLimiter, rate_limit_middleware
from miready.mocks.readiness import Readiness
from miready.mocks.routes import API_PREFIX, TABLES, store_admin
from miready.mocks.routes import merchant as merchant_routes
from miready.mocks.routes import oauth as oauth_routes
from miready.mocks.state import snapshot
from miready.mocks.state.platform import Platform
from miready.mocks.traffic import Traffic
from miready.mocks.via import traffic_middleware

SAMPLE_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "sample.yaml"


def add_api_routes(app: web.Application) -> None:
    """Every operation's route; each GET also answers HEAD (same operation, no body)."""
    for table in TABLES:
        for route in table:
            assert isinstance(route, web.RouteDef)
            added = app.router.add_route(
                route.method, API_PREFIX + route.path, route.handler, **route.kwargs
            )
            if route.method == "GET":
                added.resource.add_route("HEAD", route.handler)


def create_app(config: MockConfig | None = None) -> web.Application:
    config = config or MockConfig()
    app = web.Application(
        client_max_size=config.max_body_bytes,
        middlewares=[
            traffic_middleware,
            error_middleware,
            admin_guard_middleware,
            method_middleware,
            fault_middleware,
            delivery.webhook_middleware,
            auth_middleware,
            rate_limit_middleware,
            validation_middleware,
        ],
    )
    platform = Platform()
    platform.legacy_enabled = config.legacy
    fixture: dict[str, Any] = {}
    if config.fixture is not None:
        fixture = snapshot.read_fixture(config.fixture)
        snapshot.load(platform, fixture)
        platform.legacy_enabled = config.legacy and fixture.get("legacy_enabled", True)
    app[config_key] = config
    app[platform_key] = platform
    app[initial_fixture_key] = fixture
    app[operations_key] = default_operations()
    app[path_methods_key] = PathMethods(app[operations_key].values())
    app[faults_key] = FaultInjector()
    app[delivery_tasks_key] = set()
    app[deliveries_key] = []
    app[own_ports_key] = set()
    app[traffic_key] = Traffic()
    add_api_routes(app)
    app.add_routes(admin.routes)
    app.add_routes(store_admin.routes)
    # The platform's other side (issue 13): install, delivery, rate limits, merchant warnings.
    app[webhook_delivery_key] = delivery.create_delivery(app)
    app[rate_limiter_key] = RateLimiter(platform.clock, everywhere=config.rate_limit)
    app[oauth_key] = OAuth()
    app[readiness_key] = Readiness(config.readiness)
    app[merchant_log_key] = []
    app.add_routes(oauth_routes.routes)
    app.add_routes(merchant_routes.routes)
    app.cleanup_ctx.append(delivery.webhook_session)
    return app
