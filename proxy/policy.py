"""What the proxy does about a deprecated call: observe, warn (RFC 9745/8594), enforce (410).

``translate`` is its own addon (``proxy.translator``); this one still adds the warning headers to
translated answers, so a translated app also hears that it is calling a deprecated endpoint.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from miready.contracts.pack import pack_of
from miready.contracts.rules import Finding, RulePack
from miready.contracts.spec import Match
from miready.proxy.flowstate import CallState, call_state
from mitmproxy import ctx, exceptions, http

_ENDPOINT = re.compile(r"^(GET|PUT|POST|PATCH|DELETE|HEAD|OPTIONS)\s+(/\S*)")
_TEMPLATE_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class Policy(StrEnum):
    OBSERVE = "observe"
    WARN = "warn"
    TRANSLATE = "translate"
    ENFORCE = "enforce"


@dataclass(frozen=True, slots=True)
class PolicySpec:
    policy: Policy
    deprecated_since: date | None  # None: the pack's decision.deprecated_since
    sunset: date | None  # None: the pack's decision.sunset


def parse_date(value: str, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise ValueError(f"{what} must be an ISO date like 2026-12-31, got {value!r}") from e


def parse_policy(policy: str, deprecated_since: str, sunset: str) -> PolicySpec:
    try:
        chosen = Policy(policy)
    except ValueError as e:
        known = ", ".join(p.value for p in Policy)
        raise ValueError(f"unknown policy {policy!r} (known: {known})") from e
    return PolicySpec(
        chosen, parse_date(deprecated_since, "deprecated-since"), parse_date(sunset, "sunset")
    )


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0, 0), tzinfo=UTC)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def successor_link(replacement: str, match: Match | None, docs_url: str, prefix: str) -> str:
    """A ``rel="successor-version"`` link naming the replacement of a rule."""
    m = _ENDPOINT.match(replacement)
    if m is None:
        return f'<{docs_url}>; rel="successor-version"; title={_quoted(replacement)}'
    method, template = m.groups()
    params = match.path_params if match else {}

    def fill(var: re.Match[str]) -> str:
        value = params.get(var.group(1))
        return quote(value, safe="") if value is not None else quote(var.group(0), safe="")

    path = _TEMPLATE_VAR.sub(fill, template)
    if match and match.store_id is not None:
        prefix = prefix.replace("{store_id}", quote(match.store_id, safe=""))
    else:
        prefix = _TEMPLATE_VAR.sub(lambda v: quote(v.group(0), safe=""), prefix)
    title = f"{method} {template}"
    return f'<{prefix}{path}>; rel="successor-version"; title={_quoted(title)}'


def deprecation_headers(
    findings: list[Finding], pack: RulePack, match: Match | None, spec: PolicySpec
) -> list[tuple[str, str]]:
    """``Deprecation`` (RFC 9745), ``Sunset`` (RFC 8594) and ``Link`` headers for findings."""
    if not findings:
        return []
    rules = [pack.rule(f.rule_id) for f in findings]
    decision = pack.manifest
    since = min(
        (r.since for r in rules if r.since),
        default=spec.deprecated_since or decision.deprecated_since,
    )
    sunset = min((r.deadline for r in rules if r.deadline), default=spec.sunset or decision.sunset)
    prefix = pack_of(pack).operations.prefix
    links = [f'<{pack.documentation_url}>; rel="deprecation"; type="text/html"']
    for rule in rules:
        link = successor_link(rule.replacement, match, pack.documentation_url, prefix)
        if link not in links:
            links.append(link)
    headers = []
    if since is not None:
        headers.append(("Deprecation", f"@{int(_midnight(since).timestamp())}"))
    if sunset is not None:
        headers.append(("Sunset", format_datetime(_midnight(sunset), usegmt=True)))
    return [*headers, ("Link", ", ".join(links))]


def gone_body(state: CallState, pack: RulePack) -> dict[str, Any]:
    """The 410 answer of ``enforce``: what is deprecated, by which rule, and what to use instead."""
    endpoint = f"{state.method} {state.path_template}"
    reasons = []
    blocking = [f for f in state.findings if pack.blocks(f.key)]
    for f in blocking:
        rule = pack.rule(f.rule_id)
        if rule.kind == "deprecated_endpoint":
            what = f"{endpoint} is deprecated"
        elif rule.kind == "missing_parameter":
            what = f"{endpoint} without {', '.join(f.params)} is deprecated"
        else:
            what = f"{endpoint} with {', '.join(f.params)} is deprecated"
        reasons.append(f"{what} ({rule.id}): use {rule.replacement}")
    return {
        "code": 410,
        "message": "Gone",
        "description": "; ".join(reasons),
        "rule_ids": [f.rule_id for f in blocking],
    }


class DeprecationPolicy:
    """Answers deprecated calls with 410 under ``enforce``; adds warning headers otherwise."""

    def __init__(self, pack_source: Any) -> None:
        # The classifier owns the rule pack; read it from there so both always agree.
        self.pack_source = pack_source
        self.spec = parse_policy(Policy.OBSERVE, "", "")

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_policy",
            str,
            Policy.OBSERVE.value,
            "What to do about deprecated calls: 'observe' records only; 'warn' adds Deprecation, "
            "Sunset and Link headers to the response; 'translate' serves legacy calls through the "
            "new API (the pack's mapping.yaml); 'enforce' answers calls with a blocking finding "
            "with 410 Gone. Findings are recorded under every policy.",
            choices=[p.value for p in Policy],
        )
        loader.add_option(
            "miready_deprecated_since",
            str,
            "",
            "ISO date for the Deprecation header when a rule has no 'since' date"
            " (default: the pack's decision.deprecated_since).",
        )
        loader.add_option(
            "miready_sunset",
            str,
            "",
            "ISO date for the Sunset header when a rule has no 'deadline' date"
            " (default: the pack's decision.sunset).",
        )

    def configure(self, updated: set[str]) -> None:
        names = {"miready_policy", "miready_deprecated_since", "miready_sunset"}
        if not names & updated:
            return
        o = ctx.options
        try:
            self.spec = parse_policy(o.miready_policy, o.miready_deprecated_since, o.miready_sunset)
        except ValueError as e:
            raise exceptions.OptionsError(f"miready policy options: {e}") from e

    @property
    def pack(self) -> RulePack | None:
        return self.pack_source.pack

    def request(self, flow: http.HTTPFlow) -> None:
        if self.spec.policy is not Policy.ENFORCE or flow.response is not None:
            return
        state = call_state(flow)
        if state is None or state.internal or not state.findings or self.pack is None:
            return
        # Advisory and graced findings never block: only a blocking one is answered 410.
        if not any(self.pack.blocks(f.key) for f in state.findings):
            return
        state.action = "enforced"
        flow.response = http.Response.make(
            410,
            json.dumps(gone_body(state, self.pack)),
            {"Content-Type": "application/json"},
        )

    def response(self, flow: http.HTTPFlow) -> None:
        if self.spec.policy is Policy.OBSERVE or flow.response is None:
            return
        state = call_state(flow)
        if state is None or state.internal or not state.findings or self.pack is None:
            return
        for name, value in deprecation_headers(state.findings, self.pack, state.match, self.spec):
            flow.response.headers.add(name, value)
        if state.action is None:
            state.action = "warned"
