"""End to end: exact answers of ``warn`` and ``enforce``; a JSON 502 when the store is down."""

from __future__ import annotations

import socket
import sqlite3

import pytest
from miready.certifier.ledger import open_ledger
from miready.mocks.admin_token import exported
from miready.mocks.server import MockServer
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

DOCS = "https://tiendanube.github.io/api-documentation/guides/multi-inventory"


@pytest.fixture(scope="module")
def store(client_for):
    with MockServer() as mock:
        admin = client_for(mock.url, user_agent="admin")
        token = admin.call(
            "POST",
            "/_mock/stores/1/apps",
            {"app_id": "legacy-app", "name": "Legacy", "scopes": ["read_orders", "write_orders"]},
            headers=mock.admin_headers,
        ).json()["access_token"]
        direct = client_for(mock.url, token, "LegacyShipping/1.0")
        order = direct.call(
            "POST", "/v1/1/orders", {"products": [{"variant_id": 201, "quantity": 1}]}
        )
        assert order.status == 201, order.content
        with exported(mock.admin_token):  # the proxies started here introspect tokens with it
            yield mock, token, order.json()["id"], direct


def test__warn__deprecated_call__is_served_with_deprecation_sunset_and_link(store, client_for):
    mock, token, oid, _ = store
    with ProxyProcess(mock.url, policy="warn", options={"miready_sunset": "2027-06-30"}) as proxy:
        app = client_for(proxy.url, token, "LegacyShipping/1.0")
        pack = app.call("POST", f"/v1/1/orders/{oid}/pack")
        clean = app.call("GET", f"/v1/1/orders/{oid}/fulfillment-orders")
    assert pack.status == 200
    assert pack.header("Deprecation") == "@1677628800"
    assert pack.header("Sunset") == "Wed, 30 Jun 2027 00:00:00 GMT"
    assert pack.header("Link") == (
        f'<{DOCS}>; rel="deprecation"; type="text/html", '
        f"</v1/1/orders/{oid}/fulfillment-orders/%7Bfulfillment_order_id%7D>; "
        'rel="successor-version"; '
        'title="PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id}"'
    )
    assert pack.json()["id"] == oid
    assert clean.status == 200
    assert clean.header("Deprecation") is None and clean.header("Sunset") is None


def test__enforce__deprecated_call__gets_410_and_never_reaches_the_store(
    store, client_for, tmp_path
):
    mock, token, oid, direct = store
    before = direct.call("GET", f"/v1/1/orders/{oid}/fulfillment-orders").json()
    db = tmp_path / "ledger.db"
    with ProxyProcess(mock.url, policy="enforce", ledger_url=f"sqlite:///{db}") as proxy:
        app = client_for(proxy.url, token, "LegacyShipping/1.0")
        gone = app.call("POST", f"/v1/1/orders/{oid}/fulfill", {"shipping_tracking_number": "X1"})
        clean = app.call("GET", f"/v1/1/orders/{oid}")
    after = direct.call("GET", f"/v1/1/orders/{oid}/fulfillment-orders").json()
    assert gone.status == 410
    assert gone.header("Content-Type") == "application/json"
    assert gone.json() == {
        "code": 410,
        "message": "Gone",
        "description": "POST /orders/{order_id}/fulfill is deprecated (endpoint.orders.fulfill): "
        'use PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id} {"status": '
        '"DISPATCHED", "tracking_info": {...}}',
        "rule_ids": ["endpoint.orders.fulfill"],
    }
    assert gone.header("Deprecation") == "@1677628800"
    assert after == before
    assert clean.status == 200
    ledger = open_ledger(f"sqlite:///{db}")
    try:
        assert ledger.count_calls() == 2
        assert set(ledger.examples("legacy-app")) == {"endpoint.orders.fulfill"}
    finally:
        ledger.close()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test__upstream_down__app_gets_502_json_and_the_call_is_recorded(client_for, tmp_path):
    db = tmp_path / "ledger.db"
    upstream = f"http://127.0.0.1:{_closed_port()}"
    options = {"miready_introspect": False}
    with ProxyProcess(upstream, ledger_url=f"sqlite:///{db}", options=options) as p:
        app = client_for(p.url, "tok-down-0001", "LonelyApp/1.0")
        reply = app.call("POST", "/v1/1/orders/7/pack")
        again = app.call("GET", "/v1/1/orders")
        status = client_for(p.url).call("GET", "/_miready/status").json()
    assert reply.status == 502
    body = reply.json()
    assert (body["code"], body["message"]) == (502, "Bad Gateway")
    assert body["description"]
    assert again.status == 502
    assert status["calls_seen"] == 2
    ledger = open_ledger(f"sqlite:///{db}")
    try:
        assert ledger.count_calls() == 2
        [app_info] = ledger.apps()
        assert app_info.name is None  # only the platform names apps, never the User-Agent
        assert set(ledger.examples(app_info.app_id)) == {"endpoint.orders.pack"}
    finally:
        ledger.close()
    with sqlite3.connect(db) as raw:  # the status the app saw, straight from the calls table
        statuses = sorted(row[0] for row in raw.execute("SELECT status FROM calls"))
    assert statuses == [502, 502]


def test__regular_mode__records_an_app_that_uses_the_proxy_as_forward_proxy(
    store, client_for, tmp_path
):
    import urllib.request

    mock, token, oid, _ = store
    db = tmp_path / "ledger.db"
    confdir = tmp_path / "mitm"
    with ProxyProcess(None, mode="regular", confdir=confdir, ledger_url=f"sqlite:///{db}") as p:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": p.url}))
        request = urllib.request.Request(
            f"{mock.url}/v1/1/orders/{oid}/pack",
            method="POST",
            headers={"Authentication": f"bearer {token}", "User-Agent": "LegacyShipping/1.0"},
        )
        with opener.open(request, timeout=15) as reply:
            assert reply.status == 200
    assert (confdir / "mitmproxy-ca-cert.pem").exists()  # its CA, in the folder we chose
    ledger = open_ledger(f"sqlite:///{db}")
    try:
        assert set(ledger.examples("legacy-app")) == {"endpoint.orders.pack"}
    finally:
        ledger.close()


def test__reverse_mode__pagination_links_point_back_at_the_proxy(store, client_for):
    mock, token, _, _ = store
    with ProxyProcess(mock.url) as proxy:
        url = proxy.url
        page = client_for(url, token, "LegacyShipping/1.0").call("GET", "/v1/1/orders")
    link = page.header("Link") or ""
    assert page.status == 200
    assert f"<{url}/v1/1/orders?" in link
    assert mock.url not in link
