"""Route table: the admin API under /_mock (stores, apps, fixtures, state, clock, faults)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import yaml
from aiohttp import web
from miready.mocks.admin_schema import validate
from miready.mocks.clock import parse_time
from miready.mocks.errors import ApiError, BadRequest, invalid
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
# The clock stays where ULIDs and ISO dates work, with room for later advances.
CLOCK_RANGE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC))
MAX_NODES = 200_000  # a YAML body's size once its aliases are expanded


def _bounded(data: Any) -> Any:
    """`data` unless its aliases expand it past MAX_NODES (a "billion laughs" body): 413."""
    stack, seen = [data], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ApiError(413, f"The body expands to more than {MAX_NODES} values")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return data


async def _json(request: web.Request, *, yaml_ok: bool = False) -> Any:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
        if yaml_ok and "json" not in request.content_type:
            return _bounded(yaml.safe_load(text))
        return json.loads(text)
    except (ValueError, UnicodeDecodeError, yaml.YAMLError, RecursionError) as e:
        raise BadRequest(f"Problems parsing the body: {e}") from None


@routes.post("/_mock/stores", name="admin_create_store")
async def create_store(request: web.Request) -> web.Response:
    body = validate("create_store", await _json(request))
    store_id = body.get("id")
    store = request.app[platform_key].create_store(
        body.get("name"), None if store_id is None else str(store_id)
    )
    return web.json_response(store.view() | {"id": store.id}, status=201)


@routes.post("/_mock/stores/{store_id}/apps", name="admin_install_app")
async def install_app(request: web.Request) -> web.Response:
    body = validate("install_app", await _json(request))
    scopes = body.get("scopes", [])
    if isinstance(scopes, str):
        scopes = [s for s in scopes.replace(" ", ",").split(",") if s]
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
    platform = request.app[platform_key]
    before = snapshot.dump(platform)
    try:
        stores = snapshot.load(platform, data)
    except ApiError:  # all or nothing: no half-loaded fixture stays behind
        platform.reset()
        snapshot.load(platform, before)
        raise
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
    body = validate("set_clock", await _json(request))
    clock = request.app[platform_key].clock
    now = clock.now()
    try:
        if "now" in body:
            now = parse_time(body["now"])
        now += timedelta(seconds=body.get("advance_seconds", 0))
        in_range = CLOCK_RANGE[0] <= now <= CLOCK_RANGE[1]
    except (ValueError, OverflowError):
        in_range = False
    if not in_range:
        field = "advance_seconds" if "advance_seconds" in body else "now"
        raise invalid(field, "puts the clock outside 1970-01-01 .. 9000-01-01")
    if "now" in body:
        clock.set(parse_time(body["now"]))
    if "advance_seconds" in body:
        clock.advance(body["advance_seconds"])
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
    body = validate("set_legacy", await _json(request))
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
