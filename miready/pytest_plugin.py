"""pytest plugin: a mock store and a recording proxy for an app's own contract tests.

Fixtures (``miready_store``, ``miready_proxy``) and an opt-in gate (``--miready-gate``) that fails
the run when the app under test made a deprecated call. What is shared, per pytest-xdist worker:

- the mock server (one per fixture file) and its data: orders, products and stock made by one
  test are visible to the next; the default app and its token are installed once;
- the recording proxy in front of each mock, and its SQLite ledger in the worker's tmp dir.

What is per test: ``miready_proxy.findings()`` counts only the calls made since the test started.

Nothing heavy is imported at module level: mocks, proxy and certifier load only when a test
asks for a fixture, so installing miready does not slow down unrelated suites.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from miready.mocks.server import MockServer
    from miready.proxy.process import ProxyProcess

# The scopes of the sample fixture's ready app (1002): every scope the migrated API needs.
DEFAULT_SCOPES = (
    "write_products",
    "write_orders",
    "write_locations",
    "write_draft_orders",
    "write_shipping",
    "write_fulfillment_orders",
)
DEFAULT_APP_ID = "app-under-test"
WORKER_OUTPUT_KEY = "miready_findings"
FLUSH_TIMEOUT_S = 60.0  # generous: a loaded machine drains slowly, and a timeout fails the run
UNRECORDED_KEY = "miready_unrecorded"
# Rollups are per UTC day; the widest range reads every day the ledger holds.
ALL_DAYS = (date(1970, 1, 1), date(9999, 12, 31))


class Finding(NamedTuple):
    """One deprecated rule an app hit: how often, and the first redacted example (parsed JSON)."""

    app_id: str
    rule_id: str
    count: int
    example: Any


@dataclass
class FindingTally:
    """Findings and observed apps, merged across proxies and xdist workers (JSON round-trip)."""

    apps: set[str] = field(default_factory=set)
    hits: dict[tuple[str, str], Finding] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        key = (finding.app_id, finding.rule_id)
        old = self.hits.get(key)
        if old is None:
            self.hits[key] = finding
        else:
            example = old.example if old.example is not None else finding.example
            self.hits[key] = old._replace(count=old.count + finding.count, example=example)

    def merge(self, data: dict[str, Any]) -> None:
        self.apps.update(data.get("apps", []))
        for row in data.get("findings", []):
            self.add(Finding(*row))

    def to_json(self) -> dict[str, Any]:
        return {"apps": sorted(self.apps), "findings": [list(f) for f in self.findings()]}

    def findings(self) -> list[Finding]:
        return [self.hits[k] for k in sorted(self.hits)]


tally_key = pytest.StashKey[FindingTally]()
unrecorded_key = pytest.StashKey[list[str]]()  # proxies that did not record every call in time


# -- options -----------------------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("miready", "miready: mock store, recording proxy, deprecation gate")
    group.addoption(
        "--miready-gate",
        action="store_true",
        default=None,
        help="fail the run if the app under test made any deprecated call (ini: miready_gate)",
    )
    group.addoption(
        "--miready-junit",
        metavar="PATH",
        default=None,
        help="write a JUnit XML file: one testcase per (app, rule), failing where the app hit it",
    )
    group.addoption(
        "--miready-rules",
        metavar="PACK",
        default=None,
        help="the platform pack the proxy classifies with: a name or a folder (ini: miready_rules)",
    )
    parser.addini("miready_gate", "fail the run on any deprecated call", type="bool", default=False)
    parser.addini("miready_rules", "platform pack: a name or a folder", default="")
    parser.addini(
        "miready_fixture",
        "YAML fixture of the mock store (relative to the rootdir); default: the sample store",
        default="",
    )
    parser.addini(
        "miready_scopes",
        "scopes of the app under test's token (space separated); default: every scope",
        type="args",
        default=[],
    )
    parser.addini("miready_app_id", "app id of the app under test", default=DEFAULT_APP_ID)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "miready_fixture(path): serve this YAML fixture (relative to the test file) in "
        "miready_store/miready_proxy for this test",
    )
    config.stash[tally_key] = FindingTally()
    config.stash[unrecorded_key] = []


def rules_option(config: pytest.Config) -> str | None:
    return config.getoption("miready_rules") or config.getini("miready_rules") or None


def rule_pack(config: pytest.Config) -> Any:
    from miready.contracts.rules import load_rule_pack

    return load_rule_pack(rules_option(config))


def gate_enabled(config: pytest.Config) -> bool:
    flag = config.getoption("miready_gate")
    return bool(config.getini("miready_gate")) if flag is None else flag


# -- the servers -------------------------------------------------------------------------------


class MireadyStore:
    """A running mock store: ``url``, ``api_url``, ``store_id`` and the app under test's token."""

    def __init__(self, server: MockServer, store_id: str, app_id: str, scopes: list[str]) -> None:
        self.server = server
        self.url = server.url
        self.store_id = store_id
        self.app_id = app_id
        self.scopes = list(scopes)
        self.token = self.install_app(app_id, scopes, name="App under test")

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1/{self.store_id}"

    def install_app(self, app_id: str, scopes: list[str] | tuple[str, ...], name: str = "") -> str:
        """Install ``app_id`` in the store with ``scopes`` (admin API) and return its token."""
        body = {"app_id": str(app_id), "name": name or f"App {app_id}", "scopes": list(scopes)}
        url = f"{self.url}/_mock/stores/{self.store_id}/apps"
        reply = _http_json("POST", url, body, self.server.admin_headers)
        return reply["access_token"]


