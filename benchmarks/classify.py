"""Per-operation classification time of a realistic mix, through the public rule-pack API."""

from __future__ import annotations

import time

from miready.contracts.params import body_key_paths
from miready.contracts.privacy import forget_param_keys
from miready.contracts.rules import CallFacts, default_rule_pack

from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

GOAL_US = 20.0
_ORDER = {
    "customer": {"name": "Ana", "email": "ana@example.com", "phone": "+54 11 5555 0000"},
    "products": [{"variant_id": 101, "quantity": 2}, {"variant_id": 201, "quantity": 1}],
    "billing_address": {"address": "Av. Santa Fe", "number": "1234", "zipcode": "1425"},
    "shipping_address": {"address": "Av. Cabildo", "number": "2000", "zipcode": "1428"},
    "shipping_pickup_type": "ship",
    "shipping": "correo",
    "shipping_option": "Correo Argentino",
    "note": "leave at the door",
    "payment_status": "paid",
}
_PRODUCT = {
    "name": {"es": "Remera"},
    "variants": [
        {"id": 101, "price": "1000.00", "stock": 3, "sku": "REM-M"},
        {"id": 102, "price": "1000.00", "inventory_levels": [{"location_id": "L1", "stock": 2}]},
    ],
    "tags": "verano",
}
# (operation, method, path template, body or None, query keys, share of the traffic)
MIX = [
    ("GET /orders", "GET", "/orders", None, ("page", "per_page"), 0.30),
    ("GET /orders/{id}", "GET", "/orders/{order_id}", None, (), 0.20),
    ("GET /products/{id}", "GET", "/products/{product_id}", None, (), 0.20),
    ("POST /orders", "POST", "/orders", _ORDER, (), 0.10),
    ("PUT /products/{id}", "PUT", "/products/{product_id}", _PRODUCT, (), 0.10),
    ("POST /orders/{id}/pack", "POST", "/orders/{order_id}/pack", {}, (), 0.05),
    ("unknown path", "GET", None, None, (), 0.05),
]
_FIRST_SEEN_OP = "POST /orders"
_FIRST_SEEN = next(tuple(row[1:5]) for row in MIX if row[0] == _FIRST_SEEN_OP)


def facts(method: str, template: str | None, body: object, query: tuple[str, ...]) -> CallFacts:
    params = body_key_paths(body) if body is not None else frozenset()
    params |= {f"query:{q}" for q in query}
    return CallFacts(method=method, path_template=template, params=frozenset(params))


@benchmark
def classify(settings: Settings) -> Table:
    pack = default_rule_pack()
    n = 300 if settings.quick else 5000
    table = Table("classify", settings.quick)
    times: dict[str, list[float]] = {op: [] for op, *_ in MIX}
    bases: dict[str, list[float]] = {op: [] for op, *_ in MIX}
    cold: list[float] = []
    for _ in range(max(3, settings.rounds)):
        for op, method, template, body, query, _share in MIX:
            t0 = time.perf_counter()
            for _ in range(n):  # the baseline: the call's facts alone (key paths of the body)
                facts(method, template, body, query)
            bases[op].append((time.perf_counter() - t0) / n * 1e6)
            t0 = time.perf_counter()
            for _ in range(n):  # the proxy's per-call work: key paths, then the rules
                pack.classify(facts(method, template, body, query))
            times[op].append((time.perf_counter() - t0) / n * 1e6)
        # the same call with every key name first seen: the memo of kept names emptied each time
        method, template, body, query = _FIRST_SEEN
        t0 = time.perf_counter()
        for _ in range(n):
            forget_param_keys()
            pack.classify(facts(method, template, body, query))
        cold.append((time.perf_counter() - t0) / n * 1e6)
    rounds = range(len(times["GET /orders"]))
    mix = Figure.of([sum(times[op][i] * share for op, *_, share in MIX) for i in rounds])
    for op, *_ in MIX:
        f = Figure.of(times[op])
        table.add(
            op, f, "us", baseline="facts only", baseline_value=Figure.of(bases[op]),
            goal=f"< {GOAL_US:g} us", met=f.median < GOAL_US,
        )  # fmt: skip
    table.add("weighted mix", mix, "us", goal=f"< {GOAL_US:g} us", met=mix.median < GOAL_US)
    table.add(f"{_FIRST_SEEN_OP}, key names first seen", Figure.of(cold), "us")
    table.notes.append(
        f"{n} calls per operation per round; includes body_key_paths of the body, whose kept key"
        " names are remembered after the first call as a proxy remembers recurring names; the"
        " 'first seen' row forgets them before every call"
    )
    return table
