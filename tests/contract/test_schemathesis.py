"""The mock conforms to openapi.yaml under every schemathesis check, stateful phase included; the
only failures tolerated are the ones `allowlist.yaml` lists, each with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.stateful import run_state_machine_as_test
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.server import MockServer
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

TOKEN = "demo-ready-token-0002"  # every scope (mocks/fixtures/sample.yaml)
HEADERS = {
    "Authentication": f"bearer {TOKEN}",
    "User-Agent": "miready-contract-tests (dev@example.com)",
}
ALLOWLIST_PATH = Path(__file__).with_name("allowlist.yaml")
load_all_checks()
ALL_CHECKS = [c for c in CHECKS.get_all() if callable(c) and not isinstance(c, type)]
EXAMPLES = 3  # per operation and generation mode: a few seconds at most
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


def created(store) -> int:
    """How many resources a store holds (what the stateful run's links create)."""
    records = sum(len(r) for r in store.records.values())
    return len(store.products) + len(store.locations) + len(store.webhooks) + records


def _schema():
    return schemathesis.openapi.from_path(OPENAPI_PATH, config=SchemathesisConfig())


SCHEMA = _schema()
OPERATIONS = [op.ok() for op in SCHEMA.get_all_operations()]


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(fixture=SAMPLE_FIXTURE) as server:
        yield server


def test__allowlist__should_name_known_checks_and_operations_with_reasons() -> None:
    names = {c.__name__ for c in ALL_CHECKS}
    assert {"not_a_server_error", "unsupported_method", "ignored_auth", "use_after_free"} <= names
    ops = {op.definition.raw["operationId"] for op in OPERATIONS} | {"*"}
    entries = load_allowlist()
    assert entries, "an empty allow-list belongs in a comment, not a file"
    for (check, op), reason in entries.items():
        assert check in names and op in ops, (check, op)
        assert isinstance(reason, str) and len(reason) > 20, (check, op)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.definition.raw["operationId"])
def test__every_operation__under_every_check__should_fail_only_as_allowed(mock, operation) -> None:
    base_url = f"{mock.url}/v1/1"
    found: set[tuple[str, str]] = set()
    calls = []

    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, phases=[Phase.explicit, Phase.generate], **COMMON)
        def run(case) -> None:
            response = case.call(base_url=base_url, headers=HEADERS)
            calls.append(response.status_code)
            check_all(case, response, found, transport_kwargs={"base_url": base_url})

        run()
    assert calls and all(status < 500 for status in calls), calls
    assert unexpected(found) == [], sorted(found)


def test__stateful_links__under_every_check__should_fail_only_as_allowed(mock) -> None:
    base_url = f"{mock.url}/v1/1"
    store = mock.platform.stores["1"]
    before = created(store)
    found: set[tuple[str, str]] = set()

    class Machine(_schema().as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case):
            return {"base_url": base_url, "headers": HEADERS}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            check_all(
                case,
                response,
                found,
                transport_kwargs={"base_url": base_url},
                recorder=self.recorder,
            )

    run_state_machine_as_test(
        Machine, settings=settings(max_examples=8, stateful_step_count=6, **COMMON)
    )
    assert created(store) > before  # links were followed: resources were created
    assert unexpected(found) == [], sorted(found)
