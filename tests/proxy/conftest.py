"""Helpers for the proxy's tests: the addon pipeline without sockets, and a tiny HTTP client."""

from __future__ import annotations

import hashlib
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from miready.certifier.ledger.records import CallRecord
from miready.proxy.addons import default_addons
from miready.proxy.flowstate import CallState, call_state
from miready.proxy.upstream import UpstreamResponse
from mitmproxy import hooks, http
from mitmproxy.test import taddons, tflow

UPSTREAM = "http://store.test:8080"


@dataclass
class FakeStats:
    submitted: int = 0
    written: int = 0
    pending: int = 0
    failed: int = 0
    dropped: int = 0
    last_error: str | None = None


class FakeWriter:
    """Keeps what the recorder submits; ``accept=False`` plays a full queue."""

    def __init__(self, url: str, accept: bool = True) -> None:
        self.url = url
        self.records: list[CallRecord] = []
        self.accept = accept
        self.closed = False

    def submit(self, record: CallRecord) -> bool:
        if not self.accept:
            return False
        self.records.append(record)
        return True

    def flush(self, timeout: float | None = None) -> bool:
        return True

    def close(self, timeout: float = 10.0) -> bool:
        self.closed = True
        return True

    def stats(self) -> FakeStats:
        n = len(self.records)
        return FakeStats(submitted=n, written=n, dropped=0 if self.accept else 1)


class FakeUpstream:
    """An ``UpstreamClient`` answering from a table of ``(METHOD, path) -> (status, body)``."""

    def __init__(self, routes: dict[tuple[str, str], tuple[int, Any]] | None = None) -> None:
        self.routes = routes or {}
        self.calls: list[tuple[str, str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.fail: Exception | None = None

    async def call(self, method: str, url: str, *, headers=None, json_body=None, timeout=10.0):
        path = url.removeprefix(UPSTREAM)
        self.calls.append((method, path, json_body))
        self.headers.append(dict(headers or {}))
        if self.fail is not None:
            raise self.fail
        status, body = self.routes.get((method, path), (404, {"code": 404}))
        content = json.dumps(body).encode()
        return UpstreamResponse(status, body, content, "application/json")

    async def close(self) -> None:
        pass


@dataclass
class Pipeline:
    """The proxy's addons under ``taddons``: drive a flow through request, response and error."""

    tctx: Any
    addons: list[Any]
    upstream: FakeUpstream
    writers: list[FakeWriter] = field(default_factory=list)

    @property
    def records(self) -> list[CallRecord]:
        return [r for w in self.writers for r in w.records]

    def addon(self, cls: type) -> Any:
        return next(a for a in self.addons if isinstance(a, cls))

    async def _hook(self, name: str, flow: http.HTTPFlow) -> None:
        for addon in self.addons:
            method = getattr(addon, name, None)
            if method is not None:
                result = method(flow)
                if hasattr(result, "__await__"):
                    await result

    async def run(
        self,
        flow: http.HTTPFlow,
        respond: Callable[[http.Request], http.Response] | None = None,
        upstream_down: bool = False,
    ) -> http.HTTPFlow:
        """Request hooks; the store's answer unless an addon answered; then response or error."""
        await self._hook("request", flow)
        if flow.response is None:
            if upstream_down:
                from mitmproxy.flow import Error

                flow.error = Error("Connection refused")
                await self._hook("error", flow)
                return flow
            flow.response = (respond or default_respond)(flow.request)
        await self._hook("response", flow)
        return flow


def default_respond(request: http.Request) -> http.Response:
    return http.Response.make(200, b'{"ok": true}', {"Content-Type": "application/json"})


def make_flow(
    method: str,
    path: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    token: str | None = "tok-legacy-0001",
) -> http.HTTPFlow:
    """A flow as mitmproxy hands it to addons in reverse mode (already aimed at the store)."""
    hdrs = {"User-Agent": "TestApp/1.0"}
    if token is not None:
        hdrs["Authentication"] = f"bearer {token}"
    content = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
    if body is not None and raw is None:
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    request = http.Request.make(method, UPSTREAM + path, b"", hdrs)
    request.raw_content = content  # as received: no re-encoding
    flow = tflow.tflow(req=request)
    flow.response = None
    return flow


@pytest.fixture
def make_pipeline() -> Iterator[Callable[..., Any]]:
    @contextmanager
    def factory(**options: Any) -> Iterator[Pipeline]:
        writers: list[FakeWriter] = []

        def writer_factory(url: str) -> FakeWriter:
            writer = FakeWriter(url)
            writers.append(writer)
            return writer

        addons = default_addons(writer_factory)
        upstream = FakeUpstream()
        for addon in addons:
            if hasattr(addon, "client"):
                addon.client = upstream
        with taddons.context(*addons) as tctx:
            # The flows' mode (make_flow), unless a test asks for another.
            settings = {"mode": [f"reverse:{UPSTREAM}"]}
            settings.update({"miready_ledger": "fake://ledger", "miready_introspect": False})
            settings.update(options)
            tctx.options.update(**settings)
            keys = {k for k in tctx.options.keys() if k.startswith("miready_")}
            tctx.master.addons.trigger(hooks.ConfigureHook(keys))
            yield Pipeline(tctx, addons, upstream, writers)

    yield factory


@pytest.fixture
def new_flow() -> Callable[..., http.HTTPFlow]:
    return make_flow


@pytest.fixture
def state_of() -> Callable[[http.HTTPFlow], CallState]:
    def get(flow: http.HTTPFlow) -> CallState:
        state = call_state(flow)
        assert state is not None
        return state

    return get


# -- a tiny synchronous HTTP client for the end-to-end tests ------------------------------------


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        return json.loads(self.content)

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None


class Client:
    """An app: its token, its User-Agent, one base URL (the proxy's or the store's)."""

    def __init__(self, base: str, token: str | None = None, user_agent: str = "TestApp") -> None:
        self.base = base
        self.token = token
        self.user_agent = user_agent

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        hdrs = {"User-Agent": self.user_agent}
        if self.token:
            hdrs["Authentication"] = f"bearer {self.token}"
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=15) as resp:
                return Reply(resp.status, dict(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, dict(e.headers.items()), e.read())


@pytest.fixture(scope="session")
def client_for() -> Callable[..., Client]:
    return Client


class _Echo(BaseHTTPRequestHandler):
    """A store that answers with the length and SHA-256 of the raw body it received."""

    def do_POST(self) -> None:  # http.server's naming
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"length": len(raw), "sha256": hashlib.sha256(raw).hexdigest()})
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_store() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
