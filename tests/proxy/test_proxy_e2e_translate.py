"""End to end, ``translate``: a legacy app keeps working against a store without legacy endpoints.

The order is split over two locations, so it has two fulfillment orders: every legacy call must
land on the FIRST one and leave the second untouched, as the platform's own legacy API did.
"""

from __future__ import annotations

import pytest
from miready.certifier.ledger import open_ledger
from miready.mocks.admin_token import exported
from miready.mocks.server import MockServer
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

TRACKING = {
    "shipping_tracking_number": "BR555000111AR",
    "shipping_tracking_url": "https://t.example/BR555",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory, client_for):
    db = tmp_path_factory.mktemp("translate") / "ledger.db"
    with MockServer(legacy=False) as mock:
        admin = client_for(mock.url, user_agent="admin")
        token = admin.call(
            "POST",
            "/_mock/stores/1/apps",
            {"app_id": "legacy-app", "name": "Legacy", "scopes": ["read_orders", "write_orders"]},
            headers=mock.admin_headers,
        ).json()["access_token"]
        store = client_for(mock.url, token, "LegacyShipping/1.0")
        order = store.call(
            "POST", "/v1/1/orders", {"products": [{"variant_id": 101, "quantity": 3}]}
        )
        assert order.status == 201, order.content
        oid = order.json()["id"]
        fos_before = store.call("GET", f"/v1/1/orders/{oid}/fulfillment-orders").json()
        direct_legacy = store.call("POST", f"/v1/1/orders/{oid}/pack")
        with (
            exported(mock.admin_token),
            ProxyProcess(mock.url, ledger_url=f"sqlite:///{db}", policy="translate") as proxy,
        ):
            app = client_for(proxy.url, token, "LegacyShipping/1.0")
            replies = {
                "pack": app.call("POST", f"/v1/1/orders/{oid}/pack"),
                "fulfill": app.call("POST", f"/v1/1/orders/{oid}/fulfill", TRACKING),
                "event": app.call(
                    "POST",
                    f"/v1/1/orders/{oid}/fulfillments",
                    {"status": "in_transit", "description": "En camino", "city": "CABA"},
                ),
            }
            event_id = replies["event"].json().get("id")
            replies["get_event"] = app.call("GET", f"/v1/1/orders/{oid}/fulfillments/{event_id}")
            replies["list_events"] = app.call("GET", f"/v1/1/orders/{oid}/fulfillments")
            fos_with_event = store.call("GET", f"/v1/1/orders/{oid}/fulfillment-orders").json()
            replies["order"] = app.call("GET", f"/v1/1/orders/{oid}")
            replies["orders"] = app.call("GET", "/v1/1/orders")
            replies["delete_event"] = app.call(
                "DELETE", f"/v1/1/orders/{oid}/fulfillments/{event_id}"
            )
        fos_after = store.call("GET", f"/v1/1/orders/{oid}/fulfillment-orders").json()
        direct_order = store.call("GET", f"/v1/1/orders/{oid}").json()
    return {
        "oid": oid,
        "db": db,
        "fos_before": fos_before,
        "fos_with_event": fos_with_event,
        "fos_after": fos_after,
        "direct_legacy": direct_legacy,
        "direct_order": direct_order,
        "replies": replies,
        "event_id": event_id,
    }


def test__store__has_two_fos_and_no_legacy_api(run):
    assert len(run["fos_before"]) == 2
    assert run["direct_legacy"].status == 404
    assert "shipping_tracking_number" not in run["direct_order"]


def test__translate__pack_and_fulfill__act_on_the_first_fo_only(run):
    r = run["replies"]
    assert r["pack"].status == 200, r["pack"].content
    assert r["pack"].json()["shipping_status"] == "partially_packed"
    assert r["fulfill"].status == 200, r["fulfill"].content
    order = r["fulfill"].json()
    assert order["shipping_tracking_number"] == TRACKING["shipping_tracking_number"]
    assert order["shipping_tracking_url"] == TRACKING["shipping_tracking_url"]
    assert order["shipping_status"] == "partially_fulfilled"
    first, second = run["fos_after"]
    assert first["status"] == "DISPATCHED"
    assert first["tracking_info"]["code"] == TRACKING["shipping_tracking_number"]
    assert second["status"] == "UNPACKED"
    assert not (second.get("tracking_info") or {}).get("code")
    assert second == run["fos_before"][1]  # untouched, down to updated_at


def test__translate__fulfillment_events__live_on_the_first_fo(run):
    r = run["replies"]
    assert r["event"].status == 201, r["event"].content
    event = r["event"].json()
    assert (event["status"], event["description"], event["city"]) == (
        "in_transit",
        "En camino",
        "CABA",
    )
    assert r["get_event"].status == 200 and r["get_event"].json()["id"] == run["event_id"]
    assert [e["id"] for e in r["list_events"].json()] == [run["event_id"]]
    first, second = run["fos_with_event"]
    assert [e["id"] for e in first["tracking_events"]] == [run["event_id"]]
    assert second["tracking_events"] == []
    assert r["delete_event"].status == 200
    assert run["fos_after"][0]["tracking_events"] == []


def test__translate__order_reads__get_legacy_shipping_fields_back(run):
    r = run["replies"]
    order = r["order"].json()
    assert order["shipping_tracking_number"] == TRACKING["shipping_tracking_number"]
    assert "shipping_address" in order and "shipping_option" in order
    listed = {o["id"]: o for o in r["orders"].json()}
    assert listed[run["oid"]]["shipping_tracking_number"] == TRACKING["shipping_tracking_number"]


def test__translate__findings_are_recorded_as_under_every_policy(run):
    ledger = open_ledger(f"sqlite:///{run['db']}")
    try:
        examples = ledger.examples("legacy-app")
    finally:
        ledger.close()
    assert set(examples) == {
        "endpoint.orders.pack",
        "endpoint.orders.fulfill",
        "endpoint.orders.fulfillments.create",
        "endpoint.orders.fulfillments.get",
        "endpoint.orders.fulfillments.delete",
        "endpoint.orders.fulfillments.list",
    }
