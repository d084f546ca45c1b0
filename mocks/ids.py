"""Identifiers: ULID strings for multi-location entities, counters for core integer ids."""

from __future__ import annotations

import secrets

from miready.contracts.tokens import token_id as token_id  # one owner: contracts.tokens
from miready.contracts.ulids import new_ulid as new_ulid  # one owner: contracts.ulids


def new_secret(nbytes: int = 24) -> str:
    return secrets.token_hex(nbytes)


class Counter:
    """Monotonic integer ids, one sequence per kind."""

    def __init__(self, start: dict[str, int] | None = None) -> None:
        self.last: dict[str, int] = dict(start or {})

    def next(self, kind: str) -> int:
        self.last[kind] = self.last.get(kind, 0) + 1
        return self.last[kind]

    def bump(self, kind: str, seen: int) -> None:
        if seen > self.last.get(kind, 0):
            self.last[kind] = seen
