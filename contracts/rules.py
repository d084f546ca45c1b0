"""A pack's rules as data, and the one generic engine that classifies a call into findings.

``rules.yaml`` lists rules; each rule has a *kind*, a function registered in ``RULE_KINDS`` that
decides whether the rule applies to a call, and optional conditions every kind shares (in force
from/until, app kinds, API versions, the grace header). The engine names no platform, endpoint or
field: those live in the pack.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from miready.contracts import DEFAULT_PACK
from miready.contracts.errors import ContractError, Span
from miready.contracts.manifest import GraceHeader, Manifest
from miready.contracts.params import ParamMatcher, compiled
from miready.contracts.rule_index import EndpointRules
from miready.contracts.spec import OperationIndex
from miready.contracts.validate import load_valid
from miready.contracts.yamlio import span_of

GRACED = "@graced"  # suffix of a graced finding's key; rule ids cannot contain "@"


class Severity(StrEnum):
    """``blocking`` findings count for the verdict; ``advisory`` ones are reported apart."""

    ADVISORY = "advisory"
    BLOCKING = "blocking"


class ApiVersions(StrEnum):
    LEGACY = "legacy"  # versions up to and including the pack's last legacy version
    CURRENT = "current"  # versions after it


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule:
    id: str
    kind: str
    title: str
    description: str
    endpoints: frozenset[str]  # "METHOD /path/{template}"
    params: tuple[str, ...]
    replacement: str
    seed_section: str = ""
    api_type: str = "REST"
    since: date | None = None  # in force from this day
    until: date | None = None  # in force up to and including this day
    deadline: date | None = None
    app_kinds: frozenset[str] = frozenset()  # empty: every app
    api_versions: ApiVersions | None = None
    graced: bool = False
    scopes: frozenset[str] = frozenset()
    when: tuple[str, ...] = ()  # the rule applies only to calls with one of these params
    severity: Severity = Severity.BLOCKING
    span: Span | None = None
    # compiled once when the rule is made, so classifying a call never reads a glob
    param_matcher: ParamMatcher = field(init=False, repr=False, compare=False)
    when_matcher: ParamMatcher = field(init=False, repr=False, compare=False)
    param_names: frozenset[str] = field(init=False, repr=False, compare=False)
    conditional: bool = field(init=False, repr=False, compare=False)  # any condition to check

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "conditional",
            bool(
                self.since
                or self.until
                or self.when
                or self.app_kinds
                or self.api_versions is not None
            ),
        )
        object.__setattr__(self, "param_matcher", compiled(self.params))
        object.__setattr__(self, "when_matcher", compiled(self.when))
        object.__setattr__(self, "param_names", frozenset(self.params))

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def in_force(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CallFacts:
    """What the engine may look at: names and the shape of a call, never values."""

    method: str
    path_template: str | None  # None when the call matched no operation
    params: frozenset[str] = frozenset()  # body key paths and ``query:`` keys
    selected_fields: frozenset[str] = frozenset()  # field names asked for with ``fields=``
    path_params: Mapping[str, str] = field(default_factory=dict)  # template values (api version)
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    scopes: frozenset[str] | None = None  # None: not known
    app_kind: str | None = None
    at: datetime | None = None

    @property
    def endpoint(self) -> str | None:
        return f"{self.method.upper()} {self.path_template}" if self.path_template else None


def selected_fields(values: Iterable[str]) -> frozenset[str]:
    """The field names of ``fields=`` query values (``id,shipping_tracking_number``)."""
    return frozenset(n.strip() for v in values for n in v.split(",") if n.strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    rule_id: str
    kind: str
    params: tuple[str, ...] = ()  # the parameter names that triggered it, if any
    graced: bool = False  # sent the grace header while it still graced the call

    @property
    def key(self) -> str:
        """What the ledger records: the rule id, marked when graced (a graced call never blocks)."""
        return f"{self.rule_id}{GRACED}" if self.graced else self.rule_id


def rule_of_key(key: str) -> tuple[str, bool]:
    """``(rule id, graced)`` of a recorded finding key."""
    return (key.removesuffix(GRACED), True) if key.endswith(GRACED) else (key, False)


RuleKind = Callable[[Rule, CallFacts], Finding | None]
RULE_KINDS: dict[str, RuleKind] = {}
KINDS_WITH_PARAMS = frozenset(
    {"deprecated_parameter", "missing_parameter", "legacy_field_selected"}
)
# Kinds whose finding is exactly the call's parameters the rule names: with literal names and no
# condition, such a rule is answered by the endpoint's index instead of a call of its kind.
INDEXED_KINDS = frozenset({"deprecated_parameter"})


def indexable(rule: Rule) -> bool:
    return rule.kind in INDEXED_KINDS and not rule.conditional and rule.param_matcher.literal


def _finding_of(rule: Rule, params: tuple[str, ...]) -> Finding:
    return Finding(rule_id=rule.id, kind=rule.kind, params=params)


def rule_kind(func: RuleKind) -> RuleKind:
    """Register a rule kind under its function name."""
    if func.__name__ in RULE_KINDS:
        raise ValueError(f"rule kind {func.__name__!r} is registered twice")
    RULE_KINDS[func.__name__] = func
    return func


@rule_kind
def deprecated_endpoint(rule: Rule, call: CallFacts) -> Finding | None:
    """Any call to one of the rule's endpoints."""
    return Finding(rule_id=rule.id, kind=rule.kind)


