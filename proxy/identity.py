"""Identify the app behind a call without keeping its token: token id, then app, store, scopes.

Only the platform names an app: the apps file or the store's token introspection. A call with no
token, an invalid one, one the store does not know, or to an admin path is unidentified.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from miready.contracts.observe import (
    AppIdentity,
    Observation,
    Platform,
    judged_for,
    token_identity,
    unidentified,
)
from miready.proxy import ADMIN_TOKEN_ENV
from miready.proxy.flowstate import call_state
from miready.proxy.upstream import UpstreamClient, base_url
from mitmproxy import ctx, exceptions, http

logger = logging.getLogger(__name__)

INTROSPECTION_PATH = "/_mock/tokens/{token_id}"
POSITIVE_TTL = 300.0
NEGATIVE_TTL = 30.0  # a store without introspection (a real platform) is asked again this often
_UNKNOWN = "unknown"  # the store answered that it does not know the token


def _scopes(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = raw.replace(",", " ").split()
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(sorted({str(s) for s in raw}))


def _kind(raw: Any) -> str | None:
    return raw[:64] if isinstance(raw, str) and raw else None


def parse_apps_file(path: str | Path) -> dict[str, AppIdentity]:
    """``{token_id: {app_id, name, scopes, store_id?}}`` as identities; ValueError if malformed."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise ValueError(f"cannot read apps file {path}: {e}") from e
    if not isinstance(raw, dict):
        raise ValueError(f"apps file {path}: expected a mapping of token id -> app")
    apps = {}
    for tid, entry in raw.items():
        if not isinstance(entry, dict) or "app_id" not in entry:
            raise ValueError(f"apps file {path}: entry {tid!r} needs at least app_id")
        apps[str(tid)] = AppIdentity(
            app_id=str(entry["app_id"]),
            name=entry.get("name"),
            store_id=str(entry["store_id"]) if entry.get("store_id") is not None else None,
            token_id=str(tid),
            scopes=_scopes(entry.get("scopes") or []),
            source="apps_file",
            kind=_kind(entry.get("kind")),
        )
    return apps


def may_introspect(flow: http.HTTPFlow) -> bool:
    """Reverse mode asks its one upstream; a forward (regular) proxy reaches any origin, real
    platforms included, so it asks only a loopback origin (a local mock), never a request the
    app did not make to anyone else (use an apps file there)."""
    if not any(str(m).startswith("regular") for m in ctx.options.mode):
        return True
    host = flow.request.host
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def identity_from_introspection(tid: str, body: Any) -> AppIdentity | None:
    if not isinstance(body, dict) or not body.get("app_id"):
        return None
    return AppIdentity(
        app_id=str(body["app_id"]),
        name=body.get("app_name") or body.get("name"),
        store_id=str(body["store_id"]) if body.get("store_id") is not None else None,
        token_id=tid,
        scopes=_scopes(body.get("scopes") or []),
        source="upstream",
        kind=_kind(body.get("app_kind")),
    )


