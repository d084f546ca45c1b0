"""A benchmark's result: rows of figure, same-run baseline, ratio and goal; printed and saved."""

from __future__ import annotations

import json
import math
import os
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.stats import Figure

RESULTS_DIR = Path(__file__).resolve().parent / "results"
ROW_KEYS = ("figure", "value", "unit", "low", "high", "rounds", "baseline", "baseline_value")
ROW_KEYS += ("ratio", "goal", "met")


@dataclass(slots=True)
class Row:
    """One figure; ``ratio`` is value / baseline_value; ``met`` is None when there is no goal."""

    figure: str
    value: float
    unit: str
    low: float
    high: float
    rounds: int
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None


@dataclass(slots=True)
class Table:
    """Rows of one benchmark, plus notes (what was not measured and why)."""

    name: str
    quick: bool
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        figure: str,
        value: Figure,
        unit: str,
        *,
        baseline: str = "",
        baseline_value: Figure | None = None,
        goal: str = "",
        met: bool | None = None,
    ) -> Row:
        base = baseline_value.median if baseline_value is not None else None
        ratio = value.median / base if base else None
        row = Row(figure, value.median, unit, value.low, value.high, value.rounds)
        row.baseline, row.baseline_value, row.ratio, row.goal, row.met = (
            baseline,
            base,
            ratio,
            goal,
            met,
        )
        self.rows.append(row)
        return row

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "quick": self.quick,
            "machine": machine(),
            "rows": [_clean(asdict(r)) for r in self.rows],
            "notes": self.notes,
            "extra": self.extra,
        }

    def save(self, directory: Path = RESULTS_DIR) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.name}.json"
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        return path

    def render(self) -> str:
        head = ("figure", "value (min..max)", "baseline", "ratio", "goal", "met")
        lines = [head]
        for r in self.rows:
            value = f"{_num(r.value)} {r.unit}"
            if r.rounds > 1:
                value += f" ({_num(r.low)}..{_num(r.high)})"
            base = f"{r.baseline} {_num(r.baseline_value)}" if r.baseline else ""
            ratio = f"{r.ratio:.2f}x" if r.ratio is not None else ""
            met = {True: "yes", False: "NO", None: ""}[r.met]
            lines.append((r.figure, value, base, ratio, r.goal, met))
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
        out = [f"== {self.name}{' (quick)' if self.quick else ''} =="]
        for i, line in enumerate(lines):
            out.append("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
            if i == 0:
                out.append("  ".join("-" * w for w in widths))
        out += [f"note: {n}" for n in self.notes]
        return "\n".join(s.rstrip() for s in out)


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in d.items()}


def machine() -> dict[str, Any]:
    """Where the figures come from: CPU model, cores, load, Python."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "load_1m": round(load[0], 2),
        "python": platform.python_version(),
        "system": platform.platform(),
    }
