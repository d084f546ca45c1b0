"""Install as the platform does it: app registrations, the authorization code, the token
exchange (install or reinstall: a new token, the old one dead) and uninstall."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

from miready.mocks.errors import ApiError, NotFound, invalid
from miready.mocks.ids import new_secret
from miready.mocks.plans import platform_limits
from miready.mocks.state.platform import App, Installation, Platform
from miready.mocks.state.webhooks import check_url

GRANT_TYPE = "authorization_code"


@dataclass(frozen=True, slots=True)
class Registration:
    """What the app's developer declared: where to send the merchant back, which scopes."""

    app_id: str
    redirect_url: str
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Grant:
    code: str
    app_id: str
    store_id: str
    expires_at: datetime


class OAuth:
    def __init__(self) -> None:
        self.registrations: dict[str, Registration] = {}
        self.grants: dict[str, Grant] = {}

    def reset(self) -> None:
        self.registrations.clear()
        self.grants.clear()

    def register(self, platform: Platform, body: dict[str, Any]) -> tuple[App, Registration]:
        """`{app_id, name?, client_secret?, redirect_url, scopes}`, shaped as `mock_admin.json`'s
        `register_app` says (the route checks): app and registration."""
        redirect = body["redirect_url"]
        check_url(redirect)
        scopes = body.get("scopes", [])
        if isinstance(scopes, str):
            scopes = [s for s in scopes.replace(" ", ",").split(",") if s]
        app_id = str(body["app_id"])
        app = platform.apps.get(app_id)
        if app is None:
            app = platform.apps[app_id] = App(
                app_id,
                body.get("name") or f"App {app_id}",
                body.get("client_secret") or new_secret(),
            )
        else:
            app.name = body.get("name") or app.name
            app.client_secret = body.get("client_secret") or app.client_secret
        registration = Registration(app_id, redirect, tuple(scopes))
        self.registrations[app_id] = registration
        return app, registration

    def registration(self, app_id: str) -> Registration:
        try:
            return self.registrations[app_id]
        except KeyError:
            raise NotFound(f"No app {app_id} is registered (POST /_mock/apps)") from None

    def authorize(self, platform: Platform, app_id: str, store_id: str, state: str | None) -> str:
        """The merchant accepts: the redirect URL with a short-lived, single-use `code`."""
        registration = self.registration(app_id)
        platform.store(store_id)
        ttl = timedelta(seconds=platform_limits()["oauth"]["code_ttl_s"])
        grant = Grant(secrets.token_hex(16), app_id, store_id, platform.clock.now() + ttl)
        self.grants[grant.code] = grant
        query = {"code": grant.code} | ({"state": state} if state is not None else {})
        sep = "&" if urlsplit(registration.redirect_url).query else "?"
        return f"{registration.redirect_url}{sep}{urlencode(query)}"

    def exchange(self, platform: Platform, body: Any) -> dict[str, Any]:
        """`{client_id, client_secret, grant_type, code}` -> the token answer of the notes."""
        if not isinstance(body, dict):
            raise ApiError(400, "The body must be a JSON object")
        missing = [
            k
            for k in ("client_id", "client_secret", "grant_type", "code")
            if not isinstance(body.get(k), str | int) or isinstance(body.get(k), bool)
        ]
        if missing:
            raise ApiError(
                400,
                f"Missing {', '.join(missing)}",
                fields={k: ["is required"] for k in missing},
            )
        if body["grant_type"] != GRANT_TYPE:
            raise invalid("grant_type", f"must be {GRANT_TYPE}")
        app_id = str(body["client_id"])
        app = platform.apps.get(app_id)
        if app is None or not secrets.compare_digest(app.client_secret, str(body["client_secret"])):
            raise ApiError(401, "Unknown client_id or wrong client_secret")
        grant = self.grants.pop(str(body["code"]), None)  # single use, even when refused
        if grant is None or grant.app_id != app_id:
            raise ApiError(400, "The authorization code is invalid or was already used")
        if platform.clock.now() > grant.expires_at:
            raise ApiError(400, "The authorization code has expired; ask the merchant again")
        installation = install(platform, grant.store_id, app_id, self.registration(app_id).scopes)
        return {
            "access_token": installation.access_token,
            "token_type": "bearer",
            "scope": ",".join(installation.scopes),
            "user_id": installation.store_id,
        }


def install(
    platform: Platform, store_id: str, app_id: str, scopes: tuple[str, ...]
) -> Installation:
    """A new token for (app, store); a previous one dies (reinstall)."""
    revoke(platform, store_id, app_id)
    return platform.install_app(store_id, app_id, list(scopes))


def revoke(platform: Platform, store_id: str, app_id: str) -> list[Installation]:
    gone = [
        i for i in platform.installations.values() if i.store_id == store_id and i.app_id == app_id
    ]
    for installation in gone:
        del platform.installations[installation.access_token]
    return gone


def uninstall(platform: Platform, store_id: str, app_id: str) -> None:
    """The merchant uninstalls: `app/uninstalled` goes out, then the tokens die."""
    store = platform.store(store_id)
    if not any(
        i.app_id == app_id for i in platform.installations.values() if i.store_id == store_id
    ):
        raise NotFound(f"App {app_id} is not installed in store {store_id}")
    platform.emit(store.id, "app/uninstalled", {"id": int(app_id) if app_id.isdigit() else app_id})
    revoke(platform, store_id, app_id)


def forget_webhooks(platform: Platform, store_id: str, app_id: str) -> None:
    """After `app/uninstalled` is queued: the app's subscriptions in the store go."""
    store = platform.store(store_id)
    for hook_id in [k for k, h in store.webhooks.items() if h["app_id"] == app_id]:
        del store.webhooks[hook_id]
