"""Route table: categories."""

from aiohttp import web
from miready.mocks.routes.common import body, listing, ok, path, platform, query, respond, store
from miready.mocks.state import categories as state
from miready.mocks.state import records

routes = web.RouteTableDef()


def _view(request: web.Request, category: dict) -> dict:
    return state.category_view(store(request), category)


@routes.get("/categories", name="listCategories")
async def list_categories(request: web.Request) -> web.Response:
    items = records.all_of(store(request), state.KIND)
    parent = query(request).get("parent_id")
    if parent is not None:
        items = [c for c in items if (c.get("parent") or 0) == parent]
    return listing(request, [_view(request, c) for c in items], ("name", "handle"))


@routes.post("/categories", name="createCategory")
async def create_category(request: web.Request) -> web.Response:
    p = platform(request)
    category = state.create(p, store(request), body(request))
    p.emit(store(request).id, "category/created", {"id": category["id"]})
    return ok(_view(request, category), status=201)


@routes.get("/categories/{category_id}", name="getCategory")
async def get_category(request: web.Request) -> web.Response:
    category = records.get(store(request), state.KIND, path(request, "category_id"))
    return respond(request, _view(request, category))


@routes.put("/categories/{category_id}", name="updateCategory")
async def update_category(request: web.Request) -> web.Response:
    p = platform(request)
    category = state.update(p, store(request), path(request, "category_id"), body(request))
    p.emit(store(request).id, "category/updated", {"id": category["id"]})
    return ok(_view(request, category))


@routes.delete("/categories/{category_id}", name="deleteCategory")
async def delete_category(request: web.Request) -> web.Response:
    category_id = path(request, "category_id")
    state.delete(store(request), category_id)
    platform(request).emit(store(request).id, "category/deleted", {"id": category_id})
    return ok({})
