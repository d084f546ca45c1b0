"""The ``miready`` command line: usage errors exit 2, and the demo tells its story."""

import json
import os
import re
import subprocess
import sys

import pytest

from miready.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["certify", "--ledger", "sqlite:///does/not/exist.db"],
        ["certify", "--ledger", "ftp://x"],
        ["certify", "--as-of", "yesterday-ish"],
    ],
)
def test__cli__a_usage_error__should_exit_2_with_a_message(argv, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["frobnicate"], ["proxy"], ["proxy", "--policy", "ignore"]])
def test__cli__an_unknown_subcommand_or_bad_proxy_option__should_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test__miready_demo__should_report_legacy_not_ready_and_migrated_auto_approved(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "miready", "demo", "--dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "80"},  # a standard terminal: every table fits it
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert max(len(line) for line in out.splitlines()) <= 80, out
    rows = [line for line in out.splitlines() if line.startswith("│ ")]
    for app in ("legacy-shipping", "ready-shipping"):  # the verdict table's App column is whole
        assert any(line.startswith(f"│ {app} ") for line in rows), out
    assert "legacy-shipping" in out and "not_ready" in out and "Eligible on 2026-03-30" in out
    assert "ready-shipping" in out and "auto_approved" in out
    assert "UNPACKED" in out  # the split order's second FO, left behind by the legacy app
    html = tmp_path / "miready-report.html"
    assert f"HTML report: {html}" in out.replace("\n", "")
    page = html.read_text()
    assert "<svg" in page and "<script" not in page
    assert not re.search(r"""(src|@import|url\()\s*=?\s*["']?https?:""", page)
    report = json.loads((tmp_path / "miready-report.json").read_text())
    verdicts = {app["app_id"]: app["verdict"] for app in report["apps"]}
    assert verdicts == {"legacy-shipping": "not_ready", "ready-shipping": "auto_approved"}
    ledger = (tmp_path / "miready.db").read_bytes()
    for secret in (b"demo-legacy-app-token", "María González".encode(), b"Rua das Flores"):
        assert secret not in ledger
