"""Helpers for the mock's tests: tokens, headers and a small JSON client over `aiohttp_client`."""

from __future__ import annotations

import json as _json
from typing import Any

from miready.mocks.keys import config_key

# A valid location address, for tests that create locations.
ADDRESS = {
    "zipcode": "1",
    "street": "S",
    "city": "C",
    "province": {"code": "P", "name": "P"},
    "region": {"code": "R", "name": "R"},
    "country": {"code": "AR", "name": "Argentina"},
}

READY = "demo-ready-token-0002"  # every scope
LEGACY = "demo-legacy-token-0001"  # products + orders only
STORE = "/v1/1"
D1, D2, D3 = (f"01HTMFDH09VC6E2Q8KGTGP44D{i}" for i in (1, 2, 3))


def headers(token: str | None = READY, **extra: str) -> dict[str, str]:
    out = {"User-Agent": "TestApp (dev@example.com)"}
    if token:
        out["Authentication"] = f"bearer {token}"
    out.update(extra)
    return out


class Api:
    """A thin JSON client over `aiohttp_client`, answering (status, body)."""

    def __init__(self, client: Any, token: str | None = READY, admin_token: str = "") -> None:
        self.client = client
        self.token = token
        self.admin_token = admin_token  # sent on /_mock calls
        self.last_headers: Any = None

    async def call(
        self, method: str, path: str, json: Any = None, token: Any = "default", **kw: Any
    ) -> tuple[int, Any]:
        token = self.token if token == "default" else token
        admin = path.startswith("/_mock")
        kw.setdefault("headers", headers(token))
        if admin:
            # The operator's admin token: given, or the mock's own config's.
            token_ = self.admin_token or getattr(self.client.app[config_key], "admin_token", None)
            if token_:
                kw["headers"] = {**kw["headers"], "Authorization": f"Bearer {token_}"}
        prefix = "" if admin or path.startswith("/v1/") else STORE
        async with self.client.request(method, prefix + path, json=json, **kw) as response:
            self.last_headers = response.headers
            text = await response.text()
            return response.status, (_json.loads(text) if text else None)

    async def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.call("POST", path, json, **kw)

    async def patch(self, path: str, json: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.call("PATCH", path, json, **kw)

    async def put(self, path: str, json: Any = None, **kw: Any) -> tuple[int, Any]:
        return await self.call("PUT", path, json, **kw)

    async def delete(self, path: str, **kw: Any) -> tuple[int, Any]:
        return await self.call("DELETE", path, **kw)
