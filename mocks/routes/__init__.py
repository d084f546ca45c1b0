"""Route tables, one per resource; every route is named after its OpenAPI operationId."""

from miready.mocks.routes import (
    draft_orders,
    fulfillment_orders,
    legacy,
    locations,
    orders,
    products,
    store,
    webhooks,
)

API_PREFIX = "/v1/{store_id}"
TABLES = (
    store.routes,
    locations.routes,
    products.routes,
    orders.routes,
    legacy.routes,
    fulfillment_orders.routes,
    draft_orders.routes,
    webhooks.routes,
)
