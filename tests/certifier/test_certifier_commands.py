"""The certifier through the command line: exit codes 0, 1 and 2."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier.registry import Registry
from miready.certifier.report import jsondoc

from miready.cli import main

AS_OF = datetime(2024, 5, 20, 12, tzinfo=UTC)


@pytest.fixture
def two_apps(calls):
    calls.clean("migrated", AS_OF - timedelta(days=30), AS_OF - timedelta(days=1))
    calls.clean("legacy", AS_OF - timedelta(days=30))
    calls.legacy("legacy", AS_OF - timedelta(days=1))


@pytest.mark.parametrize(
    ("args", "exit_code", "stderr"),
    [
        (["--app", "migrated"], 0, ""),
        (["--app", "legacy"], 1, ""),
        ([], 1, ""),
        (["--as-of", "2024-05-20T12:00"], 2, "has no UTC offset"),
        (["--app", "ghost"], 2, "no app 'ghost'"),
    ],
)
def test__cli_certify__should_exit_0_ready_1_not_ready_2_usage(
    two_apps, ledger_url, tmp_path, capsys, args, exit_code, stderr
):
    argv = ["certify", "--ledger", ledger_url, "--format", "json", "--out", str(tmp_path / "r")]
    if "--as-of" not in args:
        argv += ["--as-of", "2024-05-20"]
    assert main(argv + args) == exit_code
    assert stderr in capsys.readouterr().err


def test__cli_review__approval_of_a_not_ready_app__should_exit_2_with_a_clear_message(
    calls, ledger_url, capsys
):
    now = datetime.now(UTC)
    calls.clean("legacy", now - timedelta(days=30))
    calls.legacy("legacy", now - timedelta(days=1))
    argv = ["review", "--ledger", ledger_url, "--app", "legacy", "--approve"]
    assert main(argv + ["--reviewer", "ana", "--reason", "ok"]) == 2
    err = capsys.readouterr().err
    assert "cannot approve 'legacy'" in err and "automatic verdict is not_ready" in err


def test__cli_import__a_malformed_har__should_exit_2_naming_the_entry(ledger_url, tmp_path, capsys):
    har = tmp_path / "bad.har"
    har.write_text(json.dumps({"log": {"entries": [{"startedDateTime": "2024-05-01T00:00:00Z"}]}}))
    assert main(["import", "--ledger", ledger_url, str(har)]) == 2
    assert "entries[0].request: missing" in capsys.readouterr().err


def test__registry__a_name_registered_twice__should_be_refused():
    registry: Registry = Registry("report format")
    registry.register("x")(lambda r: "")
    with pytest.raises(ValueError, match="registered twice"):
        registry.register("x")(lambda r: "")
    with pytest.raises(KeyError, match="unknown report format 'y'"):
        registry.get("y")


@pytest.mark.parametrize("enabled", [True, False])
def test__cli_certify__should_pause_the_cycle_collector_and_leave_it_as_it_was(
    two_apps, ledger_url, tmp_path, monkeypatch, enabled
):
    seen = []
    render = jsondoc.render_json
    monkeypatch.setitem(
        jsondoc.FORMATS._entries,
        "json",
        lambda report: seen.append(gc.isenabled()) or render(report),
    )
    (gc.enable if enabled else gc.disable)()
    try:
        argv = ["certify", "--ledger", ledger_url, "--format", "json", "--as-of", "2024-05-20"]
        assert main([*argv, "--out", str(tmp_path / "r")]) == 1
        assert seen == [False]  # paused while the report is rendered
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test__cli_certify__on_sqlite__should_import_only_what_the_command_uses(
    two_apps, ledger_url, tmp_path
):
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['miready', 'certify', '--ledger', {ledger_url!r}, '--format', 'json',"
        f" '--as-of', '2024-05-20', '--out', {str(tmp_path / 'r.json')!r}]\n"
        "try:\n    runpy.run_module('miready', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(' '.join(sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()

    unused = ("ulid", "rich", "psycopg", "mitmproxy", "aiohttp", "miready.mocks", "miready.proxy")
    assert [m for m in loaded if m.split(".")[0] in unused or m.startswith(unused)] == []
    assert "miready.certifier.importer" not in loaded
    assert json.loads((tmp_path / "r.json").read_text())["apps"]
