"""What-if re-certification: a ledger recorded under seed 004, judged by a variant pack."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from miready.contracts.pack import default_pack

from miready.cli import main

AS_OF = datetime(2024, 5, 20, 12, tzinfo=UTC)
EXTRA_RULE = """
  - id: endpoint.fulfillment-orders.update.variant
    kind: deprecated_endpoint
    title: Updates a fulfillment order (what-if)
    description: A variant of the pack that deprecates the FO update, to test re-certification.
    endpoints: ["PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id}"]
    replacement: "nothing yet"
"""


@pytest.fixture
def variant(tmp_path: Path) -> Path:
    """The seed-004 pack plus one rule, in a folder of its own."""
    folder = tmp_path / "variant"
    shutil.copytree(default_pack().path, folder)
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text() + EXTRA_RULE)
    return folder


def report(url: str, tmp_path: Path, *extra: str) -> tuple[int, dict]:
    out = tmp_path / "r.json"
    argv = ["certify", "--ledger", url, "--as-of", AS_OF.isoformat(), "--format", "json"]
    code = main([*argv, "--out", str(out), *extra])
    return code, json.loads(out.read_text())


def verdicts(doc: dict) -> dict[str, tuple[str, list[str]]]:
    return {a["app_id"]: (a["verdict"], [f["rule_id"] for f in a["findings"]]) for a in doc["apps"]}


def test__reclassify__a_variant_pack_adding_one_rule__should_show_its_new_findings(
    any_ledger, any_calls, variant, tmp_path
):
    days = [AS_OF - timedelta(days=d) for d in range(20, 0, -1)]
    any_calls.clean("migrated", *days)
    any_calls.legacy("legacy", *days)
    stored = any_ledger.count_calls()

    code, recorded = report(any_ledger.url, tmp_path)
    assert code == 1
    assert verdicts(recorded) == {
        "migrated": ("auto_approved", []),
        "legacy": ("not_ready", ["endpoint.orders.pack"]),
    }

    code, what_if = report(any_ledger.url, tmp_path, "--rules", str(variant), "--reclassify")
    assert code == 1
    assert verdicts(what_if) == {
        "migrated": ("not_ready", ["endpoint.fulfillment-orders.update.variant"]),
        "legacy": ("not_ready", ["endpoint.orders.pack"]),
    }
    (migrated,) = [a for a in what_if["apps"] if a["app_id"] == "migrated"]
    assert migrated["findings"][0]["count"] == 14  # the window's days, one call each
    assert "(reclassified by tiendanube-multi-inventory)" in what_if["ledger"]
    assert any_ledger.count_calls() == stored  # the ledger itself is left as it was

    # the same pack, reclassified, gives what was recorded
    _, same = report(any_ledger.url, tmp_path, "--reclassify")
    assert verdicts(same) == verdicts(recorded)
