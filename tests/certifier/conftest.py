"""Fixtures for the certifier's tests: a SQLite ledger in tmp_path and a way to fill it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from miready.certifier.ledger import CallRecord, open_ledger
from miready.certifier.ledger.base import Ledger
from miready.contracts.rules import RulePack, default_rule_pack

ORDER_SCOPES = ("read_orders", "write_orders")
CLEAN_OP = (
    "updateFulfillmentOrder",
    "PATCH",
    "/orders/{order_id}/fulfillment-orders/{fulfillment_order_id}",
)
LEGACY_OP = ("packOrder", "POST", "/orders/{order_id}/pack")
PACK_RULE = "endpoint.orders.pack"


@dataclass
class Calls:
    """Writes calls straight into the ledger, as the proxy would have recorded them."""

    ledger: Ledger

    def clean(self, app_id: str, *ats: datetime, scopes: tuple[str, ...] = ORDER_SCOPES) -> None:
        self.write(app_id, ats, CLEAN_OP, (), scopes)

    def legacy(self, app_id: str, *ats: datetime, scopes: tuple[str, ...] = ORDER_SCOPES) -> None:
        self.write(app_id, ats, LEGACY_OP, (PACK_RULE,), scopes)

    def write(
        self,
        app_id: str,
        ats: tuple[datetime, ...],
        op: tuple[str, str, str],
        findings: tuple[str, ...],
        scopes: tuple[str, ...],
    ) -> None:
        example = (
            '{"body":{"note":"<str>"},"method":"POST","path":"/orders/{order_id}/pack","query":{}}'
        )
        self.ledger.write_calls(
            [
                CallRecord(
                    at=at,
                    app_id=app_id,
                    app_name=f"{app_id} (dev@example.com)",
                    store_id="1",
                    token_id="0123456789abcdef",
                    scopes=scopes,
                    operation_id=op[0],
                    method=op[1],
                    path_template=op[2],
                    status=200,
                    latency_ms=3.0,
                    findings=findings,
                    examples={f: example for f in findings},
                )
                for at in ats
            ]
        )


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Ledger]:
    led = open_ledger(ledger_url)
    yield led
    led.close()


@pytest.fixture
def calls(ledger: Ledger) -> Calls:
    return Calls(ledger)


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return default_rule_pack()


POSTGRES_URL = os.environ.get(
    "MIREADY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Ledger]:
    """The same test on each backend; PostgreSQL gets a schema of its own, dropped afterwards."""
    if request.param == "sqlite":
        led = open_ledger(f"sqlite:///{tmp_path / 'any.db'}")
        yield led
        led.close()
        return
    import psycopg

    if os.environ.get("MIREADY_SKIP_POSTGRES") == "1":
        pytest.skip("MIREADY_SKIP_POSTGRES=1")
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as e:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL}: {e} (set MIREADY_SKIP_POSTGRES=1 to"
            " skip the PostgreSQL tests)",
            pytrace=False,
        )
    schema = f"miready_cert_{uuid.uuid4().hex[:12]}"
    led = open_ledger(f"{POSTGRES_URL}?schema={schema}")
    try:
        yield led
    finally:
        led.close()
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()


@pytest.fixture
def any_calls(any_ledger: Ledger) -> Calls:
    return Calls(any_ledger)
