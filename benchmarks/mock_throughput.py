"""The mock under load: GET-only and mixed at 32 connections; lists at 100 and 100k orders."""

from __future__ import annotations

import copy
import json
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks import load, procs
from benchmarks.measure import Sample, sample
from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

CONNECTIONS = 32
GET_ONLY = [
    load.Call("GET", "/v1/1/locations"),
    load.Call("GET", "/v1/1/products/10"),
    load.Call("GET", "/v1/1/orders?per_page=5"),
]
_ORDER = json.dumps({"products": [{"variant_id": 301, "quantity": 1}]})


def mixed_workload(order_id: int) -> list[load.Call]:
    """GETs, an order placed (allocation), its fulfillment orders read, a product updated."""
    return [
        *GET_ONLY,
        load.Call("GET", "/v1/1/products?per_page=20"),
        load.Call("POST", "/v1/1/orders", _ORDER),
        load.Call("GET", f"/v1/1/orders/{order_id}/fulfillment-orders"),
        load.Call("PUT", "/v1/1/products/20", json.dumps({"tags": "bench"})),
    ]


GOAL_MIXED_RPS, GOAL_MIXED_P99, GOAL_LIST_RATIO = 2000.0, 25.0, 1.3


def _admin(base: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {procs.ADMIN_TOKEN}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.load(r)


def _api(base: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method, headers=load.HEADERS)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)


def big_stores(base: str, sizes: dict[str, int]) -> dict[str, Any]:
    """A fixture with one store per ``sizes`` item (store id -> order count).

    One order is placed through the API in store 1; the state dump (``GET /_mock/state``) of
    store 1 is the template: its order and fulfillment order are copied with fresh ids. The
    admin API caps bodies, so ``benchmarks.mock_server`` loads the result in-process.
    """
    _api(base, "POST", "/v1/1/orders", json.loads(_ORDER))
    state = _admin(base, "GET", "/_mock/state")
    one = next(s for s in state["stores"] if str(s["id"]) == "1")
    order = one["orders"][-1]
    fos = [fo for fo in one["fulfillment_orders"] if str(fo.get("order_id")) == str(order["id"])]
    stores = []
    for store_id, orders in sizes.items():
        store = {k: copy.deepcopy(one[k]) for k in ("name", "locations", "products")}
        store["id"] = store_id
        token = f"bench-token-{store_id}"
        scopes = one["installations"][1]["scopes"]
        store["installations"] = [{"app_id": "1002", "access_token": token, "scopes": scopes}]
        store["orders"], store["fulfillment_orders"] = [], []
        base_id = 1_000_000 * int(store_id)
        for i in range(orders):
            o = dict(order, id=base_id + i, number=1000 + i, store_id=store_id)
            o["products"] = [dict(li, id=base_id + i) for li in order["products"][:1]]
            store["orders"].append(o)
            o["fulfillments"] = []
            for fo in fos[:1]:
                fo_id = f"{fo['id']}-{store_id}-{i}"
                store["fulfillment_orders"].append(dict(fo, id=fo_id, order_id=o["id"]))
                o["fulfillments"].append(fo_id)
        stores.append(store)
    return {"stores": stores}


@benchmark
def mock_throughput(settings: Settings) -> Table:
    seconds = 1.0 if settings.quick else 5.0
    big = 2_000 if settings.quick else 100_000
    table = Table("mock_throughput", settings.quick)
    with tempfile.TemporaryDirectory(prefix="miready-bench-") as t:
        tmp = Path(t)
        with procs.mock(tmp) as first:
            fixture = big_stores(first.url, {"900": 100, "901": big})
        (tmp / "big.json").write_text(json.dumps(fixture))
        del fixture
        lists = {"100": "900", f"{big // 1000}k": "901"}
        with procs.mock_with(tmp / "big.json", tmp) as mock:
            placed = _api(mock.url, "POST", "/v1/1/orders", json.loads(_ORDER))
            workload = {"get": GET_ONLY, "mixed": mixed_workload(placed["id"])}
            runs: dict[str, list[Sample]] = {}
            sample(mock, GET_ONLY, 4, 0.5, mock)  # warm-up
            for _ in range(settings.rounds):
                for key, calls in workload.items():
                    got = sample(mock, calls, CONNECTIONS, seconds, mock)
                    runs.setdefault(key, []).append(got)
                for label, store in lists.items():
                    calls = [load.Call("GET", f"/v1/{store}/orders?per_page=50")]
                    headers = {**load.HEADERS, "Authentication": f"bearer bench-token-{store}"}
                    before = mock.cpu()
                    r = load.run(mock.url, calls, 4, seconds, headers)
                    cpu = (mock.cpu() - before) * 1000 / max(1, r.requests)
                    runs.setdefault(label, []).append(
                        Sample(r.rps, r.p50_ms, r.p99_ms, cpu, r.errors, r.tool)
                    )

    def fig(k: str, attr: str) -> Figure:
        return Figure.of([getattr(s, attr) for s in runs[k]])

    get_rps = fig("get", "rps")
    table.add(f"GET-only @{CONNECTIONS} req/s", get_rps, "req/s")
    table.add(f"GET-only @{CONNECTIONS} p99", fig("get", "p99_ms"), "ms")
    mixed = fig("mixed", "rps")
    table.add(
        f"mixed @{CONNECTIONS} req/s", mixed, "req/s", baseline="GET-only", baseline_value=get_rps,
        goal=f">= {GOAL_MIXED_RPS:,.0f}", met=mixed.median >= GOAL_MIXED_RPS,
    )  # fmt: skip
    p99 = fig("mixed", "p99_ms")
    table.add(
        f"mixed @{CONNECTIONS} p99", p99, "ms",
        goal=f"<= {GOAL_MIXED_P99:g} ms", met=p99.median <= GOAL_MIXED_P99,
    )  # fmt: skip
    table.add("mixed CPU/req", fig("mixed", "cpu_ms_per_request"), "ms")
    small_label, big_label = list(lists)
    small = fig(small_label, "rps")
    table.add(f"GET /orders?per_page=50 @{small_label} orders", small, "req/s")
    big_rps = fig(big_label, "rps")
    # the goal is on cost: the big store's time per call within 1.3x the small store's
    met = small.median / big_rps.median <= GOAL_LIST_RATIO if big_rps.median else False
    table.add(
        f"GET /orders?per_page=50 @{big_label} orders", big_rps, "req/s",
        baseline=f"@{small_label}", baseline_value=small,
        goal=f"time <= {GOAL_LIST_RATIO}x @{small_label}", met=met,
    )  # fmt: skip
    errors = {k: sum(s.errors for s in v) for k, v in runs.items()}
    table.notes.append(
        f"{runs['get'][0].tool} in its own process, {seconds:g} s per run; lists at 4"
        f" connections; mixed = 4 GETs, POST /orders, GET fulfillment orders, PUT /products;"
        f" non-2xx answers: {errors}"
    )
    return table