class RecordingProxy:
    """The recording proxy (a child process) in front of one mock store, with its own ledger."""

    def __init__(self, store: MireadyStore, process: ProxyProcess, ledger_url: str) -> None:
        self.store = store
        self.process = process
        self.ledger_url = ledger_url

    @property
    def url(self) -> str:
        return self.process.url

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1/{self.store.store_id}"

    def flush(self) -> None:
        """Wait until every call the proxy has seen is written to the ledger; fail if it is not."""
        if self.process.port is not None and not self.process.wait_until_recorded(FLUSH_TIMEOUT_S):
            pytest.fail(
                f"miready: the proxy did not record every call within {FLUSH_TIMEOUT_S:.0f} s "
                f"(status {self.process.status()}); findings would be incomplete",
                pytrace=False,
            )

    def findings(self) -> list[Finding]:
        """Every rule hit recorded so far, per (app, rule)."""
        self.flush()
        return read_findings(self.ledger_url).findings()


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


def read_findings(ledger_url: str) -> FindingTally:
    from miready.certifier.ledger import open_ledger

    tally = FindingTally()
    ledger = open_ledger(ledger_url)
    try:
        for app in ledger.apps():
            tally.apps.add(app.app_id)
            counts: dict[str, int] = {}
            for row in ledger.rollups(app.app_id, *ALL_DAYS, kind="rule"):
                counts[row.key] = counts.get(row.key, 0) + row.count
            examples = ledger.examples(app.app_id)
            for rule_id, count in counts.items():
                raw = examples.get(rule_id)
                example = json.loads(raw) if raw else None
                tally.add(Finding(app.app_id, rule_id, count, example))
    finally:
        ledger.close()
    return tally


class MireadySession:
    """The servers of one worker, started on first use and keyed by fixture file."""

    def __init__(self, config: pytest.Config, tmp: Path) -> None:
        self.config = config
        self.tmp = tmp
        self.servers: dict[str, MockServer] = {}
        self.stores: dict[str, MireadyStore] = {}
        self.proxies: dict[str, RecordingProxy] = {}

    def store(self, fixture: Path | None) -> MireadyStore:
        key = str(fixture or "")
        if key not in self.stores:
            from miready.mocks.server import MockServer

            server = MockServer() if fixture is None else MockServer(fixture)
            self.servers[key] = server.start()
            store_id = sorted(server.platform.stores)[0]
            scopes = self.config.getini("miready_scopes") or list(DEFAULT_SCOPES)
            scopes = [s for arg in scopes for s in arg.split(",") if s]
            app_id = self.config.getini("miready_app_id") or DEFAULT_APP_ID
            self.stores[key] = MireadyStore(server, store_id, app_id, scopes)
        return self.stores[key]

    def proxy(self, fixture: Path | None) -> RecordingProxy:
        key = str(fixture or "")
        if key not in self.proxies:
            from miready.proxy.process import ProxyProcess

            store = self.store(fixture)
            db = self.tmp / f"ledger-{len(self.proxies)}.db"
            ledger_url = f"sqlite:///{db}"
            from miready.mocks.admin_token import exported

            process = ProxyProcess(
                store.url, ledger_url=ledger_url, policy="observe", rules=rules_option(self.config)
            )
            with exported(store.server.admin_token):  # for the proxy's token introspection
                process.start()
            self.proxies[key] = RecordingProxy(store, process, ledger_url)
        return self.proxies[key]

    def close(self) -> None:
        """Stop the proxies (they drain their ledgers), tally their findings, stop the mocks."""
        tally = self.config.stash[tally_key]
        unrecorded = self.config.stash[unrecorded_key]
        for proxy in self.proxies.values():
            if proxy.process.port is not None and not proxy.process.wait_until_recorded(
                FLUSH_TIMEOUT_S
            ):
                unrecorded.append(f"{proxy.url}: {proxy.process.status()}")
            proxy.process.close()
            tally.merge(read_findings(proxy.ledger_url).to_json())
        for server in self.servers.values():
            server.stop()
        workeroutput = getattr(self.config, "workeroutput", None)
        if workeroutput is not None:  # an xdist worker: the controller aggregates
            workeroutput[WORKER_OUTPUT_KEY] = tally.to_json()
            workeroutput[UNRECORDED_KEY] = list(unrecorded)


def _http_json(method: str, url: str, body: Any = None, admin: dict[str, str] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "miready-pytest", **(admin or {})}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=15) as response:
        return json.loads(response.read() or b"null")


