"""A 429 from the rate limit conforms to openapi.yaml: every operation declares it (one shared
`TooManyRequests` response, with the `X-Rate-Limit-*` headers and the error body), so
schemathesis's response checks accept it like any other answer."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
import schemathesis
import yaml
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.config import MockConfig
from miready.mocks.server import MockServer
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

TOKEN = "demo-ready-token-0002"
HEADERS = {"Authentication": f"bearer {TOKEN}", "User-Agent": "miready-contract-tests (d@e.com)"}
RESPONSE_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
SCHEMA = schemathesis.openapi.from_path(OPENAPI_PATH, config=SchemathesisConfig())
load_all_checks()
CHOSEN = [c for c in CHECKS.get_all() if getattr(c, "__name__", "") in RESPONSE_CHECKS]


def test__every_operation__should_declare_the_shared_429() -> None:
    spec = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    missing = [
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if op["responses"].get("429") != {"$ref": "#/components/responses/TooManyRequests"}
    ]
    assert missing == []
    shared = spec["components"]["responses"]["TooManyRequests"]
    assert set(shared["headers"]) == {
        "X-Rate-Limit-Limit",
        "X-Rate-Limit-Remaining",
        "X-Rate-Limit-Reset",
    }
    assert shared["content"]["application/json"]["schema"] == {"$ref": "schemas/error.json"}


def _call(mock: MockServer, method: str, path: str, body: object = None, admin: bool = False):
    headers = dict(mock.admin_headers if admin else HEADERS)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(mock.url + path, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture(scope="module")
def full_bucket() -> Iterator[MockServer]:
    """The sample store with rate limits on, the clock frozen and the ready app's bucket full."""
    with MockServer(config=MockConfig(fixture=SAMPLE_FIXTURE, rate_limit=True)) as mock:
        _call(mock, "PUT", "/_mock/clock", {"now": "2026-03-01T12:00:00Z"}, admin=True)
        statuses = [_call(mock, "GET", "/v1/1/store") for _ in range(41)]
        assert statuses.count(200) == 40 and statuses[-1] == 429
        yield mock


@pytest.mark.parametrize(
    ("operation_id", "path_parameters", "body"),
    [
        ("getStore", {}, None),
        ("listOrders", {}, None),
        ("createCustomer", {}, {"name": "Ana", "email": "ana@example.com"}),
        ("updateProduct", {"product_id": 10}, {"name": {"es": "Remera"}}),
        ("deleteWebhook", {"webhook_id": 1}, None),
        ("listCheckouts", {}, None),
        ("createScript", {}, {"src": "https://app.example/a.js", "event": "onload"}),
    ],
)
def test__a_429__should_pass_every_response_check(
    full_bucket, operation_id, path_parameters, body
) -> None:
    operation = SCHEMA.find_operation_by_id(operation_id)
    extra = {} if body is None else {"body": body, "media_type": "application/json"}
    case = operation.Case(path_parameters=path_parameters, **extra)
    base_url = f"{full_bucket.url}/v1/1"
    response = case.call(base_url=base_url, headers=HEADERS)
    assert response.status_code == 429
    assert response.headers["x-rate-limit-remaining"] == ["0"]
    case.validate_response(
        response, checks=CHOSEN, headers=HEADERS, transport_kwargs={"base_url": base_url}
    )
