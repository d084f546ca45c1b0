"""What the recording proxy costs per call, against two baselines measured in the same run.

Baselines: the mock direct, and bare mitmproxy (``mitmdump`` in reverse mode, no addons of
ours), so the figures separate mitmproxy's own cost from miready's addons.

    python benchmarks/bench_proxy.py [--requests 2000] [--concurrency 16] [--seconds 20]

The mock and the proxy each run in their own process (mitmproxy is bound to one core), the load
comes from this process with aiohttp. Every loop is bounded by a request count and a time limit.
Prints requests per second and latency percentiles for both paths, and the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from miready.proxy.process import ProxyProcess  # noqa: E402

HEADERS = {
    "Authentication": "bearer demo-ready-token-0002",
    "User-Agent": "bench (bench@example.com)",
}
PATHS = ["/v1/1/locations", "/v1/1/products/10", "/v1/1/orders?per_page=5"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def load(base: str, requests: int, concurrency: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    counter = iter(range(requests))

    async def worker(session: aiohttp.ClientSession) -> None:
        for i in counter:
            if time.monotonic() > deadline:
                return
            start = time.perf_counter()
            async with session.get(base + PATHS[i % len(PATHS)], headers=HEADERS) as r:
                await r.read()
                assert r.status == 200, r.status
            latencies.append(time.perf_counter() - start)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        began = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def show(name: str, r: dict[str, float]) -> None:
    print(
        f"  {name:<31} {r['requests']:>6.0f} req  {r['rps']:>8.0f} req/s"
        f"  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms"
    )


def wait_for_port(port: int) -> None:
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def start_mitmdump(upstream: str, confdir: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    mitmdump = Path(sys.executable).with_name("mitmdump")
    process = subprocess.Popen(
        [
            str(mitmdump),
            "-q",
            "--mode",
            f"reverse:{upstream}",
            "--listen-host",
            "127.0.0.1",
            "--listen-port",
            str(port),
            "--set",
            f"confdir={confdir}",
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port)
    return process, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    port = free_port()
    mock = subprocess.Popen(
        [sys.executable, "-m", "miready", "mock", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        cwd=Path(__file__).resolve().parents[1],
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port)
        with tempfile.TemporaryDirectory() as tmp:
            ledger = f"sqlite:///{tmp}/bench.db"
            run = lambda url, n: asyncio.run(load(url, n, args.concurrency, args.seconds))  # noqa: E731
            run(base, 200)  # warm up
            direct = run(base, args.requests)
            bare_process, bare_url = start_mitmdump(base, f"{tmp}/mitmdump")
            try:
                run(bare_url, 200)
                bare = run(bare_url, args.requests)
            finally:
                bare_process.terminate()
                bare_process.wait(10)
            with ProxyProcess(base, ledger_url=ledger) as proxy:
                run(proxy.url, 200)
                proxied = run(proxy.url, args.requests)
    finally:
        mock.terminate()
        mock.wait(10)
    print(f"proxy overhead, {args.concurrency} connections, GETs of small JSON on loopback:")
    show("baseline: mock direct", direct)
    show("baseline: bare mitmproxy", bare)
    show("miready proxy (observe+ledger)", proxied)
    print(
        f"  ratios: miready proxy throughput {proxied['rps'] / direct['rps']:.2f}x of direct,"
        f" {proxied['rps'] / bare['rps']:.2f}x of bare mitmproxy;"
        f" p50 +{proxied['p50_ms'] - bare['p50_ms']:.2f} ms over bare mitmproxy"
    )


if __name__ == "__main__":
    main()
