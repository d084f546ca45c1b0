"""Versioned migrations: a ledger written by release 1 (schema version 1) upgrades in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier.ledger import postgres_sql, sqlite_sql
from miready.certifier.ledger.base import SCHEMA_VERSION
from miready.certifier.ledger.verify import verify

DAY1 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
# What release 1 wrote for two calls of one app: calls without ids, their app and rollups.
RELEASE_1_ROWS = """
INSERT INTO schema_version (version) VALUES (1);
INSERT INTO calls (at, app_id, method, path_template, status, latency_ms, params, findings, source)
VALUES ('2024-05-01T09:00:00.000000+00:00', 'old-app', 'GET', '/p', 200, 1.0, '[]', '[]', 'proxy'),
       ('2024-05-01T09:05:00.000000+00:00', 'old-app', 'GET', '/p', 200, 1.0, '[]', '[]', 'proxy');
INSERT INTO apps (app_id, name, scopes, first_seen, last_seen)
VALUES ('old-app', 'Old', '[]', '2024-05-01T09:00:00.000000+00:00',
        '2024-05-01T09:05:00.000000+00:00');
INSERT INTO rollups (app_id, day, kind, key, count, first_at, last_at)
VALUES ('old-app', '2024-05-01', 'all', '*', 2, '2024-05-01T09:00:00.000000+00:00',
        '2024-05-01T09:05:00.000000+00:00'),
       ('old-app', '2024-05-01', 'operation', '/p', 2, '2024-05-01T09:00:00.000000+00:00',
        '2024-05-01T09:05:00.000000+00:00')
"""


@pytest.fixture
def release_1_ledger(backend):
    """A ledger exactly as release 1 left it: its schema script, its rows, no migrations table."""
    if backend.name == "postgres":
        schema = backend.url.rsplit("schema=", 1)[1]
        backend.raw(f"CREATE SCHEMA {schema}")
        backend.raw(postgres_sql.SCHEMA_V1)
    else:
        backend.raw(sqlite_sql.SCHEMA_V1)
    backend.raw(RELEASE_1_ROWS)
    return backend


def test__open__release_1_ledger__should_upgrade_keeping_every_call_and_rollup(
    release_1_ledger, call
):
    backend = release_1_ledger
    ledger = backend.open()
    try:
        again = ledger.write_calls([call(DAY1 + timedelta(hours=1), app_id="old-app")])
        versions = backend.scalar("SELECT count(*) FROM schema_migrations")
        legacy_ids = backend.scalar("SELECT count(*) FROM calls WHERE call_id LIKE 'v1-%'")
        result = verify(ledger)
        print(f"\nupgraded {backend.name}: {ledger.count_calls()} calls, migrations {versions}")
        assert (ledger.count_calls(), legacy_ids, again.inserted) == (3, 2, 1)
        assert versions == SCHEMA_VERSION
        assert backend.scalar("SELECT max(version) FROM schema_version") == SCHEMA_VERSION
        assert ledger.app("old-app").name == "Old"
        assert result.ok, str(result)
    finally:
        ledger.close()


def test__open__already_current__should_apply_nothing_twice(backend):
    backend.open().close()
    backend.open().close()

    assert backend.scalar("SELECT count(*) FROM schema_migrations") == SCHEMA_VERSION
    assert backend.scalar("SELECT count(*) FROM schema_version") == 1
