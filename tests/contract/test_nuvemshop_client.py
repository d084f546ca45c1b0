"""A real client library from PyPI, `nuvemshop-client-python`, drives the mock through the proxy:
every call it makes for the resources apps use succeeds and none is recorded as `unknown:`.

The library declares Python >= 3.13 but runs on 3.12, so it is installed into a temporary folder
with `--ignore-requires-python` (never copied into the project); without PyPI the test skips.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from miready.certifier.ledger import open_ledger
from miready.mocks.admin_token import exported
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.server import MockServer
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow
PACKAGE = "nuvemshop-client-python==0.2.5"
APP_ID = "nuvem-app"
SCOPES = ["write_products", "write_orders", "write_customers"]


@pytest.fixture(scope="module")
def nuvemshop(tmp_path_factory: pytest.TempPathFactory) -> Any:
    target = tmp_path_factory.mktemp("nuvemshop-lib")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    pip += ["--target", str(target), "--ignore-requires-python", "--no-deps", PACKAGE]
    done = subprocess.run(pip, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot install {PACKAGE} from PyPI: {done.stderr.strip()[-300:]}")
    sys.path.insert(0, str(target))
    try:
        yield importlib.import_module("nuvemshop_client")
    finally:
        sys.path.remove(str(target))


def _install_app(mock: MockServer) -> str:
    """Mint a token with the admin API (sending the admin token when the mock has one)."""
    headers = {"Content-Type": "application/json", "User-Agent": "contract-test"}
    admin_token = getattr(mock, "admin_token", None)
    if admin_token:
        headers["Authorization"] = f"Bearer {admin_token}"
    body = json.dumps({"app_id": APP_ID, "name": "Nuvemshop client", "scopes": SCOPES})
    request = urllib.request.Request(
        f"{mock.url}/_mock/stores/1/apps", body.encode(), headers, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["access_token"]


def _drive(client: Any) -> list[str]:
    """Every resource call the library offers for products, orders, customers, webhooks and
    abandoned checkouts (the library has no scripts)."""
    done = []

    def step(name: str, value: Any) -> Any:
        done.append(name)
        return value

    step("products.list", client.products.list(per_page=5))
    step("products.list_all", client.products.list_all(per_page=2))
    step("products.get", client.products.get(10))
    assert step("products.get_by_sku", client.products.get_by_sku("TAZA"))["id"] == 20
    product = step("products.create", client.products.create({"name": {"es": "Gorra"}}))
    step("products.update", client.products.update(product["id"], {"name": {"es": "Gorro"}}))
    step("products.delete", client.products.delete(product["id"]))
    customer = step(
        "customers.create", client.customers.create({"name": "Ana", "email": "ana@example.com"})
    )
    step("customers.list", client.customers.list(q="ana"))
    step("customers.get", client.customers.get(customer["id"]))
    step("customers.update", client.customers.update(customer["id"], {"phone": "123"}))
    order = step(
        "orders.create",
        client.orders.create(
            {
                "products": [{"variant_id": 201, "quantity": 1}],
                "customer": {"name": "Ana", "email": "ana@example.com"},
            }
        ),
    )
    step("orders.list", client.orders.list(created_at_min="2000-01-01T00:00:00Z"))
    assert step("orders.get", client.orders.get(order["id"]))["customer"]["id"] == customer["id"]
    step("orders.update", client.orders.update(order["id"], {"owner_note": "gift wrap"}))
    step("customers.delete", client.customers.delete(customer["id"]))
    hook = step(
        "webhooks.create",
        client.webhooks.create({"event": "order/created", "url": "https://hooks.example/o"}),
    )
    step("webhooks.list", client.webhooks.list())
    step("webhooks.get", client.webhooks.get(hook["id"]))
    step("webhooks.update", client.webhooks.update(hook["id"], {"url": "https://hooks.example/p"}))
    step("webhooks.delete", client.webhooks.delete(hook["id"]))
    step("stores.list", client.stores.list())
    # Abandoned checkouts are read-only on the platform: the library's create/update/delete would
    # be 405, and its post_cart_coupon posts to /checkouts/{id}/coupon (the docs say /coupons,
    # which the mock does not serve: it has no coupons), so only the reads are driven.
    step("abandoned_checkouts.list", client.abandoned_checkouts.list(per_page=5))
    step("abandoned_checkouts.list_all", client.abandoned_checkouts.list_all(per_page=1))
    checkout = step("abandoned_checkouts.get", client.abandoned_checkouts.get(500))
    assert checkout["products"][0]["sku"] == "TAZA"
    return done


def test__nuvemshop_client__through_the_proxy__should_succeed_and_never_be_unknown(
    nuvemshop: Any, tmp_path: Path
) -> None:
    db = tmp_path / "ledger.db"
    with MockServer(fixture=SAMPLE_FIXTURE) as mock:
        token = _install_app(mock)
        with (
            exported(mock.admin_token),  # the proxy asks the mock who the token is with it
            ProxyProcess(mock.url, ledger_url=f"sqlite:///{db}", policy="observe") as proxy,
        ):
            client = nuvemshop.NuvemshopClient(store_id=1, access_token=token, retries=0)
            client.API_URL_BASE = proxy.url  # the library's base URL, aimed at the proxy
            done = _drive(client)  # the library raises on any 4xx/5xx
            assert proxy.wait_until_recorded()
    ledger = open_ledger(f"sqlite:///{db}")
    try:
        now = datetime.now(UTC)
        rows = ledger.rollups(APP_ID, now - timedelta(days=1), now + timedelta(days=1), "operation")
    finally:
        ledger.close()
    operations = {row.key: row.count for row in rows}
    assert [key for key in operations if key.startswith("unknown:")] == []
    # count both sides: the ledger holds at least one call per library call (list_all pages more)
    assert sum(operations.values()) >= len(done)
    for operation in (
        "getProductBySku",
        "listCustomers",
        "createCustomer",
        "updateOrder",
        "deleteCustomer",
        "listCheckouts",
        "getCheckout",
    ):
        assert operation in operations, operations
