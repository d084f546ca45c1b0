"""A reverse proxy makes its CA at the first client that speaks TLS, never at start."""

from __future__ import annotations

import socket
import ssl
import urllib.request
from pathlib import Path

import pytest
from miready.mocks.server import MockServer
from miready.proxy import STATUS_PATH
from miready.proxy.process import ProxyProcess

pytestmark = pytest.mark.slow

CA_FILES = ("mitmproxy-ca.pem", "mitmproxy-ca-cert.pem")


def tls_handshake(port: int, cafile: Path | None = None) -> None:
    context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
    context.check_hostname = False
    if cafile is None:
        context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with context.wrap_socket(raw) as tls:
            tls.sendall(f"GET {STATUS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            assert tls.recv(64).startswith(b"HTTP/1.1 200")


def test__reverse_proxy__plain_http_then_tls__should_make_the_ca_at_the_first_tls_client(
    tmp_path: Path,
):
    confdir = tmp_path / "mitm"
    with MockServer() as mock, ProxyProcess(mock.url, confdir=confdir) as proxy:
        with urllib.request.urlopen(proxy.url + STATUS_PATH, timeout=30) as response:
            assert response.status == 200
        assert [name for name in CA_FILES if (confdir / name).exists()] == []

        tls_handshake(proxy.port)

        assert [name for name in CA_FILES if (confdir / name).exists()] == list(CA_FILES)
        tls_handshake(proxy.port, cafile=confdir / "mitmproxy-ca-cert.pem")  # signed by it