def _fixture_path(request: pytest.FixtureRequest) -> Path | None:
    marker = request.node.get_closest_marker("miready_fixture")
    if marker is not None:
        path = Path(marker.args[0])
        return path if path.is_absolute() else Path(request.node.path).parent / path
    ini = request.config.getini("miready_fixture")
    if ini:
        path = Path(ini)
        return path if path.is_absolute() else request.config.rootpath / path
    return None


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _miready_session(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MireadySession]:
    session = MireadySession(pytestconfig, tmp_path_factory.mktemp("miready"))
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def miready_store(request: pytest.FixtureRequest, _miready_session: MireadySession) -> MireadyStore:
    """The mock store (shared by this worker's tests): ``.url``, ``.api_url``, ``.token``."""
    return _miready_session.store(_fixture_path(request))


@pytest.fixture
def miready_proxy(request: pytest.FixtureRequest, _miready_session: MireadySession) -> MireadyProxy:
    """The recording proxy in front of ``miready_store``; ``.findings()`` covers this test."""
    return MireadyProxy(_miready_session.proxy(_fixture_path(request)))


# -- the gate ----------------------------------------------------------------------------------


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    data = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if data:
        node.config.stash[tally_key].merge(data)
    node.config.stash[unrecorded_key].extend(
        getattr(node, "workeroutput", {}).get(UNRECORDED_KEY, [])
    )


@pytest.hookimpl(trylast=True)  # after the runner's own sessionfinish tore the fixtures down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workerinput"):  # the controller decides for the whole run
        return
    tally = config.stash[tally_key]
    pack = rule_pack(config)
    junit = config.getoption("miready_junit")
    if junit:
        Path(junit).write_text(render_junit(tally, pack), encoding="utf-8")
    blocking = [rule for _, rule in tally.hits if pack.blocks(rule)]  # advisory never fails
    incomplete = bool(config.stash[unrecorded_key])  # a proxy did not record every call
    if gate_enabled(config) and (blocking or incomplete):
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or tally_key not in config.stash:
        return
    for proxy in config.stash.get(unrecorded_key, []):
        terminalreporter.write_line(
            f"miready: NOT EVERY CALL WAS RECORDED in time, findings may be incomplete: {proxy}"
            + ("; the gate fails the run" if gate_enabled(config) else ""),
            red=True,
        )
    findings = config.stash[tally_key].findings()
    if not findings:
        return
    pack = rule_pack(config)
    gate = gate_enabled(config)
    title = "miready gate: FAILED" if gate else "miready: deprecated calls (gate off)"
    terminalreporter.write_sep("=", title, red=gate, yellow=not gate)
    for f in findings:
        rule = _rule(pack, f.rule_id)
        terminalreporter.write_line(
            f"{f.rule_id}: {f.count} call(s) by app {f.app_id}"
            + (f" - {rule.title}" if rule else "")
        )
        terminalreporter.write_line(f"    first example: {json.dumps(f.example)}")
        if rule:
            terminalreporter.write_line(f"    replacement:   {rule.replacement}")
    if gate:
        terminalreporter.write_line(
            f"miready gate: {len(findings)} deprecated rule(s) hit; the run fails.", red=True
        )


def _rule(pack: Any, rule_id: str) -> Any:
    try:
        return pack.rule(rule_id)
    except KeyError:
        return None


def render_junit(tally: FindingTally, pack: Any = None) -> str:
    """One testcase per (app, rule of the pack), failing where the app hit a blocking rule."""
    from xml.etree import ElementTree as ET

    if pack is None:
        from miready.contracts.rules import default_rule_pack

        pack = default_rule_pack()
    suites = ET.Element("testsuites", name=f"miready {pack.id}")
    total = failures = 0
    apps = sorted(tally.apps | {app for app, _ in tally.hits})
    for app_id in apps:
        suite = ET.SubElement(suites, "testsuite", name=app_id, errors="0", skipped="0")
        hit_ids = [rule for app, rule in sorted(tally.hits) if app == app_id]
        rule_ids = [r.id for r in pack.rules] + [r for r in hit_ids if _rule(pack, r) is None]
        suite_failures = 0
        for rule_id in rule_ids:
            case = ET.SubElement(suite, "testcase", classname=app_id, name=rule_id)
            finding = tally.hits.get((app_id, rule_id))
            if finding is None or not pack.blocks(rule_id):
                continue
            suite_failures += 1
            rule = _rule(pack, rule_id)
            failure = ET.SubElement(
                case,
                "failure",
                type="deprecated",
                message=f"{finding.count} call(s): {rule.title if rule else rule_id}",
            )
            failure.text = (
                f"example: {json.dumps(finding.example)}\n"
                f"replacement: {rule.replacement if rule else '-'}"
            )
        suite.set("tests", str(len(rule_ids)))
        suite.set("failures", str(suite_failures))
        total += len(rule_ids)
        failures += suite_failures
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
