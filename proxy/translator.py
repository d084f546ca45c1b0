"""``translate``: serve legacy order-level calls through the fulfillment-order API of the store.

Each legacy endpoint of ``contracts/mapping.yaml`` names an *action*; the action makes the new
calls itself (list the FOs, act on the FIRST one, read the order back) and answers the app in the
legacy shape, so a legacy app keeps working against a store whose legacy endpoints are gone.
Order reads get their legacy ``shipping_*`` fields back when the store leaves them out.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
from miready.contracts import compat
from miready.contracts.mapping import Mapping, default_mapping
from miready.contracts.spec import default_operations
from miready.proxy.flowstate import CallState, call_state
from miready.proxy.upstream import UpstreamClient, UpstreamResponse, base_url, forwarded_headers
from mitmproxy import ctx, http

logger = logging.getLogger(__name__)

TRANSLATED_HEADER = "Miready-Translated"
ORDER_READS = frozenset({"GET /orders/{order_id}", "GET /orders"})
SIDE_CALL_TIMEOUT = 15.0


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any


class UpstreamFailed(Exception):
    """A side call got a non-2xx answer; the app gets that answer as the store gave it."""

    def __init__(self, response: UpstreamResponse) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass(slots=True)
class LegacyCall:
    """One legacy call being translated, with the means to make calls on the app's behalf."""

    client: UpstreamClient
    store_base: str  # http://host:port/v1/<store_id>
    headers: dict[str, str]
    path_params: dict[str, str]
    body: Any

    @property
    def order_path(self) -> str:
        return f"/orders/{quote(self.path_params['order_id'], safe='')}"

    async def call(self, method: str, path: str, json_body: Any = None) -> Any:
        resp = await self.client.call(
            method,
            self.store_base + path,
            headers=self.headers,
            json_body=json_body,
            timeout=SIDE_CALL_TIMEOUT,
        )
        if not 200 <= resp.status < 300:
            raise UpstreamFailed(resp)
        return resp.body

    async def first_fo(self) -> dict[str, Any]:
        fos = await self.call("GET", f"{self.order_path}/fulfillment-orders")
        fo = compat.first_fulfillment_order(fos if isinstance(fos, list) else [])
        if fo is None:
            raise NoFulfillmentOrder()
        return fo

    def fo_path(self, fo: dict[str, Any]) -> str:
        return f"{self.order_path}/fulfillment-orders/{quote(str(fo['id']), safe='')}"

    async def legacy_order(self) -> dict[str, Any]:
        order, fos = await asyncio.gather(
            self.call("GET", self.order_path),
            self.call("GET", f"{self.order_path}/fulfillment-orders"),
        )
        return compat.legacy_order_view(order, fos if isinstance(fos, list) else [])


class NoFulfillmentOrder(Exception):
    """The order has no fulfillment order to act on."""


Action = Callable[[LegacyCall], Awaitable[Answer]]
ACTIONS: dict[str, Action] = {}


def action(func: Action) -> Action:
    """Register a translation under its function name, the ``action`` of a mapping row."""
    ACTIONS[func.__name__] = func
    return func


def _legacy_body(call: LegacyCall) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


