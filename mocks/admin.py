"""Route table: the admin API under /_mock (stores, apps, fixtures, state, clock, faults)."""

from __future__ import annotations

import json
from typing import Any

import yaml
from aiohttp import web
from miready.mocks.clock import parse_time
from miready.mocks.errors import BadRequest, invalid
from miready.mocks.faults import parse_rules
from miready.mocks.keys import (
    config_key,
    deliveries_key,
    faults_key,
    initial_fixture_key,
    platform_key,
)
from miready.mocks.routes import merchant
from miready.mocks.routes.oauth import guard_install
from miready.mocks.state import snapshot

routes = web.RouteTableDef()


async def _json(request: web.Request, *, yaml_ok: bool = False) -> Any:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
        if yaml_ok and "json" not in request.content_type:
            return yaml.safe_load(text)
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as e:
        raise BadRequest(f"Problems parsing the body: {e}") from None


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object")
    return body


@routes.post("/_mock/stores", name="admin_create_store")
async def create_store(request: web.Request) -> web.Response:
    body = _object(await _json(request))
    store_id = body.get("id")
    store = request.app[platform_key].create_store(
        body.get("name"), None if store_id is None else str(store_id)
    )
    return web.json_response(store.view() | {"id": store.id}, status=201)


@routes.post("/_mock/stores/{store_id}/apps", name="admin_install_app")
async def install_app(request: web.Request) -> web.Response:
    body = _object(await _json(request))
    if not isinstance(body.get("app_id"), str | int):
        raise invalid("app_id", "is required")
    scopes = body.get("scopes", [])
    if isinstance(scopes, str):
        scopes = [s for s in scopes.replace(" ", ",").split(",") if s]
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise invalid("scopes", "must be a list of scope names")
    platform = request.app[platform_key]
    # seed 004's second moment: a not-ready app into a multi-location store (409 unless confirm)
    guard_install(
        request, request.match_info["store_id"], str(body["app_id"]), body.get("confirm") is True
    )
    inst = platform.install_app(
        request.match_info["store_id"],
        str(body["app_id"]),
        scopes,
        body.get("name"),
        body.get("client_secret"),
        body.get("access_token"),
    )
    return web.json_response(
        {
            "access_token": inst.access_token,
            "token_id": inst.token_id,
            "client_secret": platform.apps[inst.app_id].client_secret,
            "app_id": inst.app_id,
            "store_id": inst.store_id,
            "scopes": list(inst.scopes),
        },
        status=201,
    )


@routes.post("/_mock/fixtures", name="admin_load_fixture")
async def load_fixture(request: web.Request) -> web.Response:
    data = await _json(request, yaml_ok=True)
    stores = snapshot.load(request.app[platform_key], data)
    return web.json_response({"stores": [s.id for s in stores]}, status=201)


@routes.get("/_mock/state", name="admin_dump_state")
async def dump_state(request: web.Request) -> web.Response:
    platform = request.app[platform_key]
    if "yaml" in request.headers.get("Accept", ""):
        return web.Response(text=snapshot.dump_yaml(platform), content_type="application/yaml")
    return web.json_response(snapshot.dump(platform))


@routes.post("/_mock/reset", name="admin_reset")
async def reset(request: web.Request) -> web.Response:
    """Back to the start-up fixture (`?empty=true`: no stores at all); the clock runs free again."""
    platform = request.app[platform_key]
    platform.reset()
    platform.clock.reset()
    platform.legacy_enabled = request.app[config_key].legacy
    request.app[faults_key].configure([], None)
    merchant.reset(request.app)  # delivery queue, OAuth codes, buckets, readiness overrides
    if request.query.get("empty") != "true" and request.app[initial_fixture_key]:
        snapshot.load(platform, request.app[initial_fixture_key])
    return web.json_response({"stores": sorted(platform.stores)})


@routes.get("/_mock/clock", name="admin_get_clock")
async def get_clock(request: web.Request) -> web.Response:
    clock = request.app[platform_key].clock
    return web.json_response({"now": clock.iso(), "frozen": clock.frozen})


@routes.put("/_mock/clock", name="admin_set_clock")
async def set_clock(request: web.Request) -> web.Response:
    body = _object(await _json(request))
    clock = request.app[platform_key].clock
    if "now" in body:
        try:
            clock.set(parse_time(body["now"]))
        except (ValueError, TypeError):
            raise invalid("now", "must be an ISO 8601 date-time") from None
    if "advance_seconds" in body:
        seconds = body["advance_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise invalid("advance_seconds", "must be a number")
        clock.advance(seconds)
    if "now" not in body and "advance_seconds" not in body:
        raise invalid("now", "send `now` (ISO 8601) or `advance_seconds`")
    return web.json_response({"now": clock.iso(), "frozen": clock.frozen})


@routes.get("/_mock/faults", name="admin_get_faults")
async def get_faults(request: web.Request) -> web.Response:
    return web.json_response(request.app[faults_key].describe())


@routes.put("/_mock/faults", name="admin_set_faults")
async def set_faults(request: web.Request) -> web.Response:
    rules, seed = parse_rules(await _json(request))
    request.app[faults_key].configure(rules, seed)
    return web.json_response(request.app[faults_key].describe())


@routes.get("/_mock/legacy", name="admin_get_legacy")
async def get_legacy(request: web.Request) -> web.Response:
    return web.json_response({"enabled": request.app[platform_key].legacy_enabled})


@routes.put("/_mock/legacy", name="admin_set_legacy")
async def set_legacy(request: web.Request) -> web.Response:
    body = _object(await _json(request))
    if not isinstance(body.get("enabled"), bool):
        raise invalid("enabled", "must be true or false")
    request.app[platform_key].legacy_enabled = body["enabled"]
    return web.json_response({"enabled": body["enabled"]})


@routes.get("/_mock/tokens/{token_id}", name="admin_introspect_token")
async def introspect_token(request: web.Request) -> web.Response:
    platform = request.app[platform_key]
    inst = platform.by_token_id(request.match_info["token_id"])
    app = platform.apps[inst.app_id]
    return web.json_response(
        {
            "app_id": inst.app_id,
            "app_name": app.name,
            "store_id": inst.store_id,
            "scopes": list(inst.scopes),
            "effective_scopes": sorted(inst.effective_scopes),
        }
    )


@routes.get("/_mock/stores/{store_id}/movements", name="admin_list_movements")
async def list_movements(request: web.Request) -> web.Response:
    store = request.app[platform_key].store(request.match_info["store_id"])
    movements = store.movements
    for key in ("variant_id", "order_id"):
        if key in request.query:
            try:
                wanted = int(request.query[key])
            except ValueError:
                raise invalid(key, "must be an integer") from None
            movements = [m for m in movements if m.get(key) == wanted]
    if "location_id" in request.query:
        movements = [m for m in movements if m["location_id"] == request.query["location_id"]]
    return web.json_response(movements)


@routes.get("/_mock/deliveries", name="admin_list_deliveries")
async def list_deliveries(request: web.Request) -> web.Response:
    return web.json_response(request.app[deliveries_key])