@rule_kind
def deprecated_parameter(rule: Rule, call: CallFacts) -> Finding | None:
    """A body key path or query key matching one of ``params`` is present."""
    hits = rule.param_matcher.hits(call.params)
    return Finding(rule_id=rule.id, kind=rule.kind, params=hits) if hits else None


@rule_kind
def missing_parameter(rule: Rule, call: CallFacts) -> Finding | None:
    """None of ``params`` is present (a fulfilment without ``location_id``)."""
    if rule.param_matcher.any(call.params):
        return None
    return Finding(rule_id=rule.id, kind=rule.kind, params=rule.params)


@rule_kind
def legacy_field_selected(rule: Rule, call: CallFacts) -> Finding | None:
    """A ``fields=`` query names one of ``params`` (legacy fields, from the mapping)."""
    hits = tuple(sorted(rule.param_names & call.selected_fields))
    return Finding(rule_id=rule.id, kind=rule.kind, params=hits) if hits else None


@rule_kind
def missing_scope(rule: Rule, call: CallFacts) -> Finding | None:
    """The app holds none of ``scopes`` that the feature needs (unknown scopes: no finding)."""
    if call.scopes is None or rule.scopes & call.scopes:
        return None
    return Finding(rule_id=rule.id, kind=rule.kind, params=tuple(sorted(rule.scopes)))


