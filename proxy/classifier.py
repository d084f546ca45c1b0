"""Observe each request with the rule pack: operation, parameter names, findings, token id."""

from __future__ import annotations

from typing import Any

from miready.contracts import DEFAULT_PACK
from miready.contracts.bodies import DEFAULT_MAX_PARSE_BYTES, decoded
from miready.contracts.errors import ContractError
from miready.contracts.observe import Platform, observe_request
from miready.contracts.pack import load_pack
from miready.contracts.rules import RulePack
from miready.proxy.flowstate import call_state
from mitmproxy import ctx, exceptions, http


def request_content(message: http.Message, max_bytes: int) -> bytes | None:
    """The decoded body, read with a bound; None when absent, streamed, too large or broken.

    The raw body is forwarded untouched whatever happens here: only this copy is decoded, and
    its decompression stops at ``max_bytes`` of output.
    """
    raw = message.raw_content
    if not raw:
        return None
    return decoded(raw, message.headers.get("content-encoding"), max_bytes)


class Classifier:
    """The call's ``Observation`` (``contracts.observe``); the only place a body is parsed."""

    def __init__(self) -> None:
        self.platform: Platform | None = None
        self.max_parse_bytes = DEFAULT_MAX_PARSE_BYTES

    @property
    def pack(self) -> RulePack | None:
        """The rules of the platform pack in use (the policy reads them from here)."""
        return self.platform.rules if self.platform else None

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_rules",
            str,
            DEFAULT_PACK,
            "The platform pack that classifies calls: a pack name from contracts/packs/ "
            f"(default {DEFAULT_PACK}) or a pack folder. Its spec matches the calls and its "
            "auth header carries the apps' tokens.",
        )
        loader.add_option(
            "miready_max_parse_bytes",
            int,
            DEFAULT_MAX_PARSE_BYTES,
            "Request bodies larger than this many bytes, before or after decompression, are "
            "forwarded untouched without being parsed for parameter names.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_rules" in updated or self.platform is None:
            name = ctx.options.miready_rules or DEFAULT_PACK
            try:
                self.platform = Platform.of(load_pack(name))
            except ContractError as e:
                raise exceptions.OptionsError(f"miready_rules={name!r}: {e}") from e
        if "miready_max_parse_bytes" in updated:
            value = ctx.options.miready_max_parse_bytes
            if value < 0:
                raise exceptions.OptionsError(f"miready_max_parse_bytes={value}: must be >= 0")
            self.max_parse_bytes = value

    def request(self, flow: http.HTTPFlow) -> None:
        state = call_state(flow)
        if state is None or state.internal or self.platform is None:
            return
        request = flow.request
        state.observation = observe_request(
            state.method,
            request.url,
            {k.lower(): v for k, v in request.headers.items()},
            request_content(request, self.max_parse_bytes),
            state.at,
            self.platform,
        )
