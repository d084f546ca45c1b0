"""Every schemathesis check on one response, and the allow-list of the failures tolerated."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.core.failures import FailureGroup

TOKEN = "demo-ready-token-0002"  # every scope (mocks/fixtures/sample.yaml)
HEADERS = {
    "Authentication": f"bearer {TOKEN}",
    "User-Agent": "miready-contract-tests (dev@example.com)",
}
ALLOWLIST_PATH = Path(__file__).with_name("allowlist.yaml")
load_all_checks()
ALL_CHECKS = [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]
COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": list(HealthCheck),
}


def load_allowlist() -> dict[tuple[str, str], str]:
    """`(check, operationId or '*') -> reason`."""
    entries = yaml.safe_load(ALLOWLIST_PATH.read_text(encoding="utf-8"))["allowed"]
    return {(e["check"], e["operation"]): e["reason"] for e in entries}


def unexpected(found: set[tuple[str, str]]) -> list[tuple[str, str]]:
    allowed = load_allowlist()
    return sorted(f for f in found if f not in allowed and (f[0], "*") not in allowed)


def check_all(case, response, found: set[tuple[str, str]], **kwargs) -> None:
    """Run every check on one response, one at a time, noting which fail (never raising)."""
    op = case.operation.definition.raw["operationId"]
    for check in ALL_CHECKS:
        try:
            case.validate_response(response, checks=[check], headers=HEADERS, **kwargs)
        except (AssertionError, FailureGroup):  # a failing check (or several)
            found.add((check.__name__, op))
