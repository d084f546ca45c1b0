"""Webhook SSRF: no webhook reaches the mock itself, whether an app or a fixture registered it."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from aiohttp import web
from miready.mocks.delivery import SelfGuardResolver
from miready.mocks.webhook_targets import is_local_host, self_target

ORDER = {"products": [{"variant_id": 301, "quantity": 1}]}

# (url with {port} = the mock's own port, what the 422 says)
REFUSED = [
    ("http://127.0.0.1:{port}/_mock/reset?empty=true", "admin API"),
    ("http://127.0.0.1:{port}/%5Fmock/reset?empty=true", "admin API"),
    ("http://127.0.0.1:{port}//_mock/./reset", "admin API"),
    ("https://hooks.example.com/_mock/reset", "admin API"),
    ("http://127.0.0.1:{port}/v1/1/orders", "mock platform itself"),
    ("http://localhost:{port}/hook", "mock platform itself"),
    ("http://[::1]:{port}/hook", "mock platform itself"),
    ("https://127.0.0.2:{port}/hook", "mock platform itself"),
    ("https://0.0.0.0:{port}/hook", "mock platform itself"),
    ("https://[::ffff:127.0.0.1]:{port}/hook", "mock platform itself"),
    ("https://api.localhost:{port}/hook", "mock platform itself"),
    ("https://127.1:{port}/hook", "mock platform itself"),
    ("http://127.0.0.1:99999/hook", "absolute https URL"),
    ("http://example.com/hook", "https"),
]


async def _stores(api) -> list[str]:
    status, state = await api.get("/_mock/state")
    assert status == 200
    return [s["id"] for s in state["stores"]]


# (collection, the URL's field, the other fields of a valid body): every URL the mock calls
URL_HOLDERS = [
    ("/webhooks", "url", {"event": "order/created"}),
    ("/shipping_carriers", "callback_url", {"name": "Rates"}),
]


@pytest.mark.parametrize(("collection", "field", "rest"), URL_HOLDERS, ids=["webhook", "carrier"])
@pytest.mark.parametrize(("template", "says"), REFUSED)
async def test__url_of_the_mock_itself__should_be_422_on_create_and_update(
    api, client, template, says, collection, field, rest
) -> None:
    url = template.format(port=client.server.port)
    status, body = await api.post(collection, {**rest, field: url})
    assert status == 422 and says in body[field][0], body
    ok_url = "https://hooks.example.com/ok"
    status, created = await api.post(collection, {**rest, field: ok_url})
    assert status == 201
    status, body = await api.put(f"{collection}/{created['id']}", {field: url})
    assert status == 422 and says in body[field][0], body
    _, listed = await api.get(collection)
    assert [item[field] for item in listed] == [ok_url]


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:{other}/hook", "http://localhost:{other}/hook", "https://a.example/h"]
)
async def test__other_receivers__should_be_allowed(api, client, url) -> None:
    other = client.server.port + 1 if client.server.port < 65535 else 1024
    status, hook = await api.post(
        "/webhooks", {"event": "order/created", "url": url.format(other=other)}
    )
    assert status == 201 and hook["url"] == url.format(other=other)


async def _deliveries(api, count: int, deadline_s: float = 10.0) -> list[dict]:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        _, log = await api.get("/_mock/deliveries")
        if len(log) >= count:
            return log
        await asyncio.sleep(0.02)
    raise AssertionError(f"expected {count} deliveries, got {log}")


async def test__fixture_webhooks_at_the_mock__should_never_be_delivered(api, client) -> None:
    port = client.server.port
    targets = [
        f"http://127.0.0.1:{port}/_mock/reset?empty=true",
        f"http://localhost:{port}/v1/9/orders",
        "https://evil.example/%5Fmock/reset?empty=true",
    ]
    fixture = {
        "apps": [{"app_id": "5", "client_secret": "s"}],
        "stores": [
            {
                "id": "9",
                "locations": [{"name": "Solo", "address": {}}],
                "products": [{"id": 90, "variants": [{"id": 901, "stock": 3}]}],
                "installations": [
                    {"app_id": "5", "access_token": "tok-nine", "scopes": ["write_orders"]}
                ],
                "webhooks": [
                    {"id": 50 + i, "url": url, "event": "order/created", "app_id": "5"}
                    for i, url in enumerate(targets)
                ],
            }
        ],
    }
    assert (await api.post("/_mock/fixtures", fixture))[0] == 201
    status, _ = await api.post(
        "/v1/9/orders", {"products": [{"variant_id": 901, "quantity": 1}]}, token="tok-nine"
    )
    assert status == 201
    log = await _deliveries(api, len(targets))
    assert sorted(d["url"] for d in log) == sorted(targets)
    assert all(d["status"] is None and "refused" in d["error"] for d in log), log
    assert await _stores(api) == ["1", "9"]


async def test__receiver_redirecting_to_the_mock__should_not_be_followed(
    api, client, aiohttp_server
) -> None:
    async def bounce(request: web.Request) -> web.Response:
        target = f"http://127.0.0.1:{client.server.port}/_mock/reset?empty=true"
        raise web.HTTPTemporaryRedirect(target)

    receiver = web.Application()
    receiver.router.add_post("/hook", bounce)
    server = await aiohttp_server(receiver)
    url = f"http://127.0.0.1:{server.port}/hook"
    assert (await api.post("/webhooks", {"event": "order/created", "url": url}))[0] == 201
    assert (await api.post("/orders", ORDER))[0] == 201
    log = await _deliveries(api, 1)
    assert {(d["url"], d["status"]) for d in log} == {(url, 307)}  # retried, never followed
    assert await _stores(api) == ["1"]


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("x.localhost", True),
        ("127.0.0.1", True),
        ("127.255.0.9", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", True),
        ("::", True),
        ("2130706433", True),
        ("0x7f.1", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("localhost.example.com", False),
        ("", False),
    ],
)
def test__is_local_host__should_know_every_loopback_spelling(host, local) -> None:
    assert is_local_host(host) is local


def test__self_target__should_name_the_reason_or_none() -> None:
    assert self_target("http://127.0.0.1:8080/hook", {8080}) == (
        "must not point at the mock platform itself"
    )
    assert self_target("http://127.0.0.1:8081/hook", {8080}) is None
    assert "admin API" in self_target("https://x.example/_MOCK/state", set())


class _FixedResolver:
    def __init__(self, host: str) -> None:
        self.host = host

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list:
        return [
            {"hostname": host, "host": self.host, "port": port, "family": family}
            | {"proto": 0, "flags": 0}
        ]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("resolves_to", "port", "allowed"),
    [("127.0.0.1", 8080, False), ("::1", 8080, False), ("127.0.0.1", 9000, True)],
)
async def test__delivery_resolver__should_drop_names_that_resolve_to_the_mock(
    resolves_to, port, allowed
) -> None:
    resolver = SelfGuardResolver({8080}, _FixedResolver(resolves_to))
    if allowed:
        assert [r["host"] for r in await resolver.resolve("hooks.test", port)] == [resolves_to]
    else:
        with pytest.raises(OSError, match="mock platform itself"):
            await resolver.resolve("hooks.test", port)
