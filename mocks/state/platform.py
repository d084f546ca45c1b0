"""The platform's containers: stores, apps and their installations (tokens)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from miready.mocks.clock import Clock, parse_time
from miready.mocks.errors import ApiError, NotFound
from miready.mocks.ids import Counter, new_secret, token_id
from miready.mocks.scopes import effective_scopes


@dataclass(slots=True)
class App:
    app_id: str
    name: str
    client_secret: str


@dataclass(slots=True)
class Installation:
    """An access token: one (app, store) pair with the scopes the merchant granted."""

    access_token: str
    app_id: str
    store_id: str
    scopes: tuple[str, ...]

    @property
    def token_id(self) -> str:
        return token_id(self.access_token)

    @property
    def effective_scopes(self) -> frozenset[str]:
        return effective_scopes(self.scopes)


@dataclass(slots=True)
class Store:
    id: str
    name: dict[str, str]
    created_at: str
    main_language: str = "es"
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    variants: dict[int, dict[str, Any]] = field(default_factory=dict)
    # (variant_id, location_id) -> {id, variant_id, location_id, stock, created_at, updated_at}
    levels: dict[tuple[int, str], dict[str, Any]] = field(default_factory=dict)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    # The order ids in ascending order, kept by `orders.orders_by_id` (lists read a slice of it)
    order_ids: list[int] = field(default_factory=list, repr=False, compare=False)
    fulfillment_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    draft_orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[int, dict[str, Any]] = field(default_factory=dict)
    movements: list[dict[str, Any]] = field(default_factory=list)
    # Simple resources by kind key (categories, customers, metafields, ...): see state/records.py
    records: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    # Store settings apps cannot write (admin API / fixture): see state/settings.py
    settings: dict[str, Any] = field(default_factory=dict)
    # Every rate request sent to a carrier callback (admin shipping quotes)
    quote_log: list[dict[str, Any]] = field(default_factory=list)
    next_order_number: int = 100
    next_fo_number: int = 1
    # The platform's clock, for views that depend on time (pending fulfillment orders)
    clock: Clock = field(default_factory=Clock, repr=False, compare=False)
    # Fulfillment services registered by apps (seed 002): see state/fulfillment_services.py
    fulfillment_services: dict[int, dict[str, Any]] = field(default_factory=dict)

    def view(self) -> dict[str, Any]:
        return {
            "id": int(self.id) if self.id.isdigit() else self.id,
            "name": self.name,
            "main_language": self.main_language,
            "multi_location_enabled": self.settings.get(
                "multi_location_enabled", len(self.locations) > 1
            ),
            "created_at": self.created_at,
        }

    def location(self, location_id: str) -> dict[str, Any]:
        try:
            return self.locations[location_id]
        except KeyError:
            raise NotFound(f"Location with such id does not exist: {location_id}") from None

    def locations_by_priority(self) -> list[dict[str, Any]]:
        return sorted(self.locations.values(), key=lambda loc: (loc["priority"], loc["id"]))

    def product(self, product_id: int) -> dict[str, Any]:
        try:
            return self.products[product_id]
        except KeyError:
            raise NotFound("Product with such id does not exist") from None

    def variant(self, product_id: int, variant_id: int) -> dict[str, Any]:
        self.product(product_id)
        variant = self.variants.get(variant_id)
        if variant is None or variant["product_id"] != product_id:
            raise NotFound("Variant with such id does not exist")
        return variant

    def order(self, order_id: int) -> dict[str, Any]:
        try:
            return self.orders[order_id]
        except KeyError:
            raise NotFound("Order with such id does not exist") from None

    def fulfillment_order(self, order_id: int, fo_id: str) -> dict[str, Any]:
        order = self.order(order_id)
        if fo_id not in order["fulfillments"] or self.fulfillments_pending(order):
            raise NotFound("Fulfillment order with such id does not exist")
        return self.fulfillment_orders[fo_id]

    def fulfillments_pending(self, order: dict[str, Any]) -> bool:
        """True while the platform is still creating the order's FOs (store setting)."""
        until = order.get("fulfillments_pending_until")
        return bool(until) and self.clock.now() < parse_time(until)

    def fulfillment_orders_of(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        """The order's FOs as apps see them: none while they are pending."""
        if self.fulfillments_pending(order):
            return []
        return self.all_fulfillment_orders_of(order)

    def all_fulfillment_orders_of(self, order: dict[str, Any]) -> list[dict[str, Any]]:
        return [self.fulfillment_orders[i] for i in order["fulfillments"]]


class Platform:
    """Every store, app and token, the id counters, the clock and the webhook outbox."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.clock = clock or Clock()
        self.legacy_enabled = True
        self.reset()

    def reset(self) -> None:
        self.stores: dict[str, Store] = {}
        self.apps: dict[str, App] = {}
        self.installations: dict[str, Installation] = {}  # by access token
        self.ids = Counter()
        # (store_id, event, payload) waiting to be delivered; drained after every request
        self.outbox: list[tuple[str, str, dict[str, Any]]] = []

    def store(self, store_id: str) -> Store:
        try:
            return self.stores[store_id]
        except KeyError:
            raise NotFound(f"Store with such id does not exist: {store_id}") from None

    def create_store(
        self, name: dict[str, str] | str | None = None, store_id: str | None = None
    ) -> Store:
        if store_id is None:
            store_id = str(self.ids.next("store"))
        elif store_id.isdigit():
            self.ids.bump("store", int(store_id))
        if store_id in self.stores:
            raise ApiError(409, f"Store {store_id} already exists")
        if isinstance(name, str):
            name = {"es": name}
        store = Store(
            id=store_id,
            name=name or {"es": f"Store {store_id}"},
            created_at=self.clock.iso(),
            clock=self.clock,
        )
        self.stores[store_id] = store
        return store

    def install_app(
        self,
        store_id: str,
        app_id: str,
        scopes: list[str],
        name: str | None = None,
        client_secret: str | None = None,
        access_token: str | None = None,
    ) -> Installation:
        self.store(store_id)
        if access_token is not None and access_token in self.installations:
            raise ApiError(409, "This access token is already in use")
        app = self.apps.get(app_id)
        if app is None:
            app = self.apps[app_id] = App(
                app_id, name or f"App {app_id}", client_secret or new_secret()
            )
        else:
            if name:
                app.name = name
            if client_secret:
                app.client_secret = client_secret
        installation = Installation(access_token or new_secret(20), app_id, store_id, tuple(scopes))
        self.installations[installation.access_token] = installation
        return installation

    def by_token_id(self, tid: str) -> Installation:
        for installation in self.installations.values():
            if installation.token_id == tid:
                return installation
        raise NotFound(f"No token with id {tid}")

    def emit(self, store_id: str, event: str, payload: dict[str, Any]) -> None:
        self.outbox.append((store_id, event, payload))
