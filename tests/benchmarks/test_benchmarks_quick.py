"""``python -m benchmarks --quick`` runs every benchmark and each leaves its table and its JSON.

Checks the shape of what each benchmark produces, never its speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "proxy_overhead",
    "proxy_scale_out",
    "classify",
    "ledger_ingest",
    "certify_scale",
    "mock_throughput",
    "plugin_startup",
]
ROW_KEYS = {
    "figure", "value", "unit", "low", "high", "rounds",
    "baseline", "baseline_value", "ratio", "goal", "met",
}  # fmt: skip


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    results = tmp_path_factory.mktemp("bench-results")
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc.stdout, results


@pytest.mark.parametrize("name", NAMES)
def test__quick_run__each_benchmark__should_print_its_table_and_write_its_json(quick_run, name):
    stdout, results = quick_run
    assert f"== {name} (quick) ==" in stdout
    data = json.loads((results / f"{name}.json").read_text())
    assert data["name"] == name and data["quick"] is True
    assert {"machine", "rows", "notes"} <= data.keys()
    for row in data["rows"]:
        assert set(row) == ROW_KEYS
    assert data["rows"], f"{name} produced no figures"


def test__quick_run__proxy_overhead__should_measure_every_target(quick_run):
    _, results = quick_run
    figures = {
        r["figure"] for r in json.loads((results / "proxy_overhead.json").read_text())["rows"]
    }
    for target in ("mock direct", "bare mitmdump", "miready observe", "miready translate"):
        assert f"{target} @16 req/s" in figures
        assert f"{target} @16 CPU/req" in figures
    assert "miready observe @1 added p50" in figures


def test__quick_run__proxy_scale_out__should_compare_two_workers_with_one_and_count_exactly(
    quick_run,
):
    _, results = quick_run
    rows = {
        r["figure"]: r for r in json.loads((results / "proxy_scale_out.json").read_text())["rows"]
    }
    assert "1 worker @16 req/s" in rows
    assert rows["2 workers @16 req/s"]["baseline"] == "1 worker"
    for name in ("1 worker", "2 workers"):
        assert rows[f"{name}: calls the proxy answered"]["value"] > 0
        exact = rows[f"{name}: recorded minus answered"]
        assert (exact["value"], exact["met"]) == (0, True)
