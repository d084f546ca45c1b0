"""Route table: product images."""

from aiohttp import web
from miready.mocks.routes.common import body, listing, ok, path, platform, respond, store
from miready.mocks.state import images as state

routes = web.RouteTableDef()


@routes.get("/products/{product_id}/images", name="listProductImages")
async def list_product_images(request: web.Request) -> web.Response:
    store(request).product(path(request, "product_id"))
    return listing(request, state.images_of(store(request), path(request, "product_id")))


@routes.post("/products/{product_id}/images", name="createProductImage")
async def create_product_image(request: web.Request) -> web.Response:
    image = state.create(
        platform(request), store(request), path(request, "product_id"), body(request)
    )
    return ok(image, status=201)


@routes.get("/products/{product_id}/images/{image_id}", name="getProductImage")
async def get_product_image(request: web.Request) -> web.Response:
    image = state.image(store(request), path(request, "product_id"), path(request, "image_id"))
    return respond(request, image)


@routes.put("/products/{product_id}/images/{image_id}", name="updateProductImage")
async def update_product_image(request: web.Request) -> web.Response:
    image = state.update(
        platform(request),
        store(request),
        path(request, "product_id"),
        path(request, "image_id"),
        body(request),
    )
    return ok(image)


@routes.delete("/products/{product_id}/images/{image_id}", name="deleteProductImage")
async def delete_product_image(request: web.Request) -> web.Response:
    state.delete(store(request), path(request, "product_id"), path(request, "image_id"))
    return ok({})
