"""Fault injection: latency and error rates per path glob, deterministic for a given seed."""

from __future__ import annotations

import fnmatch
import random
import re
from dataclasses import dataclass, field
from typing import Any

from miready.mocks.admin_schema import validate

_PLACEHOLDER = re.compile(r"\{[^{}/]*\}")
MAX_LATENCY_MS = 60_000  # per request, however many rules match


def as_glob(path: str) -> str:
    """A path template's `{placeholders}` become `*`; a glob stays as it is."""
    return _PLACEHOLDER.sub("*", path)


@dataclass(frozen=True, slots=True)
class FaultRule:
    path: str  # a glob on the whole path (fnmatch) or a path template; never a regex
    latency_ms: int = 0
    error_rate: float = 0.0
    status: int = 503
    glob: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "glob", as_glob(self.path))

    def matches(self, path: str) -> bool:
        # fnmatch compiles to atomic groups: linear time whatever the pattern
        return fnmatch.fnmatchcase(path, self.glob)


def parse_rules(body: Any) -> tuple[list[FaultRule], int | None]:
    """`{"rules": [{path, latency_ms, error_rate, status}], "seed": n}`; 422 names bad fields."""
    validate("set_faults", body)
    rules = [
        FaultRule(
            raw["path"],
            int(raw.get("latency_ms", 0)),
            float(raw.get("error_rate", 0.0)),
            raw.get("status", 503),
        )
        for raw in body.get("rules", [])
    ]
    return rules, body.get("seed")


class FaultInjector:
    def __init__(self) -> None:
        self.configure([], None)

    def configure(self, rules: list[FaultRule], seed: int | None) -> None:
        self.rules = rules
        self.seed = seed
        self._random = random.Random(seed)

    def decide(self, path: str) -> tuple[int, int | None]:
        """(latency in ms, error status or None) for a request to `path`."""
        latency, status = 0, None
        for rule in self.rules:
            if not rule.matches(path):
                continue
            latency += rule.latency_ms
            if status is None and rule.error_rate > 0 and self._random.random() < rule.error_rate:
                status = rule.status
        return min(latency, MAX_LATENCY_MS), status

    def describe(self) -> dict[str, Any]:
        return {"rules": [_asdict(r) for r in self.rules], "seed": self.seed}


def _asdict(rule: FaultRule) -> dict[str, Any]:
    return {
        "path": rule.path,
        "latency_ms": rule.latency_ms,
        "error_rate": rule.error_rate,
        "status": rule.status,
    }
