"""The terminal report at 80 columns (the demo's summary): no column is squeezed empty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier.report import build_report
from miready.certifier.report.text import write
from rich.console import Console

from miready.cli import main

AS_OF = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def two_apps(ledger, calls):
    days = [AS_OF - timedelta(days=d) for d in range(1, 20)]
    calls.clean("migrated-shipping-app", *days)
    calls.clean("legacy-shipping-app", *days)
    calls.legacy("legacy-shipping-app", *days[:5])
    return ledger


def on_console(report, width: int) -> str:
    """The report as a console of ``width`` columns shows it."""
    console = Console(width=width, record=True, color_system=None)
    write(console, report)
    return console.export_text()


@pytest.mark.parametrize("width", [80, 100, 120])
def test__text_report__at_width__should_show_every_app_verdict_and_coverage(
    two_apps, pack, width
) -> None:
    text = on_console(build_report(two_apps, pack, AS_OF, two_apps.apps()), width)
    assert max(len(line) for line in text.splitlines()) <= width
    for word in ("legacy-shipping-app", "migrated-shipping-app", "not_ready", "auto_approved"):
        assert word in text, (word, text)
    assert "Fulfillment actions" in text  # a coverage family, in the table or the details


@pytest.mark.parametrize(("columns", "width"), [("80", 80), ("100", 100), ("", 120), ("40", 80)])
def test__certify_text_down_a_pipe__should_take_the_width_of_columns(
    two_apps, ledger_url, monkeypatch, capsys, columns, width
) -> None:
    """`miready certify` piped (not a terminal): $COLUMNS, else 120; never narrower than 80,
    where the tables cannot shrink further."""
    monkeypatch.setenv("COLUMNS", columns)
    code = main(["certify", "--ledger", ledger_url, "--as-of", AS_OF.isoformat()])
    out = capsys.readouterr().out
    assert code == 1
    assert max(len(line) for line in out.splitlines()) <= width
    table = next(line for line in out.splitlines() if line.startswith("┃") and "App" in line)
    assert "Verdict" in table
    for word in ("legacy-shipping-app", "migrated-shipping-app", "not_ready", "auto_approved"):
        assert word in out, (word, out)
    # each app's row names it in the App column: no column squeezed empty
    assert any(line.startswith("│ legacy-shipping-app") for line in out.splitlines())
    assert "Fulfillment actions" in out  # a coverage family, in the table or the details


@pytest.mark.parametrize(("width", "blocks"), [(80, True), (100, True), (120, False)])
def test__findings_on_a_narrow_console__should_be_blocks_not_squeezed_columns(
    two_apps, pack, width, blocks
) -> None:
    report = build_report(two_apps, pack, AS_OF, two_apps.apps())
    text = on_console(report, width)
    assert max(len(line) for line in text.splitlines()) <= width
    finding = next(f for a in report.apps for f in a.blocking_findings)
    block_head = f"{finding.rule.id} ({finding.hits.count} calls,"
    if blocks:  # the rule id whole on its line, then its fields indented
        assert any(line.startswith(block_head) for line in text.splitlines()), text
        assert "  per day: " in text and "  docs: https://" in text
        assert "Per day" not in text  # no squeezed findings table
    else:
        assert "Per day" in text and not any(
            line.startswith(block_head) for line in text.splitlines()
        )
