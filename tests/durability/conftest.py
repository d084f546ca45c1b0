"""What the durability tests share: a store that answers any status asked, apps, and a burst.

Every call is told apart in the ledger by (app, status): client k uses app ``client-k`` (an
``apps.yaml`` identity) and its n-th call asks the store for the n-th status of ``STATUSES``, so
the calls an app got answers for can be matched one by one against the calls the ledger holds.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web
from miready.certifier.ledger import open_ledger
from miready.contracts.tokens import token_id

# 2xx statuses a response may carry a body with (204 and 205 may not).
STATUSES = [s for s in range(200, 300) if s not in (204, 205)]
DEADLINE_S = 120.0  # generous: the machine is shared
POSTGRES_URL = os.environ.get(
    "MIREADY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)

Call = tuple[str, int]  # (app id, status)


class EchoStore:
    """A store on 127.0.0.1:0 in a thread, answering every call with the status it is asked."""

    def __init__(self) -> None:
        self.url = ""
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._serve()), daemon=True)

    async def _serve(self) -> None:
        async def answer(request: web.Request) -> web.Response:
            status = int(request.headers.get("X-Echo-Status", "200"))
            return web.json_response({"ok": True}, status=status)

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", answer)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()

    def __enter__(self) -> EchoStore:
        self._thread.start()
        assert self._ready.wait(DEADLINE_S), "the echo store did not start"
        return self

    def __exit__(self, *_: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


@pytest.fixture(scope="module")
def store() -> Iterator[EchoStore]:
    with EchoStore() as running:
        yield running


def write_apps_file(path: Path, clients: int) -> dict[str, str]:
    """apps.yaml naming ``client-k`` for each token; token -> app id."""
    tokens = {f"durability-token-{k:03d}": f"client-{k}" for k in range(clients)}
    path.write_text(
        yaml.safe_dump(
            {token_id(t): {"app_id": a, "name": a, "scopes": ["read_products"]}
             for t, a in tokens.items()}
        ),
        encoding="utf-8",
    )  # fmt: skip
    return tokens


@dataclass
class Burst:
    """``clients`` apps calling through ``base`` at once, ``per_client`` calls each at most.

    Each client stops at its first failed call (the proxy went away). ``when(n, action)`` runs
    ``action`` in a thread once ``n`` calls were answered. Bounded: ``DEADLINE_S`` in all.
    """

    base: str
    tokens: dict[str, str]
    per_client: int
    answered: set[Call] = field(default_factory=set)
    failed: int = 0
    _triggers: list[tuple[int, Callable[[], None]]] = field(default_factory=list)
    _fired: list[threading.Thread] = field(default_factory=list)

    def when(self, answered: int, action: Callable[[], None]) -> Burst:
        self._triggers.append((answered, action))
        return self

    def run(self) -> Burst:
        assert self.per_client <= len(STATUSES)
        asyncio.run(asyncio.wait_for(self._run(), DEADLINE_S))
        for thread in self._fired:
            thread.join(DEADLINE_S)
        return self

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            await asyncio.gather(*(self._client(session, t, a) for t, a in self.tokens.items()))

    async def _client(self, session: aiohttp.ClientSession, token: str, app_id: str) -> None:
        headers = {"Authentication": f"bearer {token}", "User-Agent": f"{app_id}/1.0"}
        for status in STATUSES[: self.per_client]:
            try:
                async with session.get(
                    self.base + "/v1/1/products", headers={**headers, "X-Echo-Status": str(status)}
                ) as response:
                    await response.read()
                    if response.status != status:
                        raise AssertionError(f"asked {status}, got {response.status}")
            except (TimeoutError, aiohttp.ClientError):
                self.failed += 1
                return
            self.answered.add((app_id, status))
            self._fire()

    def _fire(self) -> None:
        n = len(self.answered)
        for trigger in [t for t in self._triggers if t[0] <= n]:
            self._triggers.remove(trigger)
            thread = threading.Thread(target=trigger[1], daemon=True)
            thread.start()
            self._fired.append(thread)


def recorded_calls(url: str) -> list[Call]:
    """Every identified call the ledger holds, as (app id, status), repeats kept."""
    ledger = open_ledger(url)
    try:
        return [(c.app_id, c.status) for c in ledger.scan_calls(None)]
    finally:
        ledger.close()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)
