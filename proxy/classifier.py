"""Classify each call with a rule pack: parameter names of the body and query, then findings."""

from __future__ import annotations

import json
from typing import Any

from miready.contracts.errors import ContractError
from miready.contracts.params import body_key_paths, query_params
from miready.contracts.rules import (
    DEFAULT_PACK,
    CallFacts,
    RulePack,
    load_rule_pack,
    selected_fields,
)
from miready.proxy.flowstate import call_state
from mitmproxy import ctx, exceptions, http

DEFAULT_MAX_PARSE_BYTES = 1 << 20
_NOT_JSON = object()


def parse_json_body(message: http.Message, max_bytes: int) -> Any:
    """The JSON body of a message, or ``_NOT_JSON``; never raises on garbage.

    Bodies over ``max_bytes`` (or streamed, hence absent) are not parsed: they are forwarded
    untouched and give no parameter names.
    """
    raw = message.raw_content
    if not raw or len(raw) > max_bytes:
        return _NOT_JSON
    content_type = message.headers.get("content-type", "").lower()
    if content_type and "json" not in content_type:
        return _NOT_JSON
    try:
        content = (
            message.get_content(strict=True) if message.headers.get("content-encoding") else raw
        )
        if content is None or len(content) > max_bytes:
            return _NOT_JSON
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _NOT_JSON


def is_json(value: Any) -> bool:
    return value is not _NOT_JSON


class Classifier:
    """Findings of the rule pack for each call; the only place a body is parsed."""

    def __init__(self) -> None:
        self.pack: RulePack | None = None
        self.max_parse_bytes = DEFAULT_MAX_PARSE_BYTES

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_rules",
            str,
            DEFAULT_PACK,
            "The platform pack that classifies calls: a pack name from contracts/packs/ "
            f"(default {DEFAULT_PACK}) or a pack folder.",
        )
        loader.add_option(
            "miready_max_parse_bytes",
            int,
            DEFAULT_MAX_PARSE_BYTES,
            "Request bodies larger than this many bytes are forwarded untouched without being "
            "parsed for parameter names.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_rules" in updated or self.pack is None:
            name = ctx.options.miready_rules or DEFAULT_PACK
            try:
                self.pack = load_rule_pack(name)
            except ContractError as e:
                raise exceptions.OptionsError(f"miready_rules={name!r}: {e}") from e
        if "miready_max_parse_bytes" in updated:
            self.max_parse_bytes = ctx.options.miready_max_parse_bytes

    def request(self, flow: http.HTTPFlow) -> None:
        state = call_state(flow)
        if state is None or state.internal or self.pack is None:
            return
        body = parse_json_body(flow.request, self.max_parse_bytes)
        query_keys = tuple(dict.fromkeys(k for k, _ in flow.request.query.items(multi=True)))
        params = query_params(query_keys)
        if is_json(body):
            state.body = body
            params |= body_key_paths(body)
        state.params = params
        state.query_keys = query_keys
        state.findings = self.pack.classify(
            CallFacts(
                method=state.method,
                path_template=state.match.operation.path if state.match else None,
                params=params,
                selected_fields=selected_fields(flow.request.query.get_all("fields")),
                path_params=state.match.path_params if state.match else {},
                headers={k.lower(): v for k, v in flow.request.headers.items()},
                at=state.at,
            )
        )