@action
async def pack(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    await call.call("PATCH", call.fo_path(fo), compat.pack_as_fo_patch(_legacy_body(call)))
    return Answer(200, await call.legacy_order())


@action
async def fulfill(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    await call.call("PATCH", call.fo_path(fo), compat.fulfill_as_fo_patch(_legacy_body(call)))
    return Answer(200, await call.legacy_order())


@action
async def create_event(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    event = compat.legacy_event_as_tracking_event(_legacy_body(call))
    created = await call.call("POST", call.fo_path(fo) + "/tracking-events", event)
    return Answer(201, compat.tracking_event_as_legacy_event(created or {}))


@action
async def list_events(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    events = await call.call("GET", call.fo_path(fo) + "/tracking-events")
    return Answer(200, [compat.tracking_event_as_legacy_event(te) for te in events or []])


def _event_path(call: LegacyCall, fo: dict[str, Any]) -> str:
    event_id = quote(call.path_params["fulfillment_id"], safe="")
    return f"{call.fo_path(fo)}/tracking-events/{event_id}"


@action
async def get_event(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    event = await call.call("GET", _event_path(call, fo))
    return Answer(200, compat.tracking_event_as_legacy_event(event or {}))


@action
async def delete_event(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    await call.call("DELETE", _event_path(call, fo))
    return Answer(200, {})


def _error(status: int, message: str, description: str) -> Answer:
    return Answer(status, {"code": status, "message": message, "description": description})


def _json_response(answer: Answer, replacement: str | None = None) -> http.Response:
    headers = {"Content-Type": "application/json"}
    if replacement:
        headers[TRANSLATED_HEADER] = replacement
    return http.Response.make(answer.status, json.dumps(answer.body), headers)


class Translator:
    """Under ``translate``: legacy calls answered through the FO API, order reads made legacy."""

    def __init__(
        self, client: UpstreamClient | None = None, mapping: Mapping | None = None
    ) -> None:
        self.client = client or UpstreamClient()
        self.mapping = mapping or default_mapping()
        missing = {e.action for e in self.mapping.endpoints} - set(ACTIONS)
        if missing:
            raise ValueError(f"mapping actions without a translation: {sorted(missing)}")
        # Top-level legacy fields of the order view; shipping_status stays in the current API.
        tops = {f.legacy.split(".")[0] for f in self.mapping.view_fields()} - {"shipping_status"}
        self._legacy_tops = tuple(sorted(tops))

    def _active(self) -> bool:
        return ctx.options.miready_policy == "translate"

    def _legacy_call(self, flow: http.HTTPFlow, state: CallState) -> LegacyCall:
        assert state.match is not None
        prefix = default_operations().prefix.replace("{store_id}", state.match.store_id or "")
        return LegacyCall(
            client=self.client,
            store_base=base_url(flow) + prefix,
            headers=forwarded_headers(flow),
            path_params=state.match.path_params,
            body=state.body,
        )

    async def request(self, flow: http.HTTPFlow) -> None:
        if flow.response is not None or not self._active():
            return
        state = call_state(flow)
        if state is None or state.internal or state.match is None:
            return
        row = self.mapping.endpoint(state.match.operation.endpoint)
        if row is None:
            return
        state.action = "translated"
        try:
            answer = await ACTIONS[row.action](self._legacy_call(flow, state))
        except UpstreamFailed as e:
            flow.response = http.Response.make(
                e.response.status,
                e.response.content,
                {"Content-Type": e.response.content_type or "application/json"},
            )
            return
        except NoFulfillmentOrder:
            answer = _error(422, "Unprocessable Entity", "The order has no fulfillment order yet")
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
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
        if state.match.operation.endpoint not in ORDER_READS:
            return
        try:
            payload = json.loads(flow.response.get_content(strict=False) or b"")
        except ValueError:
            return
        orders = payload if isinstance(payload, list) else [payload]
        if not orders or not all(isinstance(o, dict) and "id" in o for o in orders):
            return
        if all(any(top in o for top in self._legacy_tops) for o in orders):
            return  # the store still serves the legacy view
        call = self._legacy_call(flow, state)
        try:
            views = await asyncio.gather(*(self._with_legacy_fields(call, o) for o in orders))
        except (UpstreamFailed, aiohttp.ClientError, TimeoutError, OSError) as e:
            logger.warning("translate: cannot read fulfillment orders to add legacy fields: %s", e)
            return
        state.action = "translated"
        flow.response.set_content(
            json.dumps(views if isinstance(payload, list) else views[0]).encode()
        )
        flow.response.headers["Content-Type"] = "application/json"
        flow.response.headers[TRANSLATED_HEADER] = "GET /orders/{order_id}/fulfillment-orders"

    async def _with_legacy_fields(self, call: LegacyCall, order: dict[str, Any]) -> dict[str, Any]:
        if any(top in order for top in self._legacy_tops):
            return order
        fos = await call.call(
            "GET", f"/orders/{quote(str(order['id']), safe='')}/fulfillment-orders"
        )
        return compat.legacy_order_view(order, fos if isinstance(fos, list) else [])

    async def done(self) -> None:
        await self.client.close()
