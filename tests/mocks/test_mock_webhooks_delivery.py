"""Webhooks as the platform sends them: every event from a real state change, signed with the
app's secret, retried on the mock's clock, duplicated and out of order on demand."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from miready.mocks.app import SAMPLE_FIXTURE, create_app
from miready.mocks.config import MockConfig
from miready.mocks.delivery import retry_delays, sign, verify
from mockapi import ADDRESS, D1, Api  # type: ignore[import-not-found]
from receiver import start_receiver, until  # type: ignore[import-not-found]

SECRET = "ready-secret-0002"  # the sample fixture's secret of the ready app
EVENTS = [
    "product/created",
    "product/updated",
    "product/deleted",
    "location/created",
    "location/updated",
    "location/deleted",
    "order/created",
    "order/paid",
    "order/updated",
    "order/packed",
    "order/unpacked",
    "order/fulfilled",
    "order/cancelled",
    "fulfillment_order/status_updated",
    "fulfillment_order/tracking_event_created",
    "fulfillment_order/tracking_event_updated",
    "fulfillment_order/tracking_event_deleted",
    "category/created",
    "category/updated",
    "category/deleted",
    "customer/created",
    "customer/updated",
    "customer/deleted",
    "app/uninstalled",
]
NOW = "2026-03-01T12:00:00+00:00"


async def subscribe(api, url: str, events: list[str]) -> None:
    for event in events:
        status, body = await api.post("/webhooks", {"event": event, "url": url})
        assert status == 201, body


async def settled(api, attempts: int, state: str = "pending") -> None:
    """Wait until the mock has recorded `attempts` and scheduled the next (before advancing)."""

    async def check() -> bool:
        _, queue = await api.get("/_mock/webhooks/delivery")
        return (queue["queue"][0]["attempts"], queue["queue"][0]["state"]) == (attempts, state)

    await until(check, f"attempt {attempts} to be recorded as {state}")


async def place(api) -> tuple[int, str]:
    status, order = await api.post("/orders", {"products": [{"variant_id": 301, "quantity": 1}]})
    assert status == 201, order
    return order["id"], order["fulfillments"][0]


async def test__every_event__from_real_state_changes__should_arrive_signed(
    api, aiohttp_server
) -> None:
    receiver = await start_receiver(aiohttp_server)
    await subscribe(api, receiver.url, EVENTS)
    _, product = await api.post("/products", {"name": "Gorra"})
    await api.put(f"/products/{product['id']}", {"name": "Gorra 2"})
    await api.delete(f"/products/{product['id']}")
    _, loc = await api.post("/locations", {"name": "Nuevo", "address": ADDRESS})
    await api.put(f"/locations/{loc['id']}", {"name": "Nuevo 2", "address": ADDRESS})
    await api.delete(f"/locations/{loc['id']}")
    status, category = await api.post("/categories", {"name": "Calzado"})
    assert status == 201, category
    assert (await api.put(f"/categories/{category['id']}", {"name": "Zapatos"}))[0] == 200
    assert (await api.delete(f"/categories/{category['id']}"))[0] == 200
    status, customer = await api.post("/customers", {"name": "Ana", "email": "ana@example.com"})
    assert status == 201, customer
    assert (await api.put(f"/customers/{customer['id']}", {"name": "Ana B"}))[0] == 200
    assert (await api.delete(f"/customers/{customer['id']}"))[0] == 200
    oid, fo = await place(api)
    assert (await api.post(f"/_mock/stores/1/orders/{oid}/paid"))[0] == 200
    fo_path = f"/orders/{oid}/fulfillment-orders/{fo}"
    for status in ("PACKED", "UNPACKED", "DISPATCHED"):
        assert (await api.patch(fo_path, {"status": status}))[0] == 200
    te_body = {"status": "in_transit", "description": "On its way"}
    status, te = await api.post(fo_path + "/tracking-events", te_body)
    assert status == 201
    te_body["description"] = "Still on its way"
    assert (await api.put(f"{fo_path}/tracking-events/{te['id']}", te_body))[0] == 200
    assert (await api.delete(f"{fo_path}/tracking-events/{te['id']}"))[0] == 204
    second, _ = await place(api)
    assert (await api.post(f"/orders/{second}/cancel", {}))[0] == 200
    assert (await api.delete("/_mock/stores/1/apps/1002"))[0] == 200

    await until(lambda: set(EVENTS) <= set(receiver.events()), "every event")
    for raw, signature, body in receiver.calls:
        assert verify(raw, signature, SECRET), body["event"]
        assert body["store_id"] == 1
    by_event = {body["event"]: body for _, _, body in receiver.calls}
    assert by_event["fulfillment_order/tracking_event_deleted"] | {"status": None} == {
        "store_id": 1,
        "event": "fulfillment_order/tracking_event_deleted",
        "order_id": str(oid),
        "fulfillment_id": fo,
        "tracking_event_id": te["id"],
        "status": None,
    }
    assert by_event["app/uninstalled"]["id"] == 1002
    _, log = await api.get("/_mock/deliveries")
    assert len(log) == len(receiver.calls)  # every attempt in the log, nothing more
    assert {r["outcome"] for r in log} == {"delivered"}


@pytest.mark.parametrize(
    ("tamper", "accepted"),
    [
        (lambda raw, sig: (raw, sig), True),
        (lambda raw, sig: (raw.replace(b'"order/', b'"ordeR/'), sig), False),
        (lambda raw, sig: (raw + b" ", sig), False),
        (lambda raw, sig: (raw, sign(raw, "another-apps-secret")), False),
        (lambda raw, sig: (raw, sig.upper()), True),  # hex case is not the signature
    ],
    ids=["as-sent", "changed-byte", "trailing-space", "other-secret", "uppercase-hex"],
)
async def test__verifier__tampered_body_or_signature__should_reject(
    api, aiohttp_server, tamper, accepted
) -> None:
    receiver = await start_receiver(aiohttp_server)
    await subscribe(api, receiver.url, ["order/created"])
    await place(api)
    await until(lambda: receiver.calls, "order/created")
    raw, signature, _ = receiver.calls[0]
    assert verify(*tamper(raw, signature), SECRET) is accepted


def test__retry_delays__should_follow_the_platform_schedule() -> None:
    delays = retry_delays()
    assert delays[:5] == [0, 300, 600, 900, 1260]
    assert all(b == pytest.approx(a * 1.4) for a, b in zip(delays[3:], delays[4:], strict=False))
    assert sum(delays) <= 48 * 3600 < sum(delays) + delays[-1] * 1.4
    assert 1 + len(delays) <= 18


async def test__receiver_answering_500__should_see_the_retry_schedule_on_the_mock_clock(
    api, aiohttp_server
) -> None:
    receiver = await start_receiver(aiohttp_server, status=500)
    await api.put("/_mock/clock", {"now": NOW})
    await subscribe(api, receiver.url, ["order/created"])
    await place(api)
    delays = retry_delays()
    # the first attempt, then the immediate retry
    await settled(api, 2)
    for attempt, delay in enumerate(delays[1:4], start=3):
        await api.put("/_mock/clock", {"advance_seconds": delay - 1})
        _, queue = await api.get("/_mock/webhooks/delivery")
        assert len(receiver.calls) == attempt - 1 and queue["queue"][0]["attempts"] == attempt - 1
        await api.put("/_mock/clock", {"advance_seconds": 1})
        await settled(api, attempt)
        assert len(receiver.calls) == attempt
    _, log = await api.get("/_mock/deliveries")
    assert [r["attempt"] for r in log] == [1, 2, 3, 4, 5]
    assert [r["status"] for r in log] == [500] * 5
    elapsed = [0, 0, 300, 900, 1800]
    assert [r["at"][11:19] for r in log] == [
        f"{12 + s // 3600:02d}:{s % 3600 // 60:02d}:00" for s in elapsed
    ]
    bodies = {raw for raw, _, _ in receiver.calls}
    assert len(bodies) == 1  # every retry sends the same bytes, signed the same


async def test__receiver_recovering__should_stop_the_retries(api, aiohttp_server) -> None:
    receiver = await start_receiver(aiohttp_server, status=503)
    await api.put("/_mock/clock", {"now": NOW})
    await subscribe(api, receiver.url, ["order/created"])
    await place(api)
    await settled(api, 2)
    receiver.status = 200
    await api.put("/_mock/clock", {"advance_seconds": 300})
    await until(lambda: len(receiver.calls) == 3, "the third attempt")

    async def delivered() -> bool:
        _, queue = await api.get("/_mock/webhooks/delivery")
        return queue["queue"][0]["state"] == "delivered"

    await until(delivered, "the delivery to be marked delivered")
    await api.put("/_mock/clock", {"advance_seconds": 48 * 3600})
    _, queue = await api.get("/_mock/webhooks/delivery")
    assert len(receiver.calls) == 3 and queue["queue"][0]["attempts"] == 3


async def test__receiver_down_for_good__should_be_given_up_after_the_schedule(
    api, aiohttp_server
) -> None:
    receiver = await start_receiver(aiohttp_server, status=500)
    await api.put("/_mock/clock", {"now": NOW})
    await subscribe(api, receiver.url, ["order/created"])
    await place(api)
    delays = retry_delays()
    total = 1 + len(delays)
    await settled(api, 2)
    for n, delay in enumerate(delays[1:], start=3):
        await api.put("/_mock/clock", {"advance_seconds": delay})
        await settled(api, n, "pending" if n < total else "failed")
    assert len(receiver.calls) == total
    _, queue = await api.get("/_mock/webhooks/delivery")
    assert queue["queue"][0]["state"] == "failed" and queue["queue"][0]["attempts"] == total
    _, log = await api.get("/_mock/deliveries")
    assert log[-1]["outcome"] == "failed"


async def test__duplicates_and_out_of_order__should_be_delivered_when_asked(
    api, aiohttp_server
) -> None:
    receiver = await start_receiver(aiohttp_server)
    status, described = await api.put(
        "/_mock/webhooks/delivery", {"duplicates": True, "out_of_order": True, "seed": 7}
    )
    assert status == 200 and described["duplicates"] == 1.0
    events = ["fulfillment_order/status_updated", "order/packed", "order/updated"]
    await subscribe(api, receiver.url, events)
    oid, fo = await place(api)
    await api.patch(f"/orders/{oid}/fulfillment-orders/{fo}", {"status": "PACKED"})
    await until(lambda: len(receiver.calls) == 2 * len(events), "each event twice")
    received = receiver.events()
    assert sorted(received) == sorted(events * 2)
    # the emission order is status_updated, packed, updated; seed 7 shuffles it
    firsts = list(dict.fromkeys(received))
    assert firsts != events
    _, log = await api.get("/_mock/deliveries")
    assert sum(r["duplicate"] for r in log) == len(events)


@pytest.mark.parametrize(
    "body",
    [{"duplicates": 2}, {"duplicates": "x"}, {"out_of_order": "yes"}, {"seed": 1.5}, []],
)
async def test__delivery_settings__bad_input__should_be_422_in_the_error_shape(api, body) -> None:
    status, error = await api.put("/_mock/webhooks/delivery", body)
    assert status in (400, 422) and set(error) >= {"code", "message", "description"}


async def test__uninstalled_app__should_get_no_more_events(api, aiohttp_server) -> None:
    receiver = await start_receiver(aiohttp_server)
    await subscribe(api, receiver.url, ["order/created", "app/uninstalled"])
    await api.delete("/_mock/stores/1/apps/1002")
    await until(lambda: receiver.events() == ["app/uninstalled"], "app/uninstalled")
    await place_as_legacy(api)
    _, queue = await api.get("/_mock/webhooks/delivery")
    assert [d["event"] for d in queue["queue"]] == ["app/uninstalled"]
    assert (await api.get("/locations/" + D1))[0] == 401  # the token died with the install


async def place_as_legacy(api) -> None:
    status, _ = await api.post(
        "/orders",
        {"products": [{"variant_id": 301, "quantity": 1}]},
        token="demo-legacy-token-0001",
    )
    assert status == 201


async def test__receiver_slower_than_the_timeout__should_be_retried(
    aiohttp_client, aiohttp_server
) -> None:
    never = asyncio.Event()
    calls: list[int] = []

    async def stall(request: web.Request) -> web.Response:
        calls.append(1)
        await never.wait()
        return web.Response()

    slow = web.Application()
    slow.router.add_post("/hook", stall)
    server = await aiohttp_server(slow, host="127.0.0.1", port=0)
    config = MockConfig(fixture=SAMPLE_FIXTURE, webhook_timeout_s=0.2)
    api = Api(await aiohttp_client(create_app(config)))
    await api.put("/_mock/clock", {"now": NOW})
    await subscribe(api, f"http://127.0.0.1:{server.port}/hook", ["order/created"])
    await place(api)
    await settled(api, 2)
    _, log = await api.get("/_mock/deliveries")
    assert [r["error"].split(":")[0] for r in log] == ["TimeoutError", "TimeoutError"]
    assert len(calls) == 2 and log[-1]["next_attempt_at"] == "2026-03-01T12:05:00+00:00"