class AppIdentifier:
    """Who is calling: the apps file first, then the store's token introspection, then the token id.

    Introspection answers are cached per token id (misses too, for a while), and concurrent calls
    with one token share one lookup.
    """

    def __init__(
        self,
        client: UpstreamClient | None = None,
        platform: Callable[[], Platform | None] | None = None,
    ) -> None:
        self.client = client or UpstreamClient()
        self.platform = platform  # the classifier's pack, to judge the caller's findings again
        self.apps: dict[str, AppIdentity] = {}
        self.introspect = True
        self.timeout = 1.0
        self.admin_token = ""
        self._cache: dict[str, tuple[float, AppIdentity | str | None]] = {}
        self._pending: dict[str, asyncio.Future[AppIdentity | str | None]] = {}
        self._introspecting: set[str] = set()  # stores that answered a lookup: their 404 counts

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_apps_file",
            str,
            "",
            "A YAML file mapping token ids (the first 16 hex digits of the token's SHA-256) "
            "to apps: '<token_id>: {app_id: ..., name: ..., scopes: [...]}'. "
            "Used before asking the store.",
        )
        loader.add_option(
            "miready_introspect",
            bool,
            True,
            "Ask the store who a token belongs to with GET /_mock/tokens/<token_id> (the mock "
            "platform's admin API), in reverse mode, or of a loopback origin in forward mode. "
            "Answers are cached; a store without the endpoint is asked again only every 30 "
            "seconds. Turn it off (--no-introspect) in front of a real platform.",
        )
        loader.add_option(
            "miready_introspect_timeout_ms",
            int,
            1000,
            "How long, in milliseconds, a token lookup may take before the token id stands in.",
        )
        loader.add_option(
            "miready_admin_token",
            str,
            "",
            "The mock's admin token, sent as 'Authorization: Bearer <token>' on token lookups. "
            f"Empty: the {ADMIN_TOKEN_ENV} environment variable, if set.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_apps_file" in updated:
            path = ctx.options.miready_apps_file
            try:
                self.apps = parse_apps_file(path) if path else {}
            except ValueError as e:
                raise exceptions.OptionsError(f"miready_apps_file={path!r}: {e}") from e
        if "miready_introspect" in updated:
            self.introspect = ctx.options.miready_introspect
        if "miready_introspect_timeout_ms" in updated:
            ms = ctx.options.miready_introspect_timeout_ms
            if ms <= 0:
                raise exceptions.OptionsError(f"miready_introspect_timeout_ms={ms}: must be > 0")
            self.timeout = ms / 1000
        if "miready_admin_token" in updated:
            token = ctx.options.miready_admin_token or os.environ.get(ADMIN_TOKEN_ENV, "")
            if any(not 0x21 <= ord(c) <= 0x7E for c in token):
                raise exceptions.OptionsError("miready_admin_token: visible ASCII only")
            self.admin_token = token

    async def request(self, flow: http.HTTPFlow) -> None:
        state = call_state(flow)
        if state is None or state.internal:
            return
        state.app = await self.identify(state.observation, base_url(flow), may_introspect(flow))
        platform = self.platform() if self.platform is not None else None
        if state.observation is not None and platform is not None:
            state.observation = judged_for(state.observation, state.app, platform)

    async def identify(
        self, obs: Observation | None, base: str, introspect: bool = True
    ) -> AppIdentity:
        if obs is None or obs.admin or obs.token_id is None or not obs.token_valid:
            return unidentified(obs.token_id if obs else None)
        tid = obs.token_id
        store_id = obs.match.store_id if obs.match else None
        known: AppIdentity | str | None = self.apps.get(tid)
        if known is None and self.introspect and introspect:
            known = await self._lookup(base, tid)
        if known == _UNKNOWN:
            return unidentified(tid)
        if isinstance(known, AppIdentity):
            return known if known.store_id else _with_store(known, store_id)
        return _with_store(token_identity(obs), store_id)

    async def _lookup(self, base: str, tid: str) -> AppIdentity | str | None:
        key = f"{base} {tid}"
        cached = self._cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[AppIdentity | str | None] = (
            asyncio.get_running_loop().create_future()
        )
        self._pending[key] = future
        try:
            found = await self._introspect(base, tid)
            ttl = POSITIVE_TTL if isinstance(found, AppIdentity) else NEGATIVE_TTL
            self._cache[key] = (time.monotonic() + ttl, found)
            future.set_result(found)
            return found
        finally:
            if not future.done():
                future.set_result(None)
            self._pending.pop(key, None)

    async def _introspect(self, base: str, tid: str) -> AppIdentity | str | None:
        url = base + INTROSPECTION_PATH.format(token_id=tid)
        headers = {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}
        try:
            resp = await self.client.call("GET", url, headers=headers, timeout=self.timeout)
        except (TimeoutError, OSError) as e:
            logger.warning("token lookup %s failed: %s", url, e or type(e).__name__)
            return None
        if resp.status == 404 and self._knows_tokens(base, resp.body):
            return _UNKNOWN
        if resp.status != 200:
            if resp.status in (401, 403):
                logger.warning(
                    "token lookup refused (%d): is miready_admin_token set?", resp.status
                )
            return None
        found = identity_from_introspection(tid, resp.body)
        if found is not None:
            self._introspecting.add(base)
        return found

    def _knows_tokens(self, base: str, body: Any) -> bool:
        """A 404 means "no such token" from a store that introspects, not "no such endpoint"."""
        if not isinstance(body, dict):
            return False
        return base in self._introspecting or "token" in str(body.get("description", "")).lower()

    async def done(self) -> None:
        await self.client.close()


def _with_store(app: AppIdentity, store_id: str | None) -> AppIdentity:
    return AppIdentity(
        app_id=app.app_id,
        name=app.name,
        store_id=store_id,
        token_id=app.token_id,
        scopes=app.scopes,
        identified=app.identified,
        source=app.source,
    )
