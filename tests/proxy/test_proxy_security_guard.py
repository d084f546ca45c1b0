"""The proxy never forwards the store's admin API (`/_mock/`) nor its own private `/_miready/`."""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest
from miready.certifier.ledger import open_ledger
from miready.mocks.admin_token import exported
from miready.mocks.server import MockServer
from miready.proxy.guard import refused
from miready.proxy.process import ProxyProcess

READY = "demo-ready-token-0002"  # mocks/fixtures/sample.yaml
ADMIN_SPELLINGS = [
    "/_mock/state",
    "/_mock",
    "/_mock/reset?empty=true",
    "/%5Fmock/state",
    "/%5fmock/state",
    "/%255Fmock/state",
    "//_mock/state",
    "/./_mock/state",
    "/v1/../_mock/state",
    "/v1%2F..%2F_mock/state",
    "/_MOCK/state",
    "/_mock/%73tate",
    "/_mock;x/state",
    "\\_mock/state",
    "/_miready/anything",
    "/_miready/status/../../_mock/state",
    "/_miready/statusx",
    "/_miready",
]
FORWARDED = ["/_miready/status", "/_miready/status?x=1", "/v1/1/orders", "/v1/1/_mock", "/mock"]


@pytest.mark.parametrize("target", ADMIN_SPELLINGS)
def test__refused__admin_path_in_any_spelling__should_be_true(target) -> None:
    assert refused(target)


@pytest.mark.parametrize("target", FORWARDED)
def test__refused__status_and_api_paths__should_be_false(target) -> None:
    assert not refused(target)


@pytest.mark.parametrize("target", ["/_mock/state", "/%5Fmock/stores/1/apps", "/_miready/x"])
async def test__guard__admin_path__should_answer_403_json_and_record_nothing(
    make_pipeline, new_flow, state_of, target
) -> None:
    with make_pipeline() as p:
        flow = await p.run(new_flow("POST", target, {"app_id": "x"}))
        legit = await p.run(new_flow("GET", "/v1/1/orders"))
    body = json.loads(flow.response.content)
    assert flow.response.status_code == 403
    assert flow.response.headers["Content-Type"] == "application/json"
    assert body["code"] == 403 and body["message"] == "Forbidden" and body["description"]
    assert state_of(flow).internal
    assert legit.response.status_code == 200
    assert [r.path_template for r in p.records] == ["/orders"]


def _raw(host: str, port: int, method: str, target: str, headers: dict[str, str]) -> tuple:
    """One request with its target sent exactly as given (origin- or absolute-form)."""
    conn = http.client.HTTPConnection(host, port, timeout=15)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", "store.test")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.putheader("Content-Length", "0")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        conn.close()


def _state(mock: MockServer) -> tuple[int, int, int]:
    platform = mock.platform
    return len(platform.stores), len(platform.apps), len(platform.installations)


@pytest.mark.parametrize("mode", ["reverse", "regular"])
def test__proxy__admin_calls_in_both_url_forms__should_be_403_and_change_and_record_nothing(
    tmp_path: Path, mode: str
) -> None:
    db = tmp_path / "ledger.db"
    app_headers = {"User-Agent": "Attacker/1.0", "Authentication": f"bearer {READY}"}
    with MockServer() as mock:
        # Even the admin token does not open the admin API through the proxy.
        headers = {**app_headers, **mock.admin_headers}
        before = _state(mock)
        upstream = mock.url if mode == "reverse" else None
        kw = {"mode": mode, "confdir": tmp_path / "mitm", "ledger_url": f"sqlite:///{db}"}
        with exported(mock.admin_token), ProxyProcess(upstream, **kw) as proxy:
            replies = []
            for method, path in [
                ("GET", "/_mock/state"),
                ("POST", "/_mock/reset?empty=true"),
                ("POST", "/%5Fmock/stores/1/apps"),
                ("PUT", "/_mock/legacy"),
                ("GET", "/_miready/anything"),
            ]:
                target = path if mode == "reverse" else mock.url + path
                replies.append(_raw(proxy.host, proxy.port, method, target, headers))
            target = "/v1/1/store" if mode == "reverse" else mock.url + "/v1/1/store"
            legit = _raw(proxy.host, proxy.port, "GET", target, app_headers)
            assert proxy.wait_until_recorded(20), proxy.log()
            seen = proxy.status()["calls_seen"]
        assert _state(mock) == before
    for status, content_type, body in replies:
        assert (status, content_type) == (403, "application/json"), body
        assert json.loads(body)["code"] == 403
    assert legit[0] == 200
    assert seen == 1
    ledger = open_ledger(f"sqlite:///{db}")
    try:
        assert ledger.count_calls() == 1
    finally:
        ledger.close()
