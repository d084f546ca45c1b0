"""Fault injection: latency and error rates per path, deterministic for a given seed."""

from __future__ import annotations

import fnmatch
import random
import re
from dataclasses import dataclass
from typing import Any

from miready.mocks.errors import invalid


@dataclass(frozen=True, slots=True)
class FaultRule:
    path: str  # a regex (searched) or a glob (matched whole), whichever matches
    latency_ms: int = 0
    error_rate: float = 0.0
    status: int = 503

    def matches(self, path: str) -> bool:
        if fnmatch.fnmatchcase(path, self.path):
            return True
        try:
            return re.search(self.path, path) is not None
        except re.error:
            return False


def parse_rules(body: Any) -> tuple[list[FaultRule], int | None]:
    """`{"rules": [{path, latency_ms, error_rate, status}], "seed": n}`; 422 names bad fields."""
    if not isinstance(body, dict) or not isinstance(body.get("rules", []), list):
        raise invalid("rules", "must be a list")
    rules = []
    for i, raw in enumerate(body.get("rules", [])):
        if not isinstance(raw, dict) or not isinstance(raw.get("path"), str):
            raise invalid(f"rules[{i}].path", "must be a string (regex or glob)")
        latency, rate, status = (
            raw.get("latency_ms", 0),
            raw.get("error_rate", 0.0),
            raw.get("status", 503),
        )
        if not isinstance(latency, int | float) or latency < 0 or latency > 60000:
            raise invalid(f"rules[{i}].latency_ms", "must be a number from 0 to 60000")
        if not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise invalid(f"rules[{i}].error_rate", "must be a number from 0 to 1")
        if not isinstance(status, int) or not 400 <= status <= 599:
            raise invalid(f"rules[{i}].status", "must be an HTTP error status (400-599)")
        rules.append(FaultRule(raw["path"], int(latency), float(rate), status))
    seed = body.get("seed")
    if seed is not None and not isinstance(seed, int):
        raise invalid("seed", "must be an integer")
    return rules, seed


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
        return latency, status

    def describe(self) -> dict[str, Any]:
        return {"rules": [_asdict(r) for r in self.rules], "seed": self.seed}


def _asdict(rule: FaultRule) -> dict[str, Any]:
    return {
        "path": rule.path,
        "latency_ms": rule.latency_ms,
        "error_rate": rule.error_rate,
        "status": rule.status,
    }
