"""Ledger writes per second through ``open_ledger(url).write_calls(records)``, both backends."""

from __future__ import annotations

import json
import tempfile
import time
from contextlib import nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

from miready.certifier.ledger import open_ledger
from miready.certifier.ledger.records import CallRecord

from benchmarks import load, pg, procs
from benchmarks.proxy_overhead import CALLS as PROXY_CALLS
from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

BATCH = 100


def records(n: int, offset: int) -> list[CallRecord]:
    """Calls of 10 apps, a fifth with a finding, spread over a day."""
    start = datetime(2024, 5, 1, tzinfo=UTC)
    out = []
    for i in range(offset, offset + n):
        legacy = i % 5 == 0
        out.append(
            CallRecord(
                at=start + timedelta(seconds=i % 86400),
                app_id=f"app-{i % 10}",
                app_name=f"App {i % 10}",
                store_id="1",
                token_id=f"{i % 10:016x}",
                scopes=("write_orders",),
                operation_id="packOrder" if legacy else "getOrder",
                method="POST" if legacy else "GET",
                path_template="/orders/{order_id}/pack" if legacy else "/orders/{order_id}",
                status=200,
                latency_ms=3.0,
                params=("query:fields",),
                findings=("endpoint.orders.pack",) if legacy else (),
            )
        )
    return out


def writes_per_second(url: str, n: int, batch: int, offset: int) -> float:
    recs = records(n, offset)
    ledger = open_ledger(url)
    try:
        t0 = time.perf_counter()
        for i in range(0, n, batch):
            ledger.write_calls(recs[i : i + batch])
        return n / (time.perf_counter() - t0)
    finally:
        ledger.close()


@benchmark
def ledger_ingest(settings: Settings) -> Table:
    n = 1000 if settings.quick else 20_000
    table = Table("ledger_ingest", settings.quick)
    backends = ["sqlite"]
    missing = pg.unavailable()
    if missing:
        table.notes.append(f"PostgreSQL not measured: {missing}")
    else:
        backends.append("postgresql")
    with tempfile.TemporaryDirectory(prefix="miready-bench-") as t:
        for backend in backends:
            where = pg.schema() if backend == "postgresql" else nullcontext(None)
            with where as pg_url:
                url = pg_url or f"sqlite:///{Path(t) / 'ingest.db'}"
                single, batched = [], []
                for r in range(settings.rounds):  # interleaved: batch of 1, then of BATCH
                    single.append(writes_per_second(url, n // 10, 1, (2 * r) * n))
                    batched.append(writes_per_second(url, n, BATCH, (2 * r + 1) * n))
                base = Figure.of(single)
                table.add(f"{backend} write_calls, 1 per commit", base, "writes/s")
                table.add(
                    f"{backend} write_calls, {BATCH} per commit", Figure.of(batched), "writes/s",
                    baseline="1 per commit", baseline_value=base,
                )  # fmt: skip
        _loop_lag(table, settings, Path(t))
    table.notes.append(
        "each commit is durable (the ledger returns once committed); loop lag: how late a 10 ms"
        " timer fires inside the proxy (lean engine) under wrk at 16 connections, recording to"
        " SQLite against recording nothing (--ledger '')"
    )
    return table


def _loop_lag(table: Table, settings: Settings, tmp: Path) -> None:
    seconds = 1.0 if settings.quick else 5.0
    lags: dict[str, list[dict[str, float]]] = {"recording": [], "no ledger": []}
    with procs.mock(tmp) as mock:
        for r in range(settings.rounds):
            for variant in lags:
                name = f"lag-{variant.replace(' ', '-')}-{r}"
                lag_file = tmp / f"{name}.json"
                proxy = procs.miready_proxy(mock.url, tmp, engine="lean", name=name)
                proxy.env["MIREADY_BENCH_LAG_FILE"] = str(lag_file)
                if variant == "no ledger":
                    i = proxy.cmd.index("--ledger")
                    proxy.cmd[i + 1] = ""
                with proxy:
                    load.run(proxy.url, PROXY_CALLS, 16, seconds)
                lags[variant].append(json.loads(lag_file.read_text()))
    for stat in ("p50_ms", "p99_ms"):
        base = Figure.of([x[stat] for x in lags["no ledger"]])
        table.add(f"proxy loop lag, no ledger, {stat[:3]}", base, "ms")
        table.add(
            f"proxy loop lag, recording, {stat[:3]}",
            Figure.of([x[stat] for x in lags["recording"]]), "ms",
            baseline="no ledger", baseline_value=base,
        )  # fmt: skip