@dataclass(frozen=True, slots=True, kw_only=True)
class RulePack:
    """The rules of a platform pack, with the manifest facts the engine and certifier read."""

    manifest: Manifest
    rules: tuple[Rule, ...]
    path: Path | None = None  # the pack's folder
    _by_endpoint: dict[str, EndpointRules] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Rule] = field(default_factory=dict, repr=False)
    # whether a finding can depend on who calls (a ``missing_scope`` rule or ``app_kinds``):
    # read on every proxied call, so computed once
    judges_apps: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        judges = any(r.kind == "missing_scope" or r.app_kinds for r in self.rules)
        object.__setattr__(self, "judges_apps", judges)

    @property
    def id(self) -> str:
        return self.manifest.name

    @property
    def platform(self) -> str:
        return self.manifest.platform

    @property
    def title(self) -> str:
        return self.manifest.title

    @property
    def source(self) -> str:
        return self.manifest.source

    @property
    def documentation_url(self) -> str:
        return self.manifest.documentation_url

    @property
    def window_days(self) -> int:
        return self.manifest.window_days

    @property
    def affected_scopes(self) -> frozenset[str]:
        return self.manifest.affected_scopes

    @property
    def grace_header(self) -> GraceHeader | None:
        return self.manifest.grace_header

    def rule(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    def blocks(self, rule_id: str) -> bool:
        """Whether a finding recorded as ``rule_id`` counts for the verdict (unknown rules do)."""
        rule_id, graced = rule_of_key(rule_id)
        if graced:
            return False
        rule = self._by_id.get(rule_id)
        return rule is None or rule.blocking

    def is_affected(self, scopes: frozenset[str] | set[str] | tuple[str, ...]) -> bool:
        return bool(self.affected_scopes & set(scopes))

    def classify(self, call: CallFacts) -> list[Finding]:
        """The findings of one call, in rule order; cheap for calls no rule is about."""
        endpoint = call.endpoint
        if endpoint is None:
            return []
        compiled = self._by_endpoint.get(endpoint)
        if compiled is None:
            return []
        # most endpoints have only indexed rules or only judged ones: neither pays for the other
        indexed = compiled.findings(call.params) if compiled.names else {}
        order = compiled.order(indexed) if indexed else compiled.judged
        if not order:
            return []
        day = call.at.date() if call.at else None
        findings = []
        rules = compiled.rules
        for i in order:
            rule = rules[i]
            finding = indexed.get(i)
            if finding is None:  # a rule judged by its kind
                if rule.conditional and not self._applies(rule, call, day):
                    continue
                finding = RULE_KINDS[rule.kind](rule, call)
                if finding is None:
                    continue
            if rule.graced and self._graced(call, day):
                finding = Finding(
                    rule_id=finding.rule_id, kind=finding.kind, params=finding.params, graced=True
                )
            findings.append(finding)
        return findings

    def _applies(self, rule: Rule, call: CallFacts, day: date | None) -> bool:
        if not rule.in_force(day):
            return False
        if rule.when and not rule.when_matcher.any(call.params):
            return False
        if rule.app_kinds and call.app_kind not in rule.app_kinds:
            return False
        if rule.api_versions is not None:
            name = self.manifest.version_parameter or ""
            version, last = call.path_params.get(name), self.manifest.last_legacy_version
            if version is None or last is None:
                return False
            # API versions are ISO-like (2019-07): string order is date order.
            legacy = version <= last
            return legacy == (rule.api_versions is ApiVersions.LEGACY)
        return True

    def _graced(self, call: CallFacts, day: date | None) -> bool:
        grace = self.grace_header
        if grace is None:
            return False
        sent = call.headers.get(grace.name.lower())
        if sent is None or (grace.value is not None and sent.strip().lower() != grace.value):
            return False
        return grace.until is None or day is None or day < grace.until


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _rule_from_dict(
    raw: dict[str, Any], path: Path, ops: OperationIndex, mapping_fields: tuple[str, ...]
) -> Rule:
    span = span_of(raw, path)
    rid, kind = raw["id"], raw["kind"]
    if kind not in RULE_KINDS:
        known = ", ".join(sorted(RULE_KINDS))
        raise ContractError(f"rule {rid!r}: unknown kind {kind!r} (known: {known})", span)
    for endpoint in raw["endpoints"]:
        if ops.by_endpoint(endpoint) is None:
            raise ContractError(
                f"rule {rid!r}: endpoint {endpoint!r} is not an operation of openapi.yaml", span
            )
    params = tuple(raw.get("params", ()))
    if raw.get("params_from_mapping") == "fields":
        params += mapping_fields
    if kind in KINDS_WITH_PARAMS and not params:
        raise ContractError(f"rule {rid!r}: kind {kind!r} needs params", span)
    if kind == "missing_scope" and not raw.get("scopes"):
        raise ContractError(f"rule {rid!r}: kind {kind!r} needs scopes", span)
    return Rule(
        id=rid,
        kind=kind,
        title=raw["title"],
        description=" ".join(str(raw["description"]).split()),
        endpoints=frozenset(raw["endpoints"]),
        params=params,
        replacement=raw["replacement"],
        seed_section=raw.get("seed_section", ""),
        api_type=raw.get("api_type", "REST"),
        since=_date(raw.get("since")),
        until=_date(raw.get("until")),
        deadline=_date(raw.get("deadline")),
        app_kinds=frozenset(raw.get("app_kinds", ())),
        api_versions=ApiVersions(raw["api_versions"]) if "api_versions" in raw else None,
        graced=bool(raw.get("graced", False)),
        scopes=frozenset(raw.get("scopes", ())),
        when=tuple(raw.get("when", ())),
        severity=Severity(raw.get("severity", Severity.BLOCKING)),
        span=span,
    )


def load_rules(
    path: Path,
    manifest: Manifest,
    operations: OperationIndex,
    mapping_fields: tuple[str, ...] = (),
) -> RulePack:
    """Load a pack's ``rules.yaml``: schema, unknown kinds, duplicate ids, unknown endpoints."""
    raw = load_valid(path, "rules.schema.json")
    rules: list[Rule] = []
    seen: dict[str, Span | None] = {}
    for entry in raw["rules"]:
        rule = _rule_from_dict(entry, path, operations, mapping_fields)
        if rule.id in seen:
            raise ContractError(
                f"duplicate rule id {rule.id!r} (first at {seen[rule.id]})", rule.span
            )
        if rule.app_kinds and manifest.app_kinds and not rule.app_kinds <= set(manifest.app_kinds):
            unknown = sorted(rule.app_kinds - set(manifest.app_kinds))
            raise ContractError(
                f"rule {rule.id!r}: app kinds {unknown} are not in pack.yaml's app_kinds", rule.span
            )
        if rule.api_versions and not (manifest.version_parameter and manifest.last_legacy_version):
            raise ContractError(
                f"rule {rule.id!r}: api_versions needs api.version_parameter and"
                " api.last_legacy_version in pack.yaml",
                rule.span,
            )
        seen[rule.id] = rule.span
        rules.append(rule)
    by_endpoint: dict[str, list[Rule]] = {}
    for rule in rules:
        for endpoint in sorted(rule.endpoints):
            by_endpoint.setdefault(endpoint, []).append(rule)
    return RulePack(
        manifest=manifest,
        rules=tuple(rules),
        path=path.parent,
        _by_endpoint={
            k: EndpointRules.of(tuple(v), indexable, _finding_of) for k, v in by_endpoint.items()
        },
        _by_id={r.id: r for r in rules},
    )


def load_rule_pack(name_or_path: str | Path | None = None) -> RulePack:
    """The rules of a platform pack, by name or folder (see ``contracts.pack.load_pack``)."""
    from miready.contracts.pack import load_pack

    return load_pack(name_or_path).rules


__all__ = ["DEFAULT_PACK", "GraceHeader"]


def default_rule_pack() -> RulePack:
    from miready.contracts.pack import default_pack

    return default_pack().rules
