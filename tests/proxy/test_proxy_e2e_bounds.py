"""The proxy bounds what it reads: a gzip bomb, bad token bytes and a hung store, end to end.

Each test counts both sides: what the app got, what the store got, what the ledger holds.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import select
import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

PEAK_RSS_LIMIT_KB = 300 * 1024


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


@pytest.fixture
def hung_store() -> Iterator[str]:
    """Accepts connections, reads, and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        listener.close()


def _post(base: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _gzip_bomb(size: int) -> bytes:
    """gzip of ``size`` zero bytes, built in 1 MiB steps (never holding ``size`` bytes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    parts = [packer.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(parts) + packer.flush()


def _peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmHWM in /proc/{pid}/status")


def _statuses(db: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(db) as raw:
        return list(raw.execute("SELECT status, path_template FROM calls ORDER BY at"))


def test__gzip_bomb__should_be_forwarded_untouched_with_bounded_memory(echo_store, tmp_path):
    bomb = _gzip_bomb(1 << 30)  # 1 GiB of zeros in about 1 MB
    db = tmp_path / "ledger.db"
    with ProxyProcess(echo_store, ledger_url=f"sqlite:///{db}") as proxy:
        before = _peak_rss_kb(proxy.pid)
        status, body = _post(
            proxy.url,
            "/v1/1/products",
            bomb,
            {
                "Content-Type": "application/json",
                "Content-Encoding": "gzip",
                "Authentication": "bearer tok-bomb-0001",
                "User-Agent": "Bomber",
            },
        )
        peak = _peak_rss_kb(proxy.pid)
        assert proxy.wait_until_recorded(30)
    print(f"gzip bomb {len(bomb)} bytes: proxy peak RSS {before} KB -> {peak} KB")
    assert status == 201
    assert json.loads(body) == {"length": len(bomb), "sha256": hashlib.sha256(bomb).hexdigest()}
    assert peak < PEAK_RSS_LIMIT_KB
    assert _statuses(db) == [(201, "/products")]


@pytest.mark.parametrize(
    "token_bytes",
    [b"bearer \xff\xfe", b"bearer \xc3\x28" + b"x" * 9000, b"\xff"],
    ids=["invalid-utf8", "long-invalid", "bare-byte"],
)
def test__token_bytes_that_are_not_text__should_be_served_and_recorded_unidentified(
    token_bytes, echo_store, tmp_path
):
    db = tmp_path / "ledger.db"
    with ProxyProcess(echo_store, ledger_url=f"sqlite:///{db}") as proxy:
        host, port = proxy.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as s:
            s.sendall(
                b"GET /v1/1/orders HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n"
                b"Authentication: " + token_bytes + b"\r\nConnection: close\r\n\r\n"
            )
            reply = b""
            while chunk := s.recv(65536):
                reply += chunk
        assert proxy.wait_until_recorded(30)
        status = proxy.status()
    assert reply.split(b"\r\n", 1)[0].endswith(b" 201 Created"), reply[:200]
    assert status["calls_seen"] == 1 and status["lost"] == status.get("quarantined", 0) == 0
    with sqlite3.connect(db) as raw:
        rows = list(raw.execute("SELECT app_id, status FROM calls"))
    assert rows == [("unidentified", 201)]


@pytest.fixture
def unaccepting_store() -> Iterator[str]:
    """A listener whose accept queue is full and never drained: a connect to it hangs (Linux
    drops the SYN and retries for minutes), as a store behind a black-holing firewall does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    fillers: list[socket.socket] = []
    for _ in range(8):  # fill the queue until a connect stops completing
        filler = socket.socket()
        filler.setblocking(False)
        if filler.connect_ex(address) not in (0, 115):  # 115: EINPROGRESS
            filler.close()
            break
        fillers.append(filler)
        _, writable, _ = select.select([], [filler], [], 0.5)
        if not writable:
            break
    try:
        yield f"http://127.0.0.1:{address[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test__store_whose_connect_hangs__should_answer_504_json_within_the_timeout_and_record_it(
    unaccepting_store, tmp_path
):
    db = tmp_path / "ledger.db"
    options = {"miready_upstream_timeout": 1.0, "miready_introspect": False}
    with ProxyProcess(unaccepting_store, ledger_url=f"sqlite:///{db}", options=options) as proxy:
        started = time.monotonic()
        status, body = _post(
            proxy.url,
            "/v1/1/orders/7/pack",
            b"",
            {"Authentication": "bearer tok-hung-0002", "User-Agent": "Patient"},
        )
        waited = time.monotonic() - started
        assert proxy.wait_until_recorded(30)
    print(f"connect never completes: {status} after {waited:.2f} s (timeout 1 s)")
    assert status == 504, body
    error = json.loads(body)
    assert (error["code"], error["message"]) == (504, "Gateway Timeout")
    assert "did not answer within 1 s" in error["description"]
    assert waited < 15
    assert _statuses(db) == [(504, "/orders/{order_id}/pack")]


def test__hung_store__should_answer_504_json_within_the_timeout_and_record_it(hung_store, tmp_path):
    db = tmp_path / "ledger.db"
    options = {"miready_upstream_timeout": 1.0, "miready_introspect": False}
    with ProxyProcess(hung_store, ledger_url=f"sqlite:///{db}", options=options) as proxy:
        started = time.monotonic()
        status, body = _post(
            proxy.url,
            "/v1/1/orders/7/pack",
            b"",
            {"Authentication": "bearer tok-hung-0001", "User-Agent": "Patient"},
        )
        waited = time.monotonic() - started
        assert proxy.wait_until_recorded(30)
    print(f"hung store: 504 after {waited:.2f} s (timeout 1 s)")
    assert status == 504
    error = json.loads(body)
    assert (error["code"], error["message"]) == (504, "Gateway Timeout")
    assert "did not answer within 1 s" in error["description"]
    assert waited < 15
    assert _statuses(db) == [(504, "/orders/{order_id}/pack")]
