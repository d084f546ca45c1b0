"""End to end: a legacy app and a migrated app drive the mock through the proxy (observe).

The proxy runs in a child process (one mitmproxy master per process); the mock runs in a thread
here; the ledger is a SQLite file read back with ``open_ledger`` once the proxy has stopped.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from miready.certifier.ledger import open_ledger
from miready.contracts.rules import load_rule_pack
from miready.mocks.admin_token import exported
from miready.mocks.server import MockServer
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

PACK = load_rule_pack()
CENTRAL = "01HTMFDH09VC6E2Q8KGTGP44D1"
LEGACY_SCOPES = [
    "read_products",
    "write_products",
    "read_orders",
    "write_orders",
    "read_draft_orders",
    "write_draft_orders",
]
READY_SCOPES = ["write_products", "write_orders", "write_fulfillment_orders"]
# Real-looking personal data that must never reach the ledger.
PERSONAL = {
    "name": "Juana Villanueva",
    "phone": "+54 9 11 5555-0199",
    "street": "Avenida Corrientes",
    "number": "4321",
    "email": "juana.villanueva@example.com",
    "tracking": "BR987654321AR",
}
SHIPPING_PARAMS = {
    "shipping": "correo-argentino",
    "shipping_carrier_name": "Correo Argentino",
    "shipping_tracking_number": PERSONAL["tracking"],
    "shipping_tracking_url": "https://track.example.com/BR987654321AR",
    "shipping_option": "Envío a domicilio",
    "shipping_option_code": "home",
    "shipping_option_reference": "ref-778899",
    "shipping_pickup_details": {"name": "Sucursal Norte", "address": "Av. Cabildo 2000"},
    "shipping_store_branch_name": "Sucursal Norte",
    "shipping_pickup_type": "ship",
    "shipping_suboption": [{"id": "sub-1", "name": "Retiro"}],
}
ORDER_PERSONAL = {
    "contact_name": PERSONAL["name"],
    "contact_email": PERSONAL["email"],
    "shipping_name": PERSONAL["name"],
    "shipping_phone": PERSONAL["phone"],
    "shipping_address": PERSONAL["street"],
    "shipping_number": PERSONAL["number"],
}


def install(admin, admin_headers, app_id: str, name: str, scopes: list[str]) -> str:
    reply = admin.call(
        "POST",
        "/_mock/stores/1/apps",
        {"app_id": app_id, "name": name, "scopes": scopes},
        headers=admin_headers,
    )
    assert reply.status == 201, reply.content
    return reply.json()["access_token"]


def legacy_app_script(app) -> list[tuple[str, int]]:
    """Every seed-004 deprecated endpoint and parameter, as a legacy app would call them."""
    seen = []

    def call(method, path, body=None):
        reply = app.call(method, path, body)
        seen.append((f"{method} {path}", reply.status))
        assert reply.status < 500, (method, path, reply.status, reply.content)
        return reply

    order = call(
        "POST",
        "/v1/1/orders",
        {
            "products": [{"variant_id": 201, "quantity": 1}],
            **ORDER_PERSONAL,
            **SHIPPING_PARAMS,
        },
    )
    if order.status != 201:  # the mock may refuse some legacy values; the call is recorded anyway
        order = call(
            "POST",
            "/v1/1/orders",
            {
                "products": [{"variant_id": 201, "quantity": 1}],
                **ORDER_PERSONAL,
            },
        )
    order_id = order.json()["id"]
    call(
        "POST",
        "/v1/1/draft_orders",
        {
            "products": [{"variant_id": 201, "quantity": 1}],
            **ORDER_PERSONAL,
            **SHIPPING_PARAMS,
        },
    )
    call(
        "POST",
        "/v1/1/products",
        {"name": {"es": "Mate"}, "variants": [{"price": "10.00", "stock": 4}]},
    )
    call("PUT", "/v1/1/products/20", {"stock": 5})
    call("POST", "/v1/1/products/20/variants", {"price": "20.00", "stock": 3})
    call("PUT", "/v1/1/products/20/variants/201", {"stock": 12})
    call("PATCH", "/v1/1/products/20/variants", [{"id": 201, "stock": 12}])
    call("POST", "/v1/1/products/20/variants/stock", {"action": "replace", "value": 12})
    call("POST", f"/v1/1/orders/{order_id}/pack")
    call("GET", f"/v1/1/orders/{order_id}/fulfillments")
    call("GET", "/v1/1/orders?fields=id,shipping_tracking_number")
    call(
        "POST",
        f"/v1/1/orders/{order_id}/fulfill",
        {"shipping_tracking_number": PERSONAL["tracking"]},
    )
    event = call(
        "POST",
        f"/v1/1/orders/{order_id}/fulfillments",
        {"status": "dispatched", "description": "Despachado", "city": "CABA"},
    )
    event_id = event.json().get("id", "missing") if event.status == 201 else "missing"
    call("GET", f"/v1/1/orders/{order_id}/fulfillments/{event_id}")
    call("DELETE", f"/v1/1/orders/{order_id}/fulfillments/{event_id}")
    return seen


def ready_app_script(app) -> list[tuple[str, int]]:
    """The same jobs done the multi-location way."""
    seen = []

    def call(method, path, body=None):
        reply = app.call(method, path, body)
        seen.append((f"{method} {path}", reply.status))
        assert reply.status < 500, (method, path, reply.status, reply.content)
        return reply

    order = call(
        "POST",
        "/v1/1/orders",
        {
            "products": [{"variant_id": 201, "quantity": 1}],
            "recipient": {"name": PERSONAL["name"], "phone": PERSONAL["phone"]},
            "destination": {"street": PERSONAL["street"], "number": PERSONAL["number"]},
        },
    )
    order_id = order.json()["id"]
    fos = call("GET", f"/v1/1/orders/{order_id}/fulfillment-orders").json()
    fo = fos[0]["id"]
    call("PATCH", f"/v1/1/orders/{order_id}/fulfillment-orders/{fo}", {"status": "PACKED"})
    call(
        "PATCH",
        f"/v1/1/orders/{order_id}/fulfillment-orders/{fo}",
        {
            "status": "DISPATCHED",
            "tracking_info": {"code": PERSONAL["tracking"], "url": None},
        },
    )
    call(
        "POST",
        f"/v1/1/orders/{order_id}/fulfillment-orders/{fo}/tracking-events",
        {"status": "dispatched", "description": "Despachado"},
    )
    call(
        "POST",
        "/v1/1/products",
        {
            "name": {"es": "Bombilla"},
            "variants": [
                {"price": "5.00", "inventory_levels": [{"location_id": CENTRAL, "stock": 3}]}
            ],
        },
    )
    call(
        "POST",
        "/v1/1/products/20/variants/stock",
        {"action": "replace", "value": 9, "location_id": CENTRAL},
    )
    call("GET", f"/v1/1/orders/{order_id}?fields=id")
    return seen


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, client_for):
    client_for_module = client_for
    tmp: Path = tmp_path_factory.mktemp("observe")
    db = tmp / "ledger.db"
    with MockServer() as mock:
        admin = client_for_module(mock.url, user_agent="admin")
        legacy_token = install(
            admin, mock.admin_headers, "legacy-app", "Legacy Shipping", LEGACY_SCOPES
        )
        ready_token = install(
            admin, mock.admin_headers, "ready-app", "Ready Shipping", READY_SCOPES
        )
        with (
            exported(mock.admin_token),
            ProxyProcess(mock.url, ledger_url=f"sqlite:///{db}", policy="observe") as proxy,
        ):
            legacy = client_for_module(proxy.url, legacy_token, "LegacyShipping/1.0")
            ready = client_for_module(proxy.url, ready_token, "ReadyShipping/2.0")
            legacy_calls = legacy_app_script(legacy)
            ready_calls = ready_app_script(ready)
            junk = client_for_module(proxy.url, None, "Fuzzer")
            junk_calls = [
                junk.call(
                    "POST",
                    "/v1/1/products",
                    raw=b"{not json",
                    headers={"Content-Type": "application/json"},
                ),
                junk.call(
                    "POST",
                    "/v1/1/products",
                    raw=bytes(range(256)) * 64,
                    headers={"Content-Type": "application/json"},
                ),
                junk.call(
                    "POST",
                    "/v1/1/products",
                    raw=b'{"variants":[' + b"[" * 50_000,
                    headers={"Content-Type": "application/json"},
                ),
                junk.call(
                    "POST",
                    "/v1/1/products",
                    raw=b'{"pad":"' + b"x" * 3_000_000 + b'"}',
                    headers={"Content-Type": "application/json"},
                ),
                junk.call("GET", "/v1/1/not-an-endpoint/%00%ff?q=1"),
            ]
            status = client_for_module(proxy.url).call("GET", "/_miready/status").json()
        returncode = proxy.returncode
    return {
        "db": db,
        "url": f"sqlite:///{db}",
        "tokens": (legacy_token, ready_token),
        "legacy_calls": legacy_calls,
        "ready_calls": ready_calls,
        "junk_calls": junk_calls,
        "status": status,
        "returncode": returncode,
    }


def rollup_keys(ledger, app_id: str, kind: str) -> dict[str, int]:
    now = datetime.now(UTC)
    rows = ledger.rollups(app_id, now - timedelta(days=1), now + timedelta(days=1), kind)
    out: dict[str, int] = {}
    for row in rows:
        out[row.key] = out.get(row.key, 0) + row.count
    return out


def test__legacy_app__every_deprecated_endpoint_and_parameter__is_recorded_with_its_rule(scenario):
    ledger = open_ledger(scenario["url"])
    try:
        rules = rollup_keys(ledger, "legacy-app", "rule")
        examples = ledger.examples("legacy-app")
    finally:
        ledger.close()
    assert set(rules) == {r.id for r in PACK.rules}
    assert set(examples) == {r.id for r in PACK.rules}
    for rule_id in (
        "endpoint.orders.pack",
        "endpoint.orders.fulfill",
        "endpoint.orders.fulfillments.create",
        "endpoint.orders.fulfillments.get",
        "endpoint.orders.fulfillments.delete",
        "endpoint.orders.fulfillments.list",
        "field.order.legacy-selected",
        "param.variant.stock.no-location",
    ):
        assert rules[rule_id] == 1, rule_id
    assert rules["param.variant.stock"] == 5  # POST/PUT product, POST/PUT/PATCH variants
    assert rules["param.order.shipping_option"] >= 2  # POST /orders and POST /draft_orders


def test__migrated_app__has_zero_findings_and_its_calls_are_recorded(scenario):
    ledger = open_ledger(scenario["url"])
    try:
        rules = rollup_keys(ledger, "ready-app", "rule")
        calls = rollup_keys(ledger, "ready-app", "all")
        apps = {a.app_id: a for a in ledger.apps()}
    finally:
        ledger.close()
    assert rules == {}
    assert sum(calls.values()) == len(scenario["ready_calls"])
    assert apps["ready-app"].name == "Ready Shipping"
    assert set(apps["ready-app"].scopes) >= set(READY_SCOPES)
    assert set(apps["legacy-app"].scopes) >= set(LEGACY_SCOPES)


def test__ledger_files__hold_no_token_name_phone_address_or_tracking_code(scenario):
    files = [p for p in scenario["db"].parent.iterdir() if p.name.startswith("ledger.db")]
    data = b"".join(p.read_bytes() for p in files)
    assert data, files
    secrets = [*scenario["tokens"], *PERSONAL.values(), "Corrientes", "5555-0199", "Villanueva"]
    for secret in secrets:
        for form in {secret.encode(), json.dumps(secret)[1:-1].encode()}:
            assert form not in data, secret


def test__scripted_apps__calls_succeed_against_the_mock(scenario):
    failed = [c for c in scenario["legacy_calls"] + scenario["ready_calls"] if c[1] >= 400]
    assert failed == []


def test__bad_input__never_crashes_the_proxy_and_status_counts_every_call(scenario):
    assert all(reply.status < 500 for reply in scenario["junk_calls"])
    total = (
        len(scenario["legacy_calls"]) + len(scenario["ready_calls"]) + len(scenario["junk_calls"])
    )
    status = scenario["status"]
    assert status["calls_seen"] == total
    assert status["policy"] == "observe"
    assert status["rule_pack"] == "tiendanube-multi-inventory"
    assert status["lost"] == status["quarantined"] == 0
    assert scenario["returncode"] == 0  # SIGTERM: drained and exited cleanly


def test__unknown_path__is_recorded_as_a_bounded_template(scenario):
    with sqlite3.connect(scenario["db"]) as raw:
        templates = {row[0] for row in raw.execute("SELECT path_template FROM calls")}
    assert "unknown:/v1/{n}/not-an-endpoint/{value}" in templates, templates
