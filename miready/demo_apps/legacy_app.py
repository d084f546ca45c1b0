"""A shipping app written before multi-location inventory, as many still are.

It packs and fulfills whole orders, reads ``order.shipping_*``, and sets ``variant.stock``.
Every one of those calls still works, because the platform maps them onto the order's FIRST
fulfillment order, which is exactly what goes wrong once an order ships from two locations.
"""

from __future__ import annotations

from miready.demo_apps.platform_client import PlatformClient


class LegacyApp:
    name = "Legacy Shipping App"

    def __init__(self, client: PlatformClient) -> None:
        self.api = client
        self.product_id: int | None = None
        self.variant_id: int | None = None
        self.shipped: dict[int, str] = {}  # order id -> the tracking code we sent

    def set_up(self) -> None:
        """Publish a product with one stock number: it lands on the first location only."""
        product = self.api.post(
            "/products",
            {"name": {"es": "Buzo"}, "variants": [{"price": "3000.00", "stock": 100}]},
        )
        self.product_id, self.variant_id = product["id"], product["variants"][0]["id"]

    def work_day(self, day: int) -> None:
        for order in self.api.get("/orders?status=open&per_page=50"):
            if order["id"] in self.shipped:
                continue
            self.ship(order["id"], tracking=f"LEG{order['id']:06d}AR")
        if day % 3 == 0:  # the nightly stock sync from the ERP: one total per variant
            self.api.put(
                f"/products/{self.product_id}/variants/{self.variant_id}", {"stock": 100 - day}
            )

    def ship(self, order_id: int, tracking: str) -> None:
        self.api.post(f"/orders/{order_id}/pack")
        self.api.post(
            f"/orders/{order_id}/fulfill",
            {
                "shipping_tracking_number": tracking,
                "shipping_tracking_url": f"https://track.example/{tracking}",
                "notify_customer": False,
            },
        )
        self.api.post(
            f"/orders/{order_id}/fulfillments",
            {
                "status": "dispatched",
                "description": "Handed to the carrier",
                "city": "Buenos Aires",
            },
        )
        order = self.api.get(f"/orders/{order_id}")
        # The app believes the whole order shipped with this code and to this address.
        assert order["shipping_tracking_number"] == tracking, order["shipping_tracking_number"]
        self.shipped[order_id] = tracking
