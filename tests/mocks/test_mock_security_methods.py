"""Every path of openapi.yaml with every method: the spec's methods, `Allow`, JSON errors only."""

from __future__ import annotations

import gzip
import json
import re
import socket

import pytest
import yaml
from aiohttp.test_utils import make_mocked_request
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import create_app
from miready.mocks.config import MockConfig
from miready.mocks.server import MockServer
from mockapi import headers  # type: ignore[import-not-found]

SPEC = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
VERBS = ("get", "put", "post", "delete", "patch")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND")
ROUTED = create_app(MockConfig())
PATHS = {
    template: {m.upper(): op["operationId"] for m, op in item.items() if m in VERBS}
    for template, item in SPEC["paths"].items()
}


def concrete(template: str, value: str = "999") -> str:
    return "/v1/1" + re.sub(r"\{[^}]+\}", value, template)


def allowed(spec_methods) -> set[str]:
    return set(spec_methods) | ({"HEAD"} if "GET" in spec_methods else set())


def assert_error_shape(status: int, body: bytes, where: str) -> None:
    error = json.loads(body)
    assert error["code"] == status, where
    assert isinstance(error["message"], str) and error["message"], where
    assert isinstance(error["description"], str) and error["description"], where


async def test__every_path_with_every_method__should_follow_the_spec(client) -> None:
    checked = refused = 0
    expected_refusals = sum(len(set(METHODS) - allowed(m)) for m in PATHS.values())
    for template, spec_methods in PATHS.items():
        for method in METHODS:
            where = f"{method} {template}"
            kw = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
            async with client.request(method, concrete(template), headers=headers(), **kw) as r:
                body = await r.read()
                checked += 1
                assert r.status < 500, where
                assert r.content_type == "application/json", where
                if method not in allowed(spec_methods):
                    refused += 1
                    assert r.status == 405, where
                    assert set(r.headers["Allow"].split(", ")) == allowed(spec_methods), where
                else:
                    assert r.status != 405, where
                if method == "HEAD":
                    assert body == b"", where
                elif not 200 <= r.status < 300:
                    assert_error_shape(r.status, body, where)
    assert checked == len(PATHS) * len(METHODS)
    assert refused == expected_refusals


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/locations/priorities", "PATCH"),
        ("DELETE", "/locations/priorities", "PATCH"),
        ("GET", "/locations/priorities", "PATCH"),
        ("OPTIONS", "/products/10/variants/stock", "POST"),
        ("GET", "/products/10/variants/stock", "POST"),
        ("PUT", "/products/stock-price", "PATCH"),
        ("DELETE", "/products/stock-price", "PATCH"),
    ],
)
async def test__shadowed_paths__should_answer_405_with_their_own_allow(
    client, method, path, allow
) -> None:
    async with client.request(method, "/v1/1" + path, headers=headers()) as response:
        assert response.status == 405
        assert response.headers["Allow"] == allow
        assert (await response.json())["code"] == 405


@pytest.mark.parametrize(
    ("template", "method", "operation_id"),
    [(t, m, op) for t, ops in PATHS.items() for m, op in ops.items()]
    + [(t, "HEAD", ops["GET"]) for t, ops in PATHS.items() if "GET" in ops],
)
async def test__each_spec_operation__should_route_to_its_own_handler(
    template, method, operation_id
) -> None:
    app = ROUTED
    for value in ("999", "priorities", "stock", "stock-price"):
        path = concrete(template, value)
        match = await app.router.resolve(make_mocked_request(method, path, app=app))
        name = getattr(match.route, "name", None)
        assert name == operation_id, f"{method} {path} routes to {name}, not {operation_id}"


async def test__head__should_answer_as_get_without_a_body(client) -> None:
    async with client.get("/v1/1/store", headers=headers()) as got:
        full = await got.read()
    async with client.head("/v1/1/store", headers=headers()) as head:
        assert head.status == got.status == 200
        assert head.headers["Content-Length"] == str(len(full)) and await head.read() == b""
    async with client.head("/v1/1/orders/999", headers=headers()) as missing:
        assert missing.status == 404 and missing.content_type == "application/json"


def _wire(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in fields.items()}, body


AUTH = "User-Agent: t\r\nAuthentication: bearer demo-ready-token-0002\r\n"


def mislabelled(encoding: str) -> str:
    """A plain JSON body that says it is `encoding`-compressed."""
    return (
        f"POST /v1/1/orders HTTP/1.1\r\nHost: x\r\n{AUTH}Content-Encoding: {encoding}\r\n"
        "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    )


MANY_HEADERS = (
    "GET / HTTP/1.1\r\nHost: x\r\n" + "".join(f"X-{i}: y\r\n" for i in range(200)) + "\r\n"
)
TOKEN_8K = f"GET /v1/1/store HTTP/1.1\r\nHost: x\r\nAuthentication: bearer {'x' * 8200}\r\n\r\n"
CHUNKS = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"
# (case, request, status, what its description says)
WIRE = [
    ("unknown method", b"BREW /v1/1/store HTTP/1.1\r\nHost: x\r\n\r\n", 400, "method"),
    ("lower-case method", b"get /v1/1/store HTTP/1.1\r\nHost: x\r\n\r\n", 400, "method"),
    ("not HTTP at all", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400, "method"),
    ("8 KB token", TOKEN_8K, 431, "header"),
    ("8 KB path", f"GET /v1/1/{'a' * 8200} HTTP/1.1\r\nHost: x\r\n\r\n", 414, "target"),
    ("200 headers", MANY_HEADERS, 431, "headers"),
    ("no Host", b"GET /v1/1/store HTTP/1.1\r\n\r\n", 400, "Malformed"),
    ("bad header", b"GET / HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", 400, "Malformed"),
    ("bad chunking", CHUNKS, 400, "Malformed"),
    ("deflate, not", mislabelled("deflate"), 400, "Malformed"),
] + [(f"{e}, not", mislabelled(e), 400, f"Content-Encoding '{e}'") for e in ("gzip", "br", "zstd")]


@pytest.fixture(scope="module")
def served():
    with MockServer() as mock:
        yield mock


@pytest.mark.parametrize(
    ("case", "request_bytes", "status", "says"), WIRE, ids=[w[0] for w in WIRE]
)
def test__malformed_http__should_be_answered_in_the_json_error_shape(
    served, case, request_bytes, status, says
) -> None:
    raw = request_bytes if isinstance(request_bytes, bytes) else request_bytes.encode()
    if b"Connection:" not in raw:
        raw = raw.replace(b"\r\n", b"\r\nConnection: close\r\n", 1)
    got, fields, body = _wire(served.running.port, raw)
    assert got == status, body
    assert fields["content-type"].startswith("application/json"), case
    assert_error_shape(status, body, case)
    assert says in json.loads(body)["description"], body


def test__gzip_bomb__should_be_413_json_without_decompressing_it_whole(served) -> None:
    bomb = gzip.compress(b" " * 20_000_000, 9)  # 20 MB of JSON whitespace in about 20 KB
    head = (
        f"POST /v1/1/orders HTTP/1.1\r\nHost: x\r\n{AUTH}Content-Type: application/json\r\n"
        f"Content-Encoding: gzip\r\nContent-Length: {len(bomb)}\r\nConnection: close\r\n\r\n"
    )
    status, fields, body = _wire(served.running.port, head.encode() + bomb)
    assert len(bomb) < 100_000
    assert status == 413 and fields["content-type"].startswith("application/json")
    assert_error_shape(413, body, "gzip bomb")
