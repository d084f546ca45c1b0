"""A throw-away PostgreSQL schema for a benchmark, or the reason there is none."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def base_url() -> str:
    return os.environ.get("MIREADY_BENCH_POSTGRES_URL") or os.environ.get(
        "MIREADY_TEST_POSTGRES_URL", DEFAULT_URL
    )


def unavailable() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(base_url(), connect_timeout=3):
            return None
    except Exception as e:  # any failure means: skip PostgreSQL, say why
        return f"PostgreSQL at {base_url()} not reachable: {type(e).__name__}: {e}"


@contextmanager
def schema() -> Iterator[str]:
    """A ledger URL on a fresh schema, dropped afterwards."""
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    sep = "&" if "?" in base_url() else "?"
    try:
        yield f"{base_url()}{sep}schema={name}"
    finally:
        with psycopg.connect(base_url(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
