"""The app under test: a tiny stock-sync app that speaks the multi-location API.

In a real project this is your own code; the suite only tells it where the store is.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any


class StoreClient:
    """The platform's API: bearer token in ``Authentication``, the app named in User-Agent."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url, self.token = api_url, token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.api_url + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authentication": f"bearer {self.token}",
                "User-Agent": "StockSync (dev@example.com)",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None


def locations_by_priority(client: StoreClient) -> list[str]:
    """The store's location ids, the default (priority 0) first."""
    locations = client.call("GET", "/locations")
    return [loc["id"] for loc in sorted(locations, key=lambda loc: loc["priority"])]


def set_stock(client: StoreClient, product_id: int, location_id: str, stock: int) -> None:
    """Replace the stock of every variant of a product at one location (the migrated way)."""
    body = {"action": "replace", "value": stock, "location_id": location_id}
    client.call("POST", f"/products/{product_id}/variants/stock", body)


def stock_at(client: StoreClient, product_id: int, variant_id: int) -> dict[str, int | None]:
    """location id -> stock of one variant."""
    variant = client.call("GET", f"/products/{product_id}/variants/{variant_id}")
    return {level["location_id"]: level["stock"] for level in variant["inventory_levels"]}
