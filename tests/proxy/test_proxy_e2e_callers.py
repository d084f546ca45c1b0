"""Rules about who calls (`missing_scope`, `app_kinds`) are judged by the proxy once it knows the
caller: the proxy classifies before it identifies, then judges those rules again with the
app's scopes and kind from the apps file (or the store's token introspection)."""

from __future__ import annotations

import json
import sqlite3
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from miready.contracts.tokens import token_id
from miready.proxy.process import ProxyProcess

PACK = "shopify-multi-location"
INVENTORY = "/admin/api/2019-10/inventory_levels.json?inventory_item_ids=1"
TOKENS = {
    "shpat-without-inventory-0001": {"app_id": "501", "scopes": ["read_products"]},
    "shpat-with-inventory-00000002": {"app_id": "502", "scopes": ["read_inventory"]},
    "shpat-unknown-app-00000000003": None,  # not in the apps file: scopes unknown
}


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # http.server's naming
        body = b'{"inventory_levels": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def store() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _apps_file(tmp_path: Path) -> Path:
    apps = {token_id(t): entry for t, entry in TOKENS.items() if entry is not None}
    path = tmp_path / "apps.yaml"
    path.write_text(yaml.safe_dump(apps), encoding="utf-8")
    return path


def test__missing_scope_rule__should_be_judged_with_the_callers_scopes(store, tmp_path) -> None:
    db = tmp_path / "ledger.db"
    options = {
        "miready_rules": PACK,
        "miready_apps_file": str(_apps_file(tmp_path)),
        "miready_introspect": False,
    }
    statuses = []
    with ProxyProcess(store, ledger_url=f"sqlite:///{db}", options=options) as proxy:
        for token in TOKENS:
            request = urllib.request.Request(
                proxy.url + INVENTORY, headers={"X-Shopify-Access-Token": token}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                statuses.append(response.status)
        assert proxy.wait_until_recorded(30)
    assert statuses == [200, 200, 200]
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT app_id, findings FROM calls ORDER BY id").fetchall()
    findings = {app_id: json.loads(found) for app_id, found in rows}
    unknown_app = token_id("shpat-unknown-app-00000000003")
    assert findings == {
        "501": ["scope.inventory"],  # holds neither read_inventory nor write_inventory
        "502": [],
        unknown_app: [],  # its scopes are unknown: no finding, as on import without --scopes
    }
