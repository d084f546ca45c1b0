"""``translate``: the addon serving legacy calls through the new API of the store.

Each legacy endpoint of the pack's ``mapping.yaml`` names an action (``proxy.legacy_actions``),
so a legacy app keeps working against a store whose legacy endpoints are gone. Reads listed in
``legacy_views`` get their legacy fields back when the store leaves them out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from miready.contracts import compat
from miready.contracts.pack import PlatformPack, load_pack
from miready.proxy.flowstate import CallState, call_state
from miready.proxy.legacy_actions import (
    ACTIONS,
    Answer,
    LegacyCall,
    NoFulfillmentOrder,
    UpstreamFailed,
    fill,
)
from miready.proxy.upstream import UpstreamClient, base_url, forwarded_headers
from mitmproxy import ctx, http

logger = logging.getLogger(__name__)

TRANSLATED_HEADER = "Miready-Translated"


def _error(status: int, message: str, description: str) -> Answer:
    return Answer(status, {"code": status, "message": message, "description": description})


def _json_response(answer: Answer, replacement: str | None = None) -> http.Response:
    headers = {"Content-Type": "application/json"}
    if replacement:
        headers[TRANSLATED_HEADER] = replacement
    return http.Response.make(answer.status, json.dumps(answer.body), headers)


class Translator:
    """Under ``translate``: legacy calls answered through the new API, legacy views restored."""

    def __init__(self, client: UpstreamClient | None = None) -> None:
        self.client = client or UpstreamClient()

    @property
    def pack(self) -> PlatformPack:
        # The classifier's option names the pack; loading is cached per folder.
        return load_pack(ctx.options.miready_rules or None)

    def configure(self, updated: set[str]) -> None:
        if "miready_rules" not in updated:
            return
        mapping = self.pack.mapping
        missing = {e.action for e in mapping.endpoints} - set(ACTIONS)
        if missing:
            raise ValueError(f"mapping actions without a translation: {sorted(missing)}")

    def _legacy_tops(self) -> tuple[str, ...]:
        # Top-level legacy fields of the view; shipping_status stays in the current API.
        tops = {f.legacy.split(".")[0] for f in self.pack.mapping.view_fields()}
        return tuple(sorted(tops - {"shipping_status"}))

    def _active(self) -> bool:
        return ctx.options.miready_policy == "translate"

    def _legacy_call(self, flow: http.HTTPFlow, state: CallState, row: Any = None) -> LegacyCall:
        assert state.match is not None
        pack = self.pack
        prefix = pack.operations.prefix.replace("{store_id}", state.match.store_id or "")
        return LegacyCall(
            client=self.client,
            store_base=base_url(flow) + prefix,
            headers=forwarded_headers(flow),
            path_params=state.match.path_params,
            body=state.body,
            mapping=pack.mapping,
            row=row,
        )

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or not self._active():
            return
        state = call_state(flow)
        if state is None or state.internal or state.match is None:
            return
        row = self.pack.mapping.endpoint(state.match.operation.endpoint)
        if row is None:
            return
        state.action = "translated"
        try:
            answer = await ACTIONS[row.action](self._legacy_call(flow, state, row))
        except UpstreamFailed as e:
            flow.response = http.Response.make(
                e.response.status,
                e.response.content,
                {"Content-Type": e.response.content_type or "application/json"},
            )
            return
        except NoFulfillmentOrder:
            answer = _error(422, "Unprocessable Entity", "The order has no fulfillment order yet")
        except (TimeoutError, OSError) as e:
            logger.warning("translate %s: the store is unreachable: %s", row.legacy, e)
            answer = _error(
                502, "Bad Gateway", f"the store did not answer: {e or type(e).__name__}"
            )
        flow.response = _json_response(answer, row.replacement)

    async def response(self, flow: http.HTTPFlow) -> None:
        if not self._active() or flow.response is None or flow.response.status_code != 200:
            return
        state = call_state(flow)
        if state is None or state.internal or state.match is None or state.action == "translated":
            return
        mapping = self.pack.mapping
        if state.match.operation.endpoint not in mapping.legacy_views or not mapping.first_fo_list:
            return
        try:
            payload = json.loads(flow.response.get_content(strict=False) or b"")
        except ValueError:
            return
        orders = payload if isinstance(payload, list) else [payload]
        if not orders or not all(isinstance(o, dict) and "id" in o for o in orders):
            return
        tops = self._legacy_tops()
        if all(any(top in o for top in tops) for o in orders):
            return  # the store still serves the legacy view
        call = self._legacy_call(flow, state)
        try:
            views = await asyncio.gather(*(self._with_legacy_fields(call, o, tops) for o in orders))
        except (UpstreamFailed, TimeoutError, OSError) as e:
            logger.warning("translate: cannot read fulfillment orders to add legacy fields: %s", e)
            return
        state.action = "translated"
        flow.response.set_content(
            json.dumps(views if isinstance(payload, list) else views[0]).encode()
        )
        flow.response.headers["Content-Type"] = "application/json"
        flow.response.headers[TRANSLATED_HEADER] = mapping.first_fo_list

    async def _with_legacy_fields(
        self, call: LegacyCall, order: dict[str, Any], tops: tuple[str, ...]
    ) -> dict[str, Any]:
        if any(top in order for top in tops):
            return order
        assert call.mapping.first_fo_list is not None
        fos = await call.call("GET", fill(call.mapping.first_fo_list, {}, [str(order["id"])])[1])
        return compat.legacy_order_view(order, fos if isinstance(fos, list) else [], call.mapping)

    async def done(self) -> None:
        await self.client.close()
