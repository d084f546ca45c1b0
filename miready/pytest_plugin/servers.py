"""The servers of one pytest worker: mock stores and their recording proxies, started on use."""

from __future__ import annotations

import shutil
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from miready.pytest_plugin.admin import MockAdmin
from miready.pytest_plugin.options import Settings
from miready.pytest_plugin.tally import Finding, Tally, read_ledger

if TYPE_CHECKING:
    from miready.mocks.server import MockServer
    from miready.proxy.process import ProxyProcess

FLUSH_TIMEOUT_S = 60.0  # generous: a loaded machine drains slowly, and a timeout fails the run


class FixtureError(Exception):
    """A store fixture that cannot be served; the message names the file and the cause."""


class MireadyStore:
    """A running mock store: where it is, the app under test's token, the fixture's ids, admin.

    ``location_ids`` are in priority order (the first is the default location); ``product_ids``
    and ``variant_ids`` (product id -> its variant ids) are those of the fixture.
    """

    def __init__(self, server: MockServer, store_id: str, app_id: str, scopes: list[str]) -> None:
        self.server = server
        self.url = server.url
        self.store_id = store_id
        self.app_id = app_id
        self.scopes = list(scopes)
        self.admin = MockAdmin(self.url, getattr(server, "admin_token", None))
        store = server.platform.stores[store_id]
        self.location_ids = [loc["id"] for loc in store.locations_by_priority()]
        self.default_location_id = self.location_ids[0] if self.location_ids else None
        self.product_ids = sorted(store.products)
        self.variant_ids: dict[int, list[int]] = {p: [] for p in self.product_ids}
        for variant_id, variant in sorted(store.variants.items()):
            self.variant_ids.setdefault(variant["product_id"], []).append(variant_id)
        self.token = self.install_app(app_id, scopes, name="App under test")

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1/{self.store_id}"

    def install_app(self, app_id: str, scopes: Any, name: str = "") -> str:
        """Install another app in this store with ``scopes``; returns its token."""
        return self.admin.install_app(self.store_id, app_id, scopes, name)

    def advance_clock(self, seconds: float = 0, *, days: float = 0) -> str:
        return self.admin.advance_clock(seconds, days=days)

    def set_clock(self, now: str) -> str:
        return self.admin.set_clock(now)

    def faults(self, *rules: dict[str, Any], seed: int | None = None) -> Any:
        return self.admin.faults(*rules, seed=seed)

    def legacy(self, enabled: bool) -> bool:
        return self.admin.legacy(enabled)

    def reset(self) -> None:
        """Back to the fixture's data, clock, faults and legacy switch; the token stays valid."""
        self.admin.reset()
        body = {"app_id": self.app_id, "name": "App under test", "scopes": self.scopes}
        body["access_token"] = self.token
        self.admin.call("POST", f"/_mock/stores/{self.store_id}/apps", body)

    def unproxied(self) -> int:
        """API calls that reached this store without passing through a miready proxy."""
        from miready.mocks.keys import traffic_key

        return self.server.app[traffic_key].unproxied


class RecordingProxy:
    """The recording proxy (a child process) in front of one mock store, with its own ledger."""

    def __init__(self, store: MireadyStore, process: ProxyProcess, ledger_path: Path) -> None:
        self.store = store
        self.process = process
        self.ledger_path = ledger_path
        self.ledger_url = f"sqlite:///{ledger_path}"

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1/{self.store.store_id}"

    def flush(self) -> None:
        """Wait until every call the proxy has seen is in the ledger; fail loudly if it is not."""
        if self.process.port is not None and not self.process.wait_until_recorded(FLUSH_TIMEOUT_S):
            import pytest

            pytest.fail(
                f"miready: the proxy did not record every call within {FLUSH_TIMEOUT_S:.0f} s "
                f"(status {self.process.status()}); findings would be incomplete",
                pytrace=False,
            )

    def findings(self) -> list[Finding]:
        """Every rule hit recorded so far, per (app, rule)."""
        self.flush()
        return read_ledger(self.ledger_url).findings()


class MireadyProxy:
    """What a test sees: the shared proxy, with ``findings()`` counting this test's calls only."""

    def __init__(self, proxy: RecordingProxy) -> None:
        self._proxy = proxy
        self.store = proxy.store
        self.url, self.api_url, self.ledger_url = proxy.url, proxy.api_url, proxy.ledger_url
        self.token = proxy.store.token
        self._baseline = {(f.app_id, f.rule_id): f.count for f in proxy.findings()}

    def findings(self) -> list[Finding]:
        """(app_id, rule_id, count, first example) of each deprecated call since the test began."""
        result = []
        for f in self._proxy.findings():
            count = f.count - self._baseline.get((f.app_id, f.rule_id), 0)
            if count > 0:
                result.append(f._replace(count=count))
        return result

    def all_findings(self) -> list[Finding]:
        """Every finding of this worker's proxy, since the session started."""
        return self._proxy.findings()


