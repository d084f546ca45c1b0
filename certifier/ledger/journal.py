"""The proxy's local journal: records made durable next to the proxy before its answer goes out.

A SQLite file in WAL mode with ``synchronous=FULL`` (no file format of our own: SQLite already
survives a crash), one table of records as JSON in arrival order. The proxy appends, the drainer
reads the oldest, writes them to the ledger and removes them. One process owns a journal at a time
(an ``flock`` on ``<journal>.lock``); a second proxy given the same default journal takes the
next free slot (``<journal>.1``, ``.2``...), and whoever takes a slot later replays what it holds.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from miready.certifier.ledger.base import LedgerError

BUSY_TIMEOUT_S = 30.0
MAX_SLOTS = 64
DEFAULT_NAME = "miready-journal.db"
SCHEMA = "CREATE TABLE IF NOT EXISTS spool (seq INTEGER PRIMARY KEY, record TEXT NOT NULL)"


def default_journal_path(ledger_url: str, confdir: str | os.PathLike) -> Path:
    """Next to a SQLite ledger file (``miready.db`` -> ``miready.db.journal``); else in confdir."""
    if ledger_url.startswith("sqlite:///") and ledger_url != "sqlite:///:memory:":
        return Path(ledger_url.removeprefix("sqlite:///") + ".journal").absolute()
    return Path(confdir).expanduser().absolute() / DEFAULT_NAME


class Journal:
    """One journal file, owned by this process while open; every method is thread-safe."""

    def __init__(self, path: str | os.PathLike, *, take_free_slot: bool = True) -> None:
        base = Path(path)
        self._lock_file = None
        for slot in range(MAX_SLOTS if take_free_slot else 1):
            candidate = base if slot == 0 else base.with_name(f"{base.name}.{slot}")
            if self._try_lock(candidate):
                self.path = candidate
                break
        else:
            raise LedgerError(f"journal {base} (and its other slots) is in use by other proxies")
        try:
            self._write = self._connect()
            self._read = self._connect()
        except sqlite3.Error as e:
            self._unlock()
            raise LedgerError(f"cannot open the journal {self.path}: {e}") from e
        self._wlock = threading.Lock()
        self._rlock = threading.Lock()

    def _try_lock(self, path: Path) -> bool:
        handle = open(f"{path}.lock", "a+b")  # noqa: SIM115 - held for the journal's lifetime
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._lock_file = handle
        return True

    def _unlock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()  # closing releases the flock
            self._lock_file = None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a commit is on disk before it returns
        conn.execute(SCHEMA)
        return conn

    def append(self, records: Sequence[str]) -> None:
        """Make ``records`` (JSON texts) durable in ONE transaction: one fsync for the group."""
        with self._wlock:
            self._write.execute("BEGIN IMMEDIATE")
            try:
                self._write.executemany(
                    "INSERT INTO spool (record) VALUES (?)", ((r,) for r in records)
                )
                self._write.execute("COMMIT")
            except BaseException:
                if self._write.in_transaction:
                    self._write.execute("ROLLBACK")
                raise

    def oldest(self, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` (seq, record) rows, oldest first."""
        with self._rlock:
            return self._read.execute(
                "SELECT seq, record FROM spool ORDER BY seq LIMIT ?", (limit,)
            ).fetchall()

    def remove(self, seqs: Sequence[int]) -> None:
        """Forget rows the ledger now holds."""
        with self._wlock:
            self._write.execute("BEGIN IMMEDIATE")
            try:
                self._write.executemany("DELETE FROM spool WHERE seq = ?", ((s,) for s in seqs))
                self._write.execute("COMMIT")
            except BaseException:
                if self._write.in_transaction:
                    self._write.execute("ROLLBACK")
                raise

    def count(self) -> int:
        with self._rlock:
            return self._read.execute("SELECT count(*) FROM spool").fetchone()[0]

    def used_bytes(self) -> int:
        """Bytes the journal's live pages take (freed pages are reused, so they do not count)."""
        with self._rlock:
            pages = self._read.execute("PRAGMA page_count").fetchone()[0]
            free = self._read.execute("PRAGMA freelist_count").fetchone()[0]
            size = self._read.execute("PRAGMA page_size").fetchone()[0]
        return (pages - free) * size

    def close(self) -> None:
        with self._wlock, self._rlock:
            self._write.close()
            self._read.close()
        self._unlock()
