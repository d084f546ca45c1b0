"""Webhook subscriptions per (store, app): CRUD and who listens to an event."""

from __future__ import annotations

from collections.abc import Set
from typing import Any
from urllib.parse import urlsplit

from miready.mocks.errors import ApiError, NotFound, invalid
from miready.mocks.scopes import EVENT_SCOPES
from miready.mocks.state.platform import Installation, Platform, Store
from miready.mocks.webhook_targets import self_target

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def url_problem(url: str, own_ports: Set[int] = frozenset()) -> str | None:
    """Why `url` cannot receive the platform's calls, or None. HTTPS anywhere; plain HTTP only to
    loopback (a mock convenience the platform lacks); never the mock itself (`own_ports` on
    loopback, or its admin paths). Webhooks and carrier callbacks share these rules."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        host, parts = None, None
    if parts is None or not host:
        return "must be an absolute https URL"
    if parts.scheme != "https" and not (parts.scheme == "http" and host in LOOPBACK):
        return "must use https (http is accepted for loopback hosts only)"
    return self_target(url, own_ports)


def check_url(url: str, own_ports: Set[int] = frozenset()) -> None:
    refused = url_problem(url, own_ports)
    if refused is not None:
        raise invalid("url", refused)


def check_event_scope(installation: Installation, event: str) -> None:
    needed = EVENT_SCOPES.get(event.split("/", 1)[0])
    if needed and needed not in installation.effective_scopes:
        raise ApiError(403, f"Subscribing to {event} needs the scope {needed}", scope=needed)


def view(hook: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in hook.items() if k != "app_id"}


def get(store: Store, installation: Installation, webhook_id: int) -> dict[str, Any]:
    hook = store.webhooks.get(webhook_id)
    if hook is None or hook["app_id"] != installation.app_id:
        raise NotFound("Webhook with such id does not exist")
    return hook


def list_for(store: Store, installation: Installation) -> list[dict[str, Any]]:
    return [
        h
        for h in sorted(store.webhooks.values(), key=lambda h: h["id"])
        if h["app_id"] == installation.app_id
    ]


def create(
    platform: Platform,
    store: Store,
    installation: Installation,
    body: dict[str, Any],
    own_ports: Set[int] = frozenset(),
) -> dict[str, Any]:
    check_url(body["url"], own_ports)
    check_event_scope(installation, body["event"])
    now = platform.clock.iso()
    hook = {
        "id": platform.ids.next("webhook"),
        "url": body["url"],
        "event": body["event"],
        "created_at": now,
        "updated_at": now,
        "app_id": installation.app_id,
    }
    store.webhooks[hook["id"]] = hook
    return hook


def update(
    platform: Platform,
    store: Store,
    installation: Installation,
    webhook_id: int,
    body: dict[str, Any],
    own_ports: Set[int] = frozenset(),
) -> dict[str, Any]:
    hook = get(store, installation, webhook_id)
    if "url" in body:
        check_url(body["url"], own_ports)
    if "event" in body:
        check_event_scope(installation, body["event"])
    hook.update({k: body[k] for k in ("url", "event") if k in body})
    hook["updated_at"] = platform.clock.iso()
    return hook


def delete(store: Store, installation: Installation, webhook_id: int) -> None:
    get(store, installation, webhook_id)
    del store.webhooks[webhook_id]


def subscribers(platform: Platform, store: Store, event: str) -> list[tuple[dict[str, Any], str]]:
    """(webhook, client secret) for every subscription to `event`."""
    out = []
    for hook in store.webhooks.values():
        app = platform.apps.get(hook["app_id"])
        if hook["event"] == event and app is not None:
            out.append((hook, app.client_secret))
    return out