class MireadySession:
    """The servers of one worker, started on first use and keyed by fixture file.

    Thread-safe: ``prestart`` may run in a background thread while tests use the servers.
    """

    def __init__(self, settings: Settings, tmp: Path) -> None:
        self.settings = settings
        self.tmp = tmp
        self.test_file = tmp / "running-test"
        self.stores: dict[str, MireadyStore] = {}
        self.proxies: dict[str, RecordingProxy] = {}
        self.in_use = False  # a test set the session fixture up (a prestart alone is not use)
        self.closed = False
        self._lock = threading.RLock()
        self._prestart: threading.Thread | None = None

    def set_test(self, test_id: str | None) -> None:
        """Tell the proxies which test is running (None: between tests)."""
        from miready.proxy.testfile import write_test_id

        write_test_id(self.test_file, test_id)

    def prestart(self, fixture: Path | None, source: str = "") -> None:
        """Start the store and proxy of ``fixture`` in a background thread, so the first test
        that asks for them finds them ready (or waits less). A failure is left for that test's
        own request to raise again, with its message."""

        def run() -> None:
            try:
                self.proxy(fixture, source).findings()  # the first baseline's imports, too
            except BaseException:  # raised again, with its message, by the fixture that asks
                pass

        self._prestart = threading.Thread(target=run, name="miready-prestart", daemon=True)
        self._prestart.start()

    def store(self, fixture: Path | None, source: str = "") -> MireadyStore:
        key = str(fixture or "")
        with self._lock:
            if key not in self.stores:
                self.stores[key] = self._start_store(fixture, source)
            return self.stores[key]

    def proxy(self, fixture: Path | None, source: str = "") -> RecordingProxy:
        key = str(fixture or "")
        with self._lock:
            if key not in self.proxies:
                self.proxies[key] = self._start_proxy(key, fixture, source)
            return self.proxies[key]

    def _start_store(
        self, fixture: Path | None, source: str, sock: socket.socket | None = None,
        admin_token: str | None = None,
    ) -> MireadyStore:  # fmt: skip
        server = start_mock(fixture, source, sock, admin_token)
        store_id = sorted(server.platform.stores)[0]
        app_id, scopes = self.settings.app_id, list(self.settings.scopes)
        return MireadyStore(server, store_id, app_id, scopes)

    def _start_proxy(self, key: str, fixture: Path | None, source: str) -> RecordingProxy:
        from miready.proxy.process import ProxyProcess

        def launch(upstream: str, admin_token: str) -> ProxyProcess:
            return ProxyProcess(
                upstream,
                ledger_url=f"sqlite:///{ledger}",
                policy=self.settings.policy,
                rules=self.settings.rules,
                options={"miready_test_file": str(self.test_file)},
                admin_token=admin_token,  # for the proxy's token introspection
            ).launch()

        ledger = self.tmp / f"ledger-{len(self.proxies)}.db"
        store = self.stores.get(key)
        if store is not None:
            process = launch(store.url, store.server.admin_token)
        else:
            # The mock's socket first: its port is the proxy's upstream, so the proxy child
            # starts (imports, mostly) while this process loads the mock.
            from miready.mocks.admin_token import new_admin_token

            check_fixture(fixture, source)
            sock, admin_token = listening_socket(), new_admin_token()
            try:
                process = launch(f"http://127.0.0.1:{sock.getsockname()[1]}", admin_token)
            except BaseException:
                sock.close()
                raise
            try:
                store = self.stores[key] = self._start_store(fixture, source, sock, admin_token)
            except BaseException:
                process.close()
                raise
        try:
            process.wait_ready()
        except BaseException:
            process.close()
            raise
        return RecordingProxy(store, process, ledger)

    def unproxied(self) -> int:
        return sum(store.unproxied() for store in list(self.stores.values()))

    def flush(self) -> None:
        for proxy in list(self.proxies.values()):
            proxy.flush()

    def close(self, tally: Tally) -> None:
        """Stop the proxies (they drain their ledgers), tally and keep their ledgers, stop mocks."""
        if self._prestart is not None:  # a start still running finishes first
            self._prestart.join()
        with self._lock:
            if self.closed:
                return
            self.closed = True
        for proxy in self.proxies.values():
            if proxy.process.port is not None and not proxy.process.wait_until_recorded(
                FLUSH_TIMEOUT_S
            ):
                tally.incomplete.append(f"{proxy.url}: {proxy.process.status()}")
            proxy.process.close()
            read = read_ledger(proxy.ledger_url)
            keep = self.settings.keep_ledger
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                kept = keep / f"{self.tmp.name}-{proxy.ledger_path.name}"
                shutil.copyfile(proxy.ledger_path, kept)
                read.ledgers = [f"sqlite:///{kept.resolve()}"]
            tally.merge(read.to_json())
        for store in self.stores.values():
            store.server.stop()


def listening_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on host:port (0: a free port) for ``MockServer(sock=...)``: its
    port is known at once, so the proxy in front of the mock starts while the mock loads."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock


def check_fixture(fixture: Path | None, source: str = "") -> None:
    """A fixture file that does not exist says so, naming where it was set."""
    if fixture is not None and not fixture.is_file():
        why = "no such file" if not fixture.exists() else "not a file"
        raise FixtureError(f"miready fixture {fixture}: {why} (set by {source or 'the plugin'})")


def start_mock(
    fixture: Path | None,
    source: str = "",
    sock: socket.socket | None = None,
    admin_token: str | None = None,
) -> MockServer:
    """Start a mock on port 0 (or on ``sock``); a fixture that cannot be served says which file
    and why."""
    from miready.mocks.server import MockServer

    check_fixture(fixture, source)
    extra: dict[str, Any] = {"sock": sock, "admin_token": admin_token}
    try:
        return (MockServer(**extra) if fixture is None else MockServer(fixture, **extra)).start()
    except RuntimeError as e:
        cause = e.__cause__ or e
        raise FixtureError(
            f"miready fixture {fixture or 'sample.yaml'} (set by {source or 'default'}): "
            f"the mock store cannot load it: {type(cause).__name__}: {cause}"
        ) from cause
