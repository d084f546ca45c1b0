"""Running the mock: `start_mock` (async), `MockServer` (thread, sync code), `run_mock` (CLI)."""

from __future__ import annotations

import asyncio
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web
from miready.mocks.admin_token import DEFAULT_FILE, ENV_VAR, bearer, write_token_file
from miready.mocks.app import SAMPLE_FIXTURE, create_app
from miready.mocks.config import MockConfig
from miready.mocks.keys import own_ports_key, platform_key
from miready.mocks.wire import MockRunner


@dataclass
class RunningMock:
    app: web.Application
    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def store_url(self, store_id: str) -> str:
        return f"{self.url}/v1/{store_id}"

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_mock(
    config: MockConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    sock: socket.socket | None = None,
) -> RunningMock:
    """Serve `create_app(config)` on host:port (0 picks a free port), or on `sock`, a listening
    socket bound beforehand (its address is known before the app is built); return where."""
    app = create_app(config)
    runner = MockRunner(app, access_log=None)
    await runner.setup()
    site = web.SockSite(runner, sock) if sock is not None else web.TCPSite(runner, host, port)
    await site.start()
    real_port = runner.addresses[0][1]
    app[own_ports_key].update(address[1] for address in runner.addresses)
    return RunningMock(app=app, runner=runner, host=host, port=real_port)


class MockServer:
    """`with MockServer(fixture=...) as m: requests.get(m.url + ...)`: the mock in a thread."""

    def __init__(
        self,
        fixture: Path | str | None = SAMPLE_FIXTURE,
        *,
        legacy: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
        config: MockConfig | None = None,
        admin_token: str | None = None,
        sock: socket.socket | None = None,
    ) -> None:
        """``sock``: serve on this listening socket, bound beforehand, not on host:port."""
        if config is None:
            extra = {} if admin_token is None else {"admin_token": admin_token}
            config = MockConfig(fixture=fixture, legacy=legacy, **extra)
        self.config = config
        self.host, self.port = host, port
        self.sock = sock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self.running: RunningMock | None = None

    @property
    def url(self) -> str:
        assert self.running is not None, "the server is not started"
        return self.running.url

    @property
    def admin_token(self) -> str:
        """What every `/_mock/` call sends as `Authorization: Bearer <admin_token>`."""
        return self.config.admin_token

    @property
    def admin_headers(self) -> dict[str, str]:
        return bearer(self.config.admin_token)

    @property
    def app(self) -> web.Application:
        assert self.running is not None, "the server is not started"
        return self.running.app

    @property
    def platform(self):  # noqa: ANN201 - mocks.state.platform.Platform
        return self.app[platform_key]

    def start(self) -> MockServer:
        self._thread = threading.Thread(target=self._run, name="miready-mock", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise RuntimeError("the mock failed to start") from self._error
        return self

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            self.running = await start_mock(self.config, self.host, self.port, self.sock)
        except BaseException as e:  # reported to the starting thread
            if self.sock is not None:
                self.sock.close()
            self._error = e
            self._ready.set()
            return
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            await self.running.close()

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def run_mock(
    host: str = "127.0.0.1",
    port: int = 8080,
    fixture: Path | str | None = SAMPLE_FIXTURE,
    legacy: bool = True,
    allow_remote_admin: bool = False,
    options: dict[str, Any] | None = None,  # more MockConfig fields (rate_limit, readiness, ...)
    admin_token: str | None = None,
    admin_token_file: Path | str | None = DEFAULT_FILE,
) -> None:
    """Serve until interrupted, printing the URL, the admin token's file and every app token.

    `admin_token` None: a fresh token, printed. Either way it is written to `admin_token_file`
    (owner-only) so the operator's tools can read it; None there writes nothing.
    """
    generated = admin_token is None
    extra = {} if admin_token is None else {"admin_token": admin_token}
    config = MockConfig(
        fixture=fixture,
        legacy=legacy,
        allow_remote_admin=allow_remote_admin,
        **(options or {}),
        **extra,
    )

    async def main() -> None:
        running = await start_mock(config, host, port)
        written = None
        if admin_token_file is not None:
            written = write_token_file(config.admin_token, admin_token_file)
        platform = running.app[platform_key]
        print(
            f"miready mock listening on {running.url} "
            f"(legacy endpoints {'on' if legacy else 'off'})"
        )
        for inst in platform.installations.values():
            app = platform.apps[inst.app_id]
            print(
                f"  store {inst.store_id}: {running.store_url(inst.store_id)}"
                f"  app {inst.app_id} ({app.name})"
                f"  Authentication: bearer {inst.access_token}  scopes: {','.join(inst.scopes)}"
            )
        print(f"  admin API: {running.url}/_mock/state  (loopback only, with the admin token)")
        if generated:
            print(f"  admin token (generated): Authorization: Bearer {config.admin_token}")
        else:
            print(f"  admin token: as given (--admin-token or ${ENV_VAR})")
        if written is not None:
            print(f"  admin token file: {written}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await running.close()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
