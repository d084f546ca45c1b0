"""Arbitrary methods, paths, token bytes and bodies through the proxy: every call answered, each
answered call recorded exactly once, and no 5xx from the proxy itself (hypothesis, seeded)."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow


class _AnyMethod(BaseHTTPRequestHandler):
    """A store that answers 200 to any method, reading the body it was sent."""

    protocol_version = "HTTP/1.1"

    def __getattr__(self, name: str):
        if name.startswith("do_"):
            return self._answer
        raise AttributeError(name)

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def proxied(tmp_path_factory) -> Iterator[tuple[ProxyProcess, Path]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _AnyMethod)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    db = tmp_path_factory.mktemp("fuzz") / "ledger.db"
    upstream = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with ProxyProcess(
            upstream, ledger_url=f"sqlite:///{db}", options={"miready_introspect": False}
        ) as proxy:
            yield proxy, db
    finally:
        server.shutdown()
        server.server_close()


def _send(base: str, method: str, path: str, token: bytes, body: bytes, extra: bytes) -> int:
    host, port = base.removeprefix("http://").split(":")
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: store\r\nUser-Agent: fuzz\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n"
    ).encode()
    request = head + b"Authentication: " + token + b"\r\n" + extra + b"\r\n" + body
    with socket.create_connection((host, int(port)), timeout=60) as s:
        s.sendall(request)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


METHODS = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE"]),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=12),
)
SEGMENTS = st.lists(
    st.one_of(
        st.sampled_from(["orders", "products", "1", "fulfillments", "_mock", "variants"]),
        st.text(min_size=1, max_size=30).map(lambda s: quote(s, safe="")),
    ),
    max_size=6,
)
HEADER_BYTES = st.binary(max_size=64).map(
    lambda b: bytes(c for c in b if c not in (0, 10, 13)) or b"x"
)
BODIES = st.one_of(
    st.binary(max_size=512),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20), inner, max_size=4)
        ),
        max_leaves=20,
    ).map(lambda v: json.dumps(v).encode()),
)
EXTRA = st.sampled_from(
    [
        b"",
        b"Content-Type: application/json\r\n",
        b"Content-Type: application/json\r\nContent-Encoding: gzip\r\n",
        b"Content-Type: application/json\r\nContent-Encoding: br, zstd\r\n",
    ]
)


def test__fuzz__arbitrary_calls__should_be_answered_and_recorded_once(proxied):
    proxy, db = proxied
    answered: list[int] = []

    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(method=METHODS, segments=SEGMENTS, token=HEADER_BYTES, body=BODIES, extra=EXTRA)
    def one_call(method, segments, token, body, extra):
        path = "/v1/" + "/".join(segments)
        status = _send(proxy.url, method, path, b"bearer " + token, body, extra)
        assert status < 500, (method, path, token, status)
        answered.append(status)

    one_call()
    assert proxy.wait_until_recorded(60)
    status = proxy.status()
    with sqlite3.connect(db) as raw:
        (recorded,) = raw.execute("SELECT count(*) FROM calls").fetchone()
    print(f"fuzz: {len(answered)} answered, {status['calls_seen']} seen, {recorded} recorded")
    assert status["calls_seen"] == recorded == len(answered)
    assert status["lost"] == status.get("quarantined", 0) == 0
