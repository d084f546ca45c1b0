"""Typed loader for ``mapping.yaml``: the legacy order fields and endpoints, mapped onto FOs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from miready.contracts import MAPPING_PATH
from miready.contracts.errors import ContractError, Span
from miready.contracts.yamlio import load_yaml, span_of


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldMapping:
    legacy: str  # dotted path in the legacy order view
    seed: str  # the FO path as seed 004's table writes it
    fo: str  # the FO path in the platform's real FO shape
    transform: str | None = None
    compatible: bool = True
    view: bool = True
    note: str | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EndpointMapping:
    legacy: str  # "METHOD /path"
    replacement: str
    action: str
    example: dict[str, Any] | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SimpleMapping:
    legacy: str
    fo: str
    compatible: bool = True
    transform: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapping:
    source: str
    documentation_url: str
    decisions: dict[str, str]
    fields: tuple[FieldMapping, ...]
    derived: dict[str, str]
    endpoints: tuple[EndpointMapping, ...]
    tracking_event_fields: tuple[SimpleMapping, ...]
    order_input_params: tuple[SimpleMapping, ...]
    path: Path | None = None

    def view_fields(self) -> tuple[FieldMapping, ...]:
        return tuple(f for f in self.fields if f.view)

    def endpoint(self, legacy: str) -> EndpointMapping | None:
        for e in self.endpoints:
            if e.legacy == legacy:
                return e
        return None

    def replacement_for(self, legacy_field: str) -> str | None:
        for f in self.fields:
            if f.legacy == legacy_field:
                return f"fulfillment_order.{f.fo}"
        return None


def _required(raw: dict[str, Any], key: str, path: Path) -> Any:
    if key not in raw:
        raise ContractError(f"missing key {key!r}", span_of(raw, path))
    return raw[key]


def _simple(raw: dict[str, Any], path: Path) -> SimpleMapping:
    return SimpleMapping(
        legacy=_required(raw, "legacy", path),
        fo=_required(raw, "fo", path),
        compatible=raw.get("compatible", True),
        transform=raw.get("transform"),
        note=raw.get("note"),
    )


def load_mapping(path: Path = MAPPING_PATH) -> Mapping:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ContractError("the mapping must be a YAML mapping", Span(path, 1))
    fields = []
    seen: set[str] = set()
    for row in _required(raw, "fields", path):
        legacy = _required(row, "legacy", path)
        if legacy in seen:
            raise ContractError(f"legacy field {legacy!r} is mapped twice", span_of(row, path))
        seen.add(legacy)
        fields.append(
            FieldMapping(
                legacy=legacy,
                seed=_required(row, "seed", path),
                fo=_required(row, "fo", path),
                transform=row.get("transform"),
                compatible=row.get("compatible", True),
                view=row.get("view", True),
                note=row.get("note"),
                span=span_of(row, path),
            )
        )
    endpoints = tuple(
        EndpointMapping(
            legacy=_required(row, "legacy", path),
            replacement=_required(row, "replacement", path),
            action=_required(row, "action", path),
            example={k: v for k, v in row["example"].items() if k != "__line__"}
            if row.get("example")
            else None,
            span=span_of(row, path),
        )
        for row in _required(raw, "endpoints", path)
    )
    return Mapping(
        source=raw.get("source", ""),
        documentation_url=raw.get("documentation_url", ""),
        decisions={d["id"]: " ".join(d["text"].split()) for d in raw.get("decisions", [])},
        fields=tuple(fields),
        derived={d["legacy"]: d["from"] for d in raw.get("derived", [])},
        endpoints=endpoints,
        tracking_event_fields=tuple(_simple(r, path) for r in raw.get("tracking_event_fields", [])),
        order_input_params=tuple(_simple(r, path) for r in raw.get("order_input_params", [])),
        path=path,
    )


@cache
def default_mapping() -> Mapping:
    return load_mapping(MAPPING_PATH)
