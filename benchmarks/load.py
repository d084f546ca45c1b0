"""Load from a separate process: ``wrk`` (installed from Debian's packages if missing) or an
aiohttp client process when wrk cannot be had. Returns throughput and latency percentiles."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HEADERS = {"Authentication": "bearer demo-ready-token-0002", "User-Agent": "miready-bench"}


@dataclass(frozen=True, slots=True)
class Call:
    """One request of a workload, sent in turn with the others."""

    method: str
    path: str
    body: str | None = None


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and non-2xx/3xx answers
    tool: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@cache
def wrk() -> str | None:
    """The wrk binary; installs Debian's package (non-interactive) once if it is missing."""
    found = shutil.which("wrk")
    if found or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "wrk"], env=env, timeout=300, check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return shutil.which("wrk")


def _lua(calls: list[Call], headers: dict[str, str]) -> str:
    def s(x: str | None) -> str:
        return "nil" if x is None else json.dumps(x)  # a JSON string is a valid Lua string here

    rows = ",\n".join(f"  {{{s(c.method)}, {s(c.path)}, {s(c.body)}}}" for c in calls)
    hdrs = ", ".join(f"[{s(k)}] = {s(v)}" for k, v in headers.items())
    return f"""
local calls = {{
{rows}
}}
local i = math.random(#calls) - 1
request = function()
  i = i % #calls + 1
  local c = calls[i]
  local h = {{{hdrs}}}
  if c[3] then h["Content-Type"] = "application/json" end
  return wrk.format(c[1], c[2], h, c[3])
end
"""


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(m.group(1)) * _UNITS[m.group(2)] if m else float("nan")


def parse_wrk(out: str, seconds: float) -> LoadResult:
    total = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    requests = int(total.group(1)) if total else 0
    elapsed = _ms(total.group(2) + total.group(3)) / 1000 if total else seconds
    pct = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)", out, re.M))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(n) for n in sock.groups()) if sock else 0
    p50 = _ms(pct["50"]) if "50" in pct else float("nan")
    p99 = _ms(pct["99"]) if "99" in pct else float("nan")
    return LoadResult(requests, elapsed, p50, p99, errors, "wrk")


def run(
    base: str,
    calls: list[Call],
    connections: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """``connections`` keep-alive connections for ``seconds`` against ``base``, in a child."""
    headers = HEADERS if headers is None else headers
    binary = wrk()
    timeout = seconds + 60
    if binary is None:
        return _run_aiohttp(base, calls, connections, seconds, headers, timeout)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_lua(calls, headers))
    try:
        threads = max(1, min(2, connections))
        duration = max(1, round(seconds))  # wrk takes whole seconds
        cmd = [binary, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
        cmd += ["--timeout", "10s", "-s", f.name, base]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError(f"wrk exited {out.returncode}: {out.stderr or out.stdout}")
    finally:
        Path(f.name).unlink(missing_ok=True)
    return parse_wrk(out.stdout, seconds)


def _run_aiohttp(
    base: str,
    calls: list[Call],
    connections: int,
    seconds: float,
    headers: dict[str, str],
    timeout: float,
) -> LoadResult:
    spec = {
        "base": base,
        "calls": [[c.method, c.path, c.body] for c in calls],
        "connections": connections,
        "seconds": seconds,
        "headers": headers,
    }
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.aiohttp_load"], input=json.dumps(spec),
        capture_output=True, text=True, timeout=timeout, check=True,
    )  # fmt: skip
    r = json.loads(out.stdout)
    return LoadResult(r["requests"], r["seconds"], r["p50_ms"], r["p99_ms"], r["errors"], "aiohttp")
