"""Route tables, one per resource; every route is named after its OpenAPI operationId."""

from miready.mocks.routes import (
    categories,
    checkouts,
    customers,
    draft_orders,
    fulfillment_orders,
    fulfillment_services,
    legacy,
    locations,
    metafields,
    orders,
    product_images,
    products,
    scripts,
    shipping_carriers,
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
    categories.routes,
    product_images.routes,
    customers.routes,
    metafields.routes,
    shipping_carriers.routes,
    fulfillment_services.routes,
    scripts.routes,
    checkouts.routes,
)
