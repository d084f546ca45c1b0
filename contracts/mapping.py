"""Typed loader for a pack's ``mapping.yaml``: legacy fields and endpoints, mapped onto new ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from miready.contracts import MAPPING_PATH
from miready.contracts.errors import ContractError, Span
from miready.contracts.validate import load_valid
from miready.contracts.yamlio import LINE_KEY, span_of


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
    # shipping.type -> the FO statuses the legacy action walks through, in order
    statuses: dict[str, tuple[str, ...]] | None = None
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SimpleMapping:
    legacy: str
    fo: str
    compatible: bool = True
    transform: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DerivedField:
    """A legacy field computed from all of an order's FOs (not copied from the first one)."""

    legacy: str
    derive: str  # a function name in contracts.compat.DERIVERS
    source: str  # what it is computed from, in words
    current: bool = False  # still in the current resource


@dataclass(frozen=True, slots=True, kw_only=True)
class Mapping:
    source: str
    documentation_url: str
    decisions: dict[str, str]
    fields: tuple[FieldMapping, ...]
    derived: dict[str, DerivedField]
    endpoints: tuple[EndpointMapping, ...]
    tracking_event_fields: tuple[SimpleMapping, ...]
    order_input_params: tuple[SimpleMapping, ...]
    legacy_views: frozenset[str] = frozenset()  # reads whose answer carries the legacy fields
    first_fo_list: str | None = None  # "GET /path" listing an order's FOs, first one first
    tracking_events: str | None = None  # "GET /path" of one FO's tracking events
    status_groups: dict[str, frozenset[str]] = field(default_factory=dict)  # packed, dispatched
    path: Path | None = None

    def action_row(self, action: str) -> EndpointMapping | None:
        return next((e for e in self.endpoints if e.action == action), None)

    def field_names(self) -> tuple[str, ...]:
        """The top-level legacy field names (``shipping_tracking_number``), each once."""
        names = [f.legacy.split(".")[0] for f in self.fields] + list(self.derived)
        return tuple(dict.fromkeys(names))

    def joined_event_fields(self) -> tuple[SimpleMapping, ...]:
        """Legacy tracking-event fields joined, in order, into one FO field (city, province...)."""
        return tuple(r for r in self.tracking_event_fields if not r.compatible)

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


def _simple(raw: dict[str, Any], path: Path) -> SimpleMapping:
    return SimpleMapping(
        legacy=raw["legacy"],
        fo=raw["fo"],
        compatible=raw.get("compatible", True),
        transform=raw.get("transform"),
        note=raw.get("note"),
    )


def load_mapping(path: Path = MAPPING_PATH) -> Mapping:
    raw = load_valid(path, "mapping.schema.json")
    fields = []
    seen: set[str] = set()
    for row in raw.get("fields", ()):
        legacy = row["legacy"]
        if legacy in seen:
            raise ContractError(f"legacy field {legacy!r} is mapped twice", span_of(row, path))
        seen.add(legacy)
        fields.append(
            FieldMapping(
                legacy=legacy,
                seed=row["seed"],
                fo=row["fo"],
                transform=row.get("transform"),
                compatible=row.get("compatible", True),
                view=row.get("view", True),
                note=row.get("note"),
                span=span_of(row, path),
            )
        )
    endpoints = tuple(
        EndpointMapping(
            legacy=row["legacy"],
            replacement=row["replacement"],
            action=row["action"],
            example={k: v for k, v in row["example"].items() if k != "__line__"}
            if row.get("example")
            else None,
            statuses={k: tuple(v) for k, v in row["statuses"].items() if k != "__line__"}
            if row.get("statuses")
            else None,
            span=span_of(row, path),
        )
        for row in raw.get("endpoints", ())
    )
    return Mapping(
        source=raw.get("source", ""),
        documentation_url=raw.get("documentation_url", ""),
        decisions={d["id"]: " ".join(d["text"].split()) for d in raw.get("decisions", [])},
        fields=tuple(fields),
        derived={
            d["legacy"]: DerivedField(
                legacy=d["legacy"],
                derive=d["derive"],
                source=d["from"],
                current=d.get("current", False),
            )
            for d in raw.get("derived", [])
        },
        endpoints=endpoints,
        tracking_event_fields=tuple(_simple(r, path) for r in raw.get("tracking_event_fields", [])),
        order_input_params=tuple(_simple(r, path) for r in raw.get("order_input_params", [])),
        legacy_views=frozenset(raw.get("legacy_views", ())),
        first_fo_list=(raw.get("first_fo") or {}).get("list"),
        tracking_events=(raw.get("first_fo") or {}).get("tracking_events"),
        status_groups={
            k: frozenset(v) for k, v in (raw.get("fo_status_groups") or {}).items() if k != LINE_KEY
        },
        path=path,
    )


def default_mapping() -> Mapping:
    """The default pack's mapping."""
    from miready.contracts.pack import default_pack

    return default_pack().mapping
