"""``miready proxy --workers 2`` against 1 worker: throughput in interleaved rounds, exact counts.

Both proxies record to SQLite through their journals, as shipped. Every round loads each in turn
(same connections, same calls), so the same-round ratio cancels load that comes and goes. After
the last round both stop with SIGTERM (each worker drains) and three counts are set side by side:
what wrk counted as answered, what the proxies say they answered (their exit lines) and the rows
in their ledgers. wrk cuts the requests in flight at the end of each run, so it may count a few
less than the proxies answered; the ledger must hold exactly what the proxies answered.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import asdict
from pathlib import Path

from miready.certifier.ledger import open_ledger

from benchmarks import procs
from benchmarks.measure import Sample, sample
from benchmarks.proxy_overhead import CALLS
from benchmarks.registry import Settings, benchmark
from benchmarks.report import Table
from benchmarks.stats import Figure

ONE, TWO = "1 worker", "2 workers"
WORKERS = {ONE: 1, TWO: 2}
# what a proxy logs at exit: one worker's own line, or a supervisor's totals
ANSWERED = re.compile(r"(?:ledger|workers) at exit[^:]*: (\d+) calls answered")
BY_WORKER = re.compile(r"calls answered \(by worker ([^)]*)\)")


@benchmark
def proxy_scale_out(settings: Settings) -> Table:
    conns = [16] if settings.quick else [16, 64]
    seconds = 1.0 if settings.quick else 5.0
    table = Table("proxy_scale_out", settings.quick)
    samples: dict[tuple[str, int], list[Sample]] = {}
    with tempfile.TemporaryDirectory(prefix="miready-bench-") as t:
        tmp = Path(t)
        from miready.proxy.embed import prepare_confdir  # noqa: PLC0415 - loads mitmproxy

        prepare_confdir(tmp / "miready-conf")  # the CA once, before proxies start at once
        with procs.mock(tmp) as mock:
            servers = {
                name: procs.miready_proxy(mock.url, tmp, name=_slug(name), workers=n)
                for name, n in WORKERS.items()
            }
            try:
                for s in servers.values():
                    s.launch()
                for s in servers.values():
                    s.wait()
                warm = {name: sample(s, CALLS, 4, 0.5, s) for name, s in servers.items()}
                for _ in range(settings.rounds):
                    for c in conns:
                        for name, s in servers.items():
                            samples.setdefault((name, c), []).append(
                                sample(s, CALLS, c, seconds, s)
                            )
            finally:
                for s in servers.values():
                    s.stop()
            counts = {
                name: _counts(s, tmp, name, warm[name], samples) for name, s in servers.items()
            }
    _fill(table, samples, conns, counts)
    tool = next(iter(samples.values()))[0].tool
    table.notes.append(
        f"load: {tool} in its own process, {seconds:g} s per run, GETs of small JSON on loopback,"
        " both proxies recording to SQLite through their journals; CPU per request is the proxy's"
        " (all its processes: the supervisor and its workers)"
    )
    for name, c in counts.items():
        split = f"; by worker {c['by_worker']}" if c["by_worker"] else ""
        table.notes.append(
            f"{name}: wrk counted {c['wrk']} answers, the proxy answered {c['answered']}, its "
            f"ledger holds {c['recorded']}{split}"
        )
    errors = {f"{n}@{c}": sum(x.errors for x in v) for (n, c), v in samples.items()}
    if any(errors.values()):
        table.notes.append(f"error answers seen: {errors}")
    table.extra["samples"] = {f"{n}@{c}": [asdict(x) for x in v] for (n, c), v in samples.items()}
    table.extra["counts"] = counts
    return table


def _slug(name: str) -> str:
    return "miready-" + name.replace(" ", "-")


def _counts(
    server: procs.Server,
    tmp: Path,
    name: str,
    warm: Sample,
    samples: dict[tuple[str, int], list[Sample]],
) -> dict[str, object]:
    """Answers counted by wrk, by the proxy (its exit line) and rows in its ledger."""
    ran = [warm] + [x for (n, _), v in samples.items() if n == name for x in v]
    log = server.log_path.read_text(errors="replace")
    said = ANSWERED.findall(log)
    split = BY_WORKER.search(log)
    ledger = open_ledger(procs.ledger_url(tmp, _slug(name)))
    try:
        recorded = ledger.count_calls()
    finally:
        ledger.close()
    return {
        "wrk": sum(x.requests for x in ran),
        "answered": int(said[-1]) if said else -1,
        "recorded": recorded,
        "by_worker": split.group(1) if split else "",
    }


def _fill(
    table: Table,
    samples: dict[tuple[str, int], list[Sample]],
    conns: list[int],
    counts: dict[str, dict[str, object]],
) -> None:
    def fig(name: str, c: int, attr: str) -> Figure:
        return Figure.of([getattr(x, attr) for x in samples[(name, c)]])

    for c in conns:
        table.add(f"{ONE} @{c} req/s", fig(ONE, c, "rps"), "req/s")
        table.add(
            f"{TWO} @{c} req/s", fig(TWO, c, "rps"), "req/s",
            baseline=ONE, baseline_value=fig(ONE, c, "rps"),
        )  # fmt: skip
        pairs = zip(samples[(TWO, c)], samples[(ONE, c)], strict=True)
        ratio = Figure.of([a.rps / b.rps if b.rps else 0.0 for a, b in pairs])
        table.add(f"{TWO} / {ONE} @{c} throughput, same round", ratio, "x")
        table.add(f"{ONE} @{c} CPU/req", fig(ONE, c, "cpu_ms_per_request"), "ms")
        table.add(
            f"{TWO} @{c} CPU/req", fig(TWO, c, "cpu_ms_per_request"), "ms",
            baseline=ONE, baseline_value=fig(ONE, c, "cpu_ms_per_request"),
        )  # fmt: skip
        table.add(f"{TWO} @{c} p99", fig(TWO, c, "p99_ms"), "ms",
                  baseline=ONE, baseline_value=fig(ONE, c, "p99_ms"))  # fmt: skip
    for name, got in counts.items():
        answered, recorded = got["answered"], got["recorded"]
        assert isinstance(answered, int) and isinstance(recorded, int)
        table.add(f"{name}: calls the proxy answered", Figure.of([answered]), "calls")
        table.add(
            f"{name}: recorded minus answered", Figure.of([recorded - answered]), "calls",
            goal="= 0", met=answered >= 0 and recorded == answered,
        )  # fmt: skip
