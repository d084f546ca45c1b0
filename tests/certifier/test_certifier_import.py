"""Importing HAR and mitmproxy flow files: classified like the proxy, names only, all or nothing."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from miready.certifier.commands import import_traffic
from miready.certifier.errors import UsageError
from miready.certifier.importer import MalformedCaptureError, import_file
from mitmproxy import http
from mitmproxy.io import FlowWriter
from mitmproxy.test import tflow, tutils

TOKEN = "SECRET-TOKEN-0001"
TOKEN_ID = hashlib.sha256(TOKEN.encode()).hexdigest()[:16]
SECRETS = (TOKEN, "BR999888777AA", "shopper@example.org", "4711")
BASE = "http://127.0.0.1:8080/v1/42"


def _entry(method: str, path: str, at: str, body: object = None, status: int = 200) -> dict:
    request: dict = {
        "method": method,
        "url": BASE + path,
        "httpVersion": "HTTP/1.1",
        "headers": [
            {"name": "Authentication", "value": f"bearer {TOKEN}"},
            {"name": "User-Agent", "value": "LegacyApp (dev@example.com)"},
        ],
        "queryString": [],
        "cookies": [],
        "headersSize": -1,
        "bodySize": -1,
    }
    if body is not None:
        request["postData"] = {"mimeType": "application/json", "text": json.dumps(body)}
    return {
        "startedDateTime": at,
        "time": 12.5,
        "request": request,
        "response": {"status": status, "statusText": "OK", "headers": [], "content": {}},
        "cache": {},
        "timings": {"send": 0, "wait": 12.5, "receive": 0},
    }


def _har() -> dict:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": [
                _entry(
                    "POST",
                    "/orders/7/fulfill",
                    "2024-05-10T09:00:00.000-03:00",
                    {"shipping_tracking_number": "BR999888777AA", "notify_customer": True},
                ),
                _entry(
                    "PUT",
                    "/products/3",
                    "2024-05-11T10:00:00Z",
                    {"variants": [{"id": 1, "stock": 4711}], "contact": "shopper@example.org"},
                ),
                _entry(
                    "GET", "/orders/7/fulfillment-orders?page=2&per_page=5", "2024-05-12T10:00:00Z"
                ),
                _entry("GET", "/nowhere/at/all", "2024-05-12T11:00:00Z", status=404),
                {
                    **_entry("GET", "", "2024-05-12T11:00:00Z"),
                    "request": {
                        "method": "GET",
                        "url": "https://cdn.example.com/app.js",
                        "headers": [],
                    },
                },
            ],
        }
    }


def _write(tmp_path: Path, doc: object, name: str = "capture.har") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def _assert_no_values_stored(ledger_url: str) -> None:
    ledger_file = Path(ledger_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in ledger_file.parent.glob(ledger_file.name + "*"))
    for secret in SECRETS:
        assert secret.encode() not in stored, secret


def test__import_har__should_classify_like_the_proxy_and_store_names_only(
    tmp_path, ledger_url, ledger, pack
):
    result = import_traffic(ledger_url, str(_write(tmp_path, _har())), "legacy", ["write_orders"])
    assert result.calls == 4 and result.skipped == 1 and result.unmatched == 1
    assert result.apps == ("legacy",)
    assert result.findings == {"endpoint.orders.fulfill": 1, "param.variant.stock": 1}
    assert "imported 4 call(s) of 1 app(s)" in str(result)
    app = ledger.app("legacy")
    assert app.scopes == ("write_orders",)
    # its own timestamps, converted to UTC
    assert app.first_seen == datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    examples = ledger.examples("legacy")
    stock = json.loads(examples["param.variant.stock"])
    assert stock["body"] == {"variants": [{"id": "<int>", "stock": "<int>"}], "contact": "<str>"}
    assert stock["path"] == "/products/{product_id}"
    rows = ledger._conn.execute(  # the stored rows are what this test is about
        "SELECT token_id, source, params, path_template FROM calls ORDER BY at"
    ).fetchall()
    assert {r[0] for r in rows} == {TOKEN_ID}
    assert {r[1] for r in rows} == {"import"}
    assert "query:page" in json.loads(rows[2][2])
    assert rows[3][3] == "unknown:/v1/{n}/nowhere/at/all"
    _assert_no_values_stored(ledger_url)


def test__import_har__without_app__should_name_the_app_by_its_token_id(tmp_path, ledger, pack):
    import_file(ledger, _write(tmp_path, _har()), pack)
    assert [a.app_id for a in ledger.apps()] == [TOKEN_ID]
    assert ledger.apps()[0].name is None  # only the platform names apps, never the User-Agent


def _flow(method: str, path: str, at: float, body: object = None) -> http.HTTPFlow:
    content = json.dumps(body).encode() if body is not None else b""
    headers = http.Headers(
        [
            (b"Authentication", f"bearer {TOKEN}".encode()),
            (b"User-Agent", b"FlowApp"),
            (b"Content-Type", b"application/json"),
        ]
    )
    req = tutils.treq(
        host="127.0.0.1",
        port=8080,
        method=method.encode(),
        path=("/v1/42" + path).encode(),
        headers=headers,
        content=content,
        timestamp_start=at,
        timestamp_end=at + 0.01,
    )
    flow = tflow.tflow(req=req, resp=True)
    flow.response.timestamp_end = at + 0.05
    return flow


def _write_flows(path: Path, flows: list) -> Path:
    with path.open("wb") as f:
        writer = FlowWriter(f)
        for flow in flows:
            writer.add(flow)
    return path


MAY_10 = datetime(2024, 5, 10, 12, tzinfo=UTC).timestamp()


def test__import_flow__should_classify_each_http_flow_with_its_timestamps(tmp_path, ledger, pack):
    path = _write_flows(
        tmp_path / "capture.flow",
        [
            _flow("POST", "/orders/7/pack", MAY_10),
            _flow(
                "POST",
                "/products/3/variants/stock",
                MAY_10 + 60,
                {"action": "replace", "value": 4711},
            ),
            _flow(
                "POST",
                "/products/3/variants/stock",
                MAY_10 + 120,
                {"action": "replace", "value": 1, "location_id": "L1"},
            ),
            tflow.ttcpflow(),  # not HTTP: skipped
        ],
    )
    result = import_file(
        ledger, path, pack, app_id="flowapp", scopes=["write_products write_orders"]
    )
    assert result.calls == 3
    assert result.findings == {"endpoint.orders.pack": 1, "param.variant.stock.no-location": 1}
    assert result.first_at == datetime(2024, 5, 10, 12, tzinfo=UTC)
    app = ledger.app("flowapp")
    assert app.scopes == ("write_orders", "write_products")
    assert app.name is None
    rollups = ledger.rollups("flowapp", result.first_at, result.last_at, kind="operation")
    assert {r.key: r.count for r in rollups} == {"packOrder": 1, "updateVariantsStock": 2}


def _mutate(path_keys: list, value: object = KeyError):
    def apply(doc: dict) -> dict:
        doc = copy.deepcopy(doc)
        node = doc
        for key in path_keys[:-1]:
            node = node[key]
        if value is KeyError:
            del node[path_keys[-1]]
        else:
            node[path_keys[-1]] = value
        return doc

    return apply


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: "{not json", "not a HAR file (JSON)"),
        (lambda d: {"entries": []}, "log: missing"),
        (_mutate(["log", "entries"], {"0": {}}), "log.entries: expected a list"),
        (_mutate(["log", "entries", 3, "request", "url"]), "entries[3].request.url: missing"),
        (_mutate(["log", "entries", 1, "request"]), "entries[1].request: missing"),
        (
            _mutate(["log", "entries", 2, "request", "method"], 7),
            "entries[2].request.method: expected a string",
        ),
        (
            _mutate(["log", "entries", 1, "startedDateTime"], "2024-05-11T10:00:00"),
            "entries[1].startedDateTime: no UTC offset",
        ),
        (
            _mutate(["log", "entries", 1, "startedDateTime"], "last tuesday"),
            "entries[1].startedDateTime: not an ISO 8601",
        ),
        (
            _mutate(["log", "entries", 2, "response", "status"], "200"),
            "entries[2].response.status: expected an integer",
        ),
        (_mutate(["log", "entries", 2, "response"]), "entries[2].response: missing"),
        (
            _mutate(["log", "entries", 1, "request", "headers", 0, "value"]),
            "entries[1].request.headers[0].value: missing",
        ),
        (
            _mutate(["log", "entries", 1, "request", "url"], "ftp://x/y"),
            "entries[1].request.url: not an http",
        ),
        (
            _mutate(["log", "entries", 1, "request", "postData"], "raw"),
            "entries[1].request.postData: expected an object",
        ),
        (_mutate(["log", "entries", 0], "entry"), "entries[0]: expected an object"),
        (_mutate(["log", "entries", 1, "time"], "slow"), "entries[1].time: expected a number"),
        (_mutate(["log", "entries"], []), "no call to the platform API"),
    ],
)
def test__import_har__malformed__should_name_the_entry_and_write_nothing(
    tmp_path, ledger_url, ledger, pack, mutate, message
):
    import_traffic(ledger_url, str(_write(tmp_path, _har(), "good.har")), "legacy")
    before = (
        ledger.count_calls(),
        ledger.rollups(
            "legacy", datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
        ),
    )
    bad = _write(tmp_path, mutate(_har()), "bad.har")
    with pytest.raises(MalformedCaptureError, match=re.escape(message)) as e:
        import_traffic(ledger_url, str(bad), "legacy")
    assert str(bad) in str(e.value)
    assert isinstance(e.value, UsageError)
    after = (
        ledger.count_calls(),
        ledger.rollups(
            "legacy", datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
        ),
    )
    assert after == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a flow file at all", "flows[0]"),
        ("truncated", "flows[1]"),
    ],
)
def test__import_flow__damaged__should_fail_clearly_and_write_nothing(
    tmp_path, ledger, pack, content, message
):
    path = tmp_path / "capture.flow"
    if content == "truncated":
        _write_flows(
            path, [_flow("POST", "/orders/7/pack", MAY_10), _flow("GET", "/store", MAY_10)]
        )
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 40])
    else:
        path.write_bytes(content)
    with pytest.raises(MalformedCaptureError, match=re.escape(message)):
        import_file(ledger, path, pack, app_id="x")
    assert ledger.count_calls() == 0


def test__import_traffic__missing_file__should_raise_a_usage_error(tmp_path, ledger_url):
    with pytest.raises(UsageError, match="no such file"):
        import_traffic(ledger_url, str(tmp_path / "nope.har"))


def test__imported_calls__should_be_certified_like_recorded_ones(
    tmp_path, ledger_url, ledger, pack
):
    from miready.certifier.decision import Verdict, decide

    import_traffic(ledger_url, str(_write(tmp_path, _har())), "legacy", ["write_orders"])
    decision = decide(ledger, "legacy", pack, "2024-05-13")
    assert decision.verdict is Verdict.NOT_READY
    assert [h.rule_id for h in decision.hits] == ["endpoint.orders.fulfill", "param.variant.stock"]


def _call_ids(path: Path, pack) -> list[str]:
    from miready.certifier.captures import read_capture
    from miready.contracts.observe import Platform, observe
    from miready.contracts.pack import pack_of

    capture = read_capture(path)
    assert capture.bad == []
    platform = Platform.of(pack_of(pack))
    return [observe(x, platform).call_id for _, x in capture.exchanges]


def test__call_id__same_session_as_har_and_as_flow_file__should_be_equal(tmp_path, pack):
    from mitmproxy.addons.savehar import SaveHar

    flows = [
        _flow("POST", "/orders/7/pack", MAY_10 + 0.123456),
        _flow("PUT", "/products/3", MAY_10 + 61.5, {"variants": [{"id": 1, "stock": 4711}]}),
        _flow("GET", "/orders?page=2", MAY_10 + 120.000999),
    ]
    flow_file = _write_flows(tmp_path / "session.flow", flows)
    har_file = _write(tmp_path, SaveHar().make_har(flows), "session.har")
    from_flows, from_har = _call_ids(flow_file, pack), _call_ids(har_file, pack)
    assert len(set(from_flows)) == 3
    assert from_har == from_flows


def test__call_id__same_capture_read_three_times__should_not_change(tmp_path, pack):
    path = _write(tmp_path, _har())
    assert _call_ids(path, pack) == _call_ids(path, pack) == _call_ids(path, pack)


def test__call_id__entries_differing_only_in_body__should_differ(tmp_path, pack):
    doc = _har()
    doc["log"]["entries"][1]["request"]["postData"]["text"] = json.dumps({"variants": []})
    original, changed = (
        _call_ids(_write(tmp_path, _har(), "a.har"), pack),
        _call_ids(_write(tmp_path, doc, "b.har"), pack),
    )
    assert original[0] == changed[0] and original[1] != changed[1]
