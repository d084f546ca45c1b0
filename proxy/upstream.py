"""Side calls from the proxy to the store (token introspection, translation), off the hot path.

One aiohttp session per event loop, opened on first use: mitmproxy runs its addons on asyncio, so
these calls never block the loop that serves the apps. aiohttp is imported on first use too (or
by ``preload`` once the proxy listens): it is a tenth of the proxy's start-up.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from miready.proxy.via import VIA
from mitmproxy import http

if TYPE_CHECKING:
    import aiohttp

# Headers the proxy copies from the app's request onto its own side calls: the app's credentials
# and name, so the store applies the app's own scopes to what the proxy does on its behalf.
FORWARDED_HEADERS = ("authentication", "authorization", "user-agent")


class UpstreamUnreachable(OSError):
    """A side call the store did not answer properly (aiohttp's ``ClientError``, as an OSError:
    callers catch ``OSError`` and ``TimeoutError`` without importing aiohttp)."""


def preload() -> threading.Thread:
    """Import aiohttp (and python-ulid) in a background thread, so the first call does not wait."""
    thread = threading.Thread(target=_preload_imports, name="miready-preload", daemon=True)
    thread.start()
    return thread


def _preload_imports() -> None:
    import aiohttp  # noqa: F401
    from miready.contracts import ulids

    ulids.preload()  # the call ids' ULIDs, for the same reason


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    status: int
    body: Any  # parsed JSON, or None when the body was empty or not JSON
    content: bytes
    content_type: str


def base_url(flow: http.HTTPFlow) -> str:
    """``scheme://host:port`` of the server this flow goes to (reverse target or origin)."""
    parts = urlsplit(flow.request.url)
    return f"{parts.scheme}://{parts.netloc}"


def forwarded_headers(flow: http.HTTPFlow) -> dict[str, str]:
    return {k: v for k in FORWARDED_HEADERS if (v := flow.request.headers.get(k)) is not None}


class UpstreamClient:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    def _get_session(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=64), raise_for_status=False
            )
        return self._session

    async def call(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        json_body: Any = None,
        timeout: float = 10.0,
    ) -> UpstreamResponse:
        """One request; raises ``UpstreamUnreachable`` or ``TimeoutError`` if the store is away."""
        import aiohttp

        data = None
        hdrs = dict(headers or {})
        hdrs.setdefault("Via", VIA)  # a side call on an app's behalf is not a direct call
        if json_body is not None:
            data = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        try:
            async with self._get_session().request(
                method, url, data=data, headers=hdrs, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as resp:
                content = await resp.read()
                content_type = resp.headers.get("Content-Type", "")
        except aiohttp.ClientError as e:
            raise UpstreamUnreachable(str(e) or type(e).__name__) from e
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        return UpstreamResponse(resp.status, body, content, content_type)

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
