"""Certify with a platform pack end to end: HAR -> miready import -> miready certify --rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from miready.cli import main

ACME = Path(__file__).resolve().parents[1] / "contracts" / "packs" / "acme"
START = datetime(2024, 5, 1, 10, tzinfo=UTC)


def har(path: Path, calls: list[tuple[datetime, str, str]], token: str = "t0ken") -> Path:
    """A HAR of ``(at, method, url)`` calls, all answered 200."""
    entries = [
        {
            "startedDateTime": at.isoformat(),
            "time": 5,
            "request": {
                "method": method,
                "url": url,
                "headers": [{"name": "Authorization", "value": f"bearer {token}"}],
            },
            "response": {"status": 200},
        }
        for at, method, url in calls
    ]
    path.write_text(json.dumps({"log": {"entries": entries}}))
    return path


def daily(method: str, url: str, days: int) -> list[tuple[datetime, str, str]]:
    return [(START + timedelta(days=i), method, url) for i in range(days)]


def certify(ledger: str, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "report.json"
    as_of = (START + timedelta(days=15, hours=1)).isoformat()
    argv = ["certify", "--ledger", ledger, "--as-of", as_of, "--format", "json", "--out", str(out)]
    code = main([*argv, *extra])
    return code, json.loads(out.read_text())


def test__sixteen_daily_fulfillment_lists__should_be_not_ready_and_exit_1(tmp_path):
    ledger = f"sqlite:///{tmp_path / 'l.db'}"
    calls = daily("GET", "http://store.test/v1/1/orders/7/fulfillments", 16)
    path = har(tmp_path / "c.har", calls)
    assert main(["import", "--ledger", ledger, "--app", "lister", str(path)]) == 0
    code, report = certify(ledger, tmp_path)
    (app,) = report["apps"]
    assert (code, app["verdict"]) == (1, "not_ready")
    assert [f["rule_id"] for f in app["findings"]] == ["endpoint.orders.fulfillments.list"]
    assert app["findings"][0]["count"] == 14  # the calls inside the 14-day window


@pytest.mark.parametrize(
    ("calls", "verdict", "rules", "code"),
    [
        (
            daily("POST", "http://acme.test/api/7/widgets/3/ship", 16),
            "not_ready",
            ["endpoint.widgets.ship"],
            1,
        ),
        (daily("POST", "http://acme.test/api/7/widgets/3/shipments", 16), "auto_approved", [], 0),
        # advisory only: reported, never blocks
        (
            daily("GET", "http://acme.test/api/7/widgets?fields=id,warehouse_name", 16),
            "auto_approved",
            ["field.widget.legacy-selected"],
            0,
        ),
    ],
    ids=["legacy", "migrated", "advisory-only"],
)
def test__a_made_up_pack_folder__should_import_certify_and_report_with_no_code_change(
    tmp_path, calls, verdict, rules, code
):
    ledger = f"sqlite:///{tmp_path / 'l.db'}"
    path = har(tmp_path / "c.har", calls)
    argv = ["import", "--ledger", ledger, "--app", "acme-app", "--rules", str(ACME), str(path)]
    assert main(argv) == 0
    got, report = certify(ledger, tmp_path, "--rules", str(ACME))
    (app,) = report["apps"]
    assert (got, app["verdict"]) == (code, verdict)
    assert [f["rule_id"] for f in app["findings"]] == rules
    assert report["rule_pack"]["id"] == "acme-widgets"
    assert report["rule_pack"]["window_days"] == 7
    md = tmp_path / "r.md"
    as_of = ["--as-of", report["as_of"]]
    main(
        [
            "certify",
            "--ledger",
            ledger,
            "--rules",
            str(ACME),
            *as_of,
            "--format",
            "md",
            "--out",
            str(md),
        ]
    )
    assert "Acme widget readiness (test pack)" in md.read_text()
    assert "Acme hides apps that are not widget ready" in md.read_text()  # the pack's wording
    advisory = [f["rule_id"] for f in app["findings"] if f["severity"] == "advisory"]
    assert ("**Advisory** (never blocks)" in md.read_text()) == bool(advisory)


def test__import__calls_outside_the_packs_base_path__should_be_refused(tmp_path, capsys):
    ledger = f"sqlite:///{tmp_path / 'l.db'}"
    path = har(tmp_path / "c.har", daily("GET", "http://store.test/v1/1/orders", 2))
    assert main(["import", "--ledger", ledger, "--rules", str(ACME), str(path)]) == 2
    assert "paths under /api/{store_id}" in capsys.readouterr().err
