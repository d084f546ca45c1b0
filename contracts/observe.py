"""One way to observe a call: a captured exchange becomes a ``CallRecord`` (proxy and import).

The proxy observes the request as it arrives (its policy needs the findings before forwarding)
and builds the record when the answer is known; the importer does both at once with ``observe``.
Either way the same code matches the operation, names the parameters, classifies, redacts,
identifies and bounds what is kept. Only names are kept, never a value or a token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from miready.contracts.bodies import NOT_JSON, json_body
from miready.contracts.pack import PlatformPack
from miready.contracts.params import body_key_paths, query_params
from miready.contracts.privacy import bounded_name, param_key, path_template
from miready.contracts.records import CallRecord, new_call_id
from miready.contracts.redaction import redacted_example
from miready.contracts.rules import CallFacts, Finding, RulePack, selected_fields
from miready.contracts.spec import Match, OperationIndex
from miready.contracts.tokens import bearer_token, is_valid_token, token_id
from miready.contracts.ulids import ulid_from

UNIDENTIFIED = "unidentified"  # the app id of calls without a valid app identity
SCOPE_SOURCES = frozenset({"upstream", "apps_file"})  # identities that carry the app's scopes
UNKNOWN_PREFIX = "unknown:"
# The operator's paths (the mock's admin API, the proxy's own): never an app's traffic.
ADMIN_PREFIXES = ("/_mock/", "/_miready/")
MAX_METHOD_CHARS = 16


@dataclass(frozen=True, slots=True, kw_only=True)
class AppIdentity:
    """Who made a call, as the platform says (introspection or ``apps.yaml``); never the token."""

    app_id: str
    name: str | None = None
    store_id: str | None = None
    token_id: str | None = None  # a SHA-256 prefix of the token
    scopes: tuple[str, ...] = ()
    identified: bool = True  # False: missing, unknown or invalid token, or an admin path
    source: str = "token"  # "upstream" | "apps_file" | "token" | "import" | "unidentified"
    kind: str | None = None  # the app's kind (the pack's app_kinds), when someone says

    @property
    def knows_scopes(self) -> bool:
        """Whether ``scopes`` are the app's (the platform or an apps file said), not a default."""
        return self.identified and self.source in SCOPE_SOURCES


@dataclass(frozen=True, slots=True, kw_only=True)
class Observation:
    """What the request of a call says, by names: operation, parameters, findings, token id."""

    method: str
    raw_path: str
    match: Match | None
    query_keys: tuple[str, ...]
    body: Any  # parsed JSON, kept in memory only for the redacted example; None if none
    has_body: bool
    params: frozenset[str]
    findings: list[Finding] = field(default_factory=list)
    token_id: str | None = None
    token_valid: bool = False
    admin: bool = False
    facts: CallFacts | None = field(default=None, repr=False)  # what the findings judged

    @property
    def operation_id(self) -> str | None:
        return self.match.operation.operation_id if self.match else None

    @property
    def path_template(self) -> str:
        if self.match:
            return self.match.operation.path
        return UNKNOWN_PREFIX + path_template(self.raw_path)


@dataclass(frozen=True, slots=True, kw_only=True)
class Platform:
    """What observing needs of a platform pack: its rules, its spec, its auth header."""

    rules: RulePack
    operations: OperationIndex
    auth_header: str  # lower case, e.g. "authentication"
    scopes: frozenset[str] | None = None  # the app's scopes when known (imports)
    app_kind: str | None = None

    @classmethod
    def of(
        cls,
        pack: PlatformPack,
        *,
        scopes: frozenset[str] | None = None,
        app_kind: str | None = None,
    ) -> Platform:
        return cls(
            rules=pack.rules,
            operations=pack.operations,
            auth_header=pack.manifest.auth_header.lower(),
            scopes=scopes,
            app_kind=app_kind,
        )


def observe_request(
    method: str,
    url: str,
    headers: Mapping[str, str],
    content: bytes | None,
    at: datetime,
    platform: Platform,
) -> Observation:
    """The request half: ``headers`` lower-cased, ``content`` already decoded and bounded."""
    method = method.upper()[:MAX_METHOD_CHARS]
    parts = urlsplit(url)
    raw_path = parts.path or "/"
    query = parse_qsl(parts.query, keep_blank_values=True)
    query_keys = tuple(dict.fromkeys(param_key(k) for k, _ in query))
    body = json_body(content, headers.get("content-type"))
    params = query_params(query_keys)
    if body is not NOT_JSON:
        params |= body_key_paths(body)
    match = platform.operations.match(method, raw_path)
    facts = CallFacts(
        method=method,
        path_template=match.operation.path if match else None,
        params=params,
        selected_fields=selected_fields(v for k, v in query if k == "fields"),
        path_params=match.path_params if match else {},
        headers=headers,
        scopes=platform.scopes,
        app_kind=platform.app_kind,
        at=at,
    )
    findings = platform.rules.classify(facts)
    token = bearer_token(headers, platform.auth_header)
    return Observation(
        method=method,
        raw_path=raw_path,
        match=match,
        query_keys=query_keys,
        body=None if body is NOT_JSON else body,
        has_body=bool(content),
        params=params,
        findings=findings,
        token_id=token_id(token) if token is not None else None,
        token_valid=token is not None and is_valid_token(token),
        admin=raw_path.startswith(ADMIN_PREFIXES),
        facts=facts,
    )


