"""Forward mode against a real HTTPS upstream: trusted through --upstream-ca, HTTP/1.1 and HTTP/2.

The upstream is the mock platform served over TLS with a certificate from a CA the test makes, so
neither certifi nor the system knows it: exactly a staging platform's situation.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import shutil
import sqlite3
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from miready.mocks.app import SAMPLE_FIXTURE, create_app
from miready.mocks.config import MockConfig
from miready.proxy.process import ProxyProcess

from miready.cli import main as miready_main

httpx = pytest.importorskip("httpx")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("curl") is None, reason="the HTTP/2 client is curl"),
]

LEGACY_TOKEN = "demo-legacy-token-0001"  # the sample store's legacy app (write_products)
READY_TOKEN = "demo-ready-token-0002"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca_and_server_cert(folder: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate for 127.0.0.1 signed by it: (ca.pem, server.pem, server.key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("miready test CA"))
        .issuer_name(_name("miready test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_pem, cert_pem, key_pem


class TlsMock:
    """The mock platform over TLS on 127.0.0.1:0, in a thread."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.port = 0
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        from aiohttp import web

        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        runner = web.AppRunner(create_app(MockConfig(fixture=SAMPLE_FIXTURE)), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, ssl_context=self.context).start()
        self.port = runner.addresses[0][1]
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> TlsMock:
        self._thread.start()
        assert self._ready.wait(30), "the TLS mock did not start within 30s"
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    @property
    def api_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/v1/1"


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_ca_and_server_cert(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def tls_mock(certs: tuple[Path, Path, Path]) -> Iterator[TlsMock]:
    _, cert, key = certs
    with TlsMock(cert, key) as mock:
        yield mock


class Reply(NamedTuple):
    status: int
    http_version: str
    content_type: str
    body: Any


def fetch(
    proxy: ProxyProcess,
    confdir: Path,
    method: str,
    url: str,
    token: str,
    *,
    http2: bool,
    body: Any = None,
) -> Reply:
    """One call of an app that uses the proxy as its forward proxy and trusts the proxy's CA.

    HTTP/1.1: httpx with ``verify=``. HTTP/2: curl with ``--cacert``, because httpx offers
    ``http/1.1`` first in its ALPN list and mitmproxy honours the client's preference.
    """
    proxy_ca = str(confdir / "mitmproxy-ca-cert.pem")
    headers = {"Authentication": f"bearer {token}", "User-Agent": "TlsApp/1.0"}
    if not http2:
        with httpx.Client(proxy=proxy.url, verify=proxy_ca, timeout=30) as app:
            r = app.request(method, url, json=body, headers=headers)
        return Reply(r.status_code, r.http_version, r.headers["content-type"], r.json())
    cmd = ["curl", "-sS", "--http2", "--proxy", proxy.url, "--cacert", proxy_ca, "-X", method]
    cmd += [arg for k, v in headers.items() for arg in ("-H", f"{k}: {v}")]
    if body is not None:
        cmd += ["-H", "Content-Type: application/json", "--data", json.dumps(body)]
    marker = "\n@@miready@@"
    cmd += ["-w", marker + "%{http_code} %{http_version} %{content_type}", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    text, _, tail = out.rpartition(marker.strip("\n"))
    status, version, content_type = (tail.split(" ", 2) + ["", ""])[:3]
    shown = {"2": "HTTP/2", "1.1": "HTTP/1.1"}.get(version, version)
    return Reply(int(status), shown, content_type, json.loads(text))


@pytest.mark.parametrize("http2", [False, True], ids=["HTTP/1.1", "HTTP/2"])
def test_forward_mode__upstream_ca_given__should_relay_record_and_certify_the_calls(
    tls_mock: TlsMock, certs: tuple[Path, Path, Path], tmp_path: Path, http2: bool
):
    ca_pem = certs[0]
    confdir, db = tmp_path / "mitm", tmp_path / "ledger.db"
    ledger = f"sqlite:///{db}"
    proxy = ProxyProcess(
        None,
        mode="regular",
        confdir=confdir,
        ledger_url=ledger,
        options={"miready_upstream_ca": str(ca_pem)},
    )
    with proxy as p:
        locations = fetch(
            p, confdir, "GET", tls_mock.api_url + "/locations", READY_TOKEN, http2=http2
        )
        legacy = fetch(
            p,
            confdir,
            "PUT",
            tls_mock.api_url + "/products/20/variants/201",
            LEGACY_TOKEN,
            http2=http2,
            body={"stock": 12},
        )
        assert p.wait_until_recorded(30), "the proxy did not record its calls within 30s"

    assert locations.status == 200, locations.body
    assert len(locations.body) == 3
    assert legacy.status == 200, legacy.body
    assert locations.http_version == ("HTTP/2" if http2 else "HTTP/1.1")
    with sqlite3.connect(db) as raw:
        rows = sorted(raw.execute("SELECT method, path_template, status, findings FROM calls"))
    assert rows == [
        ("GET", "/locations", 200, "[]"),
        ("PUT", "/products/{product_id}/variants/{variant_id}", 200, '["param.variant.stock"]'),
    ]
    report = tmp_path / "report.json"
    code = miready_main(["certify", "--ledger", ledger, "--format", "json", "--out", str(report)])
    assert code == 1  # an app made a deprecated call: not ready
    assert "param.variant.stock" in report.read_text()


@pytest.mark.parametrize("http2", [False, True], ids=["HTTP/1.1", "HTTP/2"])
def test_forward_mode__upstream_ca_missing__should_answer_a_json_502_naming_the_certificate(
    tls_mock: TlsMock, tmp_path: Path, http2: bool
):
    confdir = tmp_path / "mitm"
    with ProxyProcess(None, mode="regular", confdir=confdir) as p:
        reply = fetch(p, confdir, "GET", tls_mock.api_url + "/locations", READY_TOKEN, http2=http2)

    assert (reply.status, reply.http_version) == (502, "HTTP/2" if http2 else "HTTP/1.1")
    assert reply.content_type == "application/json"
    assert reply.body["code"] == 502
    assert "certificate" in reply.body["description"].lower()


@pytest.mark.parametrize(
    ("host", "asked"),
    [("platform.example.com", False), ("127.0.0.1", True), ("localhost", True)],
)
async def test_forward_mode__token_introspection__should_ask_only_a_loopback_origin(
    make_pipeline, new_flow, host: str, asked: bool
):
    with make_pipeline(miready_introspect=True, mode=["regular"]) as p:
        flow = new_flow("GET", "/v1/1/orders")
        flow.request.host = host
        await p.run(flow)

    lookups = [c for c in p.upstream.calls if "/_mock/tokens/" in c[1]]
    assert (len(lookups) > 0) == asked
