"""Each operation of the mock conforms to openapi.yaml under every schemathesis check; the only
failures tolerated are the ones `allowlist.yaml` lists, each with its reason. The stateful phase
(links between operations) is `test_stateful.py`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from every_check import (  # type: ignore[import-not-found]
    ALL_CHECKS,
    COMMON,
    HEADERS,
    check_all,
    load_allowlist,
    unexpected,
)
from hypothesis import Phase, given, settings
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.server import MockServer
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

EXAMPLES = 3  # per operation and generation mode: a few seconds at most
SCHEMA = schemathesis.openapi.from_path(OPENAPI_PATH, config=SchemathesisConfig())
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