def judged_for(obs: Observation, app: AppIdentity | None, platform: Platform) -> Observation:
    """``obs`` with its findings judged again now that the caller is known, when the pack has
    rules about who calls (``missing_scope``, ``app_kinds``) and the caller's scopes or kind
    are known; otherwise ``obs`` itself. The proxy classifies before it identifies (identifying
    may ask the store), so this is its second, cheap look."""
    if app is None or obs.facts is None or not platform.rules.judges_apps:
        return obs
    scopes = frozenset(app.scopes) if app.knows_scopes else obs.facts.scopes
    kind = app.kind if app.identified and app.kind else obs.facts.app_kind
    if scopes == obs.facts.scopes and kind == obs.facts.app_kind:
        return obs
    facts = replace(obs.facts, scopes=scopes, app_kind=kind)
    return replace(obs, facts=facts, findings=platform.rules.classify(facts))


def token_identity(obs: Observation, scopes: tuple[str, ...] = ()) -> AppIdentity:
    """The identity a valid token gives when nobody says more: the token id stands for the app."""
    if obs.token_id is None or not obs.token_valid:
        return unidentified(obs.token_id)
    return AppIdentity(app_id=obs.token_id, token_id=obs.token_id, scopes=scopes, source="token")


def unidentified(tid: str | None = None) -> AppIdentity:
    return AppIdentity(app_id=UNIDENTIFIED, token_id=tid, identified=False, source=UNIDENTIFIED)


def build_call_record(
    obs: Observation,
    app: AppIdentity | None,
    *,
    at: datetime,
    status: int,
    latency_ms: float,
    call_id: str | None = None,
    source: str = "proxy",
) -> CallRecord:
    """The ledger record of an observed call and its answer: names only, bounded."""
    if app is None or obs.admin:
        app = unidentified(obs.token_id)
    examples: dict[str, str] = {}
    if obs.findings:
        example = redacted_example(
            obs.method, obs.path_template, obs.query_keys, obs.body, has_body=obs.has_body
        )
        examples = {f.key: example for f in obs.findings}
    return CallRecord(
        at=at,
        call_id=call_id or new_call_id(),
        identified=app.identified,
        app_id=app.app_id,
        app_name=bounded_name(app.name) if app.identified else None,
        store_id=app.store_id or (obs.match.store_id if obs.match else None),
        token_id=app.token_id or obs.token_id,
        scopes=app.scopes if app.identified else (),
        operation_id=obs.operation_id,
        method=obs.method,
        path_template=obs.path_template,
        status=status,
        latency_ms=round(max(latency_ms, 0.0), 3),
        params=tuple(sorted(obs.params)),
        findings=tuple(dict.fromkeys(f.key for f in obs.findings)),
        examples=examples,
        source=source,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Exchange:
    """One request and its answer as a capture holds it (values included, never stored)."""

    method: str
    url: str  # absolute
    headers: Mapping[str, str]  # lower-case names
    content: bytes | None  # the request body, decoded and bounded
    status: int
    at: datetime  # aware
    latency_ms: float = 0.0


def exchange_id(exchange: Exchange) -> str:
    """A call id from the exchange's content: the same exchange in a HAR and a flow file agree.

    A ULID whose time is the request's (to the millisecond, a HAR's precision) and whose random
    part is a digest of method, URL, status and body.
    """
    at = exchange.at.astimezone(UTC)
    millis = int(at.timestamp() * 1000)
    digest = hashlib.sha256()
    for part in (exchange.method.upper(), exchange.url, str(millis), str(exchange.status)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(hashlib.sha256(exchange.content or b"").digest())
    return ulid_from(millis, digest.digest()[:10])


def observe(
    exchange: Exchange,
    platform: Platform,
    app: AppIdentity | None = None,
    *,
    call_id: str | None = None,
    source: str = "import",
) -> CallRecord:
    """The call record of a captured exchange; ``app`` defaults to what its token says."""
    obs = observe_request(
        exchange.method, exchange.url, exchange.headers, exchange.content, exchange.at, platform
    )
    scopes = tuple(sorted(platform.scopes or ()))
    return build_call_record(
        obs,
        app or token_identity(obs, scopes),
        at=exchange.at,
        status=exchange.status,
        latency_ms=exchange.latency_ms,
        call_id=call_id or exchange_id(exchange),
        source=source,
    )
