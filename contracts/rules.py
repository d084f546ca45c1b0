"""Rule packs as data, and the one generic engine that classifies a call into findings.

A pack (``contracts/rules/*.yaml``) lists rules; each rule has a *kind*, a function registered in
``RULE_KINDS`` that decides whether the rule applies to a call. The engine names no platform,
endpoint or field: those live in the pack.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from miready.contracts import DEFAULT_PACK, PACKS_DIR, SCHEMAS_DIR
from miready.contracts.errors import ContractError, Span
from miready.contracts.params import matching
from miready.contracts.spec import OperationIndex, default_operations
from miready.contracts.yamlio import load_yaml, span_of, strip_lines


class Severity(StrEnum):
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    id: str
    kind: str
    title: str
    description: str
    endpoints: frozenset[str]  # "METHOD /path/{template}"
    params: tuple[str, ...]
    replacement: str
    seed_section: str
    api_type: str = "REST"
    since: date | None = None
    deadline: date | None = None
    severity: Severity = Severity.ERROR
    span: Span | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFacts:
    """What the engine may look at: names and the shape of a call, never values."""

    method: str
    path_template: str | None  # None when the call matched no operation
    params: frozenset[str] = frozenset()  # body key paths and ``query:`` keys
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    at: datetime | None = None

    @property
    def endpoint(self) -> str | None:
        return f"{self.method.upper()} {self.path_template}" if self.path_template else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule_id: str
    kind: str
    params: tuple[str, ...] = ()  # the parameter names that triggered it, if any


@dataclass(frozen=True, slots=True, kw_only=True)
class GraceHeader:
    """A request header that exempts a call while the grace period lasts (seed 001)."""

    name: str
    value: str | None
    until: date | None


RuleKind = Callable[[Rule, CallFacts], Finding | None]
RULE_KINDS: dict[str, RuleKind] = {}


def rule_kind(func: RuleKind) -> RuleKind:
    """Register a rule kind under its function name."""
    if func.__name__ in RULE_KINDS:
        raise ValueError(f"rule kind {func.__name__!r} is registered twice")
    RULE_KINDS[func.__name__] = func
    return func


@rule_kind
def deprecated_endpoint(rule: Rule, call: CallFacts) -> Finding | None:
    return Finding(rule_id=rule.id, kind=rule.kind)


@rule_kind
def deprecated_parameter(rule: Rule, call: CallFacts) -> Finding | None:
    hits = matching(rule.params, call.params)
    return Finding(rule_id=rule.id, kind=rule.kind, params=hits) if hits else None


@rule_kind
def missing_parameter(rule: Rule, call: CallFacts) -> Finding | None:
    if matching(rule.params, call.params):
        return None
    return Finding(rule_id=rule.id, kind=rule.kind, params=rule.params)


@dataclass(frozen=True, slots=True, kw_only=True)
class RulePack:
    id: str
    platform: str
    title: str
    source: str
    documentation_url: str
    window_days: int
    affected_scopes: frozenset[str]
    rules: tuple[Rule, ...]
    grace_header: GraceHeader | None = None
    path: Path | None = None
    _by_endpoint: dict[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def is_affected(self, scopes: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
        return bool(self.affected_scopes & set(scopes))

    def classify(self, call: CallFacts) -> list[Finding]:
        """The findings of one call, in rule order; cheap for calls no rule is about."""
        endpoint = call.endpoint
        if endpoint is None:
            return []
        rules = self._by_endpoint.get(endpoint)
        if not rules or self._in_grace(call):
            return []
        findings = []
        for rule in rules:
            if rule.since and call.at and call.at.date() < rule.since:
                continue
            finding = RULE_KINDS[rule.kind](rule, call)
            if finding is not None:
                findings.append(finding)
        return findings

    def _in_grace(self, call: CallFacts) -> bool:
        grace = self.grace_header
        if grace is None:
            return False
        sent = call.headers.get(grace.name.lower())
        if sent is None or (grace.value is not None and sent != grace.value):
            return False
        return grace.until is None or call.at is None or call.at.date() <= grace.until


@cache
def _pack_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / "rules.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _rule_from_dict(raw: dict[str, Any], path: Path, ops: OperationIndex) -> Rule:
    span = span_of(raw, path)
    if raw["kind"] not in RULE_KINDS:
        known = ", ".join(sorted(RULE_KINDS))
        raise ContractError(
            f"rule {raw['id']!r}: unknown kind {raw['kind']!r} (known: {known})", span
        )
    for endpoint in raw["endpoints"]:
        if ops.by_endpoint(endpoint) is None:
            raise ContractError(
                f"rule {raw['id']!r}: endpoint {endpoint!r} is not an operation of openapi.yaml",
                span,
            )
    if raw["kind"] != "deprecated_endpoint" and not raw.get("params"):
        raise ContractError(f"rule {raw['id']!r}: kind {raw['kind']!r} needs params", span)
    return Rule(
        id=raw["id"],
        kind=raw["kind"],
        title=raw["title"],
        description=" ".join(str(raw["description"]).split()),
        endpoints=frozenset(raw["endpoints"]),
        params=tuple(raw.get("params", ())),
        replacement=raw["replacement"],
        seed_section=raw["seed_section"],
        api_type=raw.get("api_type", "REST"),
        since=_date(raw.get("since")),
        deadline=_date(raw.get("deadline")),
        severity=Severity(raw.get("severity", "error")),
        span=span,
    )


def resolve_pack_path(name_or_path: str | Path | None) -> Path:
    """A pack name (``tiendanube-multi-inventory``) or a path to a YAML file."""
    if name_or_path is None:
        name_or_path = DEFAULT_PACK
    candidate = Path(name_or_path)
    if candidate.is_dir():
        candidate = candidate / "rules.yaml"
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return candidate
    path = PACKS_DIR / str(name_or_path) / "rules.yaml"
    if not path.exists():
        known = ", ".join(sorted(p.parent.name for p in PACKS_DIR.glob("*/rules.yaml")))
        raise ContractError(f"no rule pack named {name_or_path!r} (known: {known})")
    return path


def load_rule_pack(
    name_or_path: str | Path | None = None, operations: OperationIndex | None = None
) -> RulePack:
    """Load and check a rule pack: schema, unknown kinds, duplicate ids, unknown endpoints."""
    path = resolve_pack_path(name_or_path)
    raw = load_yaml(path)
    errors = sorted(_pack_validator().iter_errors(strip_lines(raw)), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        raise ContractError(f"{where}: {e.message}", Span(path, _line_at(raw, e.absolute_path)))
    ops = operations or default_operations()
    rules: list[Rule] = []
    seen: dict[str, Span] = {}
    for entry in raw["rules"]:
        rule = _rule_from_dict(entry, path, ops)
        if rule.id in seen:
            raise ContractError(
                f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})", rule.span
            )
        seen[rule.id] = rule.span
        rules.append(rule)
    by_endpoint: dict[str, list[Rule]] = {}
    for rule in rules:
        for endpoint in sorted(rule.endpoints):
            by_endpoint.setdefault(endpoint, []).append(rule)
    grace = raw.get("grace_header")
    return RulePack(
        id=raw["pack"],
        platform=raw["platform"],
        title=raw["title"],
        source=raw.get("source", ""),
        documentation_url=raw.get("documentation_url", ""),
        window_days=raw["window_days"],
        affected_scopes=frozenset(raw["affected_scopes"]),
        rules=tuple(rules),
        grace_header=GraceHeader(
            name=grace["name"], value=grace.get("value"), until=_date(grace.get("until"))
        )
        if grace
        else None,
        path=path,
        _by_endpoint={k: tuple(v) for k, v in by_endpoint.items()},
    )


def _line_at(raw: Any, where: Any) -> int:
    node, line = raw, 1
    for key in where:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = node.get("__line__", line)
    return line


@cache
def default_rule_pack() -> RulePack:
    return load_rule_pack(DEFAULT_PACK)
