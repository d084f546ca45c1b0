"""Bring a ledger's tables to this release: numbered scripts, applied once, recorded in a table.

Each backend lists its scripts in order (``sqlite_sql.MIGRATIONS``, ``postgres_sql.MIGRATIONS``);
script N takes a ledger from version N-1 to N, and ``schema_migrations`` keeps one row per script
applied. A ledger written by release 1 (before ``schema_migrations`` existed) is recognised by its
``schema_version`` table and upgraded from there. ``schema_version`` is still kept at the newest
version, because that is what older releases read to refuse a ledger newer than themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from miready.certifier.ledger.base import LedgerError

Query = Callable[[str, tuple], list[tuple]]

CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(version integer PRIMARY KEY, applied_at text NOT NULL)"
)


def statements(script: str) -> list[str]:
    """A script's statements (our scripts hold no ``;`` inside a statement)."""
    return [s.strip() for s in script.split(";") if s.strip()]


def run_migrations(
    query: Query,
    scripts: Sequence[str],
    *,
    placeholder: str,
    table_exists: Callable[[str], bool],
    where: str,
) -> list[int]:
    """Apply the scripts this ledger lacks, inside the caller's transaction; the versions run."""
    p = placeholder
    query(CREATE_TABLE, ())
    applied = {version for (version,) in query("SELECT version FROM schema_migrations", ())}
    legacy = None
    if table_exists("schema_version"):
        legacy = query("SELECT max(version) FROM schema_version", ())[0][0]
    newest = max(applied | {legacy or 0})
    if newest > len(scripts):
        raise LedgerError(
            f"ledger {where} has schema version {newest}, newer than this miready "
            f"({len(scripts)}): upgrade miready"
        )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if not applied and legacy:
        for version in range(1, legacy + 1):
            query(f"INSERT INTO schema_migrations VALUES ({p}, {p})", (version, now))
            applied.add(version)
    ran = []
    for version in range(max(applied, default=0) + 1, len(scripts) + 1):
        for statement in statements(scripts[version - 1]):
            query(statement, ())
        query(f"INSERT INTO schema_migrations VALUES ({p}, {p})", (version, now))
        ran.append(version)
    if ran:
        query("DELETE FROM schema_version", ())
        query(f"INSERT INTO schema_version (version) VALUES ({p})", (len(scripts),))
    return ran
