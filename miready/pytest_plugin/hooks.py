"""The plugin's hooks: which test is running, strict failures, the workers' tallies, the gate."""

from __future__ import annotations

import json
from typing import Any

import pytest

from miready.pytest_plugin.junit import render_junit, rule_of
from miready.pytest_plugin.options import Settings, fixture_of
from miready.pytest_plugin.servers import MireadySession
from miready.pytest_plugin.tally import Tally, TestHit, test_hits

WORKER_OUTPUT_KEY = "miready_tally"
settings_key = pytest.StashKey[Settings]()
tally_key = pytest.StashKey[Tally]()
session_key = pytest.StashKey[MireadySession]()
current_test_key = pytest.StashKey[str]()
pack_key = pytest.StashKey[Any]()
SERVER_FIXTURES = frozenset({"miready_store", "miready_proxy"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "miready_fixture(path): serve this YAML fixture (relative to the test file) in "
        "miready_store/miready_proxy for this test",
    )
    config.stash[settings_key] = Settings.from_config(config)
    config.stash[tally_key] = Tally()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the servers in the background as soon as the run is known to use them.

    The first test (after deselection) that names a server fixture decides which store; its
    servers are starting while pytest gets to it. A run that names none, or only collects,
    starts nothing; a fixture asked for with ``request.getfixturevalue`` starts on request.
    """
    config = session.config
    factory = getattr(config, "_tmp_path_factory", None)  # what the tmp_path_factory fixture is
    if config.option.collectonly or factory is None or session_key in config.stash:
        return
    for item in session.items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            servers = MireadySession(config.stash[settings_key], factory.mktemp("miready"))
            servers.set_test(None)
            config.stash[session_key] = servers
            servers.prestart(*fixture_of(item, config))
            return


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Name the running test to the proxies; count the calls that reached a mock directly."""
    config = item.config
    config.stash[current_test_key] = item.nodeid
    session = config.stash.get(session_key, None)
    before = session.unproxied() if session is not None else 0
    if session is not None:
        session.set_test(item.nodeid)
    try:
        return (yield)
    finally:
        session = config.stash.get(session_key, None)  # may have started during this test
        tally = config.stash[tally_key]
        tally.tests.append(item.nodeid)
        if session is not None:
            session.set_test(None)
            direct = session.unproxied() - before
            if direct > 0:
                tally.unrecorded[item.nodeid] = tally.unrecorded.get(item.nodeid, 0) + direct
        config.stash[current_test_key] = ""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Mark a test that made deprecated calls; under --miready-strict, fail it with the finding."""
    hits: list[TestHit] = []
    session = item.config.stash.get(session_key, None)
    if call.when == "call" and session is not None and session.proxies:
        session.flush()
        for proxy in session.proxies.values():
            hits += test_hits(proxy.ledger_url, item.nodeid)
        if hits:
            item.user_properties.append(("miready_deprecated", describe(hits)))
    report = yield
    blocking = [h for h in hits if rule_pack(item.config).blocks(h.rule_id)]  # advisory never fails
    if blocking and item.config.stash[settings_key].strict and report.passed:
        report.outcome = "failed"
        report.longrepr = f"miready: deprecated call(s) made by this test: {describe(blocking)}"
    return report


def describe(hits: list[TestHit]) -> str:
    return "; ".join(f"{h.rule_id} x{h.count} (app {h.app_id})" for h in hits)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    data = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT_KEY)
    if data:
        node.config.stash[tally_key].merge(data)


@pytest.hookimpl(trylast=True)  # after the runner's own sessionfinish tore the fixtures down
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    tally = config.stash[tally_key]
    servers = config.stash.get(session_key, None)
    if servers is not None:  # prestarted: stopped here when no test used it (skipped, say)
        servers.close(tally if servers.in_use else Tally())
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller decides for the whole run
        workeroutput[WORKER_OUTPUT_KEY] = tally.to_json()
        return
    settings, pack = config.stash[settings_key], rule_pack(config)
    if settings.junit is not None:
        xml = render_junit(tally, pack, require_calls=settings.require_calls)
        settings.junit.write_text(xml, encoding="utf-8")
    blocking = [rule for _, rule in tally.hits if pack.blocks(rule)]  # advisory never fails
    incomplete = bool(tally.incomplete)  # a proxy did not record every call in time
    failed = (settings.gate and (blocking or incomplete)) or (
        settings.require_calls and tally.calls == 0
    )
    if failed and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def rule_pack(config: pytest.Config) -> Any:
    """The pack the proxy classifies with (``--miready-rules``), loaded once per run."""
    pack = config.stash.get(pack_key, None)
    if pack is None:
        from miready.contracts.rules import default_rule_pack, load_rule_pack

        rules = config.stash[settings_key].rules
        pack = config.stash[pack_key] = load_rule_pack(rules) if rules else default_rule_pack()
    return pack


def used(config: pytest.Config, tally: Tally) -> bool:
    """Whether the run asked anything of miready (unrelated suites get no section)."""
    s = config.stash[settings_key]
    return bool(tally.ledgers or s.gate or s.strict or s.require_calls or s.junit)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or tally_key not in config.stash:
        return
    tally, settings = config.stash[tally_key], config.stash[settings_key]
    if not used(config, tally):
        return
    tr = terminalreporter
    for proxy in tally.incomplete:
        tr.write_line(
            f"miready: NOT EVERY CALL WAS RECORDED in time, findings may be incomplete: {proxy}"
            + ("; the gate fails the run" if settings.gate else ""),
            red=True,
        )
    findings = tally.findings()
    gate = settings.gate
    if findings:
        title = "miready gate: FAILED" if gate else "miready: deprecated calls (gate off)"
        tr.write_sep("=", title, red=gate, yellow=not gate)
        pack = rule_pack(config)
        for f in findings:
            rule = rule_of(pack, f.rule_id)
            title = f" - {rule.title}" if rule else ""
            tr.write_line(f"{f.rule_id}: {f.count} call(s) by app {f.app_id}{title}")
            tr.write_line(f"    first example: {json.dumps(f.example)}")
            if rule:
                tr.write_line(f"    replacement:   {rule.replacement}")
        tr.write_line("by test:")
        for hit in tally.test_hits():
            where = hit.test_id or "(outside any test)"
            tr.write_line(f"    {where}: {hit.rule_id} x{hit.count} (app {hit.app_id})")
    else:
        tr.write_sep("=", "miready gate: passed" if gate else "miready", green=True)
    figures = (
        f"miready: {tally.calls} call(s) recorded, {tally.deprecated} deprecated, "
        f"{tally.unrecorded_calls} unrecorded"
    )
    tr.write_line(figures, red=bool(findings) and gate)
    if tally.calls == 0:
        tr.write_line(
            "miready: WARNING: the proxy recorded no call: point the app at miready_proxy.api_url"
            + (" (--miready-require-calls: the run fails)" if settings.require_calls else ""),
            yellow=not settings.require_calls,
            red=settings.require_calls,
        )
    if tally.unrecorded:
        tr.write_line(
            f"miready: WARNING: {tally.unrecorded_calls} call(s) reached the mock store without "
            "the proxy, so no ledger saw them (use miready_proxy.api_url, not miready_store's):",
            yellow=True,
        )
        for test_id, count in sorted(tally.unrecorded.items()):
            tr.write_line(f"    {test_id}: {count} call(s)")
    for ledger in tally.ledgers:
        kept = "" if settings.keep_ledger else " (temporary: keep it with --miready-keep-ledger)"
        tr.write_line(f"miready ledger: {ledger}{kept}")
    if findings and gate:
        tr.write_line(
            f"miready gate: {len(findings)} deprecated rule(s) hit; the run fails.", red=True
        )
