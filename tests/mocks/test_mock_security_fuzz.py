"""Property: whatever method, path, headers and body arrive, the mock answers below 500, and every
non-2xx answer is JSON in the platform's error shape."""

from __future__ import annotations

import gzip
import json
import re
import socket
from collections.abc import Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from miready.contracts import OPENAPI_PATH
from miready.mocks.server import MockServer

READY = "demo-ready-token-0002"
SPEC_PATHS = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))["paths"]
TEMPLATES = list(SPEC_PATHS)
VERBS = ("get", "put", "post", "delete", "patch")
ADMIN_PATHS = [  # never /_mock/faults with the token: injected 5xx and latency are its job
    "/_mock/state",
    "/_mock/clock",
    "/_mock/legacy",
    "/_mock/stores",
    "/_mock/stores/1/apps",
    "/_mock/fixtures",
    "/_mock/tokens/0123456789abcdef",
    "/_mock/stores/1/movements",
    "/_mock/deliveries",
]
VISIBLE = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
SEGMENT = st.one_of(
    st.sampled_from(["1", "10", "101", "999", "-1", "0", "priorities", "stock", "%2F", "%zz"]),
    st.text(VISIBLE.filter(lambda c: c not in "/?#"), min_size=1, max_size=12),
)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def api_paths(draw: st.DrawFn) -> str:
    template = draw(st.sampled_from(TEMPLATES))
    filled = re.sub(r"\{[^}]+\}", lambda _: draw(SEGMENT), template)
    return "/v1/" + draw(st.sampled_from(["1", "2", "x"])) + filled


TARGETS = st.tuples(
    st.one_of(
        api_paths(),
        st.sampled_from(ADMIN_PATHS + ["/_mock/faults", "/_mock/reset"]),
        st.text(VISIBLE, max_size=40).map(lambda t: "/" + t),
    ),
    st.one_of(st.just(""), st.text(VISIBLE, max_size=30).map(lambda q: "?" + q)),
).map("".join)
METHODS = st.one_of(
    st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "PROPFIND"]),
    st.from_regex(r"\A[A-Za-z]{1,10}\Z"),
)
HEADER_NAMES = st.one_of(
    st.sampled_from(
        [
            "Content-Type",
            "Content-Encoding",
            "Accept",
            "Accept-Encoding",
            "Authentication",
            "Authorization",
            "User-Agent",
            "Cookie",
            "Range",
            "Origin",
            "If-None-Match",
        ]
    ),
    st.from_regex(r"\A[A-Za-z][A-Za-z0-9-]{0,20}\Z").filter(
        lambda n: (
            n.lower()
            not in {
                "content-length",
                "transfer-encoding",
                "connection",
                "host",
                "expect",
                "upgrade",
            }
        )
    ),
)
HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "application/json",
            "application/yaml",
            "text/plain",
            "gzip",
            "br",
            "zstd",
            "deflate",
            "identity",
            f"bearer {READY}",
            "bearer \xff\xfe",
            "x" * 9000,
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=60),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=20,
)
BODIES = st.one_of(
    st.just(b""),
    JSON.map(lambda v: json.dumps(v).encode()),
    JSON.map(lambda v: gzip.compress(json.dumps(v).encode())),
    st.binary(max_size=2048),
)


@st.composite
def plausible(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]], bytes]:
    """A call an app could make: a spec method on a spec path, a token, a JSON body."""
    template = draw(st.sampled_from(TEMPLATES))
    method = draw(st.sampled_from([m.upper() for m in SPEC_PATHS[template] if m in VERBS]))
    ids = st.sampled_from(["1", "10", "101", "201", "301", "999", "01HTMFDH09VC6E2Q8KGTGP44D1"])
    target = "/v1/1" + re.sub(r"\{[^}]+\}", lambda _: draw(ids), template)
    body = draw(JSON.map(lambda v: json.dumps(v).encode())) if method != "GET" else b""
    headers = [("Content-Type", "application/json")] if body else []
    return method, target, headers, body


@st.composite
def hostile(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]], bytes]:
    headers = draw(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=5))
    return draw(METHODS), draw(TARGETS), headers, draw(BODIES)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, bytes]:
    method, target, headers, body = draw(st.one_of(plausible(), hostile()))
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    if draw(st.integers(0, 3)):
        lines += ["User-Agent: fuzz (dev@example.com)", f"Authentication: bearer {READY}"]
    lines += [f"{name}: {value}" for name, value in headers]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return method, "\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + body


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def exchange(port: int, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(raw)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
    return int(lines[0].split()[1]), fields, body


def test__arbitrary_requests__should_never_5xx_and_always_answer_json_errors(mock) -> None:
    port = mock.running.port
    seen: list[int] = []

    @given(requests())
    @SETTINGS
    def check(request: tuple[str, bytes]) -> None:
        method, raw = request
        status, fields, body = exchange(port, raw)
        seen.append(status)
        assert status < 500, (raw[:300], body[:300])
        if 200 <= status < 300:
            return
        assert fields.get("content-type", "").startswith("application/json"), raw[:300]
        if method == "HEAD" and not body:
            return
        error = json.loads(body)
        assert error["code"] == status and error["message"] and error["description"], body

    check()
    assert len(seen) >= 150
    assert len(set(seen)) > 5  # the examples reached many outcomes, not one error page
