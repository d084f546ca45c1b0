"""The same shipping app, migrated: it works per location and per fulfillment order (FO).

Stock is written per location through ``inventory_levels`` / ``location_id``; every FO of an
order is packed, dispatched with its own tracking code, and tracked on its own.
"""

from __future__ import annotations

from miready.demo_apps.platform_client import PlatformClient


class MigratedApp:
    name = "Multi-location Ready App"

    def __init__(self, client: PlatformClient) -> None:
        self.api = client
        self.product_id: int | None = None
        self.variant_id: int | None = None
        self.shipped: dict[str, str] = {}  # FO id -> the tracking code we sent

    def set_up(self) -> None:
        """Publish a product with stock in every location."""
        locations = self.api.get("/locations")
        levels = [{"location_id": loc["id"], "stock": 50} for loc in locations]
        product = self.api.post(
            "/products",
            {
                "name": {"es": "Buzo"},
                "variants": [{"price": "3000.00", "inventory_levels": levels}],
            },
        )
        self.product_id, self.variant_id = product["id"], product["variants"][0]["id"]
        self.locations = [loc["id"] for loc in locations]

    def work_day(self, day: int) -> None:
        for order in self.api.get("/orders?status=open&per_page=50"):
            for fo in self.api.get(f"/orders/{order['id']}/fulfillment-orders"):
                if fo["id"] not in self.shipped and fo["status"] == "UNPACKED":
                    self.ship(order["id"], fo)
        if day % 3 == 0:  # the nightly stock sync from the ERP: one number per location
            for location_id in self.locations:
                self.api.post(
                    f"/products/{self.product_id}/variants/stock",
                    {
                        "action": "replace",
                        "value": 50 - day,
                        "id": self.variant_id,
                        "location_id": location_id,
                    },
                )

    def ship(self, order_id: int, fo: dict) -> None:
        path = f"/orders/{order_id}/fulfillment-orders/{fo['id']}"
        tracking = f"MIG{fo['number']}"
        self.api.patch(path, {"status": "PACKED"})
        self.api.patch(
            path,
            {
                "status": "DISPATCHED",
                "tracking_info": {"code": tracking, "url": f"https://track.example/{tracking}"},
            },
        )
        self.api.post(
            f"{path}/tracking-events",
            {
                "status": "dispatched",
                "description": "Handed to the carrier",
                "address": "Buenos Aires",
            },
        )
        self.shipped[fo["id"]] = tracking
