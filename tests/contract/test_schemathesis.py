"""The mock conforms to contracts/openapi.yaml and never answers 5xx (schemathesis 4, live)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.stateful import run_state_machine_as_test
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.server import MockServer
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

TOKEN = "demo-ready-token-0002"  # every scope (mocks/fixtures/sample.yaml)
HEADERS = {
    "Authentication": f"bearer {TOKEN}",
    "User-Agent": "miready-contract-tests (dev@example.com)",
}
# Business rules (FO transitions, location deletion, stock) legitimately refuse schema-valid data,
# so "positive data acceptance" is not a property of this API; every other default check runs.
EXCLUDED = [positive_data_acceptance]
SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(fixture=SAMPLE_FIXTURE) as server:
        yield server


def _schema():
    return schemathesis.openapi.from_path(OPENAPI_PATH, config=SchemathesisConfig())


SCHEMA = _schema()
OPERATIONS = [op.ok() for op in SCHEMA.get_all_operations()]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.definition.raw["operationId"])
def test__every_operation__with_generated_data__should_conform_and_never_5xx(
    mock, operation, mode
) -> None:
    base_url = f"{mock.url}/v1/1"

    @given(case=operation.as_strategy(generation_mode=mode))
    @SETTINGS
    def check(case) -> None:
        case.call_and_validate(base_url=base_url, headers=HEADERS, excluded_checks=EXCLUDED)

    check()


def test__stateful_links__should_conform_and_never_5xx(mock) -> None:
    schema = _schema()
    base_url = f"{mock.url}/v1/1"
    machine = schema.as_state_machine()

    class Machine(machine):  # type: ignore[misc, valid-type]
        def get_call_kwargs(self, case):
            return {"base_url": base_url, "headers": HEADERS}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                headers=HEADERS,
                excluded_checks=EXCLUDED,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=8,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test__stateful_run__should_have_created_resources(mock) -> None:
    # Runs after the stateful test in the same module: links were followed, not just single calls.
    store = mock.platform.stores["1"]
    assert (
        len(store.products) > 3
        or len(store.locations) > 3
        or store.webhooks
        or any(store.records.values())
    )
