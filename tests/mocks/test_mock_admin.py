"""The admin API (/_mock), fixtures round trip, the clock, faults and signed webhooks."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import UTC, datetime

import yaml
from aiohttp import web
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.clock import Clock
from miready.mocks.middlewares import _is_loopback
from miready.mocks.state import snapshot
from miready.mocks.state.platform import Platform


async def test__create_store_and_install_app__should_mint_a_working_token(api) -> None:
    status, store = await api.post("/_mock/stores", {"name": "Nueva"})
    assert status == 201
    status, minted = await api.post(
        f"/_mock/stores/{store['id']}/apps",
        {"app_id": "77", "name": "X", "scopes": ["read_orders"]},
    )
    assert status == 201
    assert minted["token_id"] == hashlib.sha256(minted["access_token"].encode()).hexdigest()[:16]
    status, _ = await api.get(f"/v1/{store['id']}/orders", token=minted["access_token"])
    assert status == 200
    status, info = await api.get(f"/_mock/tokens/{minted['token_id']}")
    assert status == 200 and info | {"effective_scopes": None} == {
        "app_id": "77",
        "app_name": "X",
        "store_id": store["id"],
        "scopes": ["read_orders"],
        "effective_scopes": None,
    }
    assert "read_fulfillment_orders" in info["effective_scopes"]
    assert (await api.get("/_mock/tokens/0000000000000000"))[0] == 404


async def test__fixture_load_and_state_dump__should_round_trip(api, client, admin_headers) -> None:
    fixture = {
        "stores": [
            {
                "id": "9",
                "locations": [{"name": "Solo", "address": {}}],
                "products": [{"name": "P", "variants": [{"stock": 3}]}],
                "installations": [
                    {"app_id": "5", "access_token": "tok-9", "scopes": ["read_products"]}
                ],
            }
        ]
    }
    response = await client.post(
        "/_mock/fixtures",
        data=yaml.safe_dump(fixture),
        headers={"Content-Type": "application/yaml", **admin_headers},
    )
    assert response.status == 201
    _, products = await api.get("/v1/9/products", token="tok-9")
    assert products[0]["variants"][0]["stock"] == 3
    response = await client.get(
        "/_mock/state", headers={"Accept": "application/yaml", **admin_headers}
    )
    dumped = yaml.safe_load(await response.text())
    platform = Platform()
    snapshot.load(platform, dumped)
    assert snapshot.dump(platform) == dumped


def test__dump_reloaded_later__should_equal_itself() -> None:
    # The flaky round trip under `-n 4`: a reload one second later re-stamped `updated_at`.
    fixture = {"stores": [{"id": "9", "locations": [{"name": "Solo", "address": {}}]}]}
    first = Platform(Clock(datetime(2024, 1, 1, 0, 0, 0, tzinfo=UTC)))
    snapshot.load(first, fixture)
    dumped = snapshot.dump(first)
    later = Platform(Clock(datetime(2024, 1, 1, 0, 0, 1, tzinfo=UTC)))
    snapshot.load(later, dumped)
    assert snapshot.dump(later) == dumped
    assert dumped["stores"][0]["locations"][0]["updated_at"] == "2024-01-01T00:00:00+00:00"


def test__sample_fixture__should_round_trip_through_dump() -> None:
    platform = Platform()
    snapshot.load(platform, snapshot.read_fixture(SAMPLE_FIXTURE))
    again = Platform()
    snapshot.load(again, snapshot.dump(platform))
    assert snapshot.dump(again) == snapshot.dump(platform)


async def test__reset__should_restore_the_start_up_fixture(api) -> None:
    await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    assert (await api.post("/_mock/reset"))[0] == 200
    assert (await api.get("/orders"))[1] == []
    assert (await api.post("/_mock/reset?empty=true"))[1] == {"stores": []}


async def test__clock__should_stamp_every_write(api) -> None:
    status, clock = await api.put("/_mock/clock", {"now": "2023-03-01T10:00:00Z"})
    assert status == 200 and clock == {"now": "2023-03-01T10:00:00+00:00", "frozen": True}
    await api.put("/_mock/clock", {"advance_seconds": 90})
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    assert order["created_at"] == "2023-03-01T10:01:30+00:00"
    _, fo = await api.get(f"/orders/{order['id']}/fulfillment-orders/{order['fulfillments'][0]}")
    assert fo["created_at"] == "2023-03-01T10:01:30+00:00"
    assert (await api.put("/_mock/clock", {"now": "yesterday"}))[0] == 422


async def test__faults__should_be_deterministic_with_a_seed(api) -> None:
    async def run() -> list[int]:
        await api.put(
            "/_mock/faults",
            {"rules": [{"path": "/v1/*/store", "error_rate": 0.5, "status": 503}], "seed": 7},
        )
        return [(await api.get("/store"))[0] for _ in range(12)]

    first, second = await run(), await run()
    assert first == second and set(first) == {200, 503}
    await api.put("/_mock/faults", {"rules": []})
    assert (await api.get("/store"))[0] == 200
    assert (await api.put("/_mock/faults", {"rules": [{"path": 1}]}))[0] == 422


def test__admin_guard__should_accept_loopback_only() -> None:
    assert _is_loopback("127.0.0.1") and _is_loopback("::1")
    assert not _is_loopback("10.0.0.1") and not _is_loopback(None)


async def test__webhooks__should_deliver_signed_posts(api, aiohttp_server) -> None:
    received: list[tuple[bytes, str]] = []
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        received.append((await request.read(), request.headers["X-Linkedstore-HMAC-SHA256"]))
        arrived.set()
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/hook", receive)
    server = await aiohttp_server(receiver)
    url = f"http://127.0.0.1:{server.port}/hook"
    status, hook = await api.post("/webhooks", {"event": "order/created", "url": url})
    assert status == 201
    assert (await api.get(f"/webhooks/{hook['id']}"))[1] == hook
    assert (await api.post("/webhooks", {"event": "order/created", "url": "http://example.com/x"}))[
        0
    ] == 422
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    await asyncio.wait_for(arrived.wait(), 5)
    raw, signature = received[0]
    assert signature == hmac.new(b"ready-secret-0002", raw, hashlib.sha256).hexdigest()
    assert b'"event": "order/created"' in raw and f'"id": {order["id"]}'.encode() in raw


async def test__webhooks__fo_status_change__should_be_delivered(api, aiohttp_server) -> None:
    events: list[dict] = []
    arrived = asyncio.Event()

    async def receive(request: web.Request) -> web.Response:
        events.append(await request.json())
        arrived.set()
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/fo", receive)
    server = await aiohttp_server(receiver)
    await api.post(
        "/webhooks",
        {"event": "fulfillment_order/status_updated", "url": f"http://127.0.0.1:{server.port}/fo"},
    )
    _, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    await api.post(f"/orders/{order['id']}/pack")
    await asyncio.wait_for(arrived.wait(), 5)
    assert events[0] | {"store_id": None} == {
        "store_id": None,
        "event": "fulfillment_order/status_updated",
        "order_id": str(order["id"]),
        "fulfillment_id": order["fulfillments"][0],
        "status": "PACKED",
    }


async def test__webhook_scope__should_be_403_without_the_resource_scope(api) -> None:
    status, body = await api.post(
        "/webhooks",
        {"event": "location/created", "url": "https://x.example/h"},
        token="demo-legacy-token-0001",
    )
    assert status == 201  # read_locations is auto-granted by read_products
    status, body = await api.call(
        "POST", "/_mock/stores/1/apps", {"app_id": "3", "scopes": ["read_orders"]}
    )
    status, body = await api.post(
        "/webhooks",
        {"event": "product/created", "url": "https://x.example/h"},
        token=body["access_token"],
    )
    assert status == 403 and "read_products" in body["description"]
