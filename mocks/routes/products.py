"""Route table: products, variants, stock and prices."""

from aiohttp import web
from miready.mocks.errors import NotFound
from miready.mocks.routes.common import body, listing, ok, path, platform, query, respond, store
from miready.mocks.state import catalog, images
from miready.mocks.state.stock import variant_view

routes = web.RouteTableDef()


def _product(request: web.Request, product: dict, variants: list[dict] | None = None) -> dict:
    view = catalog.product_view(store(request), product, variants)
    view["images"] = images.images_of(store(request), product["id"])
    return view


def _variants(request: web.Request, product_id: int) -> list[dict]:
    return _product(request, store(request).product(product_id))["variants"]


@routes.get("/products", name="listProducts")
async def list_products(request: web.Request) -> web.Response:
    products = [p for _, p in sorted(store(request).products.items())]
    grouped = catalog.variants_by_product(store(request))

    def view(p: dict) -> dict:
        return _product(request, p, grouped.get(p["id"], []))

    if query(request).get("q"):  # `q` searches the views' variants: every product's view
        return listing(request, [view(p) for p in products], ("name", "variants.sku"))
    # id, created_at and updated_at read the same in the product and its view
    return listing(request, products, view=view, id_ordered=True)


@routes.post("/products", name="createProduct")
async def create_product(request: web.Request) -> web.Response:
    p = platform(request)
    product = catalog.create_product(store(request), p.clock, p.ids, body(request))
    p.emit(store(request).id, "product/created", {"id": product["id"]})
    return ok(_product(request, product), status=201)


@routes.patch("/products/stock-price", name="updateStockPrice")
async def update_stock_price(request: web.Request) -> web.Response:
    products = catalog.update_stock_price(store(request), platform(request).clock, body(request))
    return ok([_product(request, p) for p in products])


@routes.get("/products/sku/{sku}", name="getProductBySku")
async def get_product_by_sku(request: web.Request) -> web.Response:
    sku = path(request, "sku")
    for variant in sorted(store(request).variants.values(), key=lambda v: v["id"]):
        if variant.get("sku") == sku:
            return respond(
                request, _product(request, store(request).product(variant["product_id"]))
            )
    raise NotFound(f"Product with such SKU does not exist: {sku}")


@routes.get("/products/{product_id}", name="getProduct")
async def get_product(request: web.Request) -> web.Response:
    return respond(request, _product(request, store(request).product(path(request, "product_id"))))


@routes.put("/products/{product_id}", name="updateProduct")
async def update_product(request: web.Request) -> web.Response:
    p = platform(request)
    product = catalog.update_product(
        store(request), p.clock, p.ids, path(request, "product_id"), body(request)
    )
    p.emit(store(request).id, "product/updated", {"id": product["id"]})
    return ok(_product(request, product))


@routes.delete("/products/{product_id}", name="deleteProduct")
async def delete_product(request: web.Request) -> web.Response:
    product_id = path(request, "product_id")
    catalog.delete_product(store(request), product_id)
    platform(request).emit(store(request).id, "product/deleted", {"id": product_id})
    return ok({})


@routes.get("/products/{product_id}/variants", name="listVariants")
async def list_variants(request: web.Request) -> web.Response:
    return listing(request, _variants(request, path(request, "product_id")))


@routes.post("/products/{product_id}/variants", name="createVariant")
async def create_variant(request: web.Request) -> web.Response:
    p = platform(request)
    variant = catalog.create_variant(
        store(request), p.clock, p.ids, path(request, "product_id"), body(request)
    )
    return ok(variant_view(store(request), variant), status=201)


@routes.patch("/products/{product_id}/variants", name="patchVariants")
async def patch_variants(request: web.Request) -> web.Response:
    product_id = path(request, "product_id")
    catalog.patch_variants(store(request), platform(request).clock, product_id, body(request))
    return ok(_variants(request, product_id))


@routes.post("/products/{product_id}/variants/stock", name="updateVariantsStock")
async def update_variants_stock(request: web.Request) -> web.Response:
    s = store(request)
    variants = catalog.update_variants_stock(
        s, platform(request).clock, path(request, "product_id"), body(request)
    )
    return ok([variant_view(s, v) for v in variants])


@routes.get("/products/{product_id}/variants/{variant_id}", name="getVariant")
async def get_variant(request: web.Request) -> web.Response:
    s = store(request)
    variant = s.variant(path(request, "product_id"), path(request, "variant_id"))
    return respond(request, variant_view(s, variant))


@routes.put("/products/{product_id}/variants/{variant_id}", name="updateVariant")
async def update_variant(request: web.Request) -> web.Response:
    s = store(request)
    variant = catalog.update_variant(
        s,
        platform(request).clock,
        path(request, "product_id"),
        path(request, "variant_id"),
        body(request),
    )
    return ok(variant_view(s, variant))


@routes.delete("/products/{product_id}/variants/{variant_id}", name="deleteVariant")
async def delete_variant(request: web.Request) -> web.Response:
    catalog.delete_variant(store(request), path(request, "product_id"), path(request, "variant_id"))
    return ok({})
