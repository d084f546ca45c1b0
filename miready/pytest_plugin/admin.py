"""The mock's admin API, as a test calls it: clock, reset, faults, legacy endpoints, apps."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

ADMIN_TIMEOUT_S = 15.0


class AdminError(RuntimeError):
    """The mock refused an admin call; the message carries its status and JSON error."""


class MockAdmin:
    """``/_mock/...`` of one mock server (the operator's API: loopback only)."""

    def __init__(self, url: str, admin_token: str | None = None) -> None:
        self.url = url
        self.admin_token = admin_token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One admin call; the parsed JSON answer, or AdminError naming what the mock said."""
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "User-Agent": "miready-pytest"}
        if self.admin_token:
            headers["Authorization"] = f"Bearer {self.admin_token}"
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=ADMIN_TIMEOUT_S) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")
            raise AdminError(f"{method} {path}: {e.code} {detail}") from e

    def install_app(self, store_id: str, app_id: str, scopes: Any, name: str = "") -> str:
        """Install ``app_id`` in the store with ``scopes`` and return its access token."""
        body = {"app_id": str(app_id), "name": name or f"App {app_id}", "scopes": list(scopes)}
        return self.call("POST", f"/_mock/stores/{store_id}/apps", body)["access_token"]

    def advance_clock(self, seconds: float = 0, *, days: float = 0) -> str:
        """Move the store's clock forward; returns the new ISO instant."""
        return self.call("PUT", "/_mock/clock", {"advance_seconds": seconds + days * 86400})["now"]

    def set_clock(self, now: str) -> str:
        """Set the store's clock to an ISO 8601 instant; returns it as the mock reads it."""
        return self.call("PUT", "/_mock/clock", {"now": now})["now"]

    def reset(self) -> list[str]:
        """Back to the start-up fixture (data, clock, faults, legacy switch); returns store ids."""
        return self.call("POST", "/_mock/reset")["stores"]

    def faults(self, *rules: dict[str, Any], seed: int | None = None) -> Any:
        """Inject faults: each rule ``{path, latency_ms, error_rate, status}``; none clears them."""
        body: dict[str, Any] = {"rules": list(rules)}
        if seed is not None:
            body["seed"] = seed
        return self.call("PUT", "/_mock/faults", body)

    def legacy(self, enabled: bool) -> bool:
        """Switch the legacy endpoints on or off (off: they answer as the platform will)."""
        return self.call("PUT", "/_mock/legacy", {"enabled": enabled})["enabled"]
