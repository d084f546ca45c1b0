"""Route table: metafields of products, variants and orders (invoices included)."""

from aiohttp import web
from miready.mocks.routes.common import (
    body,
    installation,
    listing,
    ok,
    path,
    platform,
    query,
    respond,
    store,
)
from miready.mocks.state import metafields as state
from miready.mocks.state import records

routes = web.RouteTableDef()


def _owned(request: web.Request, write: bool) -> dict:
    metafield = records.get(store(request), state.KIND, path(request, "metafield_id"))
    scopes = installation(request).effective_scopes
    state.check_scope(scopes, metafield["owner_resource"], write)
    return metafield


async def _list(request: web.Request, segment: str) -> web.Response:
    return listing(request, state.listed(store(request), segment, query(request)))


@routes.get("/metafields/products", name="listProductMetafields")
async def list_product_metafields(request: web.Request) -> web.Response:
    return await _list(request, "products")


@routes.get("/metafields/variants", name="listVariantMetafields")
async def list_variant_metafields(request: web.Request) -> web.Response:
    return await _list(request, "variants")


@routes.get("/metafields/orders", name="listOrderMetafields")
async def list_order_metafields(request: web.Request) -> web.Response:
    return await _list(request, "orders")


@routes.post("/metafields", name="createMetafield")
async def create_metafield(request: web.Request) -> web.Response:
    data = body(request)
    state.check_scope(installation(request).effective_scopes, data["owner_resource"], write=True)
    return ok(state.create(platform(request), store(request), data), status=201)


@routes.get("/metafields/{metafield_id}", name="getMetafield")
async def get_metafield(request: web.Request) -> web.Response:
    return respond(request, _owned(request, write=False))


@routes.put("/metafields/{metafield_id}", name="updateMetafield")
async def update_metafield(request: web.Request) -> web.Response:
    metafield = _owned(request, write=True)
    return ok(state.update(platform(request), store(request), metafield["id"], body(request)))


@routes.delete("/metafields/{metafield_id}", name="deleteMetafield")
async def delete_metafield(request: web.Request) -> web.Response:
    metafield = _owned(request, write=True)
    records.delete(store(request), state.KIND, metafield["id"])
    return ok({})
