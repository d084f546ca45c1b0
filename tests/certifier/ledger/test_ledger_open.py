"""Choosing and opening a backend by URL; creating its tables once."""

from __future__ import annotations

import pytest
from miready.certifier.ledger import DEFAULT_LEDGER_URL, LedgerError, open_ledger
from miready.certifier.ledger.base import SCHEMA_VERSION
from miready.certifier.ledger.postgres import PostgresLedger, split_schema
from miready.certifier.ledger.sqlite import SqliteLedger, sqlite_path


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///miready.db", "miready.db"),
        ("sqlite:///data/x.db", "data/x.db"),
        ("sqlite:////var/lib/miready/x.db", "/var/lib/miready/x.db"),
        ("sqlite:///:memory:", ":memory:"),
    ],
)
def test__sqlite_path__url_forms__should_give_the_file(url, path):
    assert sqlite_path(url) == path


@pytest.mark.parametrize("url", ["sqlite://x.db", "sqlite:///", "sqlite:x.db"])
def test__sqlite_path__malformed__should_say_which_forms_work(url):
    with pytest.raises(LedgerError, match=r"sqlite:////absolute/path\.db"):
        sqlite_path(url)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "ledger.db", "", "http://x"])
def test__open_ledger__unknown_scheme__should_name_the_supported_ones(url):
    with pytest.raises(LedgerError, match=r"sqlite:///.*postgresql://"):
        open_ledger(url)


def test__open_ledger__none__should_open_the_default_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    ledger = open_ledger(None)
    ledger.close()

    assert isinstance(ledger, SqliteLedger) and ledger.url == DEFAULT_LEDGER_URL
    assert (tmp_path / "miready.db").exists()


def test__open_ledger__relative_and_absolute_sqlite_urls__should_reach_the_same_file(
    tmp_path, monkeypatch, call
):
    monkeypatch.chdir(tmp_path)
    relative = open_ledger("sqlite:///rel.db")
    relative.write_calls([call()])
    relative.close()

    absolute = open_ledger(f"sqlite:///{tmp_path / 'rel.db'}")  # sqlite:////tmp/...
    try:
        assert absolute.count_calls() == 1
    finally:
        absolute.close()


def test__sqlite__file_settings__should_be_wal_with_full_sync(tmp_path):
    ledger = SqliteLedger(f"sqlite:///{tmp_path / 'l.db'}")
    try:
        conn = ledger._conn
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    finally:
        ledger.close()


def test__sqlite__missing_directory__should_say_so(tmp_path):
    with pytest.raises(LedgerError, match="does not exist"):
        SqliteLedger(f"sqlite:///{tmp_path / 'nope' / 'l.db'}")


def test__sqlite__memory__should_work_and_be_private(call):
    first, second = SqliteLedger("sqlite:///:memory:"), SqliteLedger("sqlite:///:memory:")
    first.write_calls([call()])

    assert (first.count_calls(), second.count_calls()) == (1, 0)
    first.close()
    second.close()


def test__open__twice__should_create_the_tables_once(backend):
    backend.open().close()
    backend.open().close()

    assert backend.scalar("SELECT count(*) FROM schema_version") == 1
    assert backend.scalar("SELECT max(version) FROM schema_version") == SCHEMA_VERSION


def test__open__newer_schema_version__should_refuse_with_upgrade_advice(backend):
    backend.open().close()
    backend.raw(f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")

    with pytest.raises(LedgerError, match="upgrade miready"):
        backend.open()


@pytest.mark.parametrize(
    ("url", "conninfo", "schema"),
    [
        ("postgresql://u@h:5432/db", "postgresql://u@h:5432/db", None),
        ("postgresql://u@h/db?schema=s1", "postgresql://u@h/db", "s1"),
        (
            "postgresql://u@h/db?sslmode=disable&schema=miready_x&application_name=m",
            "postgresql://u@h/db?sslmode=disable&application_name=m",
            "miready_x",
        ),
    ],
)
def test__split_schema__url__should_remove_our_parameter(url, conninfo, schema):
    assert split_schema(url) == (conninfo, schema)


@pytest.mark.parametrize("schema", ["1abc", "a-b", "a;drop", "x" * 64, ""])
def test__split_schema__bad_name__should_be_refused(schema):
    with pytest.raises(LedgerError, match="bad schema"):
        split_schema(f"postgresql://u@h/db?schema={schema}")


def test__postgres__unreachable__should_raise_ledger_error_without_the_password():
    with pytest.raises(LedgerError, match="cannot connect") as info:
        PostgresLedger("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2")
    assert "secret" not in str(info.value)


@pytest.mark.postgres
def test__postgres__schema_param__should_keep_tables_in_that_schema(
    postgres_schema, postgres_url, call
):
    import psycopg

    ledger = open_ledger(f"{postgres_url}?schema={postgres_schema}")
    ledger.write_calls([call()])
    ledger.close()

    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "ORDER BY table_name",
            (postgres_schema,),
        ).fetchall()
        count = conn.execute(f"SELECT count(*) FROM {postgres_schema}.calls").fetchone()[0]
    assert [t for (t,) in tables] == [
        "apps", "calls", "examples", "ledger_meta", "quarantine", "reviews", "rollups",
        "schema_migrations", "schema_version",
    ]  # fmt: skip
    assert count == 1
