"""Typed loader for a pack's ``coverage.yaml``: the API families an app may exercise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from miready.contracts.errors import Span
from miready.contracts.validate import load_valid
from miready.contracts.yamlio import span_of


@dataclass(frozen=True, slots=True, kw_only=True)
class Family:
    id: str
    title: str
    new: tuple[str, ...]  # operation ids of the new API
    legacy: tuple[str, ...]  # deprecated operation ids
    legacy_rules: tuple[str, ...]  # rule ids whose findings are legacy use of the family
    span: Span | None = None


def load_families(path: Path) -> tuple[Family, ...]:
    """The families as written; the pack checks their operations and rules exist."""
    raw = load_valid(path, "coverage.schema.json")
    return tuple(
        Family(
            id=entry["id"],
            title=entry["title"],
            new=tuple(entry.get("new") or ()),
            legacy=tuple(entry.get("legacy") or ()),
            legacy_rules=tuple(entry.get("legacy_rules") or ()),
            span=span_of(entry, path),
        )
        for entry in raw["families"]
    )
