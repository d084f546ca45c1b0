"""A minimal JSON client for the platform API, as any app would have (standard library only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        self.status, self.body = status, body
        super().__init__(f"HTTP {status}: {body}")


class PlatformClient:
    """Calls ``{base_url}/v1/{store_id}/...`` with the app's token and User-Agent."""

    def __init__(self, base_url: str, store_id: str, token: str, user_agent: str) -> None:
        self.api = f"{base_url.rstrip('/')}/v1/{store_id}"
        self.headers = {
            "Authentication": f"bearer {token}",
            "User-Agent": user_agent,
            "Content-Type": "application/json; charset=utf-8",
        }

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.api + path, data=data, method=method, headers=self.headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
        except urllib.error.HTTPError as e:
            raw = e.read()
            raise ApiError(e.code, json.loads(raw) if raw else None) from None
        return json.loads(raw) if raw else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, body: Any = None) -> Any:
        return self.call("POST", path, body if body is not None else {})

    def put(self, path: str, body: Any) -> Any:
        return self.call("PUT", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.call("PATCH", path, body)
