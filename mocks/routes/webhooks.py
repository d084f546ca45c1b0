"""Route table: webhook subscriptions of the calling app."""

from aiohttp import web
from miready.mocks.keys import own_ports_key
from miready.mocks.routes.common import (
    body,
    installation,
    listing,
    ok,
    path,
    platform,
    respond,
    store,
)
from miready.mocks.state import webhooks as state

routes = web.RouteTableDef()


@routes.get("/webhooks", name="listWebhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    hooks = state.list_for(store(request), installation(request))
    return listing(request, [state.view(h) for h in hooks])


@routes.post("/webhooks", name="createWebhook")
async def create_webhook(request: web.Request) -> web.Response:
    hook = state.create(
        platform(request),
        store(request),
        installation(request),
        body(request),
        request.app[own_ports_key],
    )
    return ok(state.view(hook), status=201)


@routes.get("/webhooks/{webhook_id}", name="getWebhook")
async def get_webhook(request: web.Request) -> web.Response:
    return respond(
        request,
        state.view(state.get(store(request), installation(request), path(request, "webhook_id"))),
    )


@routes.put("/webhooks/{webhook_id}", name="updateWebhook")
async def update_webhook(request: web.Request) -> web.Response:
    hook = state.update(
        platform(request),
        store(request),
        installation(request),
        path(request, "webhook_id"),
        body(request),
        request.app[own_ports_key],
    )
    return ok(state.view(hook))


@routes.delete("/webhooks/{webhook_id}", name="deleteWebhook")
async def delete_webhook(request: web.Request) -> web.Response:
    state.delete(store(request), installation(request), path(request, "webhook_id"))
    return ok({})
