"""Fixtures giving each test a fresh ledger on every backend: SQLite in tmp_path, PostgreSQL in
its own schema (dropped afterwards), so the suite is safe under ``pytest -n auto``.

PostgreSQL must be reachable at ``MIREADY_TEST_POSTGRES_URL`` (default below): if it is not, its
tests fail with the reason, unless ``MIREADY_SKIP_POSTGRES=1`` says to skip them.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from miready.certifier.ledger import CallRecord, Ledger, open_ledger

POSTGRES_URL = os.environ.get(
    "MIREADY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@dataclass(frozen=True)
class Backend:
    """Where a test's ledger lives, and a back door to run SQL on it without the ledger."""

    name: str
    url: str
    raw: Callable[[str], None]  # run statements
    scalar: Callable[[str], object]  # the first column of the first row of one query

    def open(self) -> Ledger:
        return open_ledger(self.url)


def _sqlite_backend(tmp_path: os.PathLike) -> Backend:
    path = os.path.join(tmp_path, "ledger.db")

    def raw(statements: str) -> None:
        conn = sqlite3.connect(path)
        try:
            conn.executescript(statements)
        finally:
            conn.close()

    def scalar(query: str) -> object:
        conn = sqlite3.connect(path)
        try:
            return conn.execute(query).fetchone()[0]
        finally:
            conn.close()

    return Backend("sqlite", f"sqlite:///{path}", raw, scalar)


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh schema name on the test server, dropped after the test."""
    import psycopg

    if os.environ.get("MIREADY_SKIP_POSTGRES") == "1":
        pytest.skip("MIREADY_SKIP_POSTGRES=1")
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as e:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL}: {e}\n"
            "Start it (e.g. `pg_ctlcluster 15 main start`), point MIREADY_TEST_POSTGRES_URL at "
            "another server, or set MIREADY_SKIP_POSTGRES=1 to skip the PostgreSQL tests.",
            pytrace=False,
        )
    schema = f"miready_test_{uuid.uuid4().hex[:12]}"
    try:
        yield schema
    finally:
        admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.close()


def _postgres_backend(schema: str) -> Backend:
    import psycopg

    def raw(statements: str) -> None:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            conn.execute(statements)

    def scalar(query: str) -> object:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {schema}")
            return conn.execute(query).fetchone()[0]

    return Backend("postgres", f"{POSTGRES_URL}?schema={schema}", raw, scalar)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: os.PathLike) -> Backend:
    if request.param == "sqlite":
        return _sqlite_backend(tmp_path)
    return _postgres_backend(request.getfixturevalue("postgres_schema"))


@pytest.fixture
def ledger(backend: Backend) -> Iterator[Ledger]:
    opened = backend.open()
    yield opened
    opened.close()


def make_call(
    at: datetime = datetime(2024, 5, 1, 12, 0, tzinfo=UTC), app_id: str = "app-1", **fields
) -> CallRecord:
    """A call with sensible defaults; pass any CallRecord field to change it."""
    fields.setdefault("method", "GET")
    fields.setdefault("path_template", "/admin/api/products/{id}.json")
    fields.setdefault("status", 200)
    return CallRecord(at=at, app_id=app_id, **fields)


@pytest.fixture
def call() -> Callable[..., CallRecord]:
    return make_call


@pytest.fixture
def postgres_url() -> str:
    return POSTGRES_URL
