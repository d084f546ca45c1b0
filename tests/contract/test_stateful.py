"""schemathesis's stateful phase follows the links of openapi.yaml to every operation of the spec,
fulfillment orders and tracking events included, with real ids; every response passes every check
but for what `allowlist.yaml` tolerates. Run with `-s -n 0` to see how many steps reached each
operation (the same table is in the failure message)."""

from __future__ import annotations

import urllib.request
from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from every_check import COMMON, HEADERS, check_all, unexpected  # type: ignore[import-not-found]
from hypothesis import Phase, seed, settings
from hypothesis.stateful import run_state_machine_as_test
from miready.contracts import OPENAPI_PATH
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.server import MockServer
from schemathesis.config import SchemathesisConfig

try:  # private API: Hypothesis >= 6.131 draws literals of the project's modules (see below)
    from hypothesis.internal.conjecture import providers
    from hypothesis.internal.constants_ast import Constants
except ImportError:  # an older Hypothesis has no such pool
    providers = None

# The spec's links are the whole graph (no inferred links), and steps send positive ASCII data:
# a negative step only ends its chain (`test_schemathesis.py` sends negative and non-ASCII data to
# every operation), and ASCII strings keep a scenario inside Hypothesis's 8 KiB of choices, so it
# runs to its step count.
CONFIG = {
    "phases": {
        "stateful": {
            "inference": {"algorithms": []},
            "generation": {"mode": "positive", "codec": "ascii"},
        }
    }
}
# Two runs. Hypothesis's simplest scenario takes, at every step, the first rule it may by name (a
# link is a rule named after its source, status, link name and target): one scenario of LONGEST
# steps walks the links depth first, through orders, their fulfillment orders and tracking events,
# the same whatever the seed. Then SCENARIOS random scenarios of up to STEPS steps reach the rest.
LONGEST = 300
SCENARIOS = 50
STEPS = 50
SEED = 0
# Operations whose steps must have had a 2xx answer at least once (not only been reached).
MUST_SUCCEED_TAGS = {"fulfillment-orders"}


@pytest.fixture
def pinned_hypothesis_constants(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hypothesis mixes literals of the project's imported modules into generated data, so which
    modules a pytest run imports would change the scenarios; an empty pool makes the run the same
    whether the file runs alone or in the whole suite."""
    if providers is None or not hasattr(providers, "_get_local_constants"):
        yield
        return
    monkeypatch.setattr(providers, "_get_local_constants", Constants)
    providers.CONSTANTS_CACHE.cache.clear()
    yield
    providers.CONSTANTS_CACHE.cache.clear()


def table(steps: Counter[str], statuses: dict[str, Counter[int]]) -> str:
    """One row per operation, fewest steps first."""
    rows = [f"{'operation':<36} {'steps':>6} {'2xx':>5}  statuses"]
    for op in sorted(steps, key=lambda o: (steps[o], o)):
        codes = statuses.get(op, Counter())
        ok = sum(n for code, n in codes.items() if 200 <= code < 300)
        seen = " ".join(f"{code}x{n}" for code, n in sorted(codes.items()))
        rows.append(f"{op:<36} {steps[op]:>6} {ok:>5}  {seen}")
    reached = [o for o in steps if steps[o]]
    rows.append(
        f"{sum(steps.values())} steps reached {len(reached)} of {len(steps)} operations;"
        f" fewest: {min(steps.values())}"
    )
    return "\n".join(rows)


def test__stateful_phase__should_reach_every_operation_and_fail_only_as_allowed(
    pinned_hypothesis_constants,
) -> None:
    schema = schemathesis.openapi.from_path(
        OPENAPI_PATH, config=SchemathesisConfig.from_dict(CONFIG)
    )
    operations = [op.ok() for op in schema.get_all_operations()]
    op_id = {op.label: op.definition.raw["operationId"] for op in operations}
    must_succeed = {op_id[op.label] for op in operations if MUST_SUCCEED_TAGS & set(op.tags or ())}
    steps: Counter[str] = Counter(dict.fromkeys(op_id.values(), 0))
    statuses: dict[str, Counter[int]] = {}
    found: set[tuple[str, str]] = set()

    with MockServer(fixture=SAMPLE_FIXTURE) as mock:
        base_url = f"{mock.url}/v1/1"

        @seed(SEED)  # the scenarios depend on the seed alone, not on this class's source
        class Machine(schema.as_state_machine()):  # type: ignore[misc]
            def setup(self) -> None:
                # Every scenario starts from the fixture: Hypothesis replays scenarios and expects
                # the same answers to the same steps.
                reset = urllib.request.Request(
                    f"{mock.url}/_mock/reset", method="POST", headers=mock.admin_headers
                )
                urllib.request.urlopen(reset, timeout=10).close()

            def get_call_kwargs(self, case):
                return {"base_url": base_url, "headers": HEADERS}

            def validate_response(self, response, case, additional_checks=None, **kwargs):
                op = op_id[case.operation.label]
                steps[op] += 1
                statuses.setdefault(op, Counter())[response.status_code] += 1
                check_all(
                    case,
                    response,
                    found,
                    transport_kwargs={"base_url": base_url},
                    recorder=self.recorder,
                )

        for scenarios, steps_each in ((1, LONGEST), (SCENARIOS, STEPS)):
            run_state_machine_as_test(
                Machine,
                settings=settings(
                    max_examples=scenarios,
                    stateful_step_count=steps_each,
                    phases=[Phase.generate],
                    **COMMON,
                ),
            )

    report = table(steps, statuses)
    print(f"\nStateful steps per operation\n{report}")
    unreached = sorted(op for op, n in steps.items() if n == 0)
    assert not unreached, (
        f"no stateful step reached {unreached}: give each an OpenAPI link from an operation "
        f"the run reaches (or raise SCENARIOS)\n{report}"
    )
    failed = sorted(
        op
        for op in must_succeed
        if not any(200 <= code < 300 for code in statuses.get(op, Counter()))
    )
    assert not failed, f"no 2xx answer for {failed}\n{report}"
    assert unexpected(found) == [], f"{sorted(found)}\n{report}"
