"""A contract test an app developer can copy: drive the app through miready's recording proxy.

With miready installed, pytest provides ``miready_store`` (a mock multi-location store) and
``miready_proxy`` (a recording proxy in front of it). Point the app at ``miready_proxy.api_url``,
run it, check what it did, and check it made no deprecated call. Run the whole suite with
``pytest --miready-gate`` to fail the run on any deprecated call, even in tests that do not ask.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

# -- the app under test (in a real project, import it instead) ---------------------------------


def call(api_url: str, token: str, method: str, path: str, body: Any = None) -> Any:
    """One platform API call: bearer token in ``Authentication``, the app named in User-Agent."""
    request = urllib.request.Request(
        api_url + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authentication": f"bearer {token}",
            "User-Agent": "ShippingApp (dev@example.com)",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def dispatch_order(api_url: str, token: str, order_id: int) -> dict[str, str]:
    """Pack and dispatch every fulfillment order (FO) of an order, each with its own tracking code.

    The migrated way: one PATCH per FO, never the deprecated ``POST /orders/{id}/fulfill``.
    Returns FO id -> the tracking code sent.
    """
    sent = {}
    for fo in call(api_url, token, "GET", f"/orders/{order_id}/fulfillment-orders"):
        code = f"TRK-{fo['id'][-6:]}"
        path = f"/orders/{order_id}/fulfillment-orders/{fo['id']}"
        call(api_url, token, "PATCH", path, {"status": "PACKED"})
        call(
            api_url,
            token,
            "PATCH",
            path,
            {"status": "DISPATCHED", "tracking_info": {"code": code, "url": None}},
        )
        sent[fo["id"]] = code
    return sent


# -- the test ----------------------------------------------------------------------------------


def test_dispatch_order__split_over_two_locations__should_dispatch_each_fo_without_deprecated_calls(
    miready_proxy,
):
    api, token = miready_proxy.api_url, miready_proxy.token
    # Arrange: a product with one unit in each of the first two locations, and an order for two
    # units, which the store splits into two FOs. (The store is shared by the tests of a worker,
    # so each test makes its own data.)
    locations = sorted(call(api, token, "GET", "/locations"), key=lambda loc: loc["priority"])
    levels = [{"location_id": loc["id"], "stock": 1} for loc in locations[:2]]
    product = call(
        api,
        token,
        "POST",
        "/products",
        {"name": {"es": "Buzo"}, "variants": [{"price": "3000.00", "inventory_levels": levels}]},
    )
    variant_id = product["variants"][0]["id"]
    order = call(
        api,
        token,
        "POST",
        "/orders",
        {
            "products": [{"variant_id": variant_id, "quantity": 2}],
            "recipient": {"name": "Ana Test", "phone": "+54 11 5555-0000"},
            "destination": {"street": "Av. Siempre Viva", "number": "742"},
        },
    )

    sent = dispatch_order(api, token, order["id"])

    fos = call(api, token, "GET", f"/orders/{order['id']}/fulfillment-orders")
    assert len(fos) == 2
    assert {fo["id"]: fo["status"] for fo in fos} == dict.fromkeys(sent, "DISPATCHED")
    assert {fo["id"]: fo["tracking_info"]["code"] for fo in fos} == sent
    # The migration check: not one deprecated endpoint or parameter on the way.
    assert miready_proxy.findings() == []
