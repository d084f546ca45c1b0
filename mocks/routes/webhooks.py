"""Route table: webhook subscriptions of the calling app."""

from aiohttp import web
from miready.mocks.routes.common import (
    body,
    installation,
    ok,
    paginate,
    path,
    platform,
    query,
    store,
)
from miready.mocks.state import webhooks as state

routes = web.RouteTableDef()


@routes.get("/webhooks", name="listWebhooks")
async def list_webhooks(request: web.Request) -> web.Response:
    since = query(request).get("since_id")
    hooks = [
        h
        for h in state.list_for(store(request), installation(request))
        if since is None or h["id"] > since
    ]
    page, headers = paginate(request, hooks)
    return ok([state.view(h) for h in page], headers=headers)


@routes.post("/webhooks", name="createWebhook")
async def create_webhook(request: web.Request) -> web.Response:
    hook = state.create(platform(request), store(request), installation(request), body(request))
    return ok(state.view(hook), status=201)


@routes.get("/webhooks/{webhook_id}", name="getWebhook")
async def get_webhook(request: web.Request) -> web.Response:
    return ok(
        state.view(state.get(store(request), installation(request), path(request, "webhook_id")))
    )


@routes.put("/webhooks/{webhook_id}", name="updateWebhook")
async def update_webhook(request: web.Request) -> web.Response:
    hook = state.update(
        platform(request),
        store(request),
        installation(request),
        path(request, "webhook_id"),
        body(request),
    )
    return ok(state.view(hook))


@routes.delete("/webhooks/{webhook_id}", name="deleteWebhook")
async def delete_webhook(request: web.Request) -> web.Response:
    state.delete(store(request), installation(request), path(request, "webhook_id"))
    return ok({})
